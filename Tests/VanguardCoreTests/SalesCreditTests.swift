import Foundation
import Testing
@testable import VanguardCore

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private func yuan(_ y: Int64) -> Money { Money(yuan: y)! }

/// Day arithmetic for due dates, ageing and review dates.
@Suite("Sales calendar")
struct SalesCalendarTests {
    @Test("days between dates count leap years the Gregorian way")
    func days() {
        #expect(SalesCalendar.dayNumber(day("1970-01-01")) == 0)
        #expect(SalesCalendar.dayNumber(day("2026-03-10")) == 20_522)
        #expect(SalesCalendar.days(from: day("2000-02-28"), to: day("2000-03-01")) == 2)
        #expect(SalesCalendar.days(from: day("2100-02-28"), to: day("2100-03-01")) == 1)
        #expect(SalesCalendar.days(from: day("2026-03-31"), to: day("2026-06-30")) == 91)
        #expect(SalesCalendar.adding(days: 30, to: day("2026-12-15")) == day("2027-01-14"))
        #expect(SalesCalendar.adding(days: -1, to: day("2024-03-01")) == day("2024-02-29"))
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(SalesCalendar.dayNumber(SalesCalendar.date(dayNumber: n)) == n)
        }
    }

    @Test("adding months keeps the day, or takes the month's last day when it is shorter")
    func months() {
        #expect(SalesCalendar.adding(months: 1, to: day("2026-01-31")) == day("2026-02-28"))
        #expect(SalesCalendar.adding(months: 1, to: day("2024-01-31")) == day("2024-02-29"))
        #expect(SalesCalendar.adding(months: 3, to: day("2026-11-30")) == day("2027-02-28"))
        #expect(SalesCalendar.adding(months: 12, to: day("2026-03-15")) == day("2027-03-15"))
        #expect(SalesCalendar.adding(months: -3, to: day("2026-03-15")) == day("2025-12-15"))
    }
}

/// Receivables by invoice and their ageing (RSK-S2).
@Suite("Receivables ageing (RSK-S2)")
struct SalesReceivablesTests {
    let asOf = day("2026-06-30")
    let invoices = [
        Invoice(number: "INV-6", amount: yuan(7_000), issued: day("2026-06-01"), due: day("2026-07-01")),   // not yet due
        Invoice(number: "INV-1", amount: yuan(10_000), issued: day("2026-01-01"), due: day("2026-03-31")),  // 91 days
        Invoice(number: "INV-2", amount: yuan(20_000), issued: day("2026-03-01"), due: day("2026-04-01")),  // 90 days
        Invoice(number: "INV-3", amount: yuan(5_000), issued: day("2026-04-01"), due: day("2026-05-30")),   // 31 days
        Invoice(number: "INV-4", amount: yuan(8_000), issued: day("2026-05-01"), due: day("2026-05-31")),   // 30 days
        Invoice(number: "INV-5", amount: yuan(3_000), issued: day("2026-06-01"), due: day("2026-06-30")),   // due today
        Invoice(number: "INV-7", amount: yuan(9_000), issued: day("2026-07-05"), due: day("2026-08-05")),   // after the as-of date
    ]

    @Test("day 30 past due is in 0–30, day 31 in 31–60, day 90 in 61–90, day 91 over 90; not yet due is current", arguments: [
        (-1, AgeingBucket.current), (0, .days0to30), (30, .days0to30), (31, .days31to60), (60, .days31to60),
        (61, .days61to90), (90, .days61to90), (91, .over90), (400, .over90),
    ])
    func buckets(days: Int, bucket: AgeingBucket) {
        #expect(AgeingBucket.forDaysPastDue(days) == bucket)
    }

    @Test("with nothing paid, each invoice ages by its due date and the oldest debt is 91 days")
    func unpaid() throws {
        let a = try Receivables.ageing(invoices: invoices, payments: [], asOf: asOf)
        #expect(a.invoices.map(\.invoice.number) == ["INV-1", "INV-2", "INV-3", "INV-4", "INV-5", "INV-6"], "oldest due first; INV-7 not yet issued")
        #expect(a.invoices.map(\.daysPastDue) == [91, 90, 31, 30, 0, -1])
        #expect(a.byBucket[.over90] == yuan(10_000))
        #expect(a.byBucket[.days61to90] == yuan(20_000))
        #expect(a.byBucket[.days31to60] == yuan(5_000))
        #expect(a.byBucket[.days0to30] == yuan(11_000))
        #expect(a.byBucket[.current] == yuan(7_000))
        #expect(a.totalOutstanding == yuan(53_000))
        #expect(a.oldestOverdueDays == 91)
    }

