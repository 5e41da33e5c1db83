import Fluent
import Foundation
import Vapor
import VanguardCore

/// The money side of the demo (SP-4, SP-5, RSK-S2): twenty customers who already bought, their
/// wins spread over the last six and a half months. Each went through every stage, had a quote
/// accepted, a contract reviewed, approved and signed, a credit assessment, and an order followed
/// to delivery, invoice and payment as far as the days since allow. So this quarter's report has
/// wins, the older debts fill every ageing bucket, some deliveries are late and some still open.
extension SalesDemo {
    static func accounts(_ app: Application, sellers: [Member], seed: UInt64) async throws {
        let db = app.db
        let now = app.clock.now(), today = CivilDate.on(now)
        let customers = try await Customer.query(on: db).filter(\.$ownerMemberId ~~ sellers.compactMap(\.id)).sort(\.$nameOrder).limit(20).all()
        let policy = try await app.policy.current(on: db).effectiveSales
        let pipeline = policy.pipeline
        let deals = SalesDemoDeals(pipeline: pipeline, products: try await Product.query(on: db).sort(\.$code).all(), now: now)
        guard let wonKey = pipeline.wonStageKeys.first else { return }
        // The group lead approves; from the policy's threshold on, the team lead too; the admin
        // stands in when one of them owns the contract (RSK-S3).
        let emails = ["liu.jianguo@demo.vanguard.cn", "chen.zhiyuan@demo.vanguard.cn", "admin@demo.vanguard.cn"]
        let accounts = try await UserAccount.query(on: db).filter(\.$email ~~ emails).all()
        let approvers = emails.compactMap { email in accounts.first { $0.email == email } }
        let finance = try await UserAccount.query(on: db).filter(\.$email == "finance@demo.vanguard.cn").first()?.id
        try await db.writeTransaction { db in
            var rng = SplitMix64(seed: seed)
            try await quarterTargets(sellers: sellers, today: today, on: db)
            for (i, c) in customers.enumerated() {
                let close = now.addingTimeInterval(-Double(6 + 10 * i) * 86_400 - Double(rng.next() % 28_800))
                // Back from the win: each open stage entered a stay before the next.
                let line = pipeline.openStages.map(\.key)
                var entered: [Date] = [], at = close
                for k in line.indices.reversed() {
                    at = at.addingTimeInterval(-SalesDemoDeals.stay(after: k, rng: &rng))
                    entered.insert(at, at: 0)
                }
                let quoteStage = line.firstIndex { pipeline.stage($0)?.requires.contains(.quote) ?? false }
                let quoteSent = days(-1, from: quoteStage.map { entered[$0] } ?? close)
                let lines = deals.quoteLines(rng: &rng)
                let deal = OpportunityService.new(owner: c.ownerMemberId, now: close)
                deal.$customer.id = c.id!; deal.title = "首批订单"; deal.source = c.source; deal.needs = "产线设备更新"
                deal.amountFen = try QuoteRules.totals(lines: lines.map(\.rule)).net.fen
                deal.stage = wonKey; deal.closedOn = civil(close); deal.expectedClose = deal.closedOn
                try await deal.create(on: db)
                var previous: String?
                for (stage, at) in zip(line + [wonKey], entered + [close]) {
                    let change = StageChange()
                    change.$opportunity.id = deal.id!; change.fromStage = previous; change.toStage = stage; change.changedAt = at; change.amountFen = deal.amountFen
                    try await change.create(on: db)
                    previous = stage
                }
                let q = try await deals.writeQuote(for: deal, lines: lines, sent: quoteSent, status: .accepted, on: db)
                let k = Contract()
                k.number = try await DocumentNumbers.next(.contract, on: CivilDate.on(days(-4, from: close)), in: db)
                k.$opportunity.id = deal.id!; k.customerId = c.id!; k.quoteId = q.id!
                k.ownerMemberId = c.ownerMemberId; k.title = "设备采购合同"; k.amountFen = deal.amountFen; k.paymentTerms = "30%预付，验收后30天内付清"
                k.deliveryTerms = q.serviceTerms; k.status = ContractStatus.signed.rawValue; k.signedOn = deal.closedOn; k.version = 1
                try await k.create(on: db)
                for item in policy.effectiveContracts.checklist {
                    let m = ContractReviewMark()
                    m.$contract.id = k.id!; m.itemKey = item.key; m.verdict = ReviewVerdict.passed.rawValue
                    m.reviewedBy = approvers.dropFirst().first?.id; m.reviewerName = approvers.dropFirst().first?.displayName ?? ""; m.reviewedAt = days(-3, from: close)
                    try await m.create(on: db)
                }
                try await signOff(k, close: close, approvers: approvers, policy: policy.effectiveContracts, on: db)
                c.status = CustomerStatus.customer.rawValue
                try await c.save(on: db)
                try await assessCredit(c, i: i, on: CivilDate.on(days(-5, from: close)), policy: policy.effectiveCredit, db: db)
                try await order(c, deal: deal, contract: k, i: i, close: close, today: today, finance: finance, on: db)
            }
        }
    }

