import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// What `serve --demo` shows of the sales chapter (issue 4, item 13): a pipeline people would
/// believe, in which the reports, the board and the receivables have something true to show.
@Suite("Sales: the demo's pipeline and accounts")
struct SalesDemoTests {
    /// A fresh app with the demo company and its sales data loaded, as `serve --demo` starts.
    func withDemo(_ body: (TestWorld) async throws -> Void) async throws {
        try await withApp { world in
            try await DemoCompany.load(world.app)
            try await SalesDemo.load(world.app)
            try await body(world)
        }
    }

    @Test("serve --demo: every open stage holds deals that have what their stage requires, each with a history in order")
    func pipeline() async throws {
        try await withDemo { world in
            let now = world.clock.now()
            let pipeline = try await world.app.policy.current(on: world.db).effectiveSales.pipeline
            let deals = try await Opportunity.query(on: world.db).all()
            #expect(try await Customer.query(on: world.db).count() == 300)
            for stage in pipeline.stages {
                #expect(deals.contains { $0.stage == stage.key }, "the demo has deals in \(stage.key)")
            }
            let first = try #require(pipeline.firstStage?.key)
            let lost = Set(pipeline.stages.filter { $0.outcome == .lost }.map(\.key))
            let changes = Dictionary(grouping: try await StageChange.query(on: world.db).all(), by: { $0.$opportunity.id })
            for deal in deals {
                let facts = try await OpportunityService.stageFacts(deal, on: world.db)
                #expect(pipeline.refusal(from: first, to: deal.stage, facts: facts) == nil, "\(deal.title) in \(deal.stage) has what the stage requires")
                let history = (changes[deal.id!] ?? []).sorted { $0.changedAt < $1.changedAt }
                #expect(history.first?.fromStage == nil && history.first?.toStage == first, "every deal starts in the first stage")
                #expect(zip(history, history.dropFirst()).allSatisfy { $0.toStage == $1.fromStage && $0.changedAt < $1.changedAt })
                #expect(history.last?.toStage == deal.stage)
                #expect(abs((history.last?.changedAt ?? .distantPast).timeIntervalSince(deal.stageChangedAt)) < 1)
                #expect(history.allSatisfy { $0.changedAt <= now }, "no move in the future")
                if lost.contains(deal.stage) {
                    #expect(deal.lossReason?.isEmpty == false)
                    #expect(deal.closedOn == CivilDate.on(deal.stageChangedAt).description)
                }
            }
            // Quotes went out before the negotiation they allowed.
            let negotiation = try #require(pipeline.openStages.first { $0.requires.contains(.quote) }?.key)
            for quote in try await Quote.query(on: world.db).all() {
                let entered = changes[quote.$opportunity.id]?.first { $0.toStage == negotiation }?.changedAt
                #expect(quote.sentAt != nil && quote.sentAt! < (entered ?? now))
            }
            try await SalesDemo.load(world.app)
            #expect(try await Opportunity.query(on: world.db).count() == deals.count, "loading twice adds nothing")
        }
    }

    @Test("serve --demo: a rep's day holds a handful of follow-ups due today and overdue, one open next step per customer, not all of them")
    func myDay() async throws {
        try await withDemo { world in
            let today = CivilDate.on(world.clock.now()).description
            let activities = try await SalesActivity.query(on: world.db).all()
            let open = activities.filter { $0.nextStepDoneAt == nil && $0.nextStepOn != nil }
            #expect(Dictionary(grouping: open, by: { $0.$customer.id }).values.allSatisfy { $0.count == 1 }, "earlier next steps were done at the next contact")
            #expect(activities.filter { $0.nextStepDoneAt != nil }.allSatisfy { ($0.nextStepOn ?? "") > $0.occurredOn && ($0.nextStepOn ?? "") <= today })
            let customers = try await Customer.query(on: world.db).all()
            for (owner, theirs) in Dictionary(grouping: customers, by: { $0.ownerMemberId }) {
                let due = open.filter { $0.ownerMemberId == owner && ($0.nextStepOn ?? "") <= today }
                #expect(due.count >= 1 && due.count * 3 <= theirs.count, "\(due.count) follow-ups due for \(theirs.count) customers")
            }
        }
    }

    @Test("serve --demo: this quarter's report has wins, losses and days in every stage; the funnel's wins are the wins counted")
    func report() async throws {
        try await withDemo { world in
            let lead = try #require(try await UserAccount.query(on: world.db).filter(\.$role == "lead").first())
            let token = try await world.token(for: lead)
            let today = CivilDate.on(world.clock.now())
            let quarter = try #require(TargetPeriod.quarter(today.year, (today.month - 1) / 3 + 1))
            let report = try await world.api(.GET, "/api/v1/reports/sales?period=\(quarter)", token: token).json(SalesReport.self)
            #expect(report.won > 0 && report.lost > 0)
            #expect(report.funnel.last?.deals == report.won, "the deals entering won this quarter are the ones won this quarter")
            for time in report.stageTimes {
                #expect((time.meanDays ?? 0) >= 1, "deals spent days in \(time.stage), not seconds")
            }
        }
    }

