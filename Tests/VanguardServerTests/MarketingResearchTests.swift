import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The market research chapter through HTTP (issue 6, item 1): research notes with sources,
/// findings and tags; competitors with products and prices; dated competitor events and a
/// timeline per competitor (MKT-2, MP-1, LEAD-4, RSK-M1).
@Suite("Marketing: research notes, competitors, events (MKT-2, MP-1, LEAD-4, RSK-M1)")
struct MarketingResearchTests {
    func note(_ title: String, tags: [String], sources: [String] = ["https://www.stats.example/2026"], competitor: UUID? = nil,
              observedOn: String = "2026-09-10") -> [String: JSONBodyValue] {
        // JSONBody has no arrays: the arrays go in as raw JSON below.
        ["title": .string(title), "observedOn": .string(observedOn), "findings": "华东客户更新设备意愿强", "competitorId": .id(competitor)]
    }

    func raw(_ values: [String: JSONBodyValue], arrays: [String: [String]]) throws -> String {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder.api.encode(JSONBody(values))) as! [String: Any]
        for (k, v) in arrays { object[k] = v }
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("MKT-2, MP-1: a research note keeps its sources, findings and tags; the list searches text and tags, pages by keyset, and a note is changed with If-Match, deleted and restored, with its history")
    func researchNotes() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promoter = try await world.promoter()
            let created = try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: try raw(note("华东数控机床需求", tags: []),
                arrays: ["sources": ["https://www.stats.example/2026", "走访 12 家客户"], "tags": ["数控机床", "华东", " 华东 ", "需求"]]))
            #expect(created.status == .created)
            let n = try created.json(ResearchNoteDTO.self)
            #expect(n.sources == ["https://www.stats.example/2026", "走访 12 家客户"])
            #expect(n.tags == ["数控机床", "华东", "需求"], "tags are trimmed and counted once")
            #expect(n.authorId == promoter.member)
            #expect(created.headers.first(name: .eTag) == "\"v1\"")
            for (title, tags) in [("五轴加工中心趋势", ["五轴", "趋势"]), ("机器人渠道策略", ["机器人", "渠道"]), ("Price war in robots", ["Price War"])] {
                #expect(try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: try raw(note(title, tags: []), arrays: ["sources": ["展会记录"], "tags": tags])).status == .created)
            }
            // Everyone reads the team's research (LEAD-4); search by text and by tag, any case.
            let rep = team.salesRep.token
            #expect(try await world.api(.GET, "/api/v1/research-notes?q=渠道", token: rep).json(PageOf<ResearchNoteDTO>.self).items.map(\.title) == ["机器人渠道策略"])
            #expect(try await world.api(.GET, "/api/v1/research-notes?tag=华东", token: rep).json(PageOf<ResearchNoteDTO>.self).items.map(\.id) == [n.id])
            #expect(try await world.api(.GET, "/api/v1/research-notes?tag=price%20war", token: rep).json(PageOf<ResearchNoteDTO>.self).items.count == 1)
            #expect(try await world.api(.GET, "/api/v1/research-notes?tag=华", token: rep).json(PageOf<ResearchNoteDTO>.self).items.isEmpty, "a tag matches whole")
            var titles: [String] = []
            var cursor: String?
            repeat {
                let page = try await world.api(.GET, "/api/v1/research-notes?sort=title&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: rep).json(PageOf<ResearchNoteDTO>.self)
                titles += page.items.map(\.title)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(titles == titles.sorted() && titles.count == 4)
            #expect(try await world.api(.GET, "/api/v1/research-notes?sort=author", token: rep).status == .badRequest)

            // The sales rep reads but does not write; the author edits with If-Match.
            let path = "/api/v1/research-notes/\(n.id)"
            #expect(try await world.api(.PATCH, path, token: rep, json: JSONBody(["title": "改"])).status == .forbidden)
            let changed = try await world.api(.PATCH, path, token: promoter.token, json: JSONBody(["title": "华东数控机床需求（修订）"]), headers: [("If-Match", "\"v1\"")])
            #expect(try changed.json(ResearchNoteDTO.self).version == 2)
            #expect(try await world.api(.PATCH, path, token: promoter.token, json: JSONBody(["title": "过期"]), headers: [("If-Match", "\"v1\"")]).status == .preconditionFailed)
            // Only the promotion group's lead, the lead and admins remove notes; deleted notes leave the lists and come back.
            #expect(try await world.api(.DELETE, path, token: promoter.token).status == .forbidden)
            #expect(try await world.api(.DELETE, path, token: team.lead.token, headers: [("If-Match", "\"v2\"")]).status == .noContent)
            #expect(try await world.api(.GET, path, token: rep).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/research-notes?tag=华东", token: rep).json(PageOf<ResearchNoteDTO>.self).items.isEmpty)
            #expect(try await world.api(.POST, "\(path)/restore", token: team.lead.token).json(ResearchNoteDTO.self).version == 3)
            let history = try await AuditEvent.query(on: world.db).filter(\.$entityId == n.id).all().map(\.action)
            #expect(Set(history) == ["create", "update", "delete", "restore"])
        }
    }

    @Test("MKT-2: bad input is refused with a problem naming every field at once, and nothing is written")
    func badInput() async throws {
        try await withApp { world in
            _ = try await world.seedTeam()
            let promoter = try await world.promoter()
            let before = try await AuditEvent.query(on: world.db).count()
            let refused = try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: try raw(
                ["title": " ", "observedOn": "2026-02-30", "findings": "x", "competitorId": .string(UUID().uuidString)],
                arrays: ["sources": ["ftp-like http:/broken", ""], "tags": ["好", String(repeating: "长", count: 31), "a,b"]]))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(refused.problemFields) == ["title", "observedOn", "sources[1]", "tags[1]", "tags[2]"])
            #expect(refused.problem?.errors?.first { $0.field == "observedOn" }?.code == "invalidDate")
            let noSource = try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: try raw(note("无来源", tags: []), arrays: ["sources": []]))
            #expect(noSource.problemFields == ["sources"])
            let badLink = try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: try raw(note("坏链接", tags: []), arrays: ["sources": ["http://"]]))
            #expect(badLink.problem?.errors?.first?.code == "invalidUrl")
            let unknownCompetitor = try await world.api(.POST, "/api/v1/research-notes", token: promoter.token,
                                                       raw: try raw(note("未知对手", tags: [], competitor: UUID()), arrays: ["sources": ["走访"]]))
            #expect(unknownCompetitor.problemFields == ["competitorId"])
            #expect(try await world.api(.POST, "/api/v1/research-notes", token: promoter.token, raw: #"{"title":"x","colour":"red"}"#).problemFields == ["colour"])

            let c = try await world.api(.POST, "/api/v1/competitors", token: promoter.token, json: JSONBody(["name": "迈驰机器人", "website": "www.no-scheme"]))
            #expect(c.problemFields == ["website"])
            let competitor = try await world.api(.POST, "/api/v1/competitors", token: promoter.token, json: JSONBody(["name": "迈驰机器人"])).json(CompetitorDTO.self)
            #expect(try await world.api(.POST, "/api/v1/competitors", token: promoter.token, json: JSONBody(["name": "迈驰机器人"])).status == .conflict)
            let event = try await world.api(.POST, "/api/v1/competitor-events", token: promoter.token, json: JSONBody([
                "competitorId": .string(competitor.id.uuidString), "kind": "priceChange", "occurredOn": "2026-09-30", "title": "", "oldPrice": 0, "newPrice": 1.234]))
            #expect(Set(event.problemFields) == ["occurredOn", "title", "productName", "oldPrice", "newPrice"])
            #expect(event.problem?.errors?.first { $0.field == "occurredOn" }?.code == "inFuture")
            let news = try await world.api(.POST, "/api/v1/competitor-events", token: promoter.token, json: JSONBody([
                "competitorId": .string(competitor.id.uuidString), "kind": "news", "occurredOn": "2026-09-01", "title": "融资", "newPrice": 100]))
            #expect(news.problemFields == ["newPrice"])
            let nobody = try await world.api(.POST, "/api/v1/competitor-events", token: promoter.token, json: JSONBody([
                "competitorId": .string(UUID().uuidString), "kind": "news", "occurredOn": "2026-09-01", "title": "融资"]))
            #expect(nobody.problemFields == ["competitorId"])
            // Only the competitor and its history entry were written.
            #expect(try await AuditEvent.query(on: world.db).count() == before + 1)
            #expect(try await CompetitorEvent.query(on: world.db).withDeleted().count() == 0)
            #expect(try await ResearchNote.query(on: world.db).withDeleted().count() == 0)
        }
    }

    @Test("MKT-2, LEAD-4: a price change sets the product's price in the same step (an older one recorded late does not); the competitor's timeline is newest first; what happened cannot be edited")
    func competitorsAndEvents() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let promoter = try await world.promoter()
            let t = promoter.token
            let c = try await world.api(.POST, "/api/v1/competitors", token: t, json: JSONBody([
                "name": "无锡精工数控", "segment": "中端数控机床", "website": "https://www.jinggong.example", "ownerId": .id(promoter.member)])).json(CompetitorDTO.self)
            let product = try await world.api(.POST, "/api/v1/competitors/\(c.id)/products", token: t, json: JSONBody(["name": "JG-CK6150", "price": 98000]))
            #expect(product.status == .created)
            let p = try product.json(CompetitorProductDTO.self)
            #expect(p.currency == "CNY" && p.price == 98000)
            #expect(try await world.api(.POST, "/api/v1/competitors/\(c.id)/products", token: t, json: JSONBody(["name": "JG-CK6150", "price": 1])).status == .conflict)

            func record(_ body: [String: JSONBodyValue]) async throws -> TestingHTTPResponse {
                try await world.api(.POST, "/api/v1/competitor-events", token: t, json: JSONBody(body.merging(["competitorId": .string(c.id.uuidString)]) { a, _ in a }))
            }
            // By product id, the old price is the product's own.
            let cut = try await record(["kind": "priceChange", "occurredOn": "2026-09-15", "title": "CK6150 调价", "productId": .string(p.id.uuidString),
                                        "newPrice": 95000, "sourceUrl": "https://www.jinggong.example/news/1"])
            #expect(cut.status == .created)
            let e = try cut.json(CompetitorEventDTO.self)
            #expect(e.oldPrice == 98000 && e.newPrice == 95000 && e.productName == "JG-CK6150")
            #expect(e.changePercent == -3.06)
            var now = try await world.api(.GET, "/api/v1/competitors/\(c.id)", token: team.salesRep.token).json(CompetitorDTO.self)
            #expect(now.products.first?.price == 95000 && now.products.first?.priceOn == "2026-09-15")
            // By name, an older change recorded late is on the timeline but leaves the current price alone.
            #expect(try await record(["kind": "priceChange", "occurredOn": "2026-08-01", "title": "旧调价", "productName": "JG-CK6150", "oldPrice": 99000, "newPrice": 98000]).status == .created)
            now = try await world.api(.GET, "/api/v1/competitors/\(c.id)", token: t).json(CompetitorDTO.self)
            #expect(now.products.first?.price == 95000)
            // Two price changes recorded at once: the later day's price stands, whichever is written last.
            let change: [String: JSONBodyValue] = ["competitorId": .string(c.id.uuidString), "kind": "priceChange", "title": "并发调价", "productId": .string(p.id.uuidString)]
            let laterBody = JSONBody(change.merging(["occurredOn": "2026-09-17", "newPrice": 94000]) { a, _ in a })
            let earlierBody = JSONBody(change.merging(["occurredOn": "2026-09-16", "newPrice": 93000]) { a, _ in a })
            async let later = world.api(.POST, "/api/v1/competitor-events", token: t, json: laterBody)
            async let earlier = world.api(.POST, "/api/v1/competitor-events", token: t, json: earlierBody)
            #expect(try await [later.status, earlier.status] == [.created, .created])
            now = try await world.api(.GET, "/api/v1/competitors/\(c.id)", token: t).json(CompetitorDTO.self)
            #expect(now.products.first?.price == 94000 && now.products.first?.priceOn == "2026-09-17")
            // A product not on file is named on the event only.
            #expect(try await record(["kind": "priceChange", "occurredOn": "2026-09-01", "title": "五轴首发价", "productName": "JG-5X", "oldPrice": 600000, "newPrice": 580000]).status == .created)
            #expect(try await record(["kind": "launch", "occurredOn": "2026-09-20", "title": "发布五轴加工中心", "productName": "JG-5X"]).status == .created)
            #expect(try await record(["kind": "news", "occurredOn": "2026-07-05", "title": "获评专精特新"]).status == .created)

            let timeline = try await world.api(.GET, "/api/v1/competitor-events?competitorId=\(c.id)", token: team.salesRep.token).json(PageOf<CompetitorEventDTO>.self)
            #expect(timeline.items.map(\.occurredOn) == ["2026-09-20", "2026-09-17", "2026-09-16", "2026-09-15", "2026-09-01", "2026-08-01", "2026-07-05"])
            #expect(try await world.api(.GET, "/api/v1/competitor-events?kind=priceChange&from=2026-08-15", token: t).json(PageOf<CompetitorEventDTO>.self).items.count == 4)
            #expect(try await world.api(.GET, "/api/v1/competitor-events?from=2026-13-01", token: t).status == .badRequest)
            #expect(try await world.api(.GET, "/api/v1/competitor-events?to=", token: t).problemFields == ["to"], "an empty date is not a date")

            let path = "/api/v1/competitor-events/\(e.id)"
            let readOnly = try await world.api(.PATCH, path, token: t, json: JSONBody(["newPrice": 1, "occurredOn": "2026-09-02"]))
            #expect(readOnly.status == .unprocessableEntity && Set(readOnly.problemFields) == ["newPrice", "occurredOn"])
            let edited = try await world.api(.PATCH, path, token: t, json: JSONBody(["details": "经销商反馈"]), headers: [("If-Match", "\"v1\"")])
            #expect(try edited.json(CompetitorEventDTO.self).details == "经销商反馈")
            // The group member keeps records but only the group's lead removes them.
            #expect(try await world.api(.DELETE, path, token: t).status == .forbidden)
            let groupLead = try await world.promoter("李娜", email: "promo.lead@team.test", role: .groupLead)
            #expect(try await world.api(.DELETE, path, token: groupLead.token).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/competitor-events?competitorId=\(c.id)", token: t).json(PageOf<CompetitorEventDTO>.self).items.count == 6)
            #expect(try await world.api(.POST, "\(path)/restore", token: groupLead.token).status == .ok)
            // A competitor in the recycle bin takes its events out of the lists, and back.
            #expect(try await world.api(.DELETE, "/api/v1/competitors/\(c.id)", token: team.lead.token).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/competitor-events", token: t).json(PageOf<CompetitorEventDTO>.self).items.isEmpty)
            #expect(try await world.api(.POST, "/api/v1/competitors/\(c.id)/restore", token: team.lead.token).status == .ok)
            #expect(try await world.api(.GET, "/api/v1/competitor-events", token: t).json(PageOf<CompetitorEventDTO>.self).items.count == 7)
            // Others read only.
            #expect(try await world.api(.POST, "/api/v1/competitors/\(c.id)/products", token: team.salesLead.token, json: JSONBody(["name": "x", "price": 1])).status == .forbidden)
            #expect(try await world.api(.PATCH, "/api/v1/competitors/\(c.id)", token: team.serviceAgent.token, json: JSONBody(["notes": "x"])).status == .forbidden)
        }
    }

    @Test("MKT-2 on the web: a refused note comes back with the message beside the field and the input kept; the competitor profile shows prices and the timeline newest first")
    func webPages() async throws {
        try await withApp { world in
            _ = try await world.seedTeam()
            let promoter = try await world.promoter()
            let web = WebClient(world)
            #expect(try await web.signIn(promoter.email).status == .seeOther)
            #expect(try await web.get("/market/research/new").status == .ok)
            let refused = try await web.post("/market/research", form: ["title": "直播获客对比", "observedOn": "2026-09-10", "sources": "http://\n展会记录",
                                                                       "findings": "对手直播留资多", "tags": "线上, 直播"])
            #expect(refused.status == .unprocessableEntity)
            #expect(web.lastBody.contains(#"id="e-sources""#))
            #expect(web.lastBody.contains("直播获客对比") && web.lastBody.contains("对手直播留资多"), "what was typed is kept")
            #expect(try await web.post("/market/research", form: ["title": "直播获客对比", "observedOn": "2026-09-10", "sources": "https://live.example/1\n展会记录",
                                                                 "findings": "对手直播留资多", "tags": "线上, 直播"]).status == .seeOther)
            try await web.get("/market/research?tag=直播")
            #expect(web.lastBody.contains("直播获客对比") && web.lastBody.contains("https://live.example/1"))

            #expect(try await web.post("/market/competitors", form: ["name": ""]).status == .unprocessableEntity)
            let made = try await web.post("/market/competitors", form: ["name": "深圳迈驰机器人", "segment": "工业机器人", "website": "", "ownerId": "", "notes": ""])
            #expect(made.status == .seeOther)
            let profile = try #require(made.headers.first(name: .location))
            let badProduct = try await web.post("\(profile)/products", form: ["name": "MC-R6", "price": "九万"])
            #expect(badProduct.status == .unprocessableEntity && web.lastBody.contains("e-product-price") && web.lastBody.contains("MC-R6"))
            #expect(try await web.post("\(profile)/products", form: ["name": "MC-R6", "price": "92,000"]).status == .seeOther)
            let badEvent = try await web.post("\(profile)/events", form: ["kind": "priceChange", "occurredOn": "2026-09-01", "title": "MC-R6 降价", "productId": "",
                                                                        "productName": "MC-R6", "oldPrice": "", "newPrice": ""])
            #expect(badEvent.status == .unprocessableEntity && web.lastBody.contains("e-newPrice") && web.lastBody.contains("MC-R6 降价"))
            #expect(try await web.post("\(profile)/events", form: ["kind": "news", "occurredOn": "2026-08-01", "title": "参加华南工博会"]).status == .seeOther)
            #expect(try await web.post("\(profile)/events", form: ["kind": "priceChange", "occurredOn": "2026-09-01", "title": "MC-R6 小幅调价",
                                                                  "productName": "MC-R6", "newPrice": "90,000"]).status == .seeOther)
            try await web.get(profile)
            let body = web.lastBody
            #expect(body.contains("90,000.00"), "the product's price followed the event")
            let newer = try #require(body.range(of: "MC-R6 小幅调价")), older = try #require(body.range(of: "参加华南工博会"))
            #expect(newer.lowerBound < older.lowerBound, "newest first")
            try await web.get("/market/competitors")
            #expect(web.lastBody.contains("深圳迈驰机器人"))
        }
    }
}
