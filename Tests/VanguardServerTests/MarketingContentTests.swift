import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The online channels through HTTP (MKT-3): channel accounts, the content calendar of posts from
/// idea to published with their link and figures, the month view.
@Suite("Marketing online channels and content calendar (MKT-3)")
struct MarketingContentTests {
    /// China time (the test clock starts Monday 2026-09-21 22:13:20 +08:00).
    static func china(_ text: String) -> String { text + "+08:00" }

    func account(_ world: TestWorld, _ token: String, channel: String = "wechat", name: String = "先锋科技服务号") async throws -> ChannelAccountDTO {
        let r = try await world.api(.POST, "/api/v1/channel-accounts", token: token, json: JSONBody(["channel": .string(channel), "name": .string(name), "handle": "xianfeng_tech"]))
        #expect(r.status == .created)
        return try r.json(ChannelAccountDTO.self)
    }

    @Test("MKT-3: channel accounts use the policy pack's channels; followers are a count kept by hand; bad input names its field")
    func channelAccounts() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let a = try await account(world, promo.member.token)
            #expect(a.channelName == "微信" && a.active && a.followers == nil && a.ownerId == promo.member.member)
            let bad = try await world.api(.POST, "/api/v1/channel-accounts", token: promo.member.token,
                                          json: JSONBody(["channel": "myspace", "name": "", "url": "weibo.com/xf", "followers": -3]))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["channel", "name", "url", "followers"])
            let changed = try await world.api(.PATCH, "/api/v1/channel-accounts/\(a.id)", token: promo.member.token,
                                              json: JSONBody(["followers": 12_800, "url": "https://weibo.com/xianfeng"]), headers: [("If-Match", "\"v1\"")])
            #expect(changed.status == .ok && changed.headers.first(name: .eTag) == "\"v2\"")
            #expect(try changed.json(ChannelAccountDTO.self).followers == 12_800)
            #expect(try await world.api(.POST, "/api/v1/channel-accounts", token: team.salesRep.token, json: JSONBody(["channel": "weibo", "name": "私号"])).status == .forbidden)
            let list = try await world.api(.GET, "/api/v1/channel-accounts?channel=wechat", token: team.finance.token).json(PageOf<ChannelAccountDTO>.self)
            #expect(list.items.map(\.id) == [a.id])
            #expect(try await ChannelAccount.query(on: world.db).count() == 1, "nothing half-written")
        }
    }

    @Test("MKT-3: a post goes idea → draft → review → scheduled → published; scheduling needs the account and a future time, publishing its link; the refused move changes nothing")
    func postLifecycle() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let token = promo.member.token
            let a = try await account(world, token)
            let created = try await world.api(.POST, "/api/v1/content-posts", token: token, json: JSONBody(["title": "国庆假期服务安排", "body": "要点：值班电话、发货时间"]))
            #expect(created.status == .created)
            var p = try created.json(ContentPostDTO.self)
            #expect(p.status == "idea" && p.ownerId == promo.member.member)
            let path = "/api/v1/content-posts/\(p.id)"
            for status in ["draft", "review"] {
                p = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": .string(status)])).json(ContentPostDTO.self)
                #expect(p.status == status)
            }
            let skip = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": "published", "link": "https://mp.weixin.qq.com/s/abc"]))
            #expect(skip.status == .conflict && skip.problem?.errors?.first?.code == "moveNotAllowed")
            let bare = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": "scheduled"]))
            #expect(bare.status == .conflict)
            #expect(bare.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(bare.problemFields) == ["status", "channelAccountId", "scheduledAt"])
            let past = try await world.api(.PATCH, path, token: token, json: JSONBody([
                "status": "scheduled", "channelAccountId": .string(a.id.uuidString), "scheduledAt": .string(Self.china("2026-09-21T08:00:00"))]))
            #expect(past.status == .conflict && past.problem?.errors?.first?.code == "scheduledInPast")
            let unchanged = try await world.api(.GET, path, token: token).json(ContentPostDTO.self)
            #expect(unchanged.status == "review" && unchanged.channelAccountId == nil && unchanged.version == p.version, "a refused move writes nothing")

            let early = try await world.api(.PATCH, path, token: token, json: JSONBody(["views": 10]))
            #expect(early.status == .unprocessableEntity && early.problem?.errors?.first?.code == "notPublished")

            let scheduled = try await world.api(.PATCH, path, token: token, json: JSONBody([
                "status": "scheduled", "channelAccountId": .string(a.id.uuidString), "scheduledAt": .string(Self.china("2026-09-30T20:00:00.000"))]),
                                                headers: [("If-Match", "\"v\(p.version)\"")])
            #expect(scheduled.status == .ok)
            p = try scheduled.json(ContentPostDTO.self)
            #expect(p.status == "scheduled" && p.scheduledAt == ISO8601DateFormatter().date(from: Self.china("2026-09-30T20:00:00")))
            let noLink = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": "published", "link": "mp.weixin.qq.com/s/abc"]))
            #expect(noLink.status == .unprocessableEntity && noLink.problemFields == ["link"])
            world.clock.advance(by: 9 * 86_400)
            let published = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": "published", "link": "https://mp.weixin.qq.com/s/abc"]))
            #expect(published.status == .ok)
            p = try published.json(ContentPostDTO.self)
            #expect(p.status == "published" && abs((p.publishedAt ?? .distantPast).timeIntervalSince(world.clock.now())) < 1)
            let figures = try await world.api(.PATCH, path, token: token, json: JSONBody(["views": 5_230, "likes": 96, "comments": 12, "shares": 41, "clicks": 380]))
            #expect(figures.status == .ok)
            p = try figures.json(ContentPostDTO.self)
            #expect(p.views == 5_230 && p.engagementRate == 2.8)
            let negative = try await world.api(.PATCH, path, token: token, json: JSONBody(["likes": -1, "shares": 3_000_000_000]))
            #expect(negative.status == .unprocessableEntity && Set(negative.problemFields) == ["likes", "shares"])
            let back = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": "draft"]))
            #expect(back.status == .conflict, "a published post stays on the record")
            let cleared = try await world.api(.PATCH, path, token: token, json: JSONBody(["link": nil]))
            #expect(cleared.status == .unprocessableEntity && cleared.problemFields == ["link"], "a published post keeps its link")
            let badTime = try await world.api(.PATCH, path, token: token, json: JSONBody(["scheduledAt": "next Tuesday"]))
            #expect(badTime.status == .unprocessableEntity && badTime.problemFields == ["scheduledAt"])
            let history = try await AuditEvent.query(on: world.db).filter(\.$entityType == "contentPost").filter(\.$entityId == p.id).count()
            #expect(history == 6, "create, draft, review, scheduled, published, figures")
        }
    }

    @Test("MKT-3: the month view places each post on its China day in whole weeks from Monday; the list filters by status and account and pages")
    func calendarAndList() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let token = promo.member.token
            let wechat = try await account(world, token)
            let weibo = try await account(world, token, channel: "weibo", name: "先锋科技微博")
            func post(_ title: String, _ account: ChannelAccountDTO, at: String) async throws -> ContentPostDTO {
                let p = try await world.api(.POST, "/api/v1/content-posts", token: token, json: JSONBody(["title": .string(title)])).json(ContentPostDTO.self)
                let path = "/api/v1/content-posts/\(p.id)"
                for s in ["draft", "review"] { _ = try await world.api(.PATCH, path, token: token, json: JSONBody(["status": .string(s)])) }
                let r = try await world.api(.PATCH, path, token: token, json: JSONBody([
                    "status": "scheduled", "channelAccountId": .string(account.id.uuidString), "scheduledAt": .string(Self.china(at))]))
                #expect(r.status == .ok)
                return try r.json(ContentPostDTO.self)
            }
            // 00:30 on 1 October in China is still 30 September in UTC: the calendar uses China days.
            let national = try await post("国庆快乐", wechat, at: "2026-10-01T00:30:00")
            let tips = try await post("节前发货提醒", weibo, at: "2026-09-28T12:00:00")
            _ = try await world.api(.POST, "/api/v1/content-posts", token: token, json: JSONBody(["title": "未排期的选题"]))
            let october = try await world.api(.GET, "/api/v1/content-posts/calendar?month=2026-10", token: team.hr.token)
            #expect(october.status == .ok)
            let grid = try october.json(ContentPostsAPI.CalendarDTO.self)
            #expect(grid.weeks.first?.first?.date == "2026-09-28", "October 2026 starts on a Thursday; its first week starts Monday 28 September")
            #expect(grid.weeks.allSatisfy { $0.count == 7 })
            let days = Dictionary(uniqueKeysWithValues: grid.weeks.flatMap { $0 }.map { ($0.date, $0) })
            #expect(days["2026-10-01"]?.posts.map(\.id) == [national.id])
            #expect(days["2026-09-28"]?.posts.map(\.id) == [tips.id] && days["2026-09-28"]?.inMonth == false)
            #expect(days["2026-09-30"]?.posts.isEmpty == true)
            #expect(try await world.api(.GET, "/api/v1/content-posts/calendar?month=2026-13", token: team.hr.token).status == .badRequest)
            #expect(try await world.api(.GET, "/api/v1/content-posts/calendar?month=", token: team.hr.token).problemFields == ["month"])

            let scheduled = try await world.api(.GET, "/api/v1/content-posts?status=scheduled&sort=calendar", token: team.hr.token).json(PageOf<ContentPostDTO>.self)
            #expect(scheduled.items.map(\.id) == [tips.id, national.id])
            let onWeibo = try await world.api(.GET, "/api/v1/content-posts?channelAccountId=\(weibo.id)", token: team.hr.token).json(PageOf<ContentPostDTO>.self)
            #expect(onWeibo.items.map(\.id) == [tips.id])
            let first = try await world.api(.GET, "/api/v1/content-posts?limit=2", token: team.hr.token).json(PageOf<ContentPostDTO>.self)
            #expect(first.items.first?.title == "未排期的选题", "newest first: posts without a time lead")
            let cursor = try #require(first.nextCursor)
            let rest = try await world.api(.GET, "/api/v1/content-posts?limit=2&cursor=\(cursor)", token: team.hr.token).json(PageOf<ContentPostDTO>.self)
            #expect(rest.items.map(\.id) == [tips.id] && rest.nextCursor == nil)
            #expect(try await world.api(.GET, "/api/v1/content-posts?status=live", token: team.hr.token).status == .badRequest)
        }
    }

    @Test("MKT-3: the owner keeps their own post; the group lead removes it to the recycle bin and restores it")
    func access() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            #expect(try await world.api(.POST, "/api/v1/content-posts", token: team.salesRep.token, json: JSONBody(["title": "私自发文"])).status == .forbidden)
            let p = try await world.api(.POST, "/api/v1/content-posts", token: promo.member.token,
                                        json: JSONBody(["title": "客户案例：漳州食品", "ownerId": .id(team.salesRep.member)])).json(ContentPostDTO.self)
            #expect(try await world.api(.PATCH, "/api/v1/content-posts/\(p.id)", token: team.salesRep.token, json: JSONBody(["body": "客户同意引用"])).status == .ok)
            #expect(try await world.api(.PATCH, "/api/v1/content-posts/\(p.id)", token: team.serviceAgent.token, json: JSONBody(["body": "x"])).status == .forbidden)
            #expect(try await world.api(.DELETE, "/api/v1/content-posts/\(p.id)", token: team.salesRep.token).status == .forbidden)
            #expect(try await world.api(.DELETE, "/api/v1/content-posts/\(p.id)", token: promo.lead.token).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/content-posts/\(p.id)", token: promo.lead.token).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/content-posts/\(p.id)/restore", token: promo.lead.token).status == .ok)
        }
    }

    @Test("MKT-3 on the web: the month view shows a post coloured by its status with prev/next months; the post page moves it (a refusal keeps the link typed) and records its figures")
    func web() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let a = try await account(world, promo.member.token)
            let web = WebClient(world)
            #expect(try await web.signIn("promo@team.test").status == .seeOther)
            try await web.get("/market/content/new")
            let refused = try await web.post("/market/content", form: ["title": "", "channelAccountId": a.id.uuidString, "scheduledAt": "2026-09-25T20:00",
                                                                        "ownerId": "", "body": "中秋客户关怀文案", "link": "", "campaignId": ""])
            #expect(refused.status == .unprocessableEntity && web.lastBody.contains("aria-describedby=\"e-title\"") && web.lastBody.contains("中秋客户关怀文案"))
            let saved = try await web.post("/market/content", form: ["title": "中秋客户关怀", "channelAccountId": a.id.uuidString, "scheduledAt": "2026-09-25T20:00",
                                                                      "ownerId": promo.member.member!.uuidString, "body": "中秋客户关怀文案", "link": "", "campaignId": ""])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers.first(name: .location))
            #expect(try await web.get("/market/content?month=2026-09").status == .ok)
            #expect(web.lastBody.contains("id=\"day-2026-09-25\"") && web.lastBody.contains("post-chip post-idea") && web.lastBody.contains("中秋客户关怀"))
            #expect(web.lastBody.contains("href=\"/market/content?month=2026-08\"") && web.lastBody.contains("href=\"/market/content?month=2026-10\""))
            for status in ["draft", "review", "scheduled"] {
                #expect(try await web.post(location + "/status", form: ["status": status]).status == .seeOther, "\(status)")
            }
            try await web.get(location)
            #expect(web.lastBody.contains("id=\"move-published\"") && web.lastBody.contains("id=\"move-draft\""))
            let noLink = try await web.post(location + "/status", form: ["status": "published", "link": "weixin 文章"])
            #expect(noLink.status == .unprocessableEntity)
            #expect(web.lastBody.contains("id=\"e-link\"") && web.lastBody.contains("weixin 文章"))
            world.clock.advance(by: 5 * 86_400)
            #expect(try await web.signIn("promo@team.test").status == .seeOther, "a new session after five days away")
            try await web.get(location)
            #expect(try await web.post(location + "/status", form: ["status": "published", "link": "https://mp.weixin.qq.com/s/zq2026"]).status == .seeOther)
            let badFigures = try await web.post(location + "/figures", form: ["views": "3200", "likes": "-4", "comments": "7", "shares": "", "clicks": "12"])
            #expect(badFigures.status == .unprocessableEntity && web.lastBody.contains("id=\"e-likes\"") && web.lastBody.contains("value=\"3200\""))
            #expect(try await web.post(location + "/figures", form: ["views": "3,200", "likes": "40", "comments": "7", "shares": "", "clicks": "12"]).status == .seeOther)
            try await web.get(location)
            #expect(web.lastBody.contains("id=\"engagement-rate\">1.5%"))
            #expect(try await web.get("/market/content/list?status=published").status == .ok)
            #expect(web.lastBody.contains("中秋客户关怀") && web.lastBody.contains("3,200"))
            #expect(try await web.get("/market/content/list?status=draft").status == .ok)
            #expect(!web.lastBody.contains("中秋客户关怀"))
            #expect(try await web.get("/market/channels").status == .ok)
            #expect(web.lastBody.contains("先锋科技服务号"))
            try await web.get(location + "/edit")
            #expect(!web.lastBody.contains("id=\"delete-record\""), "a promotion member does not delete")
            let lead = WebClient(world)
            try await lead.signIn("promo.lead@team.test")
            try await lead.get(location + "/edit")
            #expect(lead.lastBody.contains("id=\"delete-record\""))
            #expect(try await lead.post(location + "/delete", form: [:]).status == .seeOther)
            #expect(try await lead.get(location).status == .notFound)
            let boss = WebClient(world)
            try await boss.signIn("lead@team.test")
            try await boss.get("/admin/recycle-bin")
            #expect(boss.lastBody.contains("中秋客户关怀"), "the deleted post is in the recycle bin")
            let postId = String(location.split(separator: "/").last!)
            #expect(try await boss.post("/admin/recycle-bin/contentPost/\(postId)/restore", form: [:]).status == .seeOther)
            #expect(try await web.get(location).status == .ok, "restored")
            web.acceptLanguage = "zh-Hant"
            #expect(try await web.get("/market/content?month=2026-09").status == .ok)
            #expect(web.lastBody.contains("內容日曆") && web.lastBody.contains("已發佈"))
        }
    }
}
