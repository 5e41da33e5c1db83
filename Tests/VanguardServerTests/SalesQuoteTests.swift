import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The price list and quotes through HTTP (SAL-3, SP-3, RSK-S1): lines priced from the list, a
/// discount above the line goes to the lead before the quote is sent, and a sent quote opens the
/// negotiation stage.
@Suite("Sales: price list and quotes (SAL-3, SP-3, RSK-S1)")
struct SalesQuoteTests {
    struct Fixture {
        var team: Team
        var product: ProductDTO
        var deal: OpportunityDTO
    }

    func fixture(_ world: TestWorld) async throws -> Fixture {
        let team = try await world.seedTeam()
        let product = try await world.api(.POST, "/api/v1/products", token: team.lead.token, json: JSONBody([
            "code": "cnc-200", "name": "数控机床 CNC-200", "unit": "台", "listPrice": 120000, "category": "设备"]))
        #expect(product.status == .created)
        let customer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "宁波精工机械", "source": "visit"])).json(CustomerDTO.self)
        let deal = try await world.api(.POST, "/api/v1/opportunities", token: team.salesRep.token, json: JSONBody([
            "customerId": .string(customer.id.uuidString), "title": "两台机床", "amount": 240000, "stage": "proposal", "needs": "替换两台旧机床"]))
        #expect(deal.status == .created)
        return Fixture(team: team, product: try product.json(ProductDTO.self), deal: try deal.json(OpportunityDTO.self))
    }

    func quoteBody(_ f: Fixture, discount: Double, quantity: JSONBodyValue = "2", validUntil: String = "2026-10-31") -> String {
        """
        {"opportunityId":"\(f.deal.id)","validUntil":"\(validUntil)","serviceTerms":"免费安装调试，一年保修",
         "lines":[{"productId":"\(f.product.id)","quantity":\(quantity.jsonText),"discountPercent":\(discount)}]}
        """
    }

    @Test("SAL-3: the lead keeps the price list; everyone reads it; a salesperson may not change prices")
    func priceList() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            #expect(f.product.code == "CNC-200" && f.product.listPrice == 120000)
            let list = try await world.api(.GET, "/api/v1/products?q=cnc", token: f.team.salesRep.token).json(PageOf<ProductDTO>.self)
            #expect(list.items.map(\.code) == ["CNC-200"])
            #expect(try await world.api(.PATCH, "/api/v1/products/\(f.product.id)", token: f.team.salesRep.token, json: JSONBody(["listPrice": 1])).status == .forbidden)
            let dup = try await world.api(.POST, "/api/v1/products", token: f.team.lead.token, json: JSONBody(["code": "CNC-200", "name": "x", "unit": "台", "listPrice": 1]))
            #expect(dup.status == .conflict && dup.problemFields == ["code"])
            let bad = try await world.api(.POST, "/api/v1/products", token: f.team.lead.token, json: JSONBody(["code": "a b", "name": "x", "unit": "台", "listPrice": 1.005]))
            #expect(Set(bad.problemFields) == ["code", "listPrice"])
            // The price list exports as the list reads it, by code, with its filters, in CSV and XLSX alike.
            #expect(try await world.api(.POST, "/api/v1/products", token: f.team.lead.token, json: JSONBody([
                "code": "AZ-1", "name": "安装服务", "nameEn": "Installation", "unit": "次", "listPrice": 800.5, "active": false])).status == .created)
            let exported = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/products/export", token: f.team.salesRep.token))
            #expect(exported == [["编码", "名称", "英文名", "类别", "单位", "目录价（元）", "启用", "说明"],
                                 ["AZ-1", "安装服务", "Installation", "", "次", "800.50", "已停用", ""],
                                 ["CNC-200", "数控机床 CNC-200", "", "设备", "台", "120000.00", "启用", ""]])
            #expect(try SalesOrderTests.xlsxRows(await world.api(.GET, "/api/v1/products/export?format=xlsx", token: f.team.salesRep.token)) == exported)
            let onSale = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/products/export?active=true", token: f.team.salesRep.token))
            #expect(onSale.dropFirst().map { $0[0] } == ["CNC-200"])
        }
    }

    @Test("SP-3: a quote's lines come from the price list; totals are exact to the fen; bad lines are named by row")
    func lines() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let answer = try await world.api(.POST, "/api/v1/quotes", token: f.team.salesRep.token, raw: quoteBody(f, discount: 5, quantity: "2.5"))
            #expect(answer.status == .created)
            let q = try answer.json(QuoteDTO.self)
            #expect(q.lines.first?.unitPrice == 120000, "the list price is used when none is given")
            #expect(q.lines.first?.description == "数控机床 CNC-200")
            #expect(q.subtotal == 300000 && q.discount == 15000 && q.net == 285000)
            #expect(q.status == "draft" && !q.approvalNeeded)
            let bad = try await world.api(.POST, "/api/v1/quotes", token: f.team.salesRep.token, raw: """
                {"opportunityId":"\(f.deal.id)","validUntil":"2026-09-01","lines":[
                  {"productId":"\(f.product.id)","quantity":"-1"},
                  {"productCode":"X","quantity":"1","unitPrice":100,"discountPercent":120}]}
                """)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["lines[0].quantity", "lines[1].discountPercent", "validUntil"])
            #expect(try await Quote.query(on: world.db).count() == 1, "nothing of the bad quote is written")
        }
    }

    @Test("RSK-S1: a discount above the policy's line needs the lead's approval before the quote is sent")
    func approval() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let rep = f.team.salesRep.token
            let q = try await world.api(.POST, "/api/v1/quotes", token: rep, raw: quoteBody(f, discount: 15)).json(QuoteDTO.self)
            #expect(q.approvalNeeded)
            let path = "/api/v1/quotes/\(q.id)"
            let sendNow = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "sent"]))
            #expect(sendNow.status == .conflict)
            #expect(sendNow.problem?.errors?.first?.code == "approvalNeeded")
            #expect(try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "pendingApproval"])).status == .ok)
            let leadInbox = try await world.api(.GET, "/api/v1/notifications", token: f.team.lead.token).json(PageOf<NotificationDTO>.self)
            #expect(leadInbox.items.contains { $0.title.contains(q.number) }, "the lead is told")
            // ...and finds it on the quotes list, among those awaiting approval.
            let web = WebClient(world)
            try await web.signIn(f.team.lead.email)
            try await web.get("/quotes?status=pendingApproval")
            #expect(web.lastBody.contains("href=\"/quotes/\(q.id)\"") && web.lastBody.contains("15.00%") && web.lastBody.contains("204,000.00"), "\(web.lastBody.count)")
            try await web.get("/quotes?status=sent")
            #expect(!web.lastBody.contains(q.number) && web.lastBody.contains("No quotes with this status."))
            let other = WebClient(world)
            try await other.signIn(f.team.serviceAgent.email)
            try await other.get("/quotes")
            #expect(!other.lastBody.contains(q.number), "another group's agent does not see the quote")
            let selfApproval = try await world.api(.PATCH, path, token: f.team.salesLead.token, json: JSONBody(["status": "approved"]))
            #expect(selfApproval.problem?.errors?.first?.code == "leadApprovalOnly")
            #expect(try await world.api(.PATCH, path, token: f.team.lead.token, json: JSONBody(["status": "approved"])).status == .ok)
            let repInbox = try await world.api(.GET, "/api/v1/notifications", token: rep).json(PageOf<NotificationDTO>.self)
            #expect(repInbox.items.contains { $0.title == "报价单 \(q.number) 已批准" })
            let inEnglish = try await world.api(.GET, "/api/v1/notifications", token: rep, headers: [("Accept-Language", "en")]).json(PageOf<NotificationDTO>.self)
            #expect(inEnglish.items.contains { $0.title == "Quote \(q.number) approved" })
            // Changing an approved quote's content takes it back to draft: the approval was for other terms.
            let edited = try await world.api(.PATCH, path, token: rep, raw: #"{"serviceTerms":"两年保修"}"#).json(QuoteDTO.self)
            #expect(edited.status == "draft" && edited.approvedAt == nil)
            _ = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "pendingApproval"]))
            _ = try await world.api(.PATCH, path, token: f.team.lead.token, json: JSONBody(["status": "approved"]))
            let sent = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "sent"])).json(QuoteDTO.self)
            #expect(sent.status == "sent" && sent.sentAt != nil)
            #expect(try await world.api(.PATCH, path, token: rep, raw: #"{"notes":"x"}"#).status == .conflict, "a sent quote is locked")
            #expect(try await world.api(.DELETE, path, token: rep).status == .conflict)
        }
    }

    @Test("item 11: the quotes list exports with its status filter and the reader's scope, newest number first, in CSV and XLSX alike")
    func export() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let rep = f.team.salesRep.token
            let first = try await world.api(.POST, "/api/v1/quotes", token: rep, raw: quoteBody(f, discount: 15)).json(QuoteDTO.self)
            let second = try await world.api(.POST, "/api/v1/quotes", token: rep, raw: quoteBody(f, discount: 5)).json(QuoteDTO.self)
            #expect(try await world.api(.PATCH, "/api/v1/quotes/\(second.id)", token: rep, json: JSONBody(["status": "sent"])).status == .ok)
            let owner = try #require(try await Member.find(f.team.salesRep.member, on: world.db)).name
            let all = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/quotes/export", token: rep))
            #expect(all == [["报价单", "客户", "状态", "小计", "折扣（%）", "净额（元）", "有效期至", "发送日期", "负责人"],
                            [second.number, "宁波精工机械", "已发送", "240000.00", "5.00", "228000.00", "2026-10-31", "2026-09-21", owner],
                            [first.number, "宁波精工机械", "草稿", "240000.00", "15.00", "204000.00", "2026-10-31", "", owner]])
            let sent = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/quotes/export?status=sent", token: rep))
            #expect(sent.dropFirst().map { $0[0] } == [second.number])
            #expect(try SalesOrderTests.xlsxRows(await world.api(.GET, "/api/v1/quotes/export?format=xlsx", token: rep)) == all)
            #expect(try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/quotes/export", token: f.team.serviceAgent.token)).count == 1,
                    "another group's agent exports the header only")
            #expect(try await world.api(.GET, "/api/v1/quotes/export?status=lost", token: rep).status == .badRequest)
            // The page's export links carry its filter; the web route answers with the same file.
            let web = WebClient(world)
            web.acceptLanguage = "zh-CN"
            try await web.signIn(f.team.salesRep.email)
            try await web.get("/quotes?status=sent")
            #expect(web.lastBody.contains("href=\"/quotes/export?status=sent\""))
            #expect(try SalesOrderTests.csvRows(await web.get("/quotes/export?status=sent")) == sent)
        }
    }

    @Test("SP-3 → SP-4: a deal may enter negotiation once a quote has been sent")
    func quoteOpensNegotiation() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let rep = f.team.salesRep.token
            let dealPath = "/api/v1/opportunities/\(f.deal.id)"
            #expect(try await world.api(.PATCH, dealPath, token: rep, json: JSONBody(["stage": "negotiation"])).status == .conflict)
            let q = try await world.api(.POST, "/api/v1/quotes", token: rep, raw: quoteBody(f, discount: 5)).json(QuoteDTO.self)
            #expect(try await world.api(.PATCH, dealPath, token: rep, json: JSONBody(["stage": "negotiation"])).status == .conflict, "a draft is not a quote the customer has")
            #expect(try await world.api(.PATCH, "/api/v1/quotes/\(q.id)", token: rep, json: JSONBody(["status": "sent"])).status == .ok)
            let moved = try await world.api(.PATCH, dealPath, token: rep, json: JSONBody(["stage": "negotiation"]))
            #expect(moved.status == .ok)
            #expect(try moved.json(OpportunityDTO.self).stage == "negotiation")
        }
    }

    @Test("quotes are as private as their deal: another group's salesperson cannot read or change them")
    func access() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let q = try await world.api(.POST, "/api/v1/quotes", token: f.team.salesRep.token, raw: quoteBody(f, discount: 0)).json(QuoteDTO.self)
            #expect(try await world.api(.GET, "/api/v1/quotes/\(q.id)", token: f.team.serviceAgent.token).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/quotes", token: f.team.serviceAgent.token).json(PageOf<QuoteDTO>.self).items.isEmpty)
            #expect(try await world.api(.POST, "/api/v1/quotes", token: f.team.serviceAgent.token, raw: quoteBody(f, discount: 0)).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/quotes/\(q.id)", token: f.team.finance.token).status == .ok)
        }
    }

    @Test("on the web: the quote builder keeps what was typed beside a bad line, and the quote page offers only allowed moves")
    func web() async throws {
        try await withApp { world in
            let f = try await fixture(world)
            let web = WebClient(world)
            try await web.signIn(f.team.salesRep.email)
            try await web.get("/quotes/new?opportunityId=\(f.deal.id)")
            let form = ["opportunityId": f.deal.id.uuidString, "validUntil": "2026-10-31", "extraDiscount": "0",
                        "line0_product": f.product.id.uuidString, "line0_quantity": "abc", "line0_discount": "20"]
            let bad = try await web.post("/quotes", form: form)
            #expect(bad.status == .unprocessableEntity)
            #expect(web.lastBody.contains("id=\"e-line0\"") && web.lastBody.contains("value=\"abc\""))
            let good = try await web.post("/quotes", form: form.merging(["line0_quantity": "1"]) { $1 })
            #expect(good.status == .seeOther)
            let location = try #require(good.headers.first(name: .location))
            try await web.get(location)
            #expect(web.lastBody.contains("id=\"to-pendingApproval\""))
            #expect(!web.lastBody.contains("id=\"to-sent\""), "sending is not offered before approval")
            #expect(web.lastBody.contains("96,000.00"))
            try await web.get(location + "/print")
            #expect(web.lastBody.contains("print-view") && web.lastBody.contains("数控机床 CNC-200"))
            try await web.get("/products?q=cnc")
            #expect(web.lastBody.contains("href=\"/products/export?q=cnc\""), "the price list's export keeps its search")
            let sheet = try await web.get("/products/export?q=cnc")
            #expect(sheet.status == .ok && sheet.body.string.contains("CNC-200,数控机床 CNC-200,,设备,台,120000.00,Active,"), "\(sheet.body.string)")
        }
    }
}

extension JSONBodyValue {
    var jsonText: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        case .null: "null"
        case .array, .object: (try? String(data: JSONEncoder().encode(self), encoding: .utf8)) ?? "null"
        }
    }
}
