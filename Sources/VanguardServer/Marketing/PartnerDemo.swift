import Fluent
import Foundation
import Vapor
import VanguardCore

/// The partners and online channels of `serve --demo` (MKT-3, MKT-5): four partners (an ad agency,
/// a media outlet, an event organiser, a KOL agency) with contacts and engagements, some finished
/// and rated; five channel accounts; about 25 posts over last month and this one, in every status.
enum MarketingPartnerDemo {
    static func seed(_ app: Application) async throws {
        let db = app.db
        guard try await Partner.query(on: db).withDeleted().count() == 0,
              let promotion = try await PromotionGroup.id(on: db) else { return }
        let people = try await Member.query(on: db).filter(\.$group.$id == promotion).sort(\.$employeeNo).all().compactMap(\.id)
        guard !people.isEmpty else { return }
        let now = app.clock.now()
        let today = CivilDate.on(now)
        @Sendable func owner(_ i: Int) -> UUID { people[i % people.count] }
        @Sendable func day(_ offset: Int) -> String { SalesCalendar.date(dayNumber: SalesCalendar.dayNumber(today) + offset).description }

        typealias Engagement = (title: String, start: Int, end: Int, yuan: Int64, status: EngagementStatus, rating: Int?, comment: String)
        let partners: [(PartnerKind, String, String?, [(String, String, String, String)], [Engagement])] = [
            (.adAgency, "厦门鹭岛广告有限公司", "https://ludao-ad.example.cn",
             [("黄志明", "客户总监", "13906001234", "huang.zm@ludao-ad.example.cn"), ("许婷", "媒介策划", "13959201188", "xu.ting@ludao-ad.example.cn")],
             [("春季新品线上投放", -70, -40, 180_000, .finished, 4, "排期准时，素材迭代稍慢"),
              ("百度搜索托管（季度）", -30, 60, 90_000, .active, nil, ""),
              ("年终促销整合投放", 20, 50, 150_000, .planned, nil, "")]),
            (.media, "海峡都市报广告部", "https://hxdsb.example.cn",
             [("陈丽华", "广告部主任", "13805912345", "chen.lh@hxdsb.example.cn")],
             [("行业特刊半版", -55, -55, 36_000, .finished, 5, "版面位置好，带来两条询盘"),
              ("国庆专版软文", -5, 3, 28_000, .active, nil, "")]),
            (.eventOrganiser, "福州鼓岭会展服务有限公司", nil,
             [("林建", "项目经理", "13600871234", "lin.jian@guling-expo.example.cn"), ("吴颖", "现场执行", "13799012345", "")],
             [("秋季客户答谢会", -45, -44, 68_000, .finished, 3, "现场物料晚到半小时"),
              ("新品发布会（厦门站）", 25, 25, 120_000, .planned, nil, "")]),
            (.kol, "星芒达人营销机构", "https://xingmang.example.cn",
             [("郑雨", "商务经理", "18650012345", "zheng.yu@xingmang.example.cn")],
             [("小红书达人种草（10 位）", -60, -30, 45_000, .finished, 5, "笔记互动远超预期"),
              ("抖音直播带货试水", -10, 20, 60_000, .active, nil, "")]),
        ]
        let accounts: [(String, String, String, String?, Int?)] = [
            ("website", "先锋科技官网", "www.xianfeng.example.cn", "https://www.xianfeng.example.cn", nil),
            ("wechat", "先锋科技服务号", "xianfeng_tech", "https://mp.weixin.qq.com/xianfeng", 18_640),
            ("weibo", "先锋科技官方微博", "@先锋科技", "https://weibo.com/xianfengtech", 9_215),
            ("douyin", "先锋科技抖音号", "xianfeng2026", "https://www.douyin.com/user/xianfeng", 32_870),
            ("xiaohongshu", "先锋科技小红书", "先锋生活家", "https://www.xiaohongshu.com/user/xianfeng", 5_406),
        ]
        let titles = [
            "新品上市：智能净水器 X3", "客户案例：漳州海韵食品", "售后服务升级说明", "客户关怀：季度回访", "节假日服务安排", "行业展会回顾",
            "工程师讲解：滤芯何时更换", "用户问答第 12 期", "老客户推荐有礼", "工厂开放日报名", "年终促销预告", "节能小知识",
            "团队风采：售后服务部", "产品对比：X3 与 X2", "视频：三分钟安装演示", "合作伙伴访谈", "质量体系认证通过", "招聘：区域销售经理",
            "换季使用提示", "经销商大会回顾", "新版官网上线", "客户满意度调查结果", "直播预告：新品体验", "环保包装改造", "年末促销活动规则",
        ]
        try await db.writeTransaction { db in
            var rng = SplitMix64(seed: 23)
            for (i, (kind, name, website, contacts, engagements)) in partners.enumerated() {
                let p = PartnerService.new(owner: owner(i + 1))
                p.kind = kind.rawValue; p.name = name; p.website = website
                p.notes = kind == .media ? "刊例价每年一月更新。" : ""
                try await p.create(on: db)
                for (name, title, mobile, email) in contacts {
                    let c = PartnerContactService.new(partner: p.id!)
                    c.name = name; c.title = title; c.mobile = mobile; c.email = email.isEmpty ? nil : email
                    try await c.create(on: db)
                }
                for e in engagements {
                    let x = PartnerEngagementService.new(partner: p.id!)
                    x.title = e.title; x.startOn = day(e.start); x.endOn = day(e.end); x.agreedAmountFen = e.yuan * 100
                    x.status = e.status.rawValue; x.rating = e.rating; x.ratingComment = e.comment
                    try await x.create(on: db)
                }
            }
            var accountIds: [UUID] = []
            for (i, (channel, name, handle, url, followers)) in accounts.enumerated() {
                let a = ChannelAccountService.new(owner: owner(i))
                a.channel = channel; a.name = name; a.handle = handle; a.url = url; a.followers = followers
                try await a.create(on: db)
                accountIds.append(a.id!)
            }
            // Last month's posts are out; this month's run from published to the ideas not yet placed.
            let statuses: [PostStatus] = [.published, .published, .published, .published, .published, .published, .published, .published, .published, .published,
                                          .published, .published, .scheduled, .scheduled, .scheduled, .scheduled, .review, .review, .review,
                                          .draft, .draft, .draft, .idea, .idea, .idea]
            for (i, title) in titles.enumerated() {
                let status = statuses[i]
                let p = ContentPostService.new(owner: owner(i))
                p.title = title
                p.body = "要点：" + title + "。配图 3 张，结尾引导关注服务号。"
                p.status = status.rawValue
                let hour = Double([9, 12, 18, 20][i % 4]) * 3_600
                let midnight = today.chinaMidnight
                switch status {
                case .published:
                    // Spread over the last five weeks, before now.
                    let at = midnight.addingTimeInterval(-Double(2 + i * 3) * 86_400 + hour)
                    p.channelAccountId = accountIds[i % accountIds.count]; p.scheduledAt = at; p.publishedAt = at
                    p.link = "https://mp.weixin.qq.com/s/demo\(1000 + i)"
                    let views = 800 + Int(rng.next() % 9_000)
                    p.figures = PostFigures(views: views, likes: views / (20 + i % 7), comments: views / 180, shares: views / 90, clicks: views / 12)
                case .scheduled, .review:
                    p.channelAccountId = accountIds[(i + 1) % accountIds.count]
                    p.scheduledAt = midnight.addingTimeInterval(Double(status == .scheduled ? i - 11 : i - 14) * 86_400 + hour)
                case .draft:
                    p.channelAccountId = i % 2 == 0 ? accountIds[i % accountIds.count] : nil
                    p.scheduledAt = i % 2 == 0 ? midnight.addingTimeInterval(6 * 86_400 + hour) : nil
                case .idea:
                    break
                }
                p.calendarKey = ContentPost.key(p.calendarAt)
                try await p.create(on: db)
            }
        }
        app.logger.info("Demo marketing partners and content loaded: 4 partners, 5 channel accounts, 25 posts.")
    }
}
