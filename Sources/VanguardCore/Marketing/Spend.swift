import Foundation

/// Yuan for one unit of a foreign currency (7.1234 CNY per USD), held in millionths so a
/// conversion is exact integer arithmetic. Coded as its text ("7.1234").
public struct ExchangeRate: Sendable, Codable, Hashable, CustomStringConvertible {
    public let millionths: Int64

    public init(millionths: Int64) {
        self.millionths = millionths
    }

    /// Reads "7.1234" (at most six decimals, no sign); anything else gives nil.
    public init?(_ text: String) {
        guard let value = DecimalDigits.parse(Substring(text.trimmingWhitespace()), fractionDigits: 6, grouping: false) else { return nil }
        millionths = value
    }

    public var isPositive: Bool { millionths > 0 }

    public var description: String { DecimalDigits.format(millionths, fractionDigits: 6, keepZeros: false, grouping: false) }

    public init(from decoder: Decoder) throws {
        guard let rate = ExchangeRate(try decoder.singleValueContainer().decode(String.self)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected a rate with at most six decimals, e.g. \"7.1234\"."))
        }
        self = rate
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Money spent on a campaign (MP-3, MKT-5): on a day, with a partner or not, in CNY by default.
/// The amount is in hundredths of its currency's unit (fen, cents, hundredths of a yen), so every
/// currency is typed with two decimals; another currency needs the day's rate to count in CNY.
public struct SpendEntry: Sendable, Codable, Equatable {
    public static let homeCurrency = "CNY"

    public var campaignId: UUID
    public var partnerId: UUID?
    public var date: CivilDate
    /// ISO 4217 code: three capital letters.
    public var currency: String
    public var amount: Int64
    /// CNY per unit of `currency`; required for any other currency, ignored for CNY.
    public var rate: ExchangeRate?
    public var note: String

    public init(campaignId: UUID, partnerId: UUID? = nil, date: CivilDate, currency: String = SpendEntry.homeCurrency,
                amount: Int64, rate: ExchangeRate? = nil, note: String = "") {
        self.campaignId = campaignId
        self.partnerId = partnerId
        self.date = date
        self.currency = currency
        self.amount = amount
        self.rate = rate
        self.note = note
    }

    public init(campaignId: UUID, partnerId: UUID? = nil, date: CivilDate, cny: Money, note: String = "") {
        self.init(campaignId: campaignId, partnerId: partnerId, date: date, amount: cny.fen, note: note)
    }

    public var isHomeCurrency: Bool { currency == Self.homeCurrency }

    /// The amount in CNY, rounded half away from zero to the fen; nil without a positive rate for
    /// a foreign currency, or when the figure does not fit.
    public var cny: Money? {
        if isHomeCurrency { return Money(fen: amount) }
        guard let rate, rate.isPositive else { return nil }
        return Money(fen: amount).scaled(by: rate.millionths, dividedBy: 1_000_000)
    }

    /// Every problem with the entry at once, by field. A refund is not a negative spend: it
    /// lowers a partner's invoice, which is entered at its net amount.
    public func problems() -> FieldErrors {
        var errors = FieldErrors()
        if amount <= 0 { errors.add("amount", "notPositive", "Spend is an amount above zero.") }
        let code = currency.unicodeScalars
        if code.count != 3 || !code.allSatisfy({ ("A"..."Z").contains($0) }) {
            errors.add("currency", "invalidCurrency", "Give the currency as its three-letter code, e.g. CNY or USD (got \"\(currency)\").")
        } else if !isHomeCurrency {
            if rate == nil {
                errors.add("rate", "required", "Spend in \(currency) needs the exchange rate to CNY of \(date).")
            } else if rate?.isPositive != true {
                errors.add("rate", "notPositive", "An exchange rate is above zero.")
            }
        }
        if errors.isEmpty, cny == nil { errors.add("amount", "tooLarge", "This amount is too large to convert; check it.") }
        return errors
    }

    /// The total in CNY of entries that passed `problems()`; throws `MoneyOverflow` for sums too
    /// large to be real or an entry that cannot be converted.
    public static func totalCNY<S: Sequence>(_ entries: S) throws -> Money where S.Element == SpendEntry {
        try Money.sum(entries.map { entry in
            guard let cny = entry.cny else { throw MoneyOverflow() }
            return cny
        })
    }
}
