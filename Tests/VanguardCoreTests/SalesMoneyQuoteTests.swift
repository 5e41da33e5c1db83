import Foundation
import Testing
@testable import VanguardCore

/// Amounts in fen, parsed and shown as yuan, with explicit rounding and no crash on overflow.
@Suite("Money in fen (SP-3, RSK-S2)")
struct SalesMoneyTests {
    @Test("yuan are read as people type them", arguments: [
        ("1234.5", 123_450), ("1,234.50", 123_450), ("¥1234", 123_400), ("￥ 12", 1_200), ("0.05", 5),
        (" 1,234,567.89 ", 123_456_789), ("0", 0),
    ] as [(String, Int64)])
    func parses(text: String, fen: Int64) {
        #expect(Money.parse(text) == Money(fen: fen))
    }

    @Test("more than two decimals, stray commas, negatives and garbage are refused", arguments: [
        "1.234", "12,34", "1,2345", ",123", "1.", ".5", "", "¥", "abc", "12a", "1e3", "-5", "¥-5", "1 000", "１２",
        "99999999999999999999",
    ])
    func refuses(text: String) {
        #expect(Money.parse(text) == nil)
    }

    @Test("a JSON amount's real decimals: two pass, a tiny fraction of a fen is not zero", arguments: [
        (0.07, 2), (100.0, 0), (1234.5, 1), (0.1 + 0.2, 17), (1e-05, 5), (2.2250738585e-313, 323), (1.5e20, 0), (0.0, 0), (1.0000000001, 10),
    ])
    func decimalPlaces(value: Double, places: Int) {
        #expect(Money.decimalPlaces(value) == places)
    }

    @Test("negatives only where the caller allows them (a refund, a difference)")
    func negatives() {
        #expect(Money.parse("-12.3", allowNegative: true) == Money(fen: -1_230))
        #expect(Money.parse("-¥12", allowNegative: true) == Money(fen: -1_200))
        #expect(Money.parse("-12.3") == nil)
    }

    @Test("amounts are shown in yuan with two decimals: plain for forms, grouped with ¥ in messages")
    func shows() {
        #expect(Money(fen: 123_450).yuanText == "1234.50")
        #expect(Money(fen: 5).yuanText == "0.05")
        #expect(Money(fen: -1_230).yuanText == "-12.30")
        #expect(Money(fen: 123_456_789).description == "¥1,234,567.89")
        #expect(Money(fen: -100_000).description == "-¥1,000.00")
        #expect(Money(fen: Int64.min).yuanText == "-92233720368547758.08")
    }

    @Test("money is coded as a plain integer of fen")
    func codable() throws {
        let data = try JSONEncoder().encode([Money(fen: 123_450)])
        #expect(String(decoding: data, as: UTF8.self) == "[123450]")
        #expect(try JSONDecoder().decode(Money.self, from: Data("99".utf8)) == Money(fen: 99))
    }

    @Test("percentages are coded as a number of percent, with at most two decimals")
    func percentCodable() throws {
        let data = try JSONEncoder().encode([Percent(basisPoints: 1_250), Percent(basisPoints: 1_234), Percent(percent: 10)])
        #expect(String(decoding: data, as: UTF8.self) == "[12.5,12.34,10]")
        #expect(try JSONDecoder().decode([Percent].self, from: Data(#"[12.34, 7, "3.5"]"#.utf8)).map(\.basisPoints) == [1_234, 700, 350])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Percent.self, from: Data("12.345".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Percent.self, from: Data(#""ten""#.utf8)) }
    }

    @Test("sums, differences and products are exact, and overflow is refused instead of crashing")
    func arithmetic() throws {
        let a = Money(fen: 1_050), b = Money(fen: 25)
        #expect(try a + b == Money(fen: 1_075))
        #expect(try a - b == Money(fen: 1_025))
        #expect(try a * 3 == Money(fen: 3_150))
        #expect(try Money.sum([a, b, b]) == Money(fen: 1_100))
        #expect(throws: MoneyOverflow.self) { try Money(fen: .max) + Money(fen: 1) }
        #expect(throws: MoneyOverflow.self) { try Money(fen: .min) - Money(fen: 1) }
        #expect(throws: MoneyOverflow.self) { try Money(fen: .max / 2) * 3 }
        #expect(Money(yuan: Int64.max / 10) == nil)
        #expect(Money(fen: .max).percent(Percent(percent: 50)) == nil)
    }

