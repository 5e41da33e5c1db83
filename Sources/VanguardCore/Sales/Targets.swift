import Foundation

/// A period targets are set for (LEAD-1, SAL-1): a month, a quarter or a year, written
/// "2026-M03", "2026-Q1" and "2026". Years have four digits.
public struct TargetPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whether the period is a month, a quarter or a year.
    public enum Kind: String, Sendable, Codable { case month, quarter, year }

    public let kind: Kind
    public let year: Int
    /// The month (1–12) or quarter (1–4); 0 for a year.
    public let number: Int

    private init(kind: Kind, year: Int, number: Int) {
        self.kind = kind
        self.year = year
        self.number = number
    }

    /// A month of a year; nil outside 1–12 or years 1000–9999.
    public static func month(_ year: Int, _ month: Int) -> TargetPeriod? {
        (1000...9999).contains(year) && (1...12).contains(month) ? TargetPeriod(kind: .month, year: year, number: month) : nil
    }

    /// A quarter of a year; nil outside 1–4 or years 1000–9999.
    public static func quarter(_ year: Int, _ quarter: Int) -> TargetPeriod? {
        (1000...9999).contains(year) && (1...4).contains(quarter) ? TargetPeriod(kind: .quarter, year: year, number: quarter) : nil
    }

    /// A whole year; nil outside 1000–9999.
    public static func year(_ year: Int) -> TargetPeriod? {
        (1000...9999).contains(year) ? TargetPeriod(kind: .year, year: year, number: 0) : nil
    }

    /// The month a date falls in.
    public static func month(of date: CivilDate) -> TargetPeriod? { month(date.year, date.month) }

    /// Reads exactly "2026-M03", "2026-Q1" or "2026".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts[0].count == 4, parts[0].allSatisfy(\.isASCIIDigit), let y = Int(parts[0]) else { return nil }
        let period: TargetPeriod?
        switch parts.count {
        case 1:
            period = .year(y)
        case 2 where parts[1].count == 3 && parts[1].hasPrefix("M") && parts[1].dropFirst().allSatisfy(\.isASCIIDigit):
            period = .month(y, Int(parts[1].dropFirst()) ?? 0)
        case 2 where parts[1].count == 2 && parts[1].hasPrefix("Q") && parts[1].dropFirst().allSatisfy(\.isASCIIDigit):
            period = .quarter(y, Int(parts[1].dropFirst()) ?? 0)
        default:
            period = nil
        }
        guard let period else { return nil }
        self = period
    }

    public var description: String {
        switch kind {
        case .year: String(format: "%04d", year)
        case .quarter: String(format: "%04d-Q%d", year, number)
        case .month: String(format: "%04d-M%02d", year, number)
        }
    }

    /// The first and last month (1–12) of the period.
    var monthRange: ClosedRange<Int> {
        switch kind {
        case .year: 1...12
        case .quarter: (number * 3 - 2)...(number * 3)
        case .month: number...number
        }
    }

    public var firstDay: CivilDate { CivilDate(year: year, month: monthRange.lowerBound, day: 1)! }
    public var lastDay: CivilDate {
        CivilDate(year: year, month: monthRange.upperBound, day: CivilDate.daysIn(month: monthRange.upperBound, year: year))!
    }

    /// Whether a date (a deal's close date, a payment's date) falls in the period.
    public func contains(_ date: CivilDate) -> Bool { date.year == year && monthRange.contains(date.month) }

    /// What the period is split into: a year into its quarters, a quarter into its months; a month into nothing.
    public var parts: [TargetPeriod] {
        switch kind {
        case .year: (1...4).compactMap { .quarter(year, $0) }
        case .quarter: monthRange.compactMap { .month(year, $0) }
        case .month: []
        }
    }

    /// The months inside the period, in order.
    public var months: [TargetPeriod] { monthRange.compactMap { .month(year, $0) } }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let p = TargetPeriod(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected a period such as 2026, 2026-Q1 or 2026-M03."))
        }
        self = p
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One node of the target tree (SAL-1, LEAD-1): the team, a group or a person, with its target
/// for a period and the targets it is broken down into.
public struct TargetNode: Sendable, Codable, Equatable {
    /// Where the node sits in the breakdown: the team, one of its groups, or a person in a group.
    public enum Level: String, Sendable, Codable { case team, group, person }

