import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The campaigns of `serve --demo` (issue 6, item 9): a quarter of them in every status, with
/// activities, spend (one exhibition paid partly in US dollars), daily figures from the online
/// channels, leads among the demo's prospects and the won deals they brought.
enum CampaignDemo {
    struct Plan {
        var name: String
        var type: CampaignType
        var status: CampaignStatus
        /// Start, in days from today; the length in days.
        var startIn: Int
        var days: Int
        var budgetYuan: Int64
        var channels: [String]
        var goal: (GoalMetric, Int64)
        var slug: String
        var lessons: String = ""
    }

    static let plans: [Plan] = [
        Plan(name: "春季新品发布会", type: .productLaunch, status: .evaluated, startIn: -80, days: 2, budgetYuan: 120_000, channels: ["offline", "wechat", "media"],
             goal: (.leads, 120), slug: "spring-launch", lessons: "现场演示带来的线索转化最好；媒体稿件发布晚了一周，下次提前排期。"),
        Plan(name: "百度搜索推广（一季度）", type: .onlineAds, status: .evaluated, startIn: -75, days: 45, budgetYuan: 60_000, channels: ["baidu", "website"],
             goal: (.leads, 150), slug: "baidu-q1", lessons: "品牌词成本低、转化高；泛行业词点击多但线索少，已下调出价。"),
        Plan(name: "上海国际工业博览会", type: .exhibition, status: .finished, startIn: -40, days: 4, budgetYuan: 260_000, channels: ["offline", "wechat"],
             goal: (.leads, 300), slug: "ciif-shanghai"),
        Plan(name: "抖音短视频种草", type: .content, status: .finished, startIn: -35, days: 28, budgetYuan: 45_000, channels: ["douyin", "xiaohongshu"],
             goal: (.visits, 20_000), slug: "douyin-seeding"),
        Plan(name: "老客户以旧换新促销", type: .promotion, status: .running, startIn: -14, days: 30, budgetYuan: 30_000, channels: ["email", "wechat"],
             goal: (.wins, 10), slug: "trade-in"),
        Plan(name: "行业白皮书发布（公关）", type: .publicRelations, status: .running, startIn: -7, days: 21, budgetYuan: 18_000, channels: ["media", "weibo", "website"],
             goal: (.impressions, 500_000), slug: "whitepaper"),
        Plan(name: "深圳智能制造展", type: .exhibition, status: .approved, startIn: 20, days: 3, budgetYuan: 150_000, channels: ["offline"],
             goal: (.leads, 200), slug: "shenzhen-expo"),
        Plan(name: "微信公众号年度内容计划", type: .content, status: .submitted, startIn: 10, days: 90, budgetYuan: 24_000, channels: ["wechat"],
             goal: (.visits, 50_000), slug: "wechat-annual"),
        Plan(name: "经销商大会（筹备中）", type: .offlineEvent, status: .draft, startIn: 45, days: 1, budgetYuan: 80_000, channels: ["offline"],
             goal: (.opportunities, 30), slug: "dealer-meeting"),
    ]

