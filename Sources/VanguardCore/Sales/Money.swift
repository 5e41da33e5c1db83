import Foundation

/// Thrown when an amount would not fit in 64 bits of fen: a sum that large is a typing mistake,
/// never a real quote, and must be refused rather than crash the server.
public struct MoneyOverflow: Error, Sendable, Equatable {
    public init() {}
}

/// An amount of renminbi in whole fen (分), so quotes, invoices, payments and credit limits add up
/// exactly (SP-3, RSK-S2). Coded as a plain integer of fen; shown as yuan ("1234.50", "¥1,234.50").
///
/// Arithmetic that could overflow throws `MoneyOverflow` (`try a + b`) or returns nil; shares of
/// an amount are rounded half away from zero to the fen (四舍五入: 0.5 fen → 1 fen, −0.5 → −1),
/// never to even, so a customer sees the rounding a calculator shows.
public struct Money: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public let fen: Int64

    public init(fen: Int64) {
        self.fen = fen
    }

    /// Whole yuan; nil when the amount does not fit.
    public init?(yuan: Int64) {
        let (value, overflow) = yuan.multipliedReportingOverflow(by: 100)
        if overflow { return nil }
        self.fen = value
    }

    /// No money: the start of every sum.
    public static let zero = Money(fen: 0)

    public var isNegative: Bool { fen < 0 }
    public var isZero: Bool { fen == 0 }

    public init(from decoder: Decoder) throws {
        fen = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(fen)
    }

    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// The sum of two amounts; throws when it would not fit.
    public static func + (a: Money, b: Money) throws -> Money {
        let (v, o) = a.fen.addingReportingOverflow(b.fen)
        if o { throw MoneyOverflow() }
        return Money(fen: v)
    }

    /// The difference of two amounts; throws when it would not fit.
    public static func - (a: Money, b: Money) throws -> Money {
        let (v, o) = a.fen.subtractingReportingOverflow(b.fen)
        if o { throw MoneyOverflow() }
        return Money(fen: v)
    }

    /// A unit price times a whole quantity; throws when it would not fit.
    public static func * (a: Money, quantity: Int64) throws -> Money {
        let (v, o) = a.fen.multipliedReportingOverflow(by: quantity)
        if o { throw MoneyOverflow() }
        return Money(fen: v)
    }

    /// The total of many amounts (an empty list is zero); throws when it would not fit.
    public static func sum<S: Sequence>(_ amounts: S) throws -> Money where S.Element == Money {
        try amounts.reduce(Money.zero) { try $0 + $1 }
    }

    /// This amount × numerator ÷ denominator, rounded half away from zero to the fen; nil when it
    /// would not fit or the denominator is not positive.
    public func scaled(by numerator: Int64, dividedBy denominator: Int64) -> Money? {
        guard denominator > 0 else { return nil }
        let (product, o) = fen.multipliedReportingOverflow(by: numerator)
        if o { return nil }
        return Money(fen: Self.divideRoundingHalfUp(product, by: denominator))
    }

    /// The given share of this amount (a discount, a probability), rounded half away from zero to
    /// the fen; nil when it would not fit.
    public func percent(_ rate: Percent) -> Money? {
        scaled(by: rate.basisPoints, dividedBy: 10_000)
    }

    /// The given share in basis points (1 % = 100) of this amount; see `percent(_:)`.
    public func percent(basisPoints: Int64) -> Money? {
        percent(Percent(basisPoints: basisPoints))
    }

    /// x ÷ d for d > 0, with halves rounded away from zero.
    static func divideRoundingHalfUp(_ x: Int64, by d: Int64) -> Int64 {
        let (q, r) = x.quotientAndRemainder(dividingBy: d)
        guard r.magnitude * 2 >= d.magnitude else { return q }
        return x < 0 ? q - 1 : q + 1
    }

    /// Reads yuan as people type them: "1234.5", "1,234.50", "¥1234", "￥ 12". More than two
    /// decimals, misplaced commas, negatives (unless allowed) and anything else give nil.
    public static func parse(_ text: String, allowNegative: Bool = false) -> Money? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() }
        if s.hasPrefix("¥") || s.hasPrefix("￥") { s = s.dropFirst().drop { $0 == " " } }
        if !negative, s.hasPrefix("-") { negative = true; s = s.dropFirst() }
        if negative && !allowNegative { return nil }
        guard let magnitude = DecimalDigits.parse(s, fractionDigits: 2, grouping: true) else { return nil }
        return Money(fen: negative ? -magnitude : magnitude)
    }

    /// The amount in yuan with two decimals and no grouping, as forms and exports want: "1234.50".
    public var yuanText: String {
        DecimalDigits.format(fen, fractionDigits: 2, keepZeros: true, grouping: false)
    }

    /// The amount as people read it in messages: "¥1,234.50", "-¥12.30".
    public var description: String {
        let digits = DecimalDigits.format(fen, fractionDigits: 2, keepZeros: true, grouping: true)
        return fen < 0 ? "-¥" + digits.dropFirst() : "¥" + digits
    }
}

