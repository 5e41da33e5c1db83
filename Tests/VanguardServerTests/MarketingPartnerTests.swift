import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Partners through HTTP (MKT-5): ad agencies, media and other partners, their contacts and
/// engagements, the agreed total, the spend and the rating after each engagement.
@Suite("Marketing partners (MKT-5)")
struct MarketingPartnerTests {
    func partner(_ world: TestWorld, _ token: String, name: String = "厦门鹭岛广告有限公司", kind: String = "adAgency") async throws -> PartnerDTO {
        let r = try await world.api(.POST, "/api/v1/partners", token: token, json: JSONBody(["name": .string(name), "kind": .string(kind)]))
        #expect(r.status == .created)
        return try r.json(PartnerDTO.self)
    }

    @Test("MKT-5: the promotion group records a partner with contacts and engagements; its summary adds the agreed amounts and the spend and averages the ratings of finished engagements")
    func partnerLifecycle() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let token = promo.member.token
            let usccCode = try #require(Self.validUSCC())
            let created = try await world.api(.POST, "/api/v1/partners", token: token, json: JSONBody([
                "name": "厦门鹭岛广告有限公司", "kind": "adAgency", "uscc": .string(usccCode), "website": "https://ludao-ad.example.cn", "notes": "年度框架合作"]))
            #expect(created.status == .created)
            #expect(created.headers.first(name: .eTag) == "\"v1\"")
            let p = try created.json(PartnerDTO.self)
            #expect(created.headers.first(name: .location) == "/api/v1/partners/\(p.id)")
            #expect(p.ownerId == promo.member.member, "the one who records a partner owns it")
            #expect(p.kindName == "广告代理", "names in the reader's language (zh-Hans without Accept-Language)")

            let contact = try await world.api(.POST, "/api/v1/partners/\(p.id)/contacts", token: token, json: JSONBody([
                "name": "黄经理", "title": "客户总监", "mobile": "13906001234", "email": "Huang@Ludao-Ad.example.cn"]))
            #expect(contact.status == .created)
            #expect(try contact.json(PartnerContactDTO.self).email == "huang@ludao-ad.example.cn")
            let badContact = try await world.api(.POST, "/api/v1/partners/\(p.id)/contacts", token: token, json: JSONBody(["name": "陈", "mobile": "0592-1234567"]))
            #expect(badContact.status == .unprocessableEntity)
            #expect(badContact.problemFields == ["mobile"])
            #expect(try await PartnerContact.query(on: world.db).count() == 1, "nothing half-written")

            let base = "/api/v1/partners/\(p.id)/engagements"
            let spring = try await world.api(.POST, base, token: token, json: JSONBody([
                "title": "春季新品发布会投放", "startOn": "2026-03-01", "endOn": "2026-03-31", "agreedAmount": 120000, "status": "active"]))
            #expect(spring.status == .created)
            var e = try spring.json(PartnerEngagementDTO.self)
            let summer = try await world.api(.POST, base, token: token, json: JSONBody([
                "title": "夏季电梯广告", "startOn": "2026-06-01", "endOn": "2026-06-30", "agreedAmount": 80000.5, "status": "finished", "rating": 4, "ratingComment": "按时上刊"]))
            #expect(summer.status == .created)
            let planned = try await world.api(.POST, base, token: token, json: JSONBody(["title": "双十一预热", "startOn": "2026-10-20", "agreedAmount": 50000]))
            #expect(planned.status == .created)

            // A rating only on a finished engagement; the end never before the start.
            let early = try await world.api(.PATCH, "\(base)/\(e.id)", token: token, json: JSONBody(["rating": 5]), headers: [("If-Match", "\"v1\"")])
            #expect(early.status == .unprocessableEntity)
            #expect(early.problem?.errors?.first?.code == "notFinished" && early.problemFields == ["rating"])
            let backwards = try await world.api(.POST, base, token: token, json: JSONBody(["title": "错期", "startOn": "2026-05-10", "endOn": "2026-05-01"]))
            #expect(backwards.status == .unprocessableEntity && backwards.problemFields == ["endOn"])