    @Test("an applied payment pays its invoice; unapplied payments pay the oldest due invoices first (FIFO)")
    func allocation() throws {
        let payments = [
            Payment(amount: yuan(4_000), date: day("2026-06-01"), appliedTo: "INV-4"),
            Payment(amount: yuan(12_000), date: day("2026-06-15")),
            Payment(amount: yuan(1_000), date: day("2026-07-02")),  // after the as-of date
        ]
        let a = try Receivables.ageing(invoices: invoices, payments: payments, asOf: asOf)
        let owed = Dictionary(uniqueKeysWithValues: a.invoices.map { ($0.invoice.number, $0.outstanding) })
        #expect(owed == ["INV-1": .zero, "INV-2": yuan(18_000), "INV-3": yuan(5_000), "INV-4": yuan(4_000), "INV-5": yuan(3_000), "INV-6": yuan(7_000)])
        #expect(a.invoices.first?.paid == yuan(10_000))
        #expect(a.byBucket[.over90] == .zero)
        #expect(a.byBucket[.days61to90] == yuan(18_000))
        #expect(a.byBucket[.days0to30] == yuan(7_000))
        #expect(a.totalOutstanding == yuan(37_000))
        #expect(a.oldestOverdueDays == 90, "the 91-day invoice is paid, the oldest debt left is 90 days")
        #expect(a.unappliedCredit == .zero)
    }

    @Test("what an applied payment does not need, and payments beyond every invoice, become the customer's credit")
    func overpayment() throws {
        let two = [invoices[1], invoices[2]]  // INV-1 10,000 and INV-2 20,000
        let a = try Receivables.ageing(invoices: two, payments: [
            Payment(amount: yuan(25_000), date: day("2026-06-01"), appliedTo: "INV-2"),
            Payment(amount: yuan(6_000), date: day("2026-06-02")),
        ], asOf: asOf)
        #expect(a.invoices.map(\.outstanding) == [.zero, .zero])
        #expect(a.unappliedCredit == yuan(1_000))
        #expect(a.oldestOverdueDays == 0)
        #expect(a.byBucket.values.allSatisfy { $0.isZero })
    }

    @Test("an invoice is paid when nothing is owed, overdue from the day after its due date, open before; one issued later is owed in full")
    func status() throws {
        let b = try Receivables.balances(invoices: invoices, payments: [Payment(amount: yuan(10_000), date: day("2026-06-01"))], asOf: asOf)
        #expect(b.mapValues(\.status) == ["INV-1": .paid, "INV-2": .overdue, "INV-3": .overdue, "INV-4": .overdue, "INV-5": .open, "INV-6": .open, "INV-7": .open])
        #expect(b["INV-7"]?.outstanding == yuan(9_000) && b["INV-7"]?.paid == .zero && b["INV-7"]?.daysPastDue == -36)
        #expect(b["INV-5"]?.daysPastDue == 0, "due today is not yet late")
        #expect(b["INV-1"]?.paid == yuan(10_000))
    }

    @Test("invoices and payments are checked: positive amounts, due after issue, unique numbers")
    func validation() {
        let errors = Receivables.validate(invoices: [
            Invoice(number: "A", amount: .zero, issued: day("2026-02-01"), due: day("2026-01-31")),
            Invoice(number: "A", amount: yuan(1), issued: day("2026-02-01"), due: day("2026-02-01")),
        ], payments: [Payment(amount: Money(fen: -1), date: day("2026-02-01"))])
        #expect(errors.first("invoices[0].amount")?.code == "notPositive")
        #expect(errors.first("invoices[0].due")?.code == "beforeIssued")
        #expect(errors.first("invoices[1].number")?.code == "duplicate")
        #expect(errors.first("invoices[1].due") == nil)
        #expect(errors.first("payments[0].amount")?.code == "notPositive")
    }
}

/// Customer credit: assessment from weighted factors and the check on each order (RSK-S2).
@Suite("Customer credit (RSK-S2)")
struct SalesCreditTests {
    let policy = CreditPolicy.default

    @Test("the default credit policy is usable as it stands")
    func defaults() {
        #expect(policy.problems().isEmpty)
        #expect(policy.weights.all.reduce(0, +) == 100)
        var broken = policy
        broken.ratings[1].minimumScore = 95
        broken.ratings[4].minimumScore = 10
        broken.weights.industryRisk = -1
        #expect(Set(broken.problems().map(\.field)) == ["weights", "ratings[1].minimumScore", "ratings[4].minimumScore"])
    }

