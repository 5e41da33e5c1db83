import Foundation

/// How many units a quote line sells (SP-3): a decimal with up to three places (2.5 tonnes,
/// 0.125 km, 3 sets), held in thousandths of a unit so totals stay exact. Coded as its text ("2.5").
public struct Quantity: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public let thousandths: Int64

    public init(thousandths: Int64) {
        self.thousandths = thousandths
    }

    /// Whole units; nil when the number does not fit.
    public init?(units: Int64) {
        let (value, overflow) = units.multipliedReportingOverflow(by: 1000)
        if overflow { return nil }
        thousandths = value
    }

    /// Reads "3", "2.5", "0.125" or "-1" (the sign is kept so validation can name the problem);
    /// more than three decimals, grouping commas or anything else give nil.
    public init?(_ text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        let negative = s.hasPrefix("-")
        if negative { s = s.dropFirst() }
        guard let value = DecimalDigits.parse(s, fractionDigits: 3, grouping: false) else { return nil }
        thousandths = negative ? -value : value
    }

    public var isPositive: Bool { thousandths > 0 }

    public static func < (a: Quantity, b: Quantity) -> Bool { a.thousandths < b.thousandths }

    /// "3", "2.5", "0.125".
    public var description: String {
        DecimalDigits.format(thousandths, fractionDigits: 3, keepZeros: false, grouping: false)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let q = Quantity(try c.decode(String.self)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected a quantity with at most three decimals, e.g. \"2.5\"."))
        }
        self = q
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One line of a tailored proposal (SP-3): which product, how many, at what unit price, with
/// what discount (0–100 %, up to two decimals).
public struct QuoteLine: Sendable, Codable, Equatable {
    public var productCode: String
    public var description: String
    public var quantity: Quantity
    public var unitPrice: Money
    public var discountPercent: Percent

    public init(productCode: String, description: String = "", quantity: Quantity, unitPrice: Money, discountPercent: Percent = .zero) {
        self.productCode = productCode
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.discountPercent = discountPercent
    }
}

/// What one quote line comes to: quantity × unit price, the discount taken off it, what is left.
public struct QuoteLineTotals: Sendable, Equatable {
    public var subtotal: Money
    public var discount: Money
    public var net: Money
}

/// What a whole quote comes to (SP-3): the lines' subtotal, their discounts, the whole-quote extra
/// discount (taken off the lines' net), and the net the customer pays.
public struct QuoteTotals: Sendable, Equatable {
    public var lines: [QuoteLineTotals]
    public var subtotal: Money
    public var lineDiscount: Money
    public var extraDiscount: Money
    /// Every discount on the quote: the lines' and the extra one.
    public var discount: Money
    public var net: Money

    /// The quote's effective discount, total discount ÷ subtotal, rounded half up to 0.01 % as it
    /// is shown; zero for a quote worth nothing.
    public var effectiveDiscount: Percent { Percent.share(discount, of: subtotal) ?? .zero }
}

/// The quote part of the policy pack (SP-3, RSK-S1): a discount above the threshold needs the
/// team lead's approval before the quote is sent.
public struct QuotePolicy: Sendable, Codable, Equatable {
    public var discountApprovalThreshold: Percent

    public init(discountApprovalThreshold: Percent) {
        self.discountApprovalThreshold = discountApprovalThreshold
    }

    /// 10 %: above it, on any line or on the quote as a whole, the lead approves first.
    public static let `default` = QuotePolicy(discountApprovalThreshold: Percent(percent: 10))
}

/// Whether a quote needs the lead's approval before it is sent (RSK-S1), and why.
public struct QuoteApproval: Sendable, Equatable {
    public var effectiveDiscount: Percent
    public var threshold: Percent
    /// Lines (0-based, as in `lines[2]`) whose own discount is above the threshold.
    public var linesAboveThreshold: [Int]

    public init(effectiveDiscount: Percent, threshold: Percent, linesAboveThreshold: [Int]) {
        self.effectiveDiscount = effectiveDiscount
        self.threshold = threshold
        self.linesAboveThreshold = linesAboveThreshold
    }

    public var needed: Bool { effectiveDiscount > threshold || !linesAboveThreshold.isEmpty }