            let finished = try await world.api(.PATCH, "\(base)/\(e.id)", token: token, json: JSONBody(["status": "finished", "rating": 5, "ratingComment": "现场执行到位"]),
                                               headers: [("If-Match", "\"v1\"")])
            #expect(finished.status == .ok)
            e = try finished.json(PartnerEngagementDTO.self)
            #expect(e.rating == 5 && e.version == 2)
            let stale = try await world.api(.PATCH, "\(base)/\(e.id)", token: token, json: JSONBody(["ratingComment": "改"]), headers: [("If-Match", "\"v1\"")])
            #expect(stale.status == .preconditionFailed)
            let reopen = try await world.api(.PATCH, "\(base)/\(e.id)", token: token, json: JSONBody(["status": "active"]))
            #expect(reopen.status == .conflict && reopen.problemFields == ["status"])

            // Spend is what campaigns booked with the partner, apart from what was agreed.
            let campaign = CampaignService.new(owner: promo.member.member, now: world.clock.now())
            campaign.id = UUID(); campaign.name = "夏季投放"; campaign.type = "onlineAds"; campaign.status = "running"; campaign.budgetFen = 10_000_000
            try await campaign.create(on: world.db)
            let booked = try await world.api(.POST, "/api/v1/campaigns/\(campaign.id!)/spend", token: team.lead.token,
                                             json: JSONBody(["spentOn": "2026-06-10", "amount": 60000, "partnerId": .string(p.id.uuidString)]))
            #expect(booked.status == .created)
            let unknown = try await world.api(.POST, "/api/v1/campaigns/\(campaign.id!)/spend", token: team.lead.token,
                                              json: JSONBody(["spentOn": "2026-06-10", "amount": 1, "partnerId": .string(UUID().uuidString)]))
            #expect(unknown.status == .unprocessableEntity && unknown.problemFields == ["partnerId"])
            let summary = try await world.api(.GET, "/api/v1/partners/\(p.id)/summary", token: team.salesRep.token).json(PartnerSummaryDTO.self)
            #expect(summary.engagements == 3 && summary.finished == 2 && summary.ratedEngagements == 2)
            #expect(summary.agreedTotal == 250_000.5 && summary.spend == 60_000)
            #expect(summary.averageRating == 4.5)
            let list = try await world.api(.GET, base, token: team.finance.token).json([PartnerEngagementDTO].self)
            #expect(list.map(\.title) == ["双十一预热", "夏季电梯广告", "春季新品发布会投放"], "latest start first")

