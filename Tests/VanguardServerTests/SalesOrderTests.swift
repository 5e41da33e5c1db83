import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Orders, receivables and credit through HTTP (SP-5, SAL-4, SP-6, RSK-S2).
@Suite("Sales: orders, delivery, receivables and credit (SP-5, SAL-4, RSK-S2)")
struct SalesOrderTests {
    struct Fixture {
        var team: Team
        var customer: UUID
        var contract: ContractDTO
    }

    /// A signed contract of `yuan` for a new customer, straight through the flow's API.
    func signedContract(_ world: TestWorld, yuan: Int) async throws -> Fixture {
        let team = try await world.seedTeam()
        let rep = team.salesRep.token
        let customer = try await world.api(.POST, "/api/v1/customers", token: rep, json: JSONBody(["name": "天津瑞丰建筑工程", "source": "visit"])).json(CustomerDTO.self)
        let contract = try await world.signedContract(team, customer: customer.id, title: "塔吊租赁", needs: "两台塔吊", yuan: yuan)
        return Fixture(team: team, customer: customer.id, contract: contract)
    }

    /// An exported CSV's rows, header first, read back as the importer reads a file.
    static func csvRows(_ response: TestingHTTPResponse) throws -> [[String]] {
        #expect(response.status == .ok)
        let table = try ImportFile.table(from: Data(buffer: response.body))
        return [table.header] + table.rows
    }

    /// An exported workbook's rows, header first, each as wide as the header (the reader leaves
    /// out a row's empty cells at its end).
    static func xlsxRows(_ response: TestingHTTPResponse) throws -> [[String]] {
        let table = try XLSXReader.table(from: Data(buffer: response.body))
        return [table.header] + table.rows.map { $0 + Array(repeating: "", count: max(0, table.header.count - $0.count)) }
    }

    func assess(_ world: TestWorld, _ f: Fixture, weak: Bool = false) async throws -> CreditAssessmentDTO {
        let answer = try await world.api(.POST, "/api/v1/credit-assessments", token: f.team.finance.token, json: JSONBody([
            "customerId": .string(f.customer.uuidString), "onTimeShare": weak ? 0.5 : 0.99, "yearsInBusiness": weak ? 0 : 12,
            "registeredCapital": weak ? 1000 : 60_000_000, "industryRisk": weak ? "high" : "low"]))
        #expect(answer.status == .created)
        return try answer.json(CreditAssessmentDTO.self)
    }