    /// Why approval is needed, in the salesperson's words; nil when it is not.
    public var reason: String? {
        var parts: [String] = []
        if effectiveDiscount > threshold { parts.append("the quote's overall discount of \(effectiveDiscount) is above \(threshold)") }
        if !linesAboveThreshold.isEmpty {
            let lines = linesAboveThreshold.map { String($0 + 1) }.joined(separator: ", ")
            parts.append("line\(linesAboveThreshold.count == 1 ? "" : "s") \(lines) \(linesAboveThreshold.count == 1 ? "has a discount" : "have discounts") above \(threshold)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// A quote's life (SP-3): drafted, approved by the lead when its discount is above the line,
/// sent, then accepted, rejected or expired.
public enum QuoteStatus: String, Sendable, Codable, CaseIterable {
    case draft, pendingApproval, approved, sent, accepted, rejected, expired

    /// Accepted, rejected and expired quotes are the record of what was offered; a new offer is a new quote.
    public var isFinal: Bool { self == .accepted || self == .rejected || self == .expired }
}

/// What a quote has, as far as its status rules care.
public struct QuoteFacts: Sendable, Equatable {
    public var approvalNeeded: Bool
    public var approvalReason: String?
    public var validUntil: CivilDate
    public var today: CivilDate
    /// Whether the person making the move is the team lead (who alone approves discounts).
    public var byLead: Bool

    public init(approvalNeeded: Bool, approvalReason: String? = nil, validUntil: CivilDate, today: CivilDate, byLead: Bool = false) {
        self.approvalNeeded = approvalNeeded
        self.approvalReason = approvalReason
        self.validUntil = validUntil
        self.today = today
        self.byLead = byLead
    }

    public init(approval: QuoteApproval, validUntil: CivilDate, today: CivilDate, byLead: Bool = false) {
        self.init(approvalNeeded: approval.needed, approvalReason: approval.reason, validUntil: validUntil, today: today, byLead: byLead)
    }

    /// A quote is valid through its `validUntil` day and expired from the day after.
    public var isPastValidity: Bool { validUntil < today }
}

/// Why a quote may not move, in words the salesperson can act on; `code` is stable for clients.
public struct QuoteMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var message: String
}

/// The quote rules (SP-3, RSK-S1): totals, input checks, the discount approval and the status machine.
public enum QuoteRules {
    /// The totals of a quote. Each line is quantity × unit price rounded half up to the fen, less
    /// its discount (rounded the same way); the extra discount comes off the sum of the lines' net.
    /// Throws `MoneyOverflow` for figures too large to be real.
    public static func totals(lines: [QuoteLine], extraDiscount: Percent = .zero) throws -> QuoteTotals {
        var lineTotals: [QuoteLineTotals] = []
        for line in lines {
            guard let subtotal = line.unitPrice.scaled(by: line.quantity.thousandths, dividedBy: 1000),
                  let discount = subtotal.percent(line.discountPercent) else { throw MoneyOverflow() }
            lineTotals.append(QuoteLineTotals(subtotal: subtotal, discount: discount, net: try subtotal - discount))
        }
        let subtotal = try Money.sum(lineTotals.map(\.subtotal))
        let lineDiscount = try Money.sum(lineTotals.map(\.discount))
        let linesNet = try Money.sum(lineTotals.map(\.net))
        guard let extra = linesNet.percent(extraDiscount) else { throw MoneyOverflow() }
        return QuoteTotals(lines: lineTotals, subtotal: subtotal, lineDiscount: lineDiscount,
                           extraDiscount: extra, discount: try lineDiscount + extra, net: try linesNet - extra)
    }

    /// Whether the lead must approve before sending: the effective discount, or any single line's
    /// discount, is above the policy's threshold (exactly at the threshold needs no approval).
    public static func approval(lines: [QuoteLine], extraDiscount: Percent = .zero, policy: QuotePolicy = .default) throws -> QuoteApproval {
        let totals = try totals(lines: lines, extraDiscount: extraDiscount)
        let threshold = policy.discountApprovalThreshold
        let above = lines.indices.filter { lines[$0].discountPercent > threshold }
        return QuoteApproval(effectiveDiscount: totals.effectiveDiscount, threshold: threshold, linesAboveThreshold: above)
    }

    /// Every problem with a quote's input at once, by field (`lines[2].discountPercent`).
    public static func validate(lines: [QuoteLine], validUntil: CivilDate, today: CivilDate, extraDiscount: Percent = .zero) -> FieldErrors {
        var errors = FieldErrors()
        if lines.isEmpty { errors.add("lines", "required", "A quote needs at least one line.") }
        for (i, line) in lines.enumerated() {
            let field = "lines[\(i)]"
            if line.productCode.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.add("\(field).productCode", "required", "Which product is this line for?")
            }
            if !line.quantity.isPositive {
                errors.add("\(field).quantity", "notPositive", "The quantity must be more than zero (got \(line.quantity)).")
            }
            if line.unitPrice.isNegative {
                errors.add("\(field).unitPrice", "negative", "The unit price cannot be negative (got \(line.unitPrice)).")
            }
            if let problem = discountProblem(line.discountPercent) { errors.add("\(field).discountPercent", "outOfRange", problem) }
        }
        if let problem = discountProblem(extraDiscount) { errors.add("extraDiscountPercent", "outOfRange", problem) }
        if validUntil < today {
            errors.add("validUntil", "inPast", "The quote must be valid until today or later (\(validUntil) has passed).")
        }
        if errors.isEmpty, (try? totals(lines: lines, extraDiscount: extraDiscount)) == nil {
            errors.add("lines", "tooLarge", "These amounts are too large to total; check the quantities and prices.")
        }
        return errors
    }

    static func discountProblem(_ p: Percent) -> String? {
        (Percent.zero...Percent.hundred).contains(p) ? nil : "A discount lies between 0% and 100% (got \(p))."
    }

    /// The status after the quote's content is edited: an approved or pending quote goes back to
    /// draft and needs approval again; nil when the quote may no longer be edited (sent or final).
    public static func statusAfterEdit(_ status: QuoteStatus) -> QuoteStatus? {
        switch status {
        case .draft, .pendingApproval, .approved: .draft
        case .sent, .accepted, .rejected, .expired: nil
        }
    }

    static let moves: [QuoteStatus: Set<QuoteStatus>] = [
        .draft: [.pendingApproval, .sent, .expired],
        .pendingApproval: [.approved, .draft, .expired],
        .approved: [.sent, .draft, .expired],
        .sent: [.accepted, .rejected, .expired],
    ]

    /// nil when the quote may move from one status to the other; otherwise why not. Sending a
    /// quote whose discount needs approval goes through the lead (draft → pendingApproval →
    /// approved → sent); only the lead approves; nothing is sent or accepted after `validUntil`,
    /// and a quote is marked expired only after it.
    public static func refusal(from: QuoteStatus, to: QuoteStatus, facts: QuoteFacts) -> QuoteMoveRefusal? {
        if from == to { return nil }
        if from.isFinal {
            return QuoteMoveRefusal(code: "quoteClosed", message: "A quote that is \(from.rawValue) is final; make a new quote for a new offer.")
        }
        guard moves[from]?.contains(to) == true else {
            return QuoteMoveRefusal(code: "notAllowed", message: "A quote cannot go from \(from.rawValue) to \(to.rawValue).")
        }
        switch to {
        case .expired:
            if !facts.isPastValidity {
                return QuoteMoveRefusal(code: "notExpired", message: "The quote is valid until \(facts.validUntil); it expires only after that day.")
            }
        case .pendingApproval, .approved, .sent, .accepted:
            if facts.isPastValidity {
                return QuoteMoveRefusal(code: "quoteExpired", message: "The quote was valid until \(facts.validUntil); extend its validity (back in draft) or mark it expired.")
            }
            if to == .approved && !facts.byLead {
                return QuoteMoveRefusal(code: "leadApprovalOnly", message: "Only the team lead approves a quote's discount.")
            }
            if from == .draft && to == .sent && facts.approvalNeeded {
                let why = facts.approvalReason.map { " (\($0))" } ?? ""
                return QuoteMoveRefusal(code: "approvalNeeded", message: "The lead must approve this quote before it is sent\(why).")
            }
        case .draft, .rejected:
            break
        }
        return nil
    }
}