            let history = try await AuditEvent.query(on: world.db).filter(\.$entityType ~~ ["partner", "partnerContact", "partnerEngagement"]).count()
            #expect(history == 6, "every write has its history entry: partner, contact, three engagements, one change")
        }
    }

    @Test("MKT-5: bad input is a problem naming each field (kind, name, credit code, website, amount), and nothing is written")
    func badInput() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let valid = try #require(Self.validUSCC())
            let wrongCheck = String(valid.dropLast()) + (valid.last == "X" ? "Y" : "X")
            let r = try await world.api(.POST, "/api/v1/partners", token: promo.member.token, json: JSONBody([
                "name": " ", "kind": "printer", "uscc": .string(wrongCheck), "website": "ludao.example.cn"]))
            #expect(r.status == .unprocessableEntity)
            #expect(r.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(r.problemFields) == ["name", "kind", "uscc", "website"])
            let unknown = try await world.api(.POST, "/api/v1/partners", token: promo.member.token, json: JSONBody(["name": "甲", "kind": "media", "rate": 5]))
            #expect(unknown.status == .unprocessableEntity && unknown.problemFields == ["rate"])
            #expect(try await Partner.query(on: world.db).count() == 0)
            let p = try await partner(world, promo.member.token)
            let money = try await world.api(.POST, "/api/v1/partners/\(p.id)/engagements", token: promo.member.token,
                                            json: JSONBody(["title": "投放", "startOn": "2026-02-30", "agreedAmount": 10.001, "status": "done"]))
            #expect(money.status == .unprocessableEntity)
            #expect(Set(money.problemFields) == ["startOn", "agreedAmount", "status"])
            #expect(try await PartnerEngagement.query(on: world.db).count() == 0)
        }
    }

    @Test("MKT-5: the whole team reads partners; the promotion group keeps them, the owner changes their own, the group lead removes and restores")
    func access() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            #expect(try await world.api(.POST, "/api/v1/partners", token: team.salesRep.token, json: JSONBody(["name": "甲", "kind": "media"])).status == .forbidden)
            let p = try await partner(world, promo.member.token, name: "海峡都市报", kind: "media")
            #expect(try await world.api(.GET, "/api/v1/partners/\(p.id)", token: team.executive.token).status == .ok)
            #expect(try await world.api(.PATCH, "/api/v1/partners/\(p.id)", token: team.salesRep.token, json: JSONBody(["notes": "x"])).status == .forbidden)
            // Handing the record to the sales rep lets them keep it.
            #expect(try await world.api(.PATCH, "/api/v1/partners/\(p.id)", token: promo.member.token, json: JSONBody(["ownerId": .id(team.salesRep.member)])).status == .ok)
            #expect(try await world.api(.PATCH, "/api/v1/partners/\(p.id)", token: team.salesRep.token, json: JSONBody(["notes": "版面价已更新"])).status == .ok)
            #expect(try await world.api(.DELETE, "/api/v1/partners/\(p.id)", token: promo.member.token).status == .forbidden)
            #expect(try await world.api(.DELETE, "/api/v1/partners/\(p.id)", token: promo.lead.token, headers: [("If-Match", "\"v1\"")]).status == .preconditionFailed)
            #expect(try await world.api(.DELETE, "/api/v1/partners/\(p.id)", token: promo.lead.token).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/partners/\(p.id)", token: promo.lead.token).status == .notFound)
            #expect(try await Partner.query(on: world.db).withDeleted().count() == 1, "soft delete")
            let restored = try await world.api(.POST, "/api/v1/partners/\(p.id)/restore", token: promo.lead.token)
            #expect(restored.status == .ok)
            #expect(try await world.api(.POST, "/api/v1/partners/\(p.id)/restore", token: promo.lead.token).status == .conflict)
        }
    }

    @Test("MKT-5: the partner list searches, filters by kind, sorts and pages by keyset; a bad filter is a 400 naming it")
    func listing() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            for (name, kind) in [("福州晨光印务", "printing"), ("东南卫视广告部", "media"), ("鹭岛会展服务", "eventOrganiser"), ("星芒达人机构", "kol")] {
                _ = try await partner(world, promo.member.token, name: name, kind: kind)
            }
            let first = try await world.api(.GET, "/api/v1/partners?limit=3", token: team.hr.token).json(PageOf<PartnerDTO>.self)
            #expect(first.items.count == 3)
            let cursor = try #require(first.nextCursor)
            let second = try await world.api(.GET, "/api/v1/partners?limit=3&cursor=\(cursor)", token: team.hr.token).json(PageOf<PartnerDTO>.self)
            #expect(second.items.count == 1 && second.nextCursor == nil)
            #expect(Set((first.items + second.items).map(\.name)).count == 4)
            let media = try await world.api(.GET, "/api/v1/partners?kind=media", token: team.hr.token).json(PageOf<PartnerDTO>.self)
            #expect(media.items.map(\.name) == ["东南卫视广告部"])
            let found = try await world.api(.GET, "/api/v1/partners?q=%E9%B9%AD%E5%B2%9B", token: team.hr.token).json(PageOf<PartnerDTO>.self)
            #expect(found.items.map(\.name) == ["鹭岛会展服务"])
            let byKind = try await world.api(.GET, "/api/v1/partners?sort=-kind", token: team.hr.token).json(PageOf<PartnerDTO>.self)
            #expect(byKind.items.map(\.kind) == ["printing", "media", "kol", "eventOrganiser"])
            let bad = try await world.api(.GET, "/api/v1/partners?kind=tv", token: team.hr.token)
            #expect(bad.status == .badRequest && bad.problemFields == ["kind"])
        }
    }

    @Test("MKT-5 on the web: the partner page shows contacts, engagements, the agreed total, the spend and the average rating; a refused engagement form keeps the input with the message beside the rating")
    func web() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promo = try await world.seedPromotion(team)
            let web = WebClient(world)
            #expect(try await web.signIn("promo@team.test").status == .seeOther)
            try await web.get("/market/partners/new")
            let refusedPartner = try await web.post("/market/partners", form: ["name": "星芒达人机构", "kind": "kol", "uscc": "123", "website": "", "ownerId": "", "notes": "抖音达人"])
            #expect(refusedPartner.status == .unprocessableEntity)
            #expect(web.lastBody.contains("aria-describedby=\"e-uscc\"") && web.lastBody.contains("抖音达人"))
            let saved = try await web.post("/market/partners", form: ["name": "星芒达人机构", "kind": "kol", "uscc": "", "website": "https://xingmang.example.cn",
                                                                        "ownerId": promo.member.member!.uuidString, "notes": "抖音达人"])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers.first(name: .location))
            try await web.get(location + "/contacts/new")
            #expect(try await web.post(location + "/contacts", form: ["name": "吴敏", "title": "商务", "mobile": "13812345678", "email": ""]).status == .seeOther)
            let contactId = try #require(try await PartnerContact.query(on: world.db).filter(\.$name == "吴敏").first()?.id)
            try await web.get(location + "/contacts/\(contactId)")
            #expect(web.lastBody.contains("value=\"13812345678\""))
            let badMobile = try await web.post(location + "/contacts/\(contactId)", form: ["name": "吴敏", "title": "商务总监", "mobile": "1381234", "email": ""])
            #expect(badMobile.status == .unprocessableEntity && web.lastBody.contains("aria-describedby=\"e-mobile\"") && web.lastBody.contains("商务总监"))
            #expect(try await web.post(location + "/contacts/\(contactId)", form: ["name": "吴敏", "title": "商务总监", "mobile": "13812345678", "email": ""]).status == .seeOther)
            try await web.get(location + "/engagements/new")
            let refused = try await web.post(location + "/engagements", form: ["title": "618 达人种草", "startOn": "2026-06-01", "endOn": "2026-06-18",
                                                                               "agreedAmount": "30,000", "status": "active", "rating": "5", "ratingComment": "", "notes": "", "campaignId": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(web.lastBody.contains("aria-describedby=\"e-rating\"") && web.lastBody.contains("618 达人种草"))
            #expect(try await web.post(location + "/engagements", form: ["title": "618 达人种草", "startOn": "2026-06-01", "endOn": "2026-06-18",
                                                                        "agreedAmount": "30,000", "status": "finished", "rating": "5", "ratingComment": "转化超预期",
                                                                        "notes": "", "campaignId": ""]).status == .seeOther)
            #expect(try await web.post(location + "/engagements", form: ["title": "双十一直播", "startOn": "2026-11-01", "agreedAmount": "12000.50",
                                                                        "status": "planned", "rating": "", "ratingComment": "", "notes": "", "campaignId": ""]).status == .seeOther)
            #expect(try await web.get(location).status == .ok)
            #expect(web.lastBody.contains("吴敏") && web.lastBody.contains("商务总监") && web.lastBody.contains("618 达人种草") && web.lastBody.contains("双十一直播"))
            #expect(web.lastBody.contains("id=\"agreed-total\">¥42,000.50") && web.lastBody.contains("id=\"spend-total\">¥0.00"))
            #expect(web.lastBody.contains("★ 5.0"))
            let reader = WebClient(world)
            try await reader.signIn("sales.rep@team.test")
            #expect(try await reader.get("/market/partners").status == .ok)
            #expect(reader.lastBody.contains("星芒达人机构") && !reader.lastBody.contains("id=\"new-partner\""))
            #expect(try await reader.get("/market/partners/new").status == .forbidden)
        }
    }

    /// A valid credit code for the tests (the check character worked out by the validator's own rule).
    static func validUSCC() -> String? {
        let first17 = "91350200MA2XN8KQ3"
        return Validators.usccCheckCharacter(first17).map { first17 + String($0) }
    }
}