    @Test("serve --demo: orders follow their signed contracts; some are late; debts fill every ageing bucket")
    func accounts() async throws {
        try await withDemo { world in
            let today = CivilDate.on(world.clock.now()).description
            let contracts = Dictionary(uniqueKeysWithValues: try await Contract.query(on: world.db).all().map { ($0.id!, $0) })
            let orders = try await SalesOrder.query(on: world.db).all()
            #expect(orders.count == 20)
            // Each signed contract could have been signed through the app: review passed, approved by
            // others than its owner (twice from the threshold on), the signed copy attached (RSK-S3).
            let policy = try await world.app.policy.current(on: world.db).effectiveSales.effectiveContracts
            for contract in contracts.values {
                let facts = ContractService.ruleFacts(contract, try await ContractService.state(contract, on: world.db))
                #expect(ContractReview.refusal(from: .approved, to: .signed, facts: facts, policy: policy) == nil, "\(contract.number)")
            }
            #expect(contracts.values.contains { Money(fen: $0.amountFen) >= policy.secondApprovalThreshold }, "some needed a second approver")
            for order in orders {
                let signed = try #require(contracts[order.contractId]?.signedOn)
                #expect(order.plannedDelivery > signed && (order.actualDelivery ?? today) <= today && (order.acceptedOn ?? today) <= today)
            }
            #expect(orders.contains { $0.actualDelivery == nil && $0.plannedDelivery < today }, "an order late and still open")
            #expect(orders.contains { ($0.actualDelivery ?? "") > $0.plannedDelivery }, "an order delivered late")
            #expect(orders.contains { $0.actualDelivery == nil && $0.plannedDelivery > today }, "an order still to come")
            for invoice in try await SalesInvoice.query(on: world.db).all() {
                let order = try #require(orders.first { $0.id == invoice.orderId })
                #expect(invoice.issuedOn == order.actualDelivery, "invoiced on delivery")
            }
            let finance = try #require(try await UserAccount.query(on: world.db).filter(\.$role == "finance").first())
            let payments = try await SalesPayment.query(on: world.db).all()
            #expect(!payments.isEmpty && payments.allSatisfy { $0.createdBy == finance.id && $0.reference.contains("回单") }, "finance recorded each, with its slip")
            let lead = try #require(try await UserAccount.query(on: world.db).filter(\.$role == "lead").first())
            let ageing = try await world.api(.GET, "/api/v1/receivables/ageing", token: try await world.token(for: lead)).json(AgeingDTO.self)
            for bucket in AgeingBucket.allCases {
                #expect((ageing.buckets[bucket.rawValue] ?? 0) > 0, "something owed in \(bucket.rawValue)")
            }
            // On the page, a customer whose invoices are not yet due shows no overdue days (0 would be due today).
            let web = WebClient(world)
            try await web.signIn(lead.email, "Vanguard#2026")
            try await web.get("/receivables")
            let notDue = try #require(ageing.customers.first { $0.outstanding == $0.buckets["current"] })
            let row = try #require(web.lastBody.components(separatedBy: "<tr").first { $0.contains(notDue.customer) })
            #expect(row.contains("<td class=\"num\">—</td></tr>"), "\(row)")
            let overdue = try #require(ageing.customers.first { $0.oldestOverdueDays > 90 })
            #expect(web.lastBody.components(separatedBy: "<tr").contains { $0.contains(overdue.customer) && $0.contains("<td class=\"num\">\(overdue.oldestOverdueDays)</td></tr>") })
            // An order's invoices are written as money, and the after-sales field says what it is for.
            let invoiced = try #require(orders.first { o in o.actualDelivery != nil && ageing.customers.contains { $0.customerId == o.customerId } })
            try await web.get("/orders/\(invoiced.id!)")
            #expect(web.lastBody.contains("<td class=\"num\">\(SalesNames.yuan(invoiced.amountFen))</td>"))
            #expect(web.lastBody.contains("<label for=\"description\">What does the customer need?</label>"))
            // The customer's page holds their orders and each invoice with what is paid and still owed (item 1: everything on one screen).
            try await web.get("/customers/\(invoiced.customerId)")
            let invoice = try #require(try await SalesInvoice.query(on: world.db).filter(\.$orderId == invoiced.id).first())
            let owing = try #require(ageing.customers.first { $0.customerId == invoiced.customerId })
            #expect(web.lastBody.contains("id=\"customer-orders\"") && web.lastBody.contains(">\(invoiced.number)</a>"))
            #expect(!web.lastBody.contains("/quotes/new?opportunityId=\(invoiced.opportunityId)"), "no new quote for a won deal")
            let open = try #require(try await Opportunity.query(on: world.db).filter(\.$stage == "proposal").first())
            try await web.get("/customers/\(open.$customer.id)")
            #expect(web.lastBody.contains("/quotes/new?opportunityId=\(open.id!)"), "a deal still open offers a new quote")
            try await web.get("/customers/\(invoiced.customerId)")
            #expect(web.lastBody.contains("id=\"customer-invoices\"") && web.lastBody.contains("<td>\(invoice.number)</td>"))
            #expect(web.lastBody.contains("<td class=\"num\">\(SalesNames.yuan(Int64((owing.outstanding * 100).rounded())))</td>"), "what is still owed")
            // A signed contract's checklist reads in the reader's words, not the verdict's key.
            try await web.get("/contracts/\(try #require(contracts.keys.first))")
            #expect(web.lastBody.contains("<td>Passed</td>") && !web.lastBody.contains("<td>passed</td>"))
            #expect(web.lastBody.contains("id=\"signed-file\""), "the signed copy is there to open")
        }
    }
}