/// A percentage held in basis points (1 % = 100 bp), so discounts like 12.5 % and thresholds like
/// 10 % compare exactly (SP-3, RSK-S1). Coded as a number of percent (12.5), as forms and the
/// policy pack write it.
public struct Percent: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public let basisPoints: Int64

    public init(basisPoints: Int64) {
        self.basisPoints = basisPoints
    }

    /// A whole percentage (10 → 10 %); absurdly large values saturate rather than crash.
    public init(percent: Int) {
        let (value, overflow) = Int64(percent).multipliedReportingOverflow(by: 100)
        basisPoints = overflow ? (percent < 0 ? .min : .max) : value
    }

    /// 0 % and 100 %, the ends of a discount's range.
    public static let zero = Percent(basisPoints: 0)
    public static let hundred = Percent(basisPoints: 10_000)

    /// Reads a number of percent (12.5) or its text ("12.5"), with at most two decimals.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let bad = DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected a percentage with at most two decimals, e.g. 12.5."))
        if let text = try? c.decode(String.self) {
            guard let p = Percent.parse(text) else { throw bad }
            self = p
            return
        }
        let number = try c.decode(Double.self) * 100
        let rounded = number.rounded()
        guard number.isFinite, abs(number - rounded) < 1e-6, let bp = Int64(exactly: rounded) else { throw bad }
        basisPoints = bp
    }

    /// Writes the number of percent: 1250 bp as 12.5.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Double(basisPoints) / 100)
    }

    public static func < (a: Percent, b: Percent) -> Bool { a.basisPoints < b.basisPoints }

    /// `part` as a share of `whole`, rounded half up to the basis point; nil when `whole` is not
    /// positive (a share of nothing is undefined) or the figures do not fit.
    public static func share(_ part: Money, of whole: Money) -> Percent? {
        guard whole.fen > 0 else { return nil }
        let (scaled, o) = part.fen.multipliedReportingOverflow(by: 10_000)
        if o { return nil }
        return Percent(basisPoints: Money.divideRoundingHalfUp(scaled, by: whole.fen))
    }

    /// Reads "12.5", "12.50", "12.5%", "-3" (at most two decimals); anything else gives nil. The
    /// range is the caller's to check (a discount must lie in 0–100 %).
    public static func parse(_ text: String) -> Percent? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if s.hasSuffix("%") || s.hasSuffix("％") { s = s.dropLast(); while s.last == " " { s = s.dropLast() } }
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() }
        guard let bp = DecimalDigits.parse(s, fractionDigits: 2, grouping: false) else { return nil }
        return Percent(basisPoints: negative ? -bp : bp)
    }

    /// "10%", "12.5%", "12.34%": the figure without trailing zeros.
    public var description: String {
        DecimalDigits.format(basisPoints, fractionDigits: 2, keepZeros: false, grouping: false) + "%"
    }
}

/// Fixed-point decimal text: digits with an optional fraction, held as an integer scaled by 10ⁿ.
enum DecimalDigits {
    /// Parses unsigned digits such as "1,234.5" into 123450 (for two fraction digits); nil for
    /// more fraction digits than allowed, bad grouping, an empty part, or overflow.
    static func parse(_ text: Substring, fractionDigits: Int, grouping: Bool) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.count <= fractionDigits else { return nil }
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard grouping, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        let digits = groups.joined() + fraction + String(repeating: "0", count: fractionDigits - fraction.count)
        var value: Int64 = 0
        for c in digits {
            guard c.isASCII, let d = c.wholeNumberValue else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = next
        }
        return value
    }

    /// Formats 123450 as "1234.50" (or "1,234.5" with grouping and without kept zeros).
    static func format(_ value: Int64, fractionDigits: Int, keepZeros: Bool, grouping: Bool) -> String {
        var scale: UInt64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let m = value.magnitude
        var whole = String(m / scale)
        if grouping {
            var grouped: [Character] = []
            for (i, c) in whole.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { grouped.append(",") }
                grouped.append(c)
            }
            whole = String(grouped.reversed())
        }
        var fraction = String(m % scale)
        fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        if !keepZeros { while fraction.hasSuffix("0") { fraction.removeLast() } }
        return (value < 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }
}

extension Money {
    /// How many decimals a number sent as JSON really has, from its shortest round-trip form
    /// ("0.07" → 2, "1e-05" → 5, "2.2250738585e-313" → 323, "100.0" → 0). Multiplying by 100 and
    /// allowing a small error would take 0.000…1 as zero fen; the API's schema says
    /// `multipleOf: 0.01`, and the fuzzer holds us to it.
    public static func decimalPlaces(_ value: Double) -> Int {
        let text = "\(value)".lowercased()
        var mantissa = Substring(text), exponent = 0
        if let e = text.firstIndex(of: "e") {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var fraction = mantissa.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return max(0, fraction.count - exponent)
    }
}