/// The access matrix's rows for partners, channel accounts and the content calendar: the whole
/// team reads; only the lead and admins (no promotion group member in the matrix's team) write.
extension AccessMatrixTests {
    static var partnerAPIRows: [Row] {
        [
            Row(method: .GET, path: "/api/v1/partners", allowed: everyone),
            Row(method: .POST, path: "/api/v1/partners", allowed: leaders, body: JSONBody(["name": "矩阵传媒", "kind": "media"])),
            Row(method: .GET, path: "/api/v1/partners/{partner}", allowed: everyone),
            Row(method: .PATCH, path: "/api/v1/partners/{partner}", allowed: leaders, body: JSONBody(["notes": "矩阵"])),
            Row(method: .GET, path: "/api/v1/partners/{partner}/history", allowed: everyone),
            Row(method: .GET, path: "/api/v1/partners/{partner}/summary", allowed: everyone),
            Row(method: .DELETE, path: "/api/v1/partners/{sparePartner}", allowed: leaders),
            Row(method: .POST, path: "/api/v1/partners/{deletedPartner}/restore", allowed: leaders),
            Row(method: .GET, path: "/api/v1/partners/{partner}/contacts", allowed: everyone),
            Row(method: .POST, path: "/api/v1/partners/{partner}/contacts", allowed: leaders, body: JSONBody(["name": "矩阵"])),
            Row(method: .GET, path: "/api/v1/partners/{partner}/contacts/{partnerContact}", allowed: everyone),
            Row(method: .PATCH, path: "/api/v1/partners/{partner}/contacts/{partnerContact}", allowed: leaders, body: JSONBody(["title": "矩阵"])),
            Row(method: .DELETE, path: "/api/v1/partners/{partner}/contacts/{sparePartnerContact}", allowed: leaders),
            Row(method: .GET, path: "/api/v1/partners/{partner}/engagements", allowed: everyone),
            Row(method: .POST, path: "/api/v1/partners/{partner}/engagements", allowed: leaders, body: JSONBody(["title": "矩阵", "startOn": "2026-09-01"])),
            Row(method: .GET, path: "/api/v1/partners/{partner}/engagements/{engagement}", allowed: everyone),
            Row(method: .PATCH, path: "/api/v1/partners/{partner}/engagements/{engagement}", allowed: leaders, body: JSONBody(["notes": "矩阵"])),
            Row(method: .DELETE, path: "/api/v1/partners/{partner}/engagements/{spareEngagement}", allowed: leaders),
            Row(method: .GET, path: "/api/v1/channel-accounts", allowed: everyone),
            Row(method: .POST, path: "/api/v1/channel-accounts", allowed: leaders, body: JSONBody(["channel": "weibo", "name": "矩阵微博"])),
            Row(method: .GET, path: "/api/v1/channel-accounts/{channelAccount}", allowed: everyone),
            Row(method: .PATCH, path: "/api/v1/channel-accounts/{channelAccount}", allowed: leaders, body: JSONBody(["followers": 10])),
            Row(method: .GET, path: "/api/v1/channel-accounts/{channelAccount}/history", allowed: everyone),
            Row(method: .DELETE, path: "/api/v1/channel-accounts/{spareChannelAccount}", allowed: leaders),
            Row(method: .POST, path: "/api/v1/channel-accounts/{deletedChannelAccount}/restore", allowed: leaders),
            Row(method: .GET, path: "/api/v1/content-posts", allowed: everyone),
            Row(method: .GET, path: "/api/v1/content-posts/calendar?month=2026-09", allowed: everyone),
            Row(method: .POST, path: "/api/v1/content-posts", allowed: leaders, body: JSONBody(["title": "矩阵选题"])),
            Row(method: .GET, path: "/api/v1/content-posts/{post}", allowed: everyone),
            Row(method: .PATCH, path: "/api/v1/content-posts/{post}", allowed: leaders, body: JSONBody(["status": "draft"])),
            Row(method: .GET, path: "/api/v1/content-posts/{post}/history", allowed: everyone),
            Row(method: .DELETE, path: "/api/v1/content-posts/{sparePost}", allowed: leaders),
            Row(method: .POST, path: "/api/v1/content-posts/{deletedPost}/restore", allowed: leaders),
        ]
    }