    @Test("RSK-S2: without a credit assessment the order is refused and says why; finance assesses; then it goes through")
    func assessmentFirst() async throws {
        try await withApp { world in
            let f = try await signedContract(world, yuan: 300000)
            let body = JSONBody(["contractId": .string(f.contract.id.uuidString), "plannedDelivery": "2026-10-15"])
            let refused = try await world.api(.POST, "/api/v1/orders", token: f.team.salesRep.token, json: body)
            #expect(refused.status == .conflict)
            #expect(refused.problem?.errors?.map(\.code).contains("noValidAssessment") == true, "no assessment means no credit")
            #expect(try await world.api(.POST, "/api/v1/credit-assessments", token: f.team.salesRep.token, json: JSONBody([
                "customerId": .string(f.customer.uuidString), "yearsInBusiness": 1, "registeredCapital": 1, "industryRisk": "low"])).status == .forbidden,
                    "a salesperson does not rate their own customer's credit")
            let a = try await assess(world, f)
            #expect(a.rating == "AAA" && a.limit == 2_000_000 && a.nextReview == "2027-09-21")
            let placed = try await world.api(.POST, "/api/v1/orders", token: f.team.salesRep.token, json: body)
            #expect(placed.status == .created)
            let order = try placed.json(OrderDTO.self)
            #expect(order.amount == 300000 && order.creditDecision == "allowed" && order.status == "open")
        }
    }

    @Test("RSK-S2: an order over the limit, or for a customer with debt past 90 days, is refused unless the team lead overrides with a reason")
    func limitAndOverride() async throws {
        try await withApp { world in
            let f = try await signedContract(world, yuan: 300000)
            _ = try await assess(world, f, weak: true)  // a new, small company in a risky trade: rating C, no credit
            let assessment = try await world.api(.GET, "/api/v1/credit-assessments?customerId=\(f.customer)", token: f.team.finance.token).json(PageOf<CreditAssessmentDTO>.self).items[0]
            #expect(assessment.limit < 300000)
            // An old invoice 100 days past due.
            #expect(try await world.api(.POST, "/api/v1/invoices", token: f.team.finance.token, json: JSONBody([
                "customerId": .string(f.customer.uuidString), "amount": 5000, "issuedOn": "2026-05-01", "dueOn": "2026-06-13"])).status == .created)
            let body: [String: JSONBodyValue] = ["contractId": .string(f.contract.id.uuidString), "plannedDelivery": "2026-10-15"]
            let refused = try await world.api(.POST, "/api/v1/orders", token: f.team.salesRep.token, json: JSONBody(body))
            #expect(Set(refused.problem?.errors?.map(\.code) ?? []) == ["overLimit", "debtOverdue"])
            #expect(refused.problem?.detail?.contains("100 days past due") == true)
            let repOverride = try await world.api(.POST, "/api/v1/orders", token: f.team.salesRep.token, json: JSONBody(body.merging(["creditOverrideReason": "老客户"]) { $1 }))
            #expect(repOverride.status == .forbidden, "only the team lead overrides")
            let noReason = try await world.api(.POST, "/api/v1/orders", token: f.team.lead.token, json: JSONBody(body.merging(["creditOverrideReason": "  "]) { $1 }))
            #expect(noReason.status == .conflict)
            let overridden = try await world.api(.POST, "/api/v1/orders", token: f.team.lead.token, json: JSONBody(body.merging(["creditOverrideReason": "董事会批准，预付30%"]) { $1 }))
            #expect(overridden.status == .created)
            let order = try overridden.json(OrderDTO.self)
            #expect(order.creditDecision == "allowedWithOverride" && order.creditOverrideReason == "董事会批准，预付30%")
            let history = try await world.api(.GET, "/api/v1/orders/\(order.id)/history", token: f.team.lead.token).json(PageOf<AuditEventDTO>.self)
            #expect(history.items.first?.entityLabel.contains("credit override") == true, "the override is in the history")
            #expect(try await SalesOrder.query(on: world.db).count() == 1, "refused orders left nothing behind")
        }
    }

    @Test("SP-5, SAL-4: delivery and acceptance; an open order past its planned date is flagged late")
    func delivery() async throws {
        try await withApp { world in
            let f = try await signedContract(world, yuan: 100000)
            _ = try await assess(world, f)
            let rep = f.team.salesRep.token
            let late = try await world.api(.POST, "/api/v1/orders", token: rep, json: JSONBody([
                "contractId": .string(f.contract.id.uuidString), "amount": 40000, "plannedDelivery": "2026-09-01"])).json(OrderDTO.self)
            #expect(late.late, "planned for 2026-09-01, still open on 2026-09-21")
            let onTime = try await world.api(.POST, "/api/v1/orders", token: rep, json: JSONBody([
                "contractId": .string(f.contract.id.uuidString), "amount": 60000, "plannedDelivery": "2026-10-30"])).json(OrderDTO.self)
            #expect(!onTime.late)
            let lateList = try await world.api(.GET, "/api/v1/orders?late=true", token: rep).json(PageOf<OrderDTO>.self)
            #expect(lateList.items.map(\.id) == [late.id])
            // The list exports with its filter, by planned delivery, in CSV and XLSX alike.
            let lateCSV = try Self.csvRows(await world.api(.GET, "/api/v1/orders/export?late=true", token: rep))
            #expect(lateCSV == [["订单号", "客户", "金额（元）", "状态", "计划交付", "实际交付", "验收日期", "逾期"],
                                [late.number, "天津瑞丰建筑工程", "40000.00", "执行中", "2026-09-01", "", "", "是"]])
            let allCSV = try Self.csvRows(await world.api(.GET, "/api/v1/orders/export", token: rep))
            #expect(allCSV.dropFirst().map { $0[0] } == [late.number, onTime.number])
            let xlsx = try await world.api(.GET, "/api/v1/orders/export?format=xlsx", token: rep)
            #expect(try Self.xlsxRows(xlsx) == allCSV)
            #expect(try Self.csvRows(await world.api(.GET, "/api/v1/orders/export", token: f.team.serviceAgent.token)).count == 1,
                    "another group's agent exports the header only")
            #expect(try await world.api(.GET, "/api/v1/orders/export?format=pdf", token: rep).status == .badRequest)
            #expect(try await world.api(.PATCH, "/api/v1/orders/\(onTime.id)", token: rep, json: JSONBody(["status": "accepted"])).status == .conflict,
                    "acceptance comes after delivery")
            let delivered = try await world.api(.PATCH, "/api/v1/orders/\(onTime.id)", token: rep, json: JSONBody(["status": "delivered"])).json(OrderDTO.self)
            #expect(delivered.actualDelivery == "2026-09-21")
            let accepted = try await world.api(.PATCH, "/api/v1/orders/\(onTime.id)", token: rep, json: JSONBody(["status": "accepted"])).json(OrderDTO.self)
            #expect(accepted.acceptedOn == "2026-09-21" && !accepted.late)
            let request = try await world.api(.POST, "/api/v1/orders/\(onTime.id)/after-sales", token: f.team.serviceAgent.token, json: JSONBody(["description": "安装后异响"]))
            #expect(request.status == .forbidden, "another group's agent cannot see this order")
            #expect(try await world.api(.POST, "/api/v1/orders/\(onTime.id)/after-sales", token: rep, json: JSONBody(["description": "安装后异响"])).status == .created)
            // ...and lands in the service queue as an after-sales ticket on this order, its clocks running.
            let queue = try await world.api(.GET, "/api/v1/tickets?queue=unassigned", token: f.team.serviceAgent.token).json(PageOf<TicketDTO>.self)
            #expect(queue.items.map(\.type) == ["afterSales"] && queue.items.first?.orderId == onTime.id && queue.items.first?.responseDueAt != nil)
            // The contract's amount is fully ordered; invoicing one order beyond its amount is refused.
            #expect(try await world.api(.POST, "/api/v1/invoices", token: f.team.finance.token, json: JSONBody([
                "orderId": .string(onTime.id.uuidString), "amount": 60000.01, "issuedOn": "2026-09-21", "dueOn": "2026-10-21"])).status == .conflict)
        }
    }

    @Test("RSK-S2: ageing puts each unpaid invoice in its bucket; payments go to the named invoice, then the oldest")
    func ageing() async throws {
        try await withApp { world in
            let f = try await signedContract(world, yuan: 100000)
            let fin = f.team.finance.token
            func invoice(_ amount: Int, due: String) async throws -> InvoiceDTO {
                try await world.api(.POST, "/api/v1/invoices", token: fin, json: JSONBody([
                    "customerId": .string(f.customer.uuidString), "amount": .int(amount), "issuedOn": "2026-05-01", "dueOn": .string(due)])).json(InvoiceDTO.self)
            }
            _ = try await invoice(1000, due: "2026-09-30")   // current
            _ = try await invoice(2000, due: "2026-08-22")   // 30 days → 0–30
            let b = try await invoice(3000, due: "2026-08-21") // 31 days → 31–60
            _ = try await invoice(4000, due: "2026-06-13")   // 100 days → 90+
            #expect(try await world.api(.POST, "/api/v1/payments", token: fin, json: JSONBody([
                "customerId": .string(f.customer.uuidString), "invoiceId": .string(b.id.uuidString), "amount": 3000, "receivedOn": "2026-09-20"])).status == .created)
            #expect(try await world.api(.POST, "/api/v1/payments", token: fin, json: JSONBody([
                "customerId": .string(f.customer.uuidString), "amount": 1500, "receivedOn": "2026-09-20"])).status == .created)
            let report = try await world.api(.GET, "/api/v1/receivables/ageing", token: f.team.salesRep.token).json(AgeingDTO.self)
            #expect(report.buckets["current"] == 1000)
            #expect(report.buckets["days0to30"] == 2000)
            #expect(report.buckets["days31to60"] == 0)
            #expect(report.buckets["over90"] == 2500, "the unapplied 1,500 paid the oldest invoice first")
            #expect(report.customers.first?.oldestOverdueDays == 100)
            #expect(try await world.api(.GET, "/api/v1/receivables/ageing", token: f.team.serviceAgent.token).json(AgeingDTO.self).outstanding == 0)
            // The same figures export, one customer a row and the total last, for chasing the debts.
            let exported = try Self.csvRows(await world.api(.GET, "/api/v1/receivables/ageing/export", token: f.team.salesRep.token))
            #expect(exported == [["客户", "未到期", "0–30天", "31–60天", "61–90天", "90天以上", "未收", "最长逾期天数"],
                                 ["天津瑞丰建筑工程", "1000.00", "2000.00", "0.00", "0.00", "2500.00", "5500.00", "100"],
                                 ["合计", "1000.00", "2000.00", "0.00", "0.00", "2500.00", "5500.00", ""]])
            let xlsx = try await world.api(.GET, "/api/v1/receivables/ageing/export?format=xlsx", token: f.team.salesRep.token)
            #expect(try Self.xlsxRows(xlsx) == exported)
            #expect(try Self.csvRows(await world.api(.GET, "/api/v1/receivables/ageing/export", token: f.team.serviceAgent.token)).count == 1)
            let bad = try await world.api(.POST, "/api/v1/invoices", token: fin, json: JSONBody([
                "customerId": .string(f.customer.uuidString), "amount": 0, "issuedOn": "2026-09-01", "dueOn": "2026-08-01"]))
            #expect(Set(bad.problemFields) == ["amount", "dueOn"])
        }
    }

    @Test("on the web: a refused order shows the credit reasons with the input kept; the receivables page draws the ageing chart")
    func web() async throws {
        try await withApp { world in
            let f = try await signedContract(world, yuan: 100000)
            let web = WebClient(world)
            try await web.signIn(f.team.salesRep.email)
            try await web.get("/orders/new?contractId=\(f.contract.id)")
            let refused = try await web.post("/orders", form: ["contractId": f.contract.id.uuidString, "amount": "100000", "plannedDelivery": "2026-10-20", "notes": "加急"])
            #expect(refused.status == .conflict)
            #expect(web.lastBody.contains("id=\"credit-refusal\"") && web.lastBody.contains("加急"))
            #expect(!web.lastBody.contains("name=\"creditOverrideReason\""), "the override is the lead's")
            let fin = WebClient(world)
            try await fin.signIn(f.team.finance.email)
            try await fin.get("/receivables")
            #expect(try await fin.post("/receivables/invoices", form: ["customerId": f.customer.uuidString, "amount": "8,000", "issuedOn": "2026-07-01", "dueOn": "2026-07-31"]).status == .seeOther)
            try await fin.get("/receivables")
            #expect(fin.lastBody.contains("<svg") && fin.lastBody.contains("8,000.00") && fin.lastBody.contains("id=\"ageing-table\""))
            #expect(fin.lastBody.contains("href=\"/receivables/export\"") && fin.lastBody.contains("href=\"/receivables/export?format=xlsx\""))
            let sheet = try await fin.get("/receivables/export")
            #expect(sheet.status == .ok && sheet.body.string.contains("天津瑞丰建筑工程,0.00,0.00,8000.00,0.00,0.00,8000.00,52"), "\(sheet.body.string)")
            try await web.get("/orders?late=true")
            #expect(web.lastBody.contains("href=\"/orders/export?late=true\""), "the page's export keeps its filter")
            #expect(try await web.get("/orders/export?format=xlsx").headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
    }
}
