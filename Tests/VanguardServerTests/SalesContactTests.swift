import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The contacts list across customers (SP-1, SAL-2): who a salesperson deals with, found by name,
/// title, e-mail, WeChat or mobile, in pinyin order, each with their customer.
@Suite("Sales: the contacts list (SP-1)")
struct SalesContactTests {
    /// Every name on the list, page after page.
    static func listed(_ world: TestWorld, token: String, query: String = "", sort: String = "name", limit: Int = 2) async throws -> [String] {
        try await world.allPages("/api/v1/contacts?limit=\(limit)&sort=\(sort)" + query, token: token, of: ContactDTO.self).map(\.name)
    }

    static func q(_ text: String) -> String { "&q=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test("an export naming more customers than PostgreSQL takes parameters in one statement (65,535) still names every one")
    func exportNamesManyCustomers() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let count = 66_000, stamp = Date()
            var customers: [[BulkValue]] = [], contacts: [[BulkValue]] = []
            for n in 0..<count {
                let name = "导出\(n)号商行"
                let record = CustomerDTO(id: UUID.timeOrdered(), name: name, kind: "company", uscc: nil, industry: nil, region: "", size: nil, source: "visit",
                                         status: "prospect", expectedAnnualYuan: 0, score: 0, customerClass: "C", phone: nil, email: nil, address: "",
                                         notes: "", ownerId: nil, version: 1, createdAt: stamp, updatedAt: stamp)
                customers.append(NewCustomer(record: record, nameKey: DuplicateCustomers.nameKey(name), phoneKey: nil,
                                             searchText: CustomerSearch.document(name: name, phoneKeys: [])).row)
                contacts.append(NewContact(id: UUID.timeOrdered(), customerId: record.id, name: "联系人\(n)", title: "", mobile: nil, email: nil, isPrimary: true).row(stamp: stamp))
            }
            let customerRows = customers, contactRows = contacts
            try await world.db.transaction { db in
                let sql = db as! any SQLDatabase
                try await sql.bulkInsert(into: Customer.schema, columns: NewCustomer.columns, rows: customerRows)
                try await sql.bulkInsert(into: Contact.schema, columns: NewContact.columns, rows: contactRows)
            }
            let sheet = try await world.api(.GET, "/api/v1/contacts/export", token: team.admin.token)
            #expect(sheet.status == .ok)
            let lines = sheet.body.string.split(whereSeparator: \.isNewline)
            #expect(lines.count == count + 1)
            #expect(lines.dropFirst().allSatisfy { $0.contains(",导出") }, "every contact's customer is named")
        }
    }

    @Test("SP-1: the customers export names each customer's primary contact, or the first by name when none is, and never a deleted one")
    func customersExportNamesThePrimaryContact() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let token = team.salesRep.token
            let customer = try await world.api(.POST, "/api/v1/customers", token: token, json: JSONBody(["name": "主联系人测试商行", "source": "visit"])).json(CustomerDTO.self)
            var made: [String: ContactDTO] = [:]
            // Code-point order, as the query sorts: 乙 (U+4E59) < 李 (U+674E) < 王 (U+738B).
            for (name, primary) in [("乙采购", false), ("李会计", false), ("王经理", true)] {
                let contact = try await world.api(.POST, "/api/v1/contacts", token: token, json: JSONBody(["customerId": .string(customer.id.uuidString),
                                                                                                             "name": .string(name), "isPrimary": .bool(primary)]))
                #expect(contact.status == .created, "\(contact.body.string)")
                made[name] = try contact.json(ContactDTO.self)
            }
            func exported() async throws -> String {
                let rows = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/customers/export?q=%E4%B8%BB%E8%81%94%E7%B3%BB%E4%BA%BA", token: token))
                #expect(rows.count == 2, "\(rows)")
                return rows.last?[14] ?? ""
            }
            #expect(try await exported() == "王经理", "the primary contact, though two sort before it")
            #expect(try await world.api(.DELETE, "/api/v1/contacts/\(made["乙采购"]!.id)", token: token, headers: [("If-Match", "\"v1\"")]).status == .noContent)
            #expect(try await world.api(.DELETE, "/api/v1/contacts/\(made["王经理"]!.id)", token: token, headers: [("If-Match", "\"v1\"")]).status == .noContent)
            #expect(try await exported() == "李会计", "no primary left: the first by name that is not deleted")
        }
    }

    @Test("SP-1: every contact in the reader's scope lists in pinyin order page after page, both ways; imported ones take their places; contacts on file get theirs when the order arrives")
    func pinyinOrder() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let rep = team.salesRep.token, lead = team.salesLead.token
            let mine = try await world.api(.POST, "/api/v1/customers", token: rep, json: JSONBody(["name": "杭州西湖茶业", "source": "visit"])).json(CustomerDTO.self)
            let leads = try await world.api(.POST, "/api/v1/customers", token: lead, json: JSONBody(["name": "苏州园林设计", "source": "visit"])).json(CustomerDTO.self)
            for (token, customer, name) in [(rep, mine, "张伟"), (rep, mine, "Lee"), (lead, leads, "白雪"), (rep, mine, "安娜"), (lead, leads, "王芳")] {
                let made = try await world.api(.POST, "/api/v1/contacts", token: token, json: JSONBody(["customerId": .string(customer.id.uuidString), "name": .string(name)]))
                #expect(made.status == .created, "\(made.body.string)")
            }
            #expect(try await Self.listed(world, token: lead) == ["安娜", "白雪", "Lee", "王芳", "张伟"], "code point order would put Lee first and 张 before 王")
            #expect(try await Self.listed(world, token: lead, sort: "-name") == ["张伟", "王芳", "Lee", "白雪", "安娜"])
            #expect(try await Self.listed(world, token: rep) == ["安娜", "Lee", "张伟"], "a salesperson sees their customers' contacts only")
            #expect(try await Self.listed(world, token: team.hr.token) == [])
            #expect(try await Self.listed(world, token: lead, query: "&customerId=\(leads.id)") == ["白雪", "王芳"])
            #expect(try await Self.listed(world, token: lead, sort: "-createdAt") == ["王芳", "安娜", "白雪", "Lee", "张伟"], "newest first, page after page")
            #expect(try await Self.listed(world, token: lead, sort: "createdAt") == ["张伟", "Lee", "白雪", "安娜", "王芳"])
            // Unasked, everyone's contacts come newest first, as the page opens (no sort of every
            // contact in scope); one customer's come by name.
            let unasked = try await world.api(.GET, "/api/v1/contacts", token: lead).json(PageOf<ContactDTO>.self).items.map(\.name)
            #expect(unasked == ["王芳", "安娜", "白雪", "Lee", "张伟"])
            let oneCustomer = try await world.api(.GET, "/api/v1/contacts?customerId=\(mine.id)", token: lead).json(PageOf<ContactDTO>.self).items.map(\.name)
            #expect(oneCustomer == ["安娜", "Lee", "张伟"])

            // Imported with their customers: the import writes its rows in bulk, not through the model.
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: rep)
            headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            let csv = "客户名称,来源渠道,联系人,手机\n绍兴柯桥纺织,展会,陈静,13588887777\n宁波港务,展会,Ada,13588886666\n"
            let imported = try await world.app.testing().sendRequest(.POST, "/api/v1/customers/import", headers: headers, body: ByteBuffer(string: csv))
            #expect(imported.status == .ok, "\(imported.body.string)")
            #expect(try await Self.listed(world, token: rep) == ["Ada", "安娜", "陈静", "Lee", "张伟"])

            // A renamed contact moves.
            let zhang = try #require(try await Contact.query(on: world.db).filter(\.$name == "张伟").first())
            let renamed = try await world.api(.PATCH, "/api/v1/contacts/\(zhang.id!)", token: rep, json: JSONBody(["name": "卜伟"]), headers: [("If-Match", "\"v1\"")])
            #expect(renamed.status == .ok)
            #expect(try await Self.listed(world, token: rep) == ["Ada", "安娜", "卜伟", "陈静", "Lee"])

            // A database from before the order: the migration gives every contact on file its place.
            try await world.db.withConnection { db in
                try await AddContactNameOrder().revert(on: db)
                try await AddContactNameOrder().prepare(on: db)
            }
            #expect(try await Self.listed(world, token: lead) == ["Ada", "安娜", "白雪", "卜伟", "陈静", "Lee", "王芳"])
        }
    }

    @Test("SP-1: a contact is found by a fragment of name, title, e-mail or WeChat, or by four or more digits of the mobile they have now, typed half- or full-width, page after page")
    func search() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let rep = team.salesRep.token
            let shop = try await world.api(.POST, "/api/v1/customers", token: rep, json: JSONBody(["name": "宁波海曙文具", "source": "visit"])).json(CustomerDTO.self)
            let other = try await world.api(.POST, "/api/v1/customers", token: team.salesLead.token, json: JSONBody(["name": "温州瓯江包装", "source": "visit"])).json(CustomerDTO.self)
            func add(_ customer: CustomerDTO, _ token: String, _ fields: [String: JSONBodyValue]) async throws -> ContactDTO {
                try await world.api(.POST, "/api/v1/contacts", token: token, json: JSONBody(fields.merging(["customerId": .string(customer.id.uuidString)]) { $1 })).json(ContactDTO.self)
            }
            let buyer = try await add(shop, rep, ["name": "陈采购", "title": "采购经理", "mobile": "139 1234 5678", "email": "chen@haishu.cn"])
            _ = try await add(shop, rep, ["name": "周会计", "title": "财务", "wechat": "zhou_kuaiji"])
            _ = try await add(shop, rep, ["name": "陈晓", "title": "采购助理", "mobile": "13800001234"])
            _ = try await add(other, team.salesLead.token, ["name": "林采购", "title": "采购", "mobile": "13912345670"])
            func found(_ text: String, _ token: String? = nil) async throws -> [String] {
                try await Self.listed(world, token: token ?? rep, query: Self.q(text), limit: 1)
            }
            #expect(try await found("陈") == ["陈采购", "陈晓"])
            #expect(try await found("采购") == ["陈采购", "陈晓"], "names and titles; 林采购 is the lead's")
            #expect(try await found("采购", team.salesLead.token) == ["陈采购", "陈晓", "林采购"])
            #expect(try await found("HAISHU") == ["陈采购"], "e-mail, any case")
            #expect(try await found("kuaiji") == ["周会计"], "WeChat")
            #expect(try await found("1234") == ["陈采购", "陈晓"], "digits anywhere in a mobile")
            #expect(try await found("12345678") == ["陈采购"])
            #expect(try await found("１２３４５６７８") == ["陈采购"], "full-width digits")
            #expect(try await found("139-1234") == ["陈采购"])
            #expect(try await found("12345670", team.salesLead.token) == ["林采购"])
            #expect(try await found("12345670") == [], "not the lead's customer's contact")
            #expect(try await found("王") == [])
            // A changed mobile is found by its new digits only.
            _ = try await world.api(.PATCH, "/api/v1/contacts/\(buyer.id)", token: rep, json: JSONBody(["mobile": "13700009999"]), headers: [("If-Match", "\"v1\"")])
            #expect(try await found("0009999") == ["陈采购"])
            #expect(try await found("12345678") == [])
            #expect(try await world.api(.DELETE, "/api/v1/contacts/\(buyer.id)", token: rep, headers: [("If-Match", "\"v2\"")]).status == .noContent)
            #expect(try await found("0009999") == [], "a deleted contact is not listed")
            #expect(try await found("采购") == ["陈晓"])
        }
    }

    @Test("SP-1: the contacts page lists each contact with their customer, newest first or by name, searches and exports as the API does; with none yet it says where to add them")
    func page() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.salesRep.email)
            try await web.get("/contacts")
            #expect(web.lastBody.contains("No contacts yet. Add them on a customer"))
            let shop = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "宁波海曙文具", "source": "visit"])).json(CustomerDTO.self)
            for (name, title) in [("安娜", "总经理"), ("周会计", "财务"), ("陈采购", "采购经理")] {
                _ = try await world.api(.POST, "/api/v1/contacts", token: team.salesRep.token,
                                        json: JSONBody(["customerId": .string(shop.id.uuidString), "name": .string(name), "title": .string(title), "birthday": "1980-08-15", "birthdayCalendar": "lunar"]))
            }
            func inOrder(_ names: [String]) -> Bool {
                let positions = names.map { web.lastBody.range(of: ">\($0)<")?.lowerBound }
                return !positions.contains(nil) && positions.map { $0! } == positions.map { $0! }.sorted()
            }
            let page = try await web.get("/contacts")
            #expect(page.status == .ok)
            #expect(inOrder(["陈采购", "周会计", "安娜"]), "newest first")
            try await web.get("/contacts?sort=name")
            #expect(inOrder(["安娜", "陈采购", "周会计"]), "pinyin order")
            #expect(web.lastBody.contains("href=\"/customers/\(shop.id)#contacts\">宁波海曙文具</a>"))
            #expect(web.lastBody.contains("1980-08-15 (lunar)"))
            try await web.get("/contacts?q=%E9%87%87%E8%B4%AD")  // 采购
            #expect(web.lastBody.contains(">陈采购<") && !web.lastBody.contains(">周会计<"))
            #expect(web.lastBody.contains("value=\"采购\""), "the search stays in the box")
            try await web.get("/contacts?q=nobody")
            #expect(web.lastBody.contains("Nothing matches these filters."))
            try await web.get("/contacts?sort=-name")
            #expect(inOrder(["周会计", "陈采购", "安娜"]))

            let csv = try await world.api(.GET, "/api/v1/contacts/export?q=%E9%87%87%E8%B4%AD", token: team.salesRep.token)
            #expect(csv.status == .ok)
            let lines = csv.body.string.split(whereSeparator: \.isNewline).map(String.init)
            #expect(lines.count == 2 && lines[1].hasPrefix("陈采购,宁波海曙文具,采购经理"), "\(lines)")
            let all = try await world.api(.GET, "/api/v1/contacts/export", token: team.salesRep.token).body.string
            #expect(all.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[0]) } == ["安娜", "陈采购", "周会计"])
            let xlsx = try await world.api(.GET, "/api/v1/contacts/export?format=xlsx", token: team.salesRep.token)
            #expect(xlsx.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(try await world.api(.GET, "/api/v1/contacts/export?format=pdf", token: team.salesRep.token).status == .badRequest)
            let none = try await world.api(.GET, "/api/v1/contacts/export", token: team.hr.token).body.string
            #expect(none.split(whereSeparator: \.isNewline).count == 1, "HR reads no customer's contacts: the header only")
            // However long, a list exports whole, read a chunk at a time; only a sheet's own row
            // limit refuses an XLSX, never cutting it short without a word.
            world.app.exportChunkSize = 2
            #expect(try await world.api(.GET, "/api/v1/contacts/export", token: team.salesRep.token).body.string == all, "read two rows at a time, the same file")
            #expect(try SalesOrderTests.xlsxRows(try await world.api(.GET, "/api/v1/contacts/export?format=xlsx", token: team.salesRep.token)).dropFirst().map { $0[0] } == ["安娜", "陈采购", "周会计"])
            world.app.xlsxRowLimit = 2
            let tooMany = try await world.api(.GET, "/api/v1/contacts/export?format=xlsx", token: team.salesRep.token)
            #expect(tooMany.status == .unprocessableEntity && tooMany.problem?.type == "/problems/export-too-large", "\(tooMany.body.string)")
            #expect(tooMany.problem?.detail?.contains("holds 3 rows; a spreadsheet sheet holds at most 2") == true, "\(tooMany.body.string)")
            #expect(try await world.api(.GET, "/api/v1/contacts/export?format=xlsx&q=%E9%87%87%E8%B4%AD", token: team.salesRep.token).status == .ok, "narrowed, it exports")
            #expect(try await world.api(.GET, "/api/v1/contacts/export", token: team.salesRep.token).body.string == all, "as CSV it exports whole")
            let refusedPage = try await web.get("/contacts/export?format=xlsx")
            #expect(refusedPage.status == .unprocessableEntity && refusedPage.body.string.contains("Export it as CSV"))
        }
    }

    @Test("a salesperson's contacts are read through their customers; digits find contacts through their customers' search index, not by reading every contact")
    func plans() async throws {
        try await withApp { world in
            try await world.db.transaction { db in
                let sql = db as! any SQLDatabase
                if sql.isPostgres { try await sql.raw("SET LOCAL enable_seqscan = off").run() }
                func plan(_ query: SQLQueryString) async throws -> String { try await queryPlan(sql, query) }
                let member = UUID()
                let owned = try await plan("SELECT id FROM contacts WHERE deleted_at IS NULL AND " + SQLQueryString("customer_id IN (") + SalesScopeSQL.customers(member: member, group: nil)
                                           + SQLQueryString(") ORDER BY name_order, id LIMIT 51"))
                #expect(owned.contains("contacts_customer") && !owned.contains("SCAN contacts") && !owned.contains("Seq Scan on contacts"), "\(owned)")
                let newest = try await plan("SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 51")
                #expect(!newest.contains("TEMP B-TREE") && !newest.contains("Sort"), "newest first reads the primary key in order: \(newest)")
                let phone = try #require(ContactList.phoneCondition("13800138000", dialect: sql.dialect.name))
                let found = try await plan("SELECT id FROM contacts WHERE " + phone)
                #expect(found.contains(sql.isPostgres ? "customers_search_lexemes" : "customer_search") && found.contains("contacts_customer"), "\(found)")
                #expect(!found.contains("SCAN contacts") && !found.contains("Seq Scan on contacts"), "\(found)")
            }
        }
    }
}
