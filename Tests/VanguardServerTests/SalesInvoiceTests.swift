import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The invoices list (RSK-S2): what each invoice still owes today, filtered, paged and exported,
/// and money received against one invoice from its row. Today is 2026-09-21 in every test.
@Suite("Sales: invoices with their balances (RSK-S2)")
struct SalesInvoiceTests {
    struct Ledger {
        var team: Team
        var customer: UUID
        /// By number: INV-A 1,000 due 2026-08-01 (51 days late, 400 paid against it), INV-B 2,000
        /// due 2026-09-21 (due today), INV-C 3,000 due 2026-07-01 (paid in full by the unapplied
        /// 3,000, oldest first), INV-D 500 due 2026-10-31 (not yet due).
        var invoices: [String: InvoiceDTO]
    }

    func ledger(_ world: TestWorld) async throws -> Ledger {
        let team = try await world.seedTeam()
        let customer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token,
                                           json: JSONBody(["name": "苏州恒信精密机械", "source": "visit"])).json(CustomerDTO.self)
        let fin = team.finance.token
        var invoices: [String: InvoiceDTO] = [:]
        for (number, yuan, due) in [("INV-A", 1000, "2026-08-01"), ("INV-B", 2000, "2026-09-21"), ("INV-C", 3000, "2026-07-01"), ("INV-D", 500, "2026-10-31")] {
            let answer = try await world.api(.POST, "/api/v1/invoices", token: fin, json: JSONBody([
                "customerId": .string(customer.id.uuidString), "number": .string(number), "amount": .int(yuan), "issuedOn": "2026-06-15", "dueOn": .string(due)]))
            #expect(answer.status == .created)
            invoices[number] = try answer.json(InvoiceDTO.self)
        }
        for body in [JSONBody(["customerId": .string(customer.id.uuidString), "invoiceId": .string(invoices["INV-A"]!.id.uuidString), "amount": 400, "receivedOn": "2026-08-10",
                                "reference": "BOC-0810"]),
                     JSONBody(["customerId": .string(customer.id.uuidString), "amount": 3000, "receivedOn": "2026-08-20"])] {
            #expect(try await world.api(.POST, "/api/v1/payments", token: fin, json: body).status == .created)
        }
        return Ledger(team: team, customer: customer.id, invoices: invoices)
    }

    func list(_ world: TestWorld, _ query: String, token: String) async throws -> PageOf<InvoiceBalanceDTO> {
        let answer = try await world.api(.GET, "/api/v1/invoices\(query)", token: token)
        #expect(answer.status == .ok)
        return try answer.json(PageOf<InvoiceBalanceDTO>.self)
    }

    @Test("RSK-S2: each invoice shows what is paid, what is owed and how late; status, number and paging filter the list")
    func balances() async throws {
        try await withApp { world in
            let l = try await ledger(world)
            let all = try await list(world, "", token: l.team.salesRep.token).items
            #expect(all.map(\.number) == ["INV-C", "INV-A", "INV-B", "INV-D"], "by due date")
            let byNumber = Dictionary(uniqueKeysWithValues: all.map { ($0.number, $0) })
            #expect(byNumber["INV-A"].map { [$0.paid, $0.outstanding] } == [400, 600])
            #expect(byNumber["INV-A"]?.daysPastDue == 51 && byNumber["INV-A"]?.status == "overdue")
            #expect(byNumber["INV-B"]?.status == "open" && byNumber["INV-B"]?.daysPastDue == 0, "due today is not yet late")
            #expect(byNumber["INV-C"].map { [$0.paid, $0.outstanding] } == [3000, 0] && byNumber["INV-C"]?.status == "paid",
                    "the unapplied payment paid the oldest debt")
            #expect(byNumber["INV-D"]?.status == "open" && byNumber["INV-D"]?.daysPastDue == -40)
            #expect(all.allSatisfy { $0.customer == "苏州恒信精密机械" })

            #expect(try await list(world, "?status=overdue", token: l.team.finance.token).items.map(\.number) == ["INV-A"])
            #expect(try await list(world, "?status=open", token: l.team.finance.token).items.map(\.number) == ["INV-B", "INV-D"])
            #expect(try await list(world, "?status=paid", token: l.team.finance.token).items.map(\.number) == ["INV-C"])
            #expect(try await list(world, "?q=v-b", token: l.team.finance.token).items.map(\.number) == ["INV-B"])
            #expect(try await list(world, "?sort=-number", token: l.team.finance.token).items.map(\.number) == ["INV-D", "INV-C", "INV-B", "INV-A"])

            // One row a page, open ones only: the cursor walks past the paid and overdue rows between them.
            var seen: [String] = [], cursor: String?
            repeat {
                let page = try await list(world, "?status=open&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: l.team.finance.token)
                seen += page.items.map(\.number)
                cursor = page.nextCursor
            } while cursor != nil && seen.count < 10
            #expect(seen == ["INV-B", "INV-D"])

            #expect(try await list(world, "", token: l.team.serviceAgent.token).items.isEmpty, "not a customer the service agent may see")
            let bad = try await world.api(.GET, "/api/v1/invoices?status=late", token: l.team.finance.token)
            #expect(bad.status == .badRequest && bad.problemFields == ["status"])
        }
    }

    @Test("RSK-S2: the invoices export has the list's figures and filter, as CSV and as XLSX")
    func export() async throws {
        try await withApp { world in
            let l = try await ledger(world)
            // Two invoices a chunk: each chunk's balances still come from the customer's whole ledger.
            world.app.exportChunkSize = 2
            let csv = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/invoices/export?status=open", token: l.team.finance.token))
            #expect(csv == [["发票", "客户", "订单号", "金额（元）", "开票日期", "到期日", "已付（元）", "未收", "逾期天数", "状态"],
                            ["INV-B", "苏州恒信精密机械", "", "2000.00", "2026-06-15", "2026-09-21", "0.00", "2000.00", "", "未到期"],
                            ["INV-D", "苏州恒信精密机械", "", "500.00", "2026-06-15", "2026-10-31", "0.00", "500.00", "", "未到期"]])
            let late = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/invoices/export?status=overdue", token: l.team.finance.token))
            #expect(late.dropFirst().map { [$0[0], $0[6], $0[7], $0[8], $0[9]] } == [["INV-A", "400.00", "600.00", "51", "已逾期"]])
            let xlsx = try await world.api(.GET, "/api/v1/invoices/export?status=open&format=xlsx", token: l.team.finance.token)
            #expect(try SalesOrderTests.xlsxRows(xlsx) == csv)
        }
    }

    @Test("RSK-S2 on the web: finance records money against one invoice from its row; a refusal keeps what was typed beside its message")
    func payFromTheRow() async throws {
        try await withApp { world in
            let l = try await ledger(world)
            let a = l.invoices["INV-A"]!
            let fin = WebClient(world)
            try await fin.signIn(l.team.finance.email)
            try await fin.get("/receivables/invoices?status=overdue")
            #expect(fin.lastBody.contains("id=\"invoice-INV-A\"") && !fin.lastBody.contains("id=\"invoice-INV-C\""))
            #expect(fin.lastBody.contains("id=\"pay-amount-\(a.id)\" name=\"amount\" inputmode=\"decimal\" value=\"600.00\""), "the amount owed, ready to confirm")
            #expect(fin.lastBody.contains("href=\"/receivables/invoices/export?status=overdue\""), "the export keeps the filter")

            let refused = try await fin.post("/receivables/invoices/\(a.id)/payments?status=overdue", form: ["amount": "-5", "receivedOn": "2026-13-01", "reference": "银行回单 0921"])
            #expect(refused.status == .unprocessableEntity)
            #expect(fin.lastBody.contains("id=\"e-pay-amount-\(a.id)\"") && fin.lastBody.contains("id=\"e-pay-date-\(a.id)\""))
            #expect(fin.lastBody.contains("value=\"银行回单 0921\"") && fin.lastBody.contains("value=\"2026-13-01\""), "what was typed is kept")
            #expect(fin.lastBody.contains("<details class=\"inline-form pay\" open>"))

            let paid = try await fin.post("/receivables/invoices/\(a.id)/payments?status=overdue", form: ["amount": "600", "receivedOn": "2026-09-21", "reference": "银行回单 0921"])
            #expect(paid.status == .seeOther && paid.headers.first(name: .location) == "/receivables/invoices?status=overdue")
            #expect(try await list(world, "?q=INV-A", token: l.team.finance.token).items.first?.status == "paid")
            try await fin.get("/receivables/invoices?status=overdue")
            #expect(fin.lastBody.contains("id=\"invoice-INV-A\"") == false && fin.lastBody.contains("No invoice matches this filter."))

            let rep = WebClient(world)
            try await rep.signIn(l.team.salesRep.email)
            try await rep.get("/receivables/invoices")
            #expect(rep.lastBody.contains("id=\"invoice-INV-B\"") && !rep.lastBody.contains("id=\"pay-"), "the salesperson reads, finance records")
            #expect(try await rep.post("/receivables/invoices/\(l.invoices["INV-B"]!.id)/payments", form: ["amount": "1", "receivedOn": "2026-09-21"]).status == .forbidden)
            // From the customer page to that customer's invoices, and only theirs.
            try await rep.get("/customers/\(l.customer)")
            #expect(rep.lastBody.contains("href=\"/receivables/invoices?customerId=\(l.customer)\""))
            let other = try await world.api(.POST, "/api/v1/customers", token: l.team.salesRep.token, json: JSONBody(["name": "无锡远航物流", "source": "visit"])).json(CustomerDTO.self)
            #expect(try await world.api(.POST, "/api/v1/invoices", token: l.team.finance.token, json: JSONBody([
                "customerId": .string(other.id.uuidString), "number": "INV-E", "amount": 70, "issuedOn": "2026-09-01", "dueOn": "2026-09-30"])).status == .created)
            try await rep.get("/receivables/invoices?customerId=\(l.customer)")
            #expect(rep.lastBody.contains("id=\"invoices-customer\"") && rep.lastBody.contains("id=\"invoice-INV-A\"") && !rep.lastBody.contains("id=\"invoice-INV-E\""))
        }
    }

    @Test("RSK-S2: the payments journal, newest first, names the invoice each payment went to; searched by reference and exported")
    func paymentsJournal() async throws {
        try await withApp { world in
            let l = try await ledger(world)
            let fin = WebClient(world)
            try await fin.signIn(l.team.finance.email)
            try await fin.get("/receivables/payments")
            let table = try #require(fin.lastBody.range(of: "id=\"payment-list\"").map { String(fin.lastBody[$0.lowerBound...]) })
            let newer = try #require(table.range(of: "2026-08-20")), older = try #require(table.range(of: "2026-08-10"))
            #expect(newer.lowerBound < older.lowerBound, "newest first")
            #expect(table.contains("<td>INV-A</td><td>BOC-0810</td>") && table.contains("Oldest debts first"))
            try await fin.get("/receivables/payments?q=boc")
            #expect(fin.lastBody.contains("BOC-0810") && !fin.lastBody.contains("2026-08-20"))
            #expect(fin.lastBody.contains("href=\"/receivables/payments/export?q=boc\""), "the export keeps the search")
            let csv = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/payments/export", token: l.team.salesRep.token))
            #expect(csv == [["回款日期", "客户", "金额（元）", "冲抵发票", "凭证号", "登记人"],
                            ["2026-08-20", "苏州恒信精密机械", "3000.00", "先冲抵最早欠款", "", csv.last?.last ?? ""],
                            ["2026-08-10", "苏州恒信精密机械", "400.00", "INV-A", "BOC-0810", csv.last?.last ?? ""]])
            #expect(csv.last?.last?.isEmpty == false && csv.last?.last != "—", "who recorded it")
            #expect(try await world.api(.GET, "/api/v1/payments?q=BOC", token: l.team.finance.token).json(PageOf<PaymentDTO>.self).items.map(\.amount) == [400])
            #expect(try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/payments/export", token: l.team.serviceAgent.token)).count == 1, "header only")
        }
    }

    @Test("RSK-S2 on the web: the receivables forms show each message beside its field and keep the input")
    func ledgerFormsKeepInput() async throws {
        try await withApp { world in
            let l = try await ledger(world)
            let fin = WebClient(world)
            try await fin.signIn(l.team.finance.email)
            try await fin.get("/receivables")
            let refused = try await fin.post("/receivables/invoices", form: ["customerId": l.customer.uuidString, "number": "FP-0921", "amount": "8,000",
                                                                             "issuedOn": "2026-09-21", "dueOn": "2026-09-01"])
            #expect(refused.status == .unprocessableEntity)
            #expect(fin.lastBody.contains("id=\"e-inv-due\"") && !fin.lastBody.contains("id=\"e-inv-amount\""))
            #expect(fin.lastBody.contains("value=\"FP-0921\"") && fin.lastBody.contains("value=\"8,000\"") && fin.lastBody.contains("value=\"2026-09-01\""))
            #expect(fin.lastBody.contains("<option value=\"\(l.customer)\" selected>"), "the customer chosen stays chosen")
            let taken = try await fin.post("/receivables/invoices", form: ["customerId": l.customer.uuidString, "number": "INV-A", "amount": "10",
                                                                           "issuedOn": "2026-09-21", "dueOn": "2026-09-30"])
            #expect(taken.status == .unprocessableEntity && fin.lastBody.contains("id=\"e-inv-number\""))
            let payment = try await fin.post("/receivables/payments", form: ["customerId": l.customer.uuidString, "amount": "abc", "receivedOn": "2026-09-21", "reference": "现金"])
            #expect(payment.status == .unprocessableEntity && fin.lastBody.contains("id=\"e-pay-amount\"") && fin.lastBody.contains("value=\"abc\""))
            #expect(try await list(world, "", token: l.team.finance.token).items.count == 4, "nothing was written")
            try await fin.get("/receivables")
            #expect(fin.lastBody.contains("href=\"/receivables/invoices?customerId=\(l.customer)\""), "each customer's debt opens their invoices")
        }
    }

    @Test("finance's lists across customers walk their own indexes: invoices by due or issue date, payments newest first or by invoice")
    func listPlans() async throws {
        try await withApp { world in
            try await world.db.transaction { db in
                let sql = db as! any SQLDatabase
                if sql.isPostgres { try await sql.raw("SET LOCAL enable_seqscan = off").run() }
                for (query, index) in [
                    ("SELECT id FROM sales_invoices ORDER BY due_on, id LIMIT 51", "invoices_due"),
                    ("SELECT id FROM sales_invoices ORDER BY issued_on DESC, id DESC LIMIT 51", "invoices_issued"),
                    ("SELECT id FROM sales_payments ORDER BY received_on DESC, id DESC LIMIT 51", "payments_received"),
                    ("SELECT id FROM sales_payments WHERE invoice_id = '00000000-0000-0000-0000-000000000000'", "payments_invoice"),
                ] {
                    let plan = try await queryPlan(sql, SQLQueryString(query))
                    #expect(plan.contains(index) && !plan.contains("TEMP B-TREE") && !plan.contains("Sort"), "\(query): \(plan)")
                }
            }
        }
    }

    @Test("RSK-S2, SP-5 on the web: finance invoices an order from its page, never more than it has not yet billed; the order lists each invoice with what is owed")
    func invoiceTheOrder() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let customer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "常州天合储能设备", "source": "visit"])).json(CustomerDTO.self)
            let contract = try await world.signedContract(team, customer: customer.id, title: "储能柜", needs: "两台储能柜", yuan: 50_000)
            #expect(try await world.api(.POST, "/api/v1/credit-assessments", token: team.finance.token, json: JSONBody([
                "customerId": .string(customer.id.uuidString), "onTimeShare": 0.99, "yearsInBusiness": 12, "registeredCapital": 60_000_000, "industryRisk": "low"])).status == .created)
            let order = try await world.api(.POST, "/api/v1/orders", token: team.salesRep.token, json: JSONBody([
                "contractId": .string(contract.id.uuidString), "plannedDelivery": "2026-10-01"])).json(OrderDTO.self)
            let fin = WebClient(world)
            try await fin.signIn(team.finance.email)
            try await fin.get("/orders/\(order.id)")
            #expect(fin.lastBody.contains("id=\"oi-amount\" name=\"amount\" inputmode=\"decimal\" value=\"50000.00\""), "what the order has not yet billed")
            #expect(fin.lastBody.contains("id=\"oi-due\" name=\"dueOn\" value=\"2026-10-21\""), "due thirty days on")
            let over = try await fin.post("/orders/\(order.id)/invoices", form: ["amount": "60000", "number": "FP-ORDER-1", "issuedOn": "2026-09-21", "dueOn": "2026-10-21"])
            #expect(over.status == .unprocessableEntity && fin.lastBody.contains("id=\"e-oi-amount\"") && fin.lastBody.contains("value=\"FP-ORDER-1\""))
            #expect(fin.lastBody.contains("value=\"60000\""), "what was typed is kept")
            let done = try await fin.post("/orders/\(order.id)/invoices", form: ["amount": "20,000", "number": "FP-ORDER-1", "issuedOn": "2026-09-21", "dueOn": "2026-10-21"])
            #expect(done.status == .seeOther)
            let listed = try await list(world, "?orderId=\(order.id)", token: team.finance.token).items
            #expect(listed.map(\.number) == ["FP-ORDER-1"] && listed.first?.outstanding == 20_000 && listed.first?.customerId == customer.id)
            try await fin.get("/orders/\(order.id)")
            #expect(fin.lastBody.contains("<td>FP-ORDER-1</td>") && fin.lastBody.contains("value=\"30000.00\""), "the rest is offered next")
            let rep = WebClient(world)
            try await rep.signIn(team.salesRep.email)
            try await rep.get("/orders/\(order.id)")
            #expect(rep.lastBody.contains("<td>FP-ORDER-1</td>") && !rep.lastBody.contains("id=\"order-invoice-form\""), "the seller follows it; finance records it")
            #expect(try await rep.post("/orders/\(order.id)/invoices", form: ["amount": "1", "issuedOn": "2026-09-21", "dueOn": "2026-10-21"]).status == .forbidden)
        }
    }
}