    public var level: Level
    /// The group key or the person's id.
    public var key: String
    public var name: String
    public var amount: Money
    public var children: [TargetNode]

    public init(level: Level, key: String, name: String, amount: Money, children: [TargetNode] = []) {
        self.level = level
        self.key = key
        self.name = name
        self.amount = amount
        self.children = children
    }
}

/// A target whose parts do not add up to it exactly (SAL-1): where, by how much, and why.
public struct TargetSplitGap: Sendable, Equatable {
    /// The node's field path ("children[1]"; "" for the team) or the period ("2026-Q1").
    public var path: String
    public var target: Money
    public var partsSum: Money
    /// Parts − target: negative when the parts fall short.
    public var difference: Money
    public var message: String
}

/// An open deal as the forecast sees it (RSK-M3): its amount, its stage and when it should close.
public struct ForecastDeal: Sendable, Codable, Equatable {
    public var amount: Money
    public var stageKey: String
    public var expectedClose: CivilDate

    public init(amount: Money, stageKey: String, expectedClose: CivilDate) {
        self.amount = amount
        self.stageKey = stageKey
        self.expectedClose = expectedClose
    }
}

/// The weighted sales forecast for a period (RSK-M3): open deals weighted by their stage's
/// probability, plus what is already won.
public struct SalesForecast: Sendable, Equatable {
    public var period: TargetPeriod
    public var weightedOpen: Money
    public var won: Money
    public var total: Money
}

/// The target rules (SAL-1, LEAD-1, RSK-M3): breaking targets down exactly, attainment, the
/// weighted forecast and its accuracy.
public enum Targets {
    /// Every node whose children's targets do not add up exactly to its own, team first.
    public static func splitGaps(_ root: TargetNode) -> [TargetSplitGap] {
        var gaps: [TargetSplitGap] = []
        func visit(_ node: TargetNode, _ path: String) {
            if !node.children.isEmpty, let gap = gap(path: path, of: "\(node.name)'s", target: node.amount,
                                                     parts: node.children.map(\.amount), partsName: partsName(node.level)) {
                gaps.append(gap)
            }
            for (i, child) in node.children.enumerated() { visit(child, path.isEmpty ? "children[\(i)]" : "\(path).children[\(i)]") }
        }
        visit(root, "")
        return gaps
    }

    /// The split's problems by field: `children[1].children` when a group's people do not add up
    /// to the group's target, `children[1].amount` for a negative target.
    public static func validateSplit(_ root: TargetNode) -> FieldErrors {
        var errors = FieldErrors()
        func visit(_ node: TargetNode, _ path: String) {
            if node.amount.isNegative { errors.add(path.isEmpty ? "amount" : "\(path).amount", "negative", "A target cannot be negative.") }
            for (i, child) in node.children.enumerated() { visit(child, path.isEmpty ? "children[\(i)]" : "\(path).children[\(i)]") }
        }
        visit(root, "")
        for g in splitGaps(root) { errors.add(g.path.isEmpty ? "children" : "\(g.path).children", "splitMismatch", g.message) }
        return errors
    }

    static func partsName(_ level: TargetNode.Level) -> String {
        switch level {
        case .team: "groups"
        case .group: "people"
        case .person: "parts"
        }
    }