    @Test("a share of an amount is rounded half up to the fen, never to even", arguments: [
        (1_005, 5_000, 503), (1_015, 5_000, 508), (1, 5_000, 1), (1, 4_999, 0), (-1_005, 5_000, -503), (999, 1_000, 100),
    ] as [(Int64, Int64, Int64)])
    func rounding(fen: Int64, basisPoints: Int64, expected: Int64) {
        #expect(Money(fen: fen).percent(basisPoints: basisPoints) == Money(fen: expected))
    }

    @Test("percentages are read with up to two decimals and held in basis points")
    func percents() {
        #expect(Percent.parse("12.5") == Percent(basisPoints: 1_250))
        #expect(Percent.parse("12.34%") == Percent(basisPoints: 1_234))
        #expect(Percent.parse("-3") == Percent(basisPoints: -300))
        #expect(Percent.parse("12.345") == nil)
        #expect(Percent.parse("ten") == nil)
        #expect(Percent(basisPoints: 1_250).description == "12.5%")
        #expect(Percent(percent: 10).description == "10%")
        #expect(Percent.share(Money(fen: 1), of: Money(fen: 3)) == Percent(basisPoints: 3_333))
        #expect(Percent.share(Money(fen: 2), of: Money(fen: 3)) == Percent(basisPoints: 6_667))
        #expect(Percent.share(Money(fen: 2), of: .zero) == nil)
    }
}

/// Quotes with lines and discounts (SP-3), and the lead's approval over the threshold (RSK-S1).
@Suite("Quotes (SP-3, RSK-S1)")
struct SalesQuoteTests {
    let today = CivilDate("2026-03-10")!

    func line(_ code: String = "P-1", _ qty: String, _ price: String, _ discount: String = "0") -> QuoteLine {
        QuoteLine(productCode: code, quantity: Quantity(qty)!, unitPrice: Money.parse(price)!, discountPercent: Percent.parse(discount)!)
    }

    @Test("quantities are decimals with up to three places")
    func quantities() {
        #expect(Quantity("2.5")?.thousandths == 2_500)
        #expect(Quantity("0.125")?.thousandths == 125)
        #expect(Quantity("3")?.description == "3")
        #expect(Quantity("2.500")?.description == "2.5")
        #expect(Quantity("0.1234") == nil)
        #expect(Quantity("1,000") == nil)
        #expect(Quantity("-1")?.isPositive == false)
    }

