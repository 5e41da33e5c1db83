/// How a ticket, quote, contract, order or invoice is numbered: a letter for its kind, its period
/// (the day or the month it was made) and its place in that period, e.g. `T261130-0007`,
/// `Q202611-0012`. Counted, never drawn at random: five random characters collided once in about
/// a thousand demo loads and, at a thousand tickets a day, would collide most days.
public enum DocumentSeries: String, Sendable, CaseIterable {
    case ticket, quote, contract, order, invoice

    var prefix: String {
        switch self {
        case .ticket: "T"
        case .quote: "Q"
        case .contract: "C"
        case .order: "SO"
        case .invoice: "INV"
        }
    }

    /// The period a number counts in: tickets and invoices by day, the sales papers by month.
    public func period(_ day: CivilDate) -> String {
        let digits = day.description.filter { $0 != "-" }
        switch self {
        case .ticket: return String(digits.dropFirst(2))   // 261130
        case .invoice: return digits                       // 20261130
        case .quote, .contract, .order: return String(digits.prefix(6))   // 202611
        }
    }

    /// The number for the `sequence`-th document of its kind in `period` (1-based; four digits at
    /// least, more when a period needs them).
    public func number(period: String, sequence: Int) -> String {
        let digits = String(sequence)
        return prefix + period + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