    /// Approvals as the rules ask (one approver, two from the threshold on, never the owner) and
    /// the signed copy attached, so the contract could have been signed through the app (RSK-S3).
    static func signOff(_ k: Contract, close: Date, approvers: [UserAccount], policy: ContractPolicy, on db: any Database) async throws {
        let needed = Money(fen: k.amountFen) >= policy.secondApprovalThreshold ? 2 : 1
        for (n, user) in approvers.filter({ $0.memberId == nil || $0.memberId != k.ownerMemberId }).prefix(needed).enumerated() {
            let a = ContractApproval()
            a.$contract.id = k.id!; a.userId = user.id!; a.approverName = user.displayName; a.note = ""
            a.approvedAt = close.addingTimeInterval(Double(n - 2) * 86_400)
            try await a.create(on: db)
        }
        let file = ContractFile()
        file.$contract.id = k.id!; file.fileName = "\(k.number).pdf"; file.contentType = "application/pdf"
        file.data = Data("%PDF-1.4\n% \(k.number) signed copy (demo)\n%%EOF\n".utf8); file.size = file.data.count
        file.uploadedAt = close.addingTimeInterval(-3_600)
        try await file.create(on: db)
    }

    /// `n` days after `date` (before it when negative), and a time's day as the tables keep it.
    private static func days(_ n: Int, from date: Date) -> Date { date.addingTimeInterval(Double(n) * 86_400) }
    private static func civil(_ date: Date) -> String { CivilDate.on(date).description }

    /// This quarter's targets (SAL-1): the sales group's split evenly across its people.
    static func quarterTargets(sellers: [Member], today: CivilDate, on db: any Database) async throws {
        guard let quarter = TargetPeriod.quarter(today.year, (today.month - 1) / 3 + 1), let group = sellers.first?.$group.id else { return }
        let each: Int64 = 1_200_000_00
        let rows: [(String, UUID?, Int64)] = [("team", nil, each * Int64(sellers.count)), ("group", group, each * Int64(sellers.count))]
            + sellers.map { ("person", $0.id, each) }
        for (level, id, fen) in rows {
            let t = SalesTarget()
            t.period = quarter.description; t.level = level; t.subjectId = id; t.amountFen = fen
            try await t.create(on: db)
        }
    }

    /// Finance's assessment just before the first order, from payment history, age and capital.
    static func assessCredit(_ c: Customer, i: Int, on day: CivilDate, policy: CreditPolicy, db: any Database) async throws {
        let onTime = [0.99, 0.9, 0.7][i % 3], capital = Money(fen: Int64(2_000_000 + i * 3_000_000) * 100), risk = [IndustryRisk.low, .medium, .high][i % 3]
        let assessment = CreditRules.assess(CreditFactors(onTimeShare: onTime, yearsInBusiness: 3 + i, registeredCapital: capital, industryRisk: risk), on: day, policy: policy)
        let r = CreditAssessmentRecord()
        r.customerId = c.id!; r.onTimeShare = onTime; r.overdueFen = 0; r.yearsInBusiness = 3 + i; r.registeredCapitalFen = capital.fen
        r.industryRisk = risk.rawValue; r.score = assessment.score; r.rating = assessment.rating.rawValue
        r.limitFen = assessment.limit.fen; r.assessedOn = assessment.assessedOn.description; r.nextReview = assessment.nextReview.description
        r.notes = ""; r.assessorName = "财务部"
        try await r.create(on: db)
    }

    /// The order three weeks out from the signing: still open when that is to come (or, for a few,
    /// late), otherwise delivered (some late) and mostly accepted, invoiced on delivery with a month
    /// to pay; some paid a part, some in full, the rest owing.
    /// Finance records the invoices and payments, each payment with its bank slip's number.
    static func order(_ c: Customer, deal: Opportunity, contract k: Contract, i: Int, close: Date, today: CivilDate, finance: UUID?,
                      on db: any Database) async throws {
        let planned = days(20, from: close), recent = CivilDate.on(days(2, from: planned)) > today
        let o = SalesOrder()
        o.number = try await DocumentNumbers.next(.order, on: CivilDate.on(close), in: db)
        o.contractId = k.id!; o.opportunityId = deal.id!; o.customerId = c.id!; o.ownerMemberId = c.ownerMemberId
        o.amountFen = deal.amountFen; o.creditDecision = "allowed"; o.notes = ""; o.version = 1
        o.plannedDelivery = civil(planned)
        o.status = OrderStatus.open.rawValue
        var delivered = recent || i % 6 == 4 ? nil : days(i % 4 == 1 ? 6 : -1, from: planned)
        if let d = delivered, CivilDate.on(d) > today { delivered = nil }
        if let delivered {
            o.status = OrderStatus.delivered.rawValue; o.actualDelivery = civil(delivered)
            if i % 3 != 1, CivilDate.on(days(4, from: delivered)) <= today {
                o.status = OrderStatus.accepted.rawValue; o.acceptedOn = civil(days(4, from: delivered))
            }
        }
        try await o.create(on: db)
        guard let delivered else { return }
        let inv = SalesInvoice()
        inv.number = try await DocumentNumbers.next(.invoice, on: CivilDate.on(delivered), in: db)
        inv.customerId = c.id!; inv.orderId = o.id; inv.amountFen = o.amountFen
        inv.issuedOn = civil(delivered); inv.dueOn = civil(days(30, from: delivered)); inv.createdBy = finance
        try await inv.create(on: db)
        let paid: (Int64, Date, String)? = i % 5 == 3 ? (o.amountFen, days(27, from: delivered), "货款")
            : i % 4 == 0 ? (o.amountFen * 3 / 10, days(5, from: delivered), "首付款") : nil
        if let (fen, on, reference) = paid, CivilDate.on(on) <= today {
            let p = SalesPayment()
            p.customerId = c.id!; p.invoiceId = inv.id; p.amountFen = fen; p.receivedOn = civil(on); p.createdBy = finance
            p.reference = "\(reference) 工行回单 \(CivilDate.on(on).description.replacingOccurrences(of: "-", with: ""))\(String(format: "%03d", i))"
            try await p.create(on: db)
        }
    }
}