    static func gap(path: String, of owner: String, target: Money, parts: [Money], partsName: String, missing: [TargetPeriod] = []) -> TargetSplitGap? {
        guard let sum = try? Money.sum(parts), let diff = try? sum - target else {
            return TargetSplitGap(path: path, target: target, partsSum: .zero, difference: .zero,
                                  message: "The \(partsName) of \(owner) target are too large to add up.")
        }
        guard !diff.isZero else { return nil }
        let by = Money(fen: Int64(clamping: diff.fen.magnitude))
        let missingNote = missing.isEmpty ? "" : " (no target yet for \(missing.map(\.description).joined(separator: ", ")))"
        return TargetSplitGap(path: path, target: target, partsSum: sum, difference: diff,
                              message: "The \(partsName) of \(owner) target add up to \(sum), \(by) \(diff.isNegative ? "short of" : "more than") its \(target)\(missingNote).")
    }

    /// Checks one person's (or group's) targets across periods: a year equals the sum of its
    /// quarters and the sum of its months, a quarter the sum of its months. A part with no target
    /// counts as zero; a period whose parts have no targets at all is not checked.
    public static func periodSplitGaps(_ amounts: [TargetPeriod: Money]) -> [TargetSplitGap] {
        var gaps: [TargetSplitGap] = []
        let periods = amounts.keys.filter { $0.kind != .month }
            .sorted { ($0.year, $0.monthRange.lowerBound, $0.kind == .year ? 0 : 1) < ($1.year, $1.monthRange.lowerBound, $1.kind == .year ? 0 : 1) }
        for period in periods {
            guard let target = amounts[period] else { continue }
            let splits: [(String, [TargetPeriod])] = period.kind == .year
                ? [("quarters", period.parts), ("months", period.months)] : [("months", period.months)]
            for (name, parts) in splits where parts.contains(where: { amounts[$0] != nil }) {
                let missing = parts.filter { amounts[$0] == nil }
                if let g = gap(path: period.description, of: "\(period)'s", target: target,
                               parts: parts.map { amounts[$0] ?? .zero }, partsName: name, missing: missing) {
                    gaps.append(g)
                }
            }
        }
        return gaps
    }

    /// Attainment (SAL-1): actual ÷ target as a percentage, rounded half up to 0.01 %; the caller
    /// passes won amounts or payments as the actual. nil when there is no positive target.
    public static func attainment(actual: Money, target: Money) -> Percent? {
        Percent.share(actual, of: target)
    }

    /// The weighted forecast for a period (RSK-M3): each open deal expected to close in the period
    /// counts its amount × its stage's probability (rounded half up to the fen), plus what is
    /// already won. Deals in won, lost or unknown stages count nothing here. Throws `MoneyOverflow`.
    public static func forecast(deals: [ForecastDeal], won: Money, period: TargetPeriod, pipeline: Pipeline = .standard) throws -> SalesForecast {
        var weighted = Money.zero
        for deal in deals where period.contains(deal.expectedClose) {
            guard let stage = pipeline.stage(deal.stageKey), stage.outcome == .open else { continue }
            guard let share = deal.amount.scaled(by: Int64(stage.probability), dividedBy: 100) else { throw MoneyOverflow() }
            weighted = try weighted + share
        }
        return SalesForecast(period: period, weightedOpen: weighted, won: won, total: try weighted + won)
    }

    /// Forecast accuracy at the period's end (RSK-M3): 1 − |forecast − actual| ÷ actual, never
    /// below 0 %, rounded half up to 0.01 %. With nothing actually sold, a forecast of nothing
    /// is 100 % accurate and any other forecast 0 %.
    public static func forecastAccuracy(forecast: Money, actual: Money) -> Percent {
        guard actual.fen > 0 else { return forecast == actual ? .hundred : .zero }
        let (error, o1) = forecast.fen.subtractingReportingOverflow(actual.fen)
        let (left, o2) = actual.fen.subtractingReportingOverflow(Int64(clamping: error.magnitude))
        guard !o1, !o2, left > 0 else { return .zero }
        return Percent.share(Money(fen: left), of: actual) ?? .zero
    }
}