    static var partnerWebRows: [Row] {
        [
            Row(method: .GET, path: "/market/partners", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/partners/new", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .GET, path: "/market/partners/{partner}", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/partners/{partner}/edit", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{partner}", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .GET, path: "/market/partners/{partner}/contacts/new", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{partner}/contacts", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .GET, path: "/market/partners/{partner}/contacts/{partnerContact}", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{partner}/contacts/{partnerContact}", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .POST, path: "/market/partners/{partner}/contacts/{webSparePartnerContact}/delete", allowed: leaders, web: true),
            Row(method: .GET, path: "/market/partners/{partner}/engagements/new", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{partner}/engagements", allowed: leaders, body: JSONBody(["title": ""]), web: true),
            Row(method: .GET, path: "/market/partners/{partner}/engagements/{engagement}", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{partner}/engagements/{engagement}", allowed: leaders, body: JSONBody(["title": ""]), web: true),
            Row(method: .POST, path: "/market/partners/{partner}/engagements/{webSpareEngagement}/delete", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/partners/{webSparePartner}/delete", allowed: leaders, web: true),
            Row(method: .GET, path: "/market/channels", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/channels/new", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/channels", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .GET, path: "/market/channels/{channelAccount}", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/channels/{channelAccount}", allowed: leaders, body: JSONBody(["name": ""]), web: true),
            Row(method: .POST, path: "/market/channels/{webSpareChannelAccount}/delete", allowed: leaders, web: true),
            Row(method: .GET, path: "/market/content", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/content/list", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/content/new", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/content", allowed: leaders, body: JSONBody(["title": ""]), web: true),
            Row(method: .GET, path: "/market/content/{post}", allowed: everyone, web: true),
            Row(method: .GET, path: "/market/content/{post}/edit", allowed: leaders, web: true),
            Row(method: .POST, path: "/market/content/{post}", allowed: leaders, body: JSONBody(["title": ""]), web: true),
            Row(method: .POST, path: "/market/content/{post}/status", allowed: leaders, body: JSONBody(["status": "draft"]), web: true),
            Row(method: .POST, path: "/market/content/{post}/figures", allowed: leaders, body: JSONBody(["views": "1"]), web: true),
            Row(method: .POST, path: "/market/content/{webSparePost}/delete", allowed: leaders, web: true),
            Row(method: .POST, path: "/admin/recycle-bin/partner/{deletedWebPartner}/restore", allowed: leaders, web: true),
        ]
    }

    /// A partner with a contact and an engagement (and spares to delete), a deleted partner, channel
    /// accounts and posts (kept, spare, deleted). Nobody in the matrix owns them.
    static func partnerFixtures(_ world: TestWorld) async throws -> [String: String] {
        let db = world.db
        func partner(_ name: String, deleted: Bool = false) async throws -> Partner {
            let p = PartnerService.new(owner: nil)
            p.name = name; p.kind = "media"
            try await p.create(on: db)
            if deleted { try await p.delete(on: db) }
            return p
        }
        let kept = try await partner("矩阵日报"), spare = try await partner("备用传媒"), gone = try await partner("已删传媒", deleted: true)
        let webSpare = try await partner("网页备用传媒"), webGone = try await partner("网页已删传媒", deleted: true)
        func contact(_ name: String) async throws -> String {
            let c = PartnerContactService.new(partner: kept.id!)
            c.name = name
            try await c.create(on: db)
            return c.id!.uuidString
        }
        func engagement(_ title: String) async throws -> String {
            let e = PartnerEngagementService.new(partner: kept.id!)
            e.title = title; e.startOn = "2026-09-01"
            try await e.create(on: db)
            return e.id!.uuidString
        }
        func account(_ name: String, deleted: Bool = false) async throws -> String {
            let a = ChannelAccountService.new(owner: nil)
            a.channel = "wechat"; a.name = name
            try await a.create(on: db)
            if deleted { try await a.delete(on: db) }
            return a.id!.uuidString
        }
        func post(_ title: String, deleted: Bool = false) async throws -> String {
            let p = ContentPostService.new(owner: nil)
            p.title = title
            try await p.create(on: db)
            if deleted { try await p.delete(on: db) }
            return p.id!.uuidString
        }
        return [
            "partner": kept.id!.uuidString, "sparePartner": spare.id!.uuidString, "deletedPartner": gone.id!.uuidString,
            "webSparePartner": webSpare.id!.uuidString, "deletedWebPartner": webGone.id!.uuidString,
            "webSpareEngagement": try await engagement("网页备用合作"), "webSpareChannelAccount": try await account("网页备用号"),
            "webSparePost": try await post("网页备用选题"), "webSparePartnerContact": try await contact("网页备用联系人"),
            "partnerContact": try await contact("矩阵联系人"), "sparePartnerContact": try await contact("备用联系人"),
            "engagement": try await engagement("矩阵合作"), "spareEngagement": try await engagement("备用合作"),
            "channelAccount": try await account("矩阵公众号"), "spareChannelAccount": try await account("备用号"),
            "deletedChannelAccount": try await account("已删号", deleted: true),
            "post": try await post("矩阵选题"), "sparePost": try await post("备用选题"), "deletedPost": try await post("已删选题", deleted: true),
        ]
    }
}