    static func load(_ app: Application, seed: UInt64 = 23) async throws {
        let db = app.db
        guard try await Campaign.query(on: db).withDeleted().count() == 0,
              let promotion = try await PromotionGroup.id(on: db) else { return }
        let planners = try await Member.query(on: db).filter(\.$group.$id == promotion).sort(\.$employeeNo).all()
        guard !planners.isEmpty else { return }
        let approver = try await UserAccount.query(on: db).filter(\.$role == Role.lead.rawValue).first()?.id
        let policy = try await app.policy.current(on: db).effectiveMarketing
        let pipeline = try await app.policy.current(on: db).effectiveSales.pipeline
        let wonStages = pipeline.wonStageKeys
        let prospects = try await Customer.query(on: db).filter(\.$source ~~ [SourceChannel.campaign.rawValue, SourceChannel.tradeShow.rawValue, SourceChannel.website.rawValue])
            .sort(\.$name).all()
        let won = try await Opportunity.query(on: db).filter(\.$stage ~~ wonStages).sort(\.$stageChangedAt).all()
        let partners = try await Partner.query(on: db).sort(\.$name).all().compactMap(\.id)
        let now = app.clock.now()
        let today = CivilDate.on(now)
        @Sendable func day(_ offset: Int) -> CivilDate { SalesCalendar.adding(days: offset, to: today) }
        @Sendable func instant(_ d: CivilDate, hour: Int) -> Date { d.startInChina.addingTimeInterval(Double(hour) * 3600) }
        try await db.writeTransaction { db in
            var rng = SplitMix64(seed: seed)
            func random(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
            var started: [(Campaign, Plan)] = []
            for (i, p) in plans.enumerated() {
                let c = CampaignService.new(owner: planners[i % planners.count].id, now: instant(day(p.startIn - 20), hour: 10))
                c.id = UUID.timeOrdered(); c.name = p.name; c.type = p.type.rawValue; c.status = p.status.rawValue; c.slug = p.slug
                c.code = "C" + day(p.startIn).description.replacingOccurrences(of: "-", with: "").dropFirst(2).prefix(4) + "-" + String(format: "%02d", i + 1)
                c.goalMetric = p.goal.0.rawValue; c.goalTarget = p.goal.1
                c.audience = "华东、华南制造企业的采购与设备负责人"; c.channels = p.channels.joined(separator: ",")
                c.contentPlan = "活动页与报名表、产品演示视频、现场讲解资料、会后跟进邮件。"
                c.budgetFen = p.budgetYuan * 100
                c.startOn = day(p.startIn).description; c.endOn = day(p.startIn + p.days - 1).description
                c.lessons = p.lessons
                c.followUp = p.lessons.isEmpty ? "" : "下次活动前两周完成物料与渠道排期。"
                if p.status != .draft { c.submittedAt = instant(day(p.startIn - 15), hour: 11) }
                if ![.draft, .submitted].contains(p.status) { c.approvedAt = instant(day(p.startIn - 12), hour: 15); c.approvedBy = approver }
                if p.status == .evaluated { c.evaluatedAt = instant(day(p.startIn + p.days + 10), hour: 16) }
                try await c.create(on: db)
                for (k, title) in ["确定预算与渠道排期", "制作物料与落地页", "活动执行", "会后线索跟进与复盘"].enumerated() {
                    let a = CampaignActivity()
                    a.campaignId = c.id!; a.title = title; a.ownerMemberId = c.ownerMemberId; a.notes = ""; a.version = 1
                    let due = day(p.startIn + [-14, -3, 0, p.days + 5][k])
                    a.dueOn = due.description
                    if due < today { a.doneAt = instant(due, hour: 17) }
                    try await a.create(on: db)
                }
                if [.running, .finished, .evaluated].contains(p.status) { started.append((c, p)) }
            }
            // Spend, figures and leads for the campaigns that have run.
            var prospectIndex = 0
            for (c, p) in started {
                let last = min(p.days - 1, -p.startIn)
                let spendShare = p.status == .running ? 0.45 : (p.slug == "ciif-shanghai" ? 1.06 : 0.92)
                let total = Int64(Double(p.budgetYuan * 100) * spendShare)
                for (k, part) in [0.5, 0.3, 0.2].enumerated() {
                    let s = CampaignSpend()
                    s.id = UUID.timeOrdered(); s.campaignId = c.id!; s.spentOn = day(p.startIn + min(last, k * max(1, last / 2))).description
                    s.currency = "CNY"; s.amount = Int64(Double(total) * part); s.cnyFen = s.amount
                    s.note = ["场地与搭建", "广告投放", "物料与差旅"][k]; s.version = 1
                    // The advertising goes through the demo's partners (MKT-5), when there are any.
                    if k == 1, !partners.isEmpty { s.partnerId = partners[random(partners.count)] }
                    if p.slug == "ciif-shanghai" && k == 2 {
                        // The overseas booth partner invoices in US dollars; the rate of the day is on the entry.
                        let rate = ExchangeRate("7.1234")!
                        s.currency = "USD"; s.rate = rate.description; s.amount = Int64(Double(s.cnyFen) / 7.1234)
                        s.cnyFen = Money(fen: s.amount).scaled(by: rate.millionths, dividedBy: 1_000_000)?.fen ?? s.cnyFen
                        s.note = "海外展商合作费（美元）"
                    }
                    try await s.create(on: db)
                }
                if let sql = db as? any SQLDatabase {
                    for offset in 0...max(0, last) {
                        let d = day(p.startIn + offset)
                        for channel in p.channels where policy.effectiveChannels.first(where: { $0.key == channel })?.online == true {
                            let impressions = Int64(2_000 + random(18_000))
                            let clicks = impressions * Int64(1 + random(4)) / 100
                            try await sql.insert(into: CampaignMetrics.table).columns(CampaignMetrics.columns)
                                .values(SQLBind(c.id!), SQLBind(channel), SQLBind(d.description), SQLBind(impressions), SQLBind(clicks),
                                        SQLBind(clicks * 6 / 10), SQLBind(Int64(random(8))), SQLBind(clicks * Int64(150 + random(250))))
                                .run()
                        }
                    }
                }
                // Leads: prospects who met the campaign while it ran.
                let count = min(prospects.count - prospectIndex, p.status == .running ? 6 : 12)
                for k in 0..<max(0, count) {
                    let customer = prospects[prospectIndex + k]
                    let t = CampaignTouch()
                    t.id = UUID.timeOrdered(); t.campaignId = c.id!; t.customerId = customer.id!; t.kind = (k % 3 == 0 ? TouchKind.event : TouchKind.form).rawValue
                    t.utmSource = ["wechat", "baidu", "douyin", nil][k % 4]
                    t.at = instant(day(p.startIn + random(max(1, last + 1))), hour: 9 + random(9)); t.onDay = CivilDate.on(t.at).description
                    t.privacyNoticeVersion = t.kind == TouchKind.form.rawValue ? policy.effectivePrivacyNoticeVersion : nil
                    try await t.create(on: db)
                }
                prospectIndex += max(0, count)
            }
            // Won deals whose customer met a campaign before the win are credited to it.
            for (n, o) in won.enumerated() where n % 3 == 0 {
                guard let (c, _) = started.first(where: { ($0.0.startOn ?? "9") <= CivilDate.on(o.stageChangedAt).description }) else { continue }
                let t = CampaignTouch()
                t.id = UUID.timeOrdered(); t.campaignId = c.id!; t.customerId = o.$customer.id; t.kind = TouchKind.event.rawValue
                t.at = min(o.stageChangedAt.addingTimeInterval(-Double(5 + random(20)) * 86_400), instant(CivilDate(c.startOn!)!, hour: 10))
                t.onDay = CivilDate.on(t.at).description
                try await t.create(on: db)
                try await CampaignAttribution.recordStage(o, from: nil, pipeline: pipeline, at: o.stageChangedAt, on: db)
            }
            try await CampaignRollUps.rebuild(wonStages: wonStages, on: db)
        }
    }
}