    @Test("a customer who pays on time, owes nothing overdue and is long established is rated AAA")
    func strong() {
        let a = CreditRules.assess(CreditFactors(onTimeShare: 0.99, yearsInBusiness: 12, registeredCapital: yuan(60_000_000), industryRisk: .low),
                                   on: day("2026-01-31"))
        #expect(a.score == 100)
        #expect(a.rating == .aaa)
        #expect(a.limit == yuan(2_000_000))
        #expect(a.nextReview == day("2027-01-31"))
    }

    @Test("each factor earns points by band, and the weights make the score: 64.25 → 64, rated B")
    func middling() {
        let a = CreditRules.assess(CreditFactors(onTimeShare: 0.92, overdueAmount: yuan(30_000), yearsInBusiness: 4,
                                                 registeredCapital: yuan(2_000_000), industryRisk: .medium), on: day("2025-08-31"))
        #expect(a.points == CreditFactorValues(paymentHistory: 75, overdueAmount: 60, yearsInBusiness: 60, registeredCapital: 50, industryRisk: 60))
        #expect(a.score == 64)
        #expect(a.rating == .b)
        #expect(a.limit == yuan(200_000))
        #expect(a.nextReview == day("2026-02-28"), "six months from 31 August is the last day of February")
    }

    @Test("a new customer with no payment history gets the neutral points; 51.5 rounds up to 52, rated C with no credit")
    func newCustomer() {
        let a = CreditRules.assess(CreditFactors(onTimeShare: nil, yearsInBusiness: 0, registeredCapital: yuan(500_000), industryRisk: .high),
                                   on: day("2026-03-10"))
        #expect(a.points.paymentHistory == 50)
        #expect(a.score == 52)
        #expect(a.rating == .c)
        #expect(a.limit == .zero)
        #expect(a.nextReview == day("2026-06-10"))
    }

    @Test("band edges: 95 % on time earns 90 points, just below earns 75; ¥10,000.00 overdue earns 80, a fen more 60")
    func bandEdges() {
        #expect(CreditRules.points(Percent(percent: 95), policy.onTimeShare) == 90)
        #expect(CreditRules.points(Percent(basisPoints: 9_499), policy.onTimeShare) == 75)
        #expect(CreditRules.points(yuan(10_000), policy.overdueAmount) == 80)
        #expect(CreditRules.points(Money(fen: 1_000_001), policy.overdueAmount) == 60)
        #expect(CreditRules.points(yuan(200_001), policy.overdueAmount) == 0)
        #expect(CreditRules.points(Money.zero, policy.overdueAmount) == 100)
    }

    @Test("a score of 90 is AAA and 89 is AA: ratings come from the pack's minimum scores")
    func ratingEdges() {
        var p = policy
        p.weights = CreditFactorValues(paymentHistory: 0, overdueAmount: 0, yearsInBusiness: 0, registeredCapital: 0, industryRisk: 1)
        p.industryRisk = [.low: 90, .medium: 89, .high: 0]
        let f = CreditFactors(onTimeShare: 1, yearsInBusiness: 1, registeredCapital: .zero, industryRisk: .low)
        #expect(CreditRules.assess(f, on: day("2026-01-01"), policy: p).rating == .aaa)
        var g = f
        g.industryRisk = .medium
        #expect(CreditRules.assess(g, on: day("2026-01-01"), policy: p).rating == .aa)
    }

    @Test("the assessor's input is checked: a share between 0 and 1, nothing negative")
    func factorValidation() {
        let errors = CreditRules.validate(CreditFactors(onTimeShare: 1.2, overdueAmount: Money(fen: -1), yearsInBusiness: -1,
                                                        registeredCapital: Money(fen: -1), industryRisk: .low))
        #expect(errors.all.map(\.field) == ["onTimeShare", "overdueAmount", "yearsInBusiness", "registeredCapital"])
        #expect(CreditRules.validate(CreditFactors(onTimeShare: .nan, yearsInBusiness: 0, registeredCapital: .zero, industryRisk: .low)).first("onTimeShare") != nil)
    }
}

/// The credit check on each order (RSK-S2).
@Suite("Order credit check (RSK-S2)")
struct SalesOrderCreditTests {
    let today = day("2026-06-30")
    let assessment = CreditAssessment(points: CreditFactorValues(paymentHistory: 75, overdueAmount: 100, yearsInBusiness: 60, registeredCapital: 50, industryRisk: 60),
                                      score: 72, rating: .a, limit: yuan(500_000), assessedOn: day("2026-03-31"), nextReview: day("2026-09-30"))