    @Test("a quote line travels as product, quantity text, unit price in fen and discount in percent")
    func lineCodable() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(line("P-9", "2.5", "99.99", "12.5")), as: UTF8.self)
        #expect(json == #"{"description":"","discountPercent":12.5,"productCode":"P-9","quantity":"2.5","unitPrice":9999}"#)
        #expect(try JSONDecoder().decode(QuoteLine.self, from: Data(json.utf8)) == line("P-9", "2.5", "99.99", "12.5"))
    }

    @Test("each line is quantity × unit price less its discount; the quote adds the lines up")
    func totals() throws {
        let t = try QuoteRules.totals(lines: [line("A", "3", "1000", "10"), line("B", "2.5", "99.99", "5")])
        // A: 3000.00 − 300.00 = 2700.00; B: 249.975 → 249.98, discount 12.499 → 12.50, net 237.48
        #expect(t.lines[0] == QuoteLineTotals(subtotal: Money(fen: 300_000), discount: Money(fen: 30_000), net: Money(fen: 270_000)))
        #expect(t.lines[1] == QuoteLineTotals(subtotal: Money(fen: 24_998), discount: Money(fen: 1_250), net: Money(fen: 23_748)))
        #expect(t.subtotal == Money(fen: 324_998))
        #expect(t.lineDiscount == Money(fen: 31_250))
        #expect(t.net == Money(fen: 293_748))
        #expect(t.effectiveDiscount == Percent(basisPoints: 962))  // 312.50 / 3249.98 = 9.6154 %
    }

    @Test("a whole-quote extra discount comes off the lines' net")
    func extraDiscount() throws {
        let t = try QuoteRules.totals(lines: [line("A", "1", "1000", "10")], extraDiscount: Percent(percent: 5))
        #expect(t.extraDiscount == Money(fen: 4_500))        // 5 % of 900.00
        #expect(t.discount == Money(fen: 14_500))
        #expect(t.net == Money(fen: 85_500))
        #expect(t.effectiveDiscount == Percent(basisPoints: 1_450))
    }

    @Test("absurd quantities and prices are refused as too large, not crashed on")
    func overflow() {
        let huge = QuoteLine(productCode: "X", quantity: Quantity(thousandths: .max), unitPrice: Money(fen: 100_000))
        #expect(throws: MoneyOverflow.self) { try QuoteRules.totals(lines: [huge]) }
        #expect(QuoteRules.validate(lines: [huge], validUntil: today, today: today).first("lines")?.code == "tooLarge")
    }

    @Test("a quote is checked field by field: lines, quantities, prices, discounts, validity")
    func validation() {
        let bad = [
            line("A", "1", "10"),
            QuoteLine(productCode: " ", quantity: Quantity("0")!, unitPrice: Money(fen: -1), discountPercent: Percent(basisPoints: -1)),
            line("C", "-2", "10", "100.01"),
        ]
        let errors = QuoteRules.validate(lines: bad, validUntil: CivilDate("2026-03-09")!, today: today, extraDiscount: Percent(percent: 101))
        #expect(errors.first("lines[0].quantity") == nil)
        #expect(errors.first("lines[1].productCode")?.code == "required")
        #expect(errors.first("lines[1].quantity")?.code == "notPositive")
        #expect(errors.first("lines[1].unitPrice")?.code == "negative")
        #expect(errors.first("lines[1].discountPercent")?.code == "outOfRange")
        #expect(errors.first("lines[2].quantity")?.code == "notPositive")
        #expect(errors.first("lines[2].discountPercent")?.message.contains("100.01%") == true)
        #expect(errors.first("extraDiscountPercent")?.code == "outOfRange")
        #expect(errors.first("validUntil")?.code == "inPast")
        #expect(errors.all.count == 8)
        #expect(QuoteRules.validate(lines: [], validUntil: today, today: today).first("lines")?.code == "required")
        #expect(QuoteRules.validate(lines: [line("A", "1", "10", "100")], validUntil: today, today: today).isEmpty,
                "valid through today, and a 100 % discount is still a discount")
    }

    @Test("a discount above the line needs the lead's approval before the quote is sent (RSK-S1)")
    func approvalThreshold() throws {
        let at = try QuoteRules.approval(lines: [line("A", "1", "1000", "10")])
        #expect(!at.needed, "exactly at the threshold needs no approval")
        let above = try QuoteRules.approval(lines: [line("A", "1", "1000", "10.01")])
        #expect(above.needed)
        #expect(above.linesAboveThreshold == [0])
        #expect(above.reason == "the quote's overall discount of 10.01% is above 10%; line 1 has a discount above 10%")
    }

    @Test("one line above the threshold needs approval even when the quote as a whole is below it")
    func singleLine() throws {
        let a = try QuoteRules.approval(lines: [line("A", "1", "100", "20"), line("B", "1", "900", "0"), line("C", "1", "50", "15")])
        #expect(a.effectiveDiscount == Percent(basisPoints: 262))  // 27.50 / 1050.00
        #expect(a.needed)
        #expect(a.linesAboveThreshold == [0, 2])
        #expect(a.reason == "lines 1, 3 have discounts above 10%")
    }

    @Test("the effective discount is rounded to 0.01 % before it is compared with the threshold")
    func effectiveRounding() throws {
        // 6000.00 at 10 % and 4000.00 at 0 %: 600.00 off, then an extra discount on the 9400.00 left.
        let lines = [line("A", "1", "6000", "10"), line("B", "1", "4000")]
        let justOver = try QuoteRules.totals(lines: lines, extraDiscount: Percent(basisPoints: 426))
        #expect(justOver.discount == Money(fen: 100_044))  // 10.0044 %, shown as 10.00 %
        #expect(justOver.effectiveDiscount == Percent(percent: 10))
        #expect(try !QuoteRules.approval(lines: lines, extraDiscount: Percent(basisPoints: 426)).needed)
        let over = try QuoteRules.approval(lines: lines, extraDiscount: Percent(basisPoints: 427))  // 10.0138 %
        #expect(over.effectiveDiscount == Percent(basisPoints: 1_001))
        #expect(over.needed)
        #expect(over.linesAboveThreshold.isEmpty, "the extra discount alone pushed the quote over")
    }

    @Test("the threshold comes from the policy pack")
    func policyThreshold() throws {
        let strict = QuotePolicy(discountApprovalThreshold: Percent(percent: 5))
        #expect(try QuoteRules.approval(lines: [line("A", "1", "100", "6")], policy: strict).needed)
        #expect(try !QuoteRules.approval(lines: [line("A", "1", "100", "6")]).needed)
    }
}

