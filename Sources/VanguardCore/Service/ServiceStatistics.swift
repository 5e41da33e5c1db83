import Foundation

/// The figures of the periodic service analysis (SVC-5) and the repeat-complaint warning
/// (RSK-C1): typical and slow response times, how often targets were met, satisfaction, what
/// tickets are caused by, and which customers keep complaining.
///
/// Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value at
/// rank ⌈p·n/100⌉ (at least rank 1). It is always a value that really occurred, and the median of
/// an even count is the lower of the two middle values.
public enum ServiceStatistics {
    /// The p-th percentile (0–100) by nearest rank; nil for no values.
    public static func percentile(_ p: Int, of values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let clamped = min(100, max(0, p))
        let rank = max(1, (clamped * sorted.count + 99) / 100)
        return sorted[rank - 1]
    }

    /// The median (50th percentile, nearest rank) of durations in minutes.
    public static func median(_ minutes: [Int]) -> Int? { percentile(50, of: minutes) }

    /// The 90th percentile: nine in ten tickets were this fast or faster.
    public static func p90(_ minutes: [Int]) -> Int? { percentile(90, of: minutes) }

    /// Met ÷ (met + breached) × 100; clocks still running or paused are not counted yet. nil when
    /// no clock has an outcome, so an empty period does not read as 0 % or 100 %.
    public static func attainmentPercent(_ states: [SLAClockState]) -> Double? {
        let met = states.filter { $0 == .met }.count
        let breached = states.filter { $0 == .breached }.count
        guard met + breached > 0 else { return nil }
        return Double(met) * 100 / Double(met + breached)
    }

    public struct SatisfactionSummary: Sendable, Equatable {
        /// Scores 1…5 counted; others are ignored and counted in `ignored`.
        public var count: Int
        public var average: Double?
        /// How many gave 1, 2, 3, 4 and 5, in that order.
        public var distribution: [Int]
        public var ignored: Int
    }

    /// Customer satisfaction (CSAT) from survey scores 1–5.
    public static func satisfaction(_ scores: [Int]) -> SatisfactionSummary {
        var distribution = [0, 0, 0, 0, 0]
        var ignored = 0
        for s in scores {
            if (1...5).contains(s) { distribution[s - 1] += 1 } else { ignored += 1 }
        }
        let count = distribution.reduce(0, +)
        let sum = distribution.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
        return SatisfactionSummary(count: count, average: count == 0 ? nil : Double(sum) / Double(count),
                                   distribution: distribution, ignored: ignored)
    }

    public struct KeyCount: Sendable, Equatable {
        public var key: String
        public var count: Int
        public init(key: String, count: Int) { self.key = key; self.count = count }
    }

    /// Causes by how often they occur, most frequent first, ties by key; at most `limit`.
    public static func topCauses(_ causes: [String], limit: Int = .max) -> [KeyCount] {
        counted(causes).prefix(max(0, limit)).map { $0 }
    }

    /// A complaint, as the repeat-complaint rule sees it.
    public struct Complaint: Sendable, Equatable {
        public var customerId: String
        public var on: CivilDate
        public init(customerId: String, on: CivilDate) { self.customerId = customerId; self.on = on }
    }

    /// Customers with at least `threshold` complaints from `first` through `last` (RSK-C1: a
    /// customer who keeps complaining is a relationship at risk), most complaints first.
    public static func repeatComplainers(_ complaints: [Complaint], from first: CivilDate, through last: CivilDate,
                                         threshold: Int = ServicePolicy.standardRepeatComplaintThreshold) -> [KeyCount] {
        counted(complaints.filter { first <= $0.on && $0.on <= last }.map(\.customerId)).filter { $0.count >= max(1, threshold) }
    }

    static func counted(_ keys: [String]) -> [KeyCount] {
        Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +)
            .map { KeyCount(key: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.key) < ($0.count, $1.key) }
    }
}