    func facts(order: Int64, overdueDays: Int = 0, assessment: CreditAssessment?? = .none, today: CivilDate? = nil) -> OrderCreditFacts {
        OrderCreditFacts(unpaidInvoices: yuan(200_000), uninvoicedOrders: yuan(100_000), orderAmount: yuan(order), limit: yuan(500_000),
                         oldestOverdueDays: overdueDays, assessment: assessment ?? self.assessment, today: today ?? self.today)
    }

    @Test("an order that brings exposure exactly to the limit is allowed")
    func atLimit() {
        let r = CreditRules.checkOrder(facts(order: 200_000))
        #expect(r.decision == .allowed)
        #expect(r.reasons.isEmpty)
        #expect(r.exposureAfterOrder == yuan(500_000))
    }

    @Test("exposure plus the order above the limit is refused, with the figures in yuan")
    func overLimit() {
        let r = CreditRules.checkOrder(facts(order: 250_000))
        #expect(r.decision == .refused)
        #expect(r.codes == ["overLimit"])
        #expect(r.reasons.first?.message == "Open exposure ¥300,000.00 (unpaid invoices ¥200,000.00, orders not yet invoiced ¥100,000.00) plus this order ¥250,000.00 makes ¥550,000.00, ¥50,000.00 over the credit limit of ¥500,000.00.")
    }

    @Test("a debt 91 days past due stops new orders; 90 days does not")
    func overdue() {
        #expect(CreditRules.checkOrder(facts(order: 1, overdueDays: 90)).decision == .allowed)
        let r = CreditRules.checkOrder(facts(order: 1, overdueDays: 91))
        #expect(r.codes == ["debtOverdue"])
        #expect(r.reasons.first?.message.contains("91 days past due") == true)
    }

    @Test("no assessment, or one past its review date, stops the order; it is valid through the review date")
    func assessmentValidity() {
        #expect(CreditRules.checkOrder(facts(order: 1, assessment: .some(nil))).codes == ["noValidAssessment"])
        #expect(CreditRules.checkOrder(facts(order: 1, today: day("2026-09-30"))).decision == .allowed)
        let expired = CreditRules.checkOrder(facts(order: 1, today: day("2026-10-01")))
        #expect(expired.codes == ["noValidAssessment"])
        #expect(expired.reasons.first?.message.contains("expired after 2026-09-30") == true)
    }

    @Test("every reason is listed at once")
    func allReasons() {
        let r = CreditRules.checkOrder(facts(order: 300_000, overdueDays: 120, assessment: .some(nil)))
        #expect(r.codes == ["overLimit", "debtOverdue", "noValidAssessment"])
    }

    @Test("the lead's override with a reason lets a refused order through, the reasons kept on record")
    func override() {
        let r = CreditRules.checkOrder(facts(order: 250_000, overdueDays: 95), override: CreditOverride(reason: "老客户，已承诺月底结清"))
        #expect(r.decision == .allowedWithOverride)
        #expect(r.codes == ["overLimit", "debtOverdue"])
        #expect(r.overrideReason == "老客户，已承诺月底结清")
        let blank = CreditRules.checkOrder(facts(order: 250_000), override: CreditOverride(reason: "  "))
        #expect(blank.decision == .refused)
        #expect(blank.codes == ["overLimit", "overrideNeedsReason"])
        #expect(CreditRules.checkOrder(facts(order: 1), override: CreditOverride(reason: "x")).decision == .allowed, "no override is needed")
    }

    @Test("the check reads exposure and old debts from the receivables ageing and the limit from the assessment")
    func fromAgeing() throws {
        let ageing = try Receivables.ageing(invoices: [
            Invoice(number: "1", amount: yuan(150_000), issued: day("2026-01-01"), due: day("2026-03-01")),
        ], payments: [], asOf: today)
        let f = OrderCreditFacts(ageing: ageing, uninvoicedOrders: yuan(50_000), orderAmount: yuan(100_000), assessment: assessment, today: today)
        #expect(f.unpaidInvoices == yuan(150_000))
        #expect(f.oldestOverdueDays == 121)
        #expect(f.limit == yuan(500_000))
        #expect(CreditRules.checkOrder(f).codes == ["debtOverdue"])
    }

    @Test("amounts too large to add are refused, not crashed on")
    func overflow() {
        let f = OrderCreditFacts(unpaidInvoices: Money(fen: .max), orderAmount: Money(fen: 1), limit: yuan(1), assessment: assessment, today: today)
        let r = CreditRules.checkOrder(f)
        #expect(r.decision == .refused)
        #expect(r.codes == ["amountTooLarge"])
    }
}