/// The quote's status machine (SP-3, RSK-S1).
@Suite("Quote status (SP-3, RSK-S1)")
struct SalesQuoteStatusTests {
    let today = CivilDate("2026-03-10")!
    var valid: QuoteFacts { QuoteFacts(approvalNeeded: false, validUntil: CivilDate("2026-03-31")!, today: today) }
    var needsApproval: QuoteFacts {
        QuoteFacts(approvalNeeded: true, approvalReason: "line 1 has a discount above 10%", validUntil: CivilDate("2026-03-31")!, today: today)
    }

    @Test("a quote within the threshold may go straight from draft to sent")
    func directSend() {
        #expect(QuoteRules.refusal(from: .draft, to: .sent, facts: valid) == nil)
    }

    @Test("a quote above the threshold goes draft → pending approval → approved (by the lead) → sent (RSK-S1)")
    func approvalPath() {
        let refused = QuoteRules.refusal(from: .draft, to: .sent, facts: needsApproval)
        #expect(refused?.code == "approvalNeeded")
        #expect(refused?.message == "The lead must approve this quote before it is sent (line 1 has a discount above 10%).")
        #expect(QuoteRules.refusal(from: .draft, to: .pendingApproval, facts: needsApproval) == nil)
        #expect(QuoteRules.refusal(from: .pendingApproval, to: .approved, facts: needsApproval)?.code == "leadApprovalOnly")
        var byLead = needsApproval
        byLead.byLead = true
        #expect(QuoteRules.refusal(from: .pendingApproval, to: .approved, facts: byLead) == nil)
        #expect(QuoteRules.refusal(from: .approved, to: .sent, facts: needsApproval) == nil)
        #expect(QuoteRules.refusal(from: .pendingApproval, to: .sent, facts: byLead)?.code == "notAllowed")
    }

    @Test("an approved quote that is edited goes back to draft and needs approval again")
    func editAfterApproval() {
        #expect(QuoteRules.statusAfterEdit(.approved) == .draft)
        #expect(QuoteRules.statusAfterEdit(.pendingApproval) == .draft)
        #expect(QuoteRules.statusAfterEdit(.draft) == .draft)
        #expect(QuoteRules.statusAfterEdit(.sent) == nil)
        #expect(QuoteRules.statusAfterEdit(.accepted) == nil)
        #expect(QuoteRules.refusal(from: .draft, to: .sent, facts: needsApproval)?.code == "approvalNeeded")
    }

    @Test("a sent quote is accepted or rejected; accepted, rejected and expired are final")
    func outcomes() {
        #expect(QuoteRules.refusal(from: .sent, to: .accepted, facts: valid) == nil)
        #expect(QuoteRules.refusal(from: .sent, to: .rejected, facts: valid) == nil)
        #expect(QuoteRules.refusal(from: .draft, to: .accepted, facts: valid)?.code == "notAllowed")
        #expect(QuoteRules.refusal(from: .sent, to: .draft, facts: valid)?.code == "notAllowed")
        for final in [QuoteStatus.accepted, .rejected, .expired] {
            #expect(QuoteRules.refusal(from: final, to: .draft, facts: valid)?.code == "quoteClosed")
        }
        #expect(QuoteRules.refusal(from: .accepted, to: .accepted, facts: valid) == nil, "staying put is no move")
    }

    @Test("a quote expires only after its valid-until day, and is neither sent nor accepted after it")
    func expiry() {
        let lastDay = QuoteFacts(approvalNeeded: false, validUntil: today, today: today)
        #expect(QuoteRules.refusal(from: .sent, to: .expired, facts: lastDay)?.code == "notExpired")
        #expect(QuoteRules.refusal(from: .sent, to: .accepted, facts: lastDay) == nil)
        let past = QuoteFacts(approvalNeeded: false, validUntil: CivilDate("2026-03-09")!, today: today)
        #expect(QuoteRules.refusal(from: .sent, to: .expired, facts: past) == nil)
        #expect(QuoteRules.refusal(from: .draft, to: .expired, facts: past) == nil)
        #expect(QuoteRules.refusal(from: .sent, to: .accepted, facts: past)?.code == "quoteExpired")
        #expect(QuoteRules.refusal(from: .approved, to: .sent, facts: past)?.code == "quoteExpired")
        #expect(QuoteRules.refusal(from: .sent, to: .rejected, facts: past) == nil)
    }
}
