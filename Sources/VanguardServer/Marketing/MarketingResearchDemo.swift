import Fluent
import Foundation
import Vapor
import VanguardCore

/// The market research side of `serve --demo` (issue 6, items 1 and 2): three competitors of the
/// demo company with their products and prices, a quarter of their moves (one a price cut of
/// more than 10 %, which the risk scan turns into a warning), and research notes.
enum MarketingResearchDemo {
    struct Seed: Sendable { var name: String; var segment: String; var website: String; var notes: String; var products: [(String, Int64)] }

    static func seed(_ app: Application) async throws {
        let db = app.db
        guard try await Competitor.query(on: db).withDeleted().count() == 0 else { return }
        let promotion = try await PromotionGroup.id(on: db)
        let watchers = try await Member.query(on: db).filter(\.$group.$id == promotion).sort(\.$employeeNo).all().compactMap(\.id)
        guard !watchers.isEmpty else { return }
        let now = app.clock.now()
        let today = CivilDate.on(now)
        let seeds: [Seed] = [
            Seed(name: "无锡精工数控机床有限公司", segment: "中端数控机床", website: "https://www.jinggong-cnc.example",
                 notes: "华东市场主要对手，价格敏感型客户多，渠道以经销商为主。", products: [("JG-VMC850 立式加工中心", 168_000), ("JG-CK6150 数控车床", 98_000)]),
            Seed(name: "深圳迈驰机器人科技有限公司", segment: "工业机器人", website: "https://www.maichi-robot.example",
                 notes: "六轴机器人出货量增长快，擅长线上营销和行业展会。", products: [("MC-R6 六轴机器人", 92_000), ("MC-SCARA400 SCARA 机器人", 45_000)]),
            Seed(name: "杭州恒准智能装备股份有限公司", segment: "数控系统与自动化产线", website: "https://www.hengzhun.example",
                 notes: "控制系统自研，主打整线交付和年度维保套餐。", products: [("HZ-NC10 数控系统", 35_000), ("HZ-CARE 年度维保", 16_000)]),
        ]
        try await db.writeTransaction { db in
            func day(_ daysAgo: Int) -> String { SalesCalendar.adding(days: -daysAgo, to: today).description }
            func watcher(_ i: Int) -> UUID { watchers[min(i, watchers.count - 1)] }
            var competitors: [Competitor] = []
            var products: [String: CompetitorProduct] = [:]
            for (i, s) in seeds.enumerated() {
                let c = CompetitorService.new()
                c.name = s.name; c.segment = s.segment; c.website = s.website; c.notes = s.notes; c.ownerMemberId = watcher(i + 1)
                try await c.create(on: db)
                competitors.append(c)
                for (name, yuan) in s.products {
                    let p = CompetitorService.newProduct(of: c)
                    p.name = name; p.priceFen = yuan * 100
                    try await p.create(on: db)
                    products[name] = p
                }
            }
            let (jg, mc, hz) = (competitors[0], competitors[1], competitors[2])
            // (competitor, kind, days ago, title, details, product, old yuan, new yuan)
            let events: [(Competitor, CompetitorEventKind, Int, String, String, String?, Int64?, Int64?)] = [
                (jg, .news, 84, "精工数控获评省级专精特新企业", "当地媒体报道，预计将获得技改补贴。", nil, nil, nil),
                (mc, .launch, 76, "迈驰发布 MC-SCARA400 新款", "重复定位精度 ±0.01mm，主打 3C 装配。", "MC-SCARA400 SCARA 机器人", nil, nil),
                (hz, .campaign, 63, "恒准推出“以旧换新”维保套餐", "老客户升级数控系统可抵扣 20% 维保费用。", "HZ-CARE 年度维保", nil, nil),
                (jg, .priceChange, 55, "JG-CK6150 小幅调价", "经销商反馈，旺季前调整。", "JG-CK6150 数控车床", 98_000, 95_000),
                (mc, .campaign, 41, "迈驰参加华南工博会", "展位面积较去年翻倍，现场签约优惠。", nil, nil, nil),
                (hz, .news, 33, "恒准完成新一轮融资", "融资 2 亿元，用于产线自动化研发。", nil, nil, nil),
                (mc, .priceChange, 26, "MC-R6 六轴机器人降价", "官网和经销商同步降价，称为“年中让利”。", "MC-R6 六轴机器人", 92_000, 79_800),
                (jg, .launch, 18, "精工发布五轴加工中心 JG-5X", "首次进入五轴市场，定价未公布。", "JG-5X 五轴加工中心", nil, nil),
                (hz, .priceChange, 9, "HZ-NC10 数控系统调价", "对批量采购客户给予小幅优惠。", "HZ-NC10 数控系统", 35_000, 33_500),
                (jg, .campaign, 4, "精工开展线上直播促销", "每周直播讲解机床选型，引导留资。", nil, nil, nil),
            ]
            for (c, kind, ago, title, details, product, old, new) in events {
                let e = CompetitorEvent()
                e.competitorId = c.id!; e.kind = kind.rawValue; e.occurredOn = day(ago); e.title = title; e.details = details
                e.sourceUrl = c.website + "/news"; e.productName = product ?? ""; e.productId = product.flatMap { products[$0]?.id }
                e.oldPriceFen = old.map { $0 * 100 }; e.newPriceFen = new.map { $0 * 100 }; e.recordedBy = c.ownerMemberId; e.version = 1
                try await e.create(on: db)
                if let p = product.flatMap({ products[$0] }), let price = e.newPriceFen {
                    p.priceFen = price; p.priceOn = e.occurredOn
                    try await p.save(on: db)
                }
            }
            let notes: [(Int, String, String, [String], [String], Competitor?)] = [
                (80, "华东地区数控机床需求调研", "汽车零部件和模具企业更新设备意愿强，关注交期和售后响应。", ["数控机床", "华东", "需求"], ["https://www.stats.example/2026/machinery", "走访 12 家客户"], nil),
                (70, "迈驰机器人渠道策略分析", "迈驰以线上获客为主，展会签约占比约三成。我们在行业展会上的投入偏少。", ["机器人", "渠道", "展会"], ["https://www.maichi-robot.example/news", "经销商访谈"], mc),
                (61, "客户对维保套餐的价格敏感度", "老客户更看重响应时间，愿为 4 小时到场支付溢价。", ["维保", "价格", "客户需求"], ["客户满意度回访记录"], hz),
                (50, "五轴加工中心市场趋势", "五轴设备国产替代加速，中端价格带下探到 60 万元以内。", ["五轴", "趋势", "国产替代"], ["https://www.industry-report.example/5axis-2026"], jg),
                (38, "华南工博会观察", "参展商普遍主打“整线交付”，单机展示减少；机器人展位人流最多。", ["展会", "华南", "机器人"], ["展会现场记录", "https://www.expo.example/2026"], mc),
                (24, "MC-R6 降价对在谈商机的影响", "3 个在谈商机客户提到迈驰降价，建议对 A6 机器人提供配套培训包而非直接降价。", ["价格战", "机器人", "商机"], ["销售周会记录"], mc),
                (12, "线上直播获客效果对比", "对手直播每场留资约 40 条，我们的公众号文章留资约 15 条。", ["线上", "获客", "直播"], ["https://live.example/jinggong", "市场部数据"], jg),
                (3, "数控系统国产化政策梳理", "多地对国产数控系统给予采购补贴，可作为控制系统 X1 的卖点。", ["政策", "数控系统"], ["https://www.gov.example/policy/cnc"], hz),
            ]
            for (i, (ago, title, findings, tags, sources, competitor)) in notes.enumerated() {
                let n = ResearchNoteService.new(author: watcher(i % 3 + 1))
                n.title = title; n.observedOn = day(ago); n.findings = findings; n.sources = sources.joined(separator: "\n")
                n.tags = tags.joined(separator: ","); n.tagsKey = ResearchTags.stored(tags); n.competitorId = competitor?.id
                try await n.create(on: db)
            }
            try await Audit.system(.create, "demo", id: nil, label: "market research demo: 3 competitors, 10 events, 8 notes", after: nil, at: now, on: db)
        }
        // The rules read the quarter's price changes: the MC-R6 cut (13.3 %) becomes a warning.
        let raised = try await RiskScan.run(app, now: now)
        app.logger.info("Demo market research loaded: 3 competitors, 10 events, 8 research notes, \(raised.count) risk warnings.")
    }
}
