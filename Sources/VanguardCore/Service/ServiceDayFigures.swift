import Foundation

/// What one ticket adds to the service analysis's daily figures (SVC-5, RSK-C1), so a quarter's
/// report sums a few thousand daily counts instead of reading every ticket of the quarter.
///
/// A ticket counts on the day it was opened (by type and channel, and its first-response time)
/// and, once resolved, on the day it was resolved (resolution time, cause, whether each target
/// was met). When a ticket changes, its figures before and after are compared and only the
/// difference is written, so a reopened and re-resolved ticket moves from one day to the other.
public enum ServiceDayFigures {
    public enum Measure: String, Sendable, CaseIterable {
        case openedByType = "opened.type"
        case openedByChannel = "opened.channel"
        /// Key: the duration bucket (`DurationHistogram`), in minutes.
        case responseMinutes = "response.minutes"
        case resolutionMinutes = "resolution.minutes"
        case resolvedByCause = "resolved.cause"
        /// Keys: `response.met`, `response.breached`, `resolution.met`, `resolution.breached`.
        case resolvedAttainment = "resolved.attainment"
        /// Key: the score 1 … 5, on the day the customer answered.
        case surveyScore = "survey.score"
    }

    public struct Entry: Hashable, Sendable, Comparable {
        public var day: CivilDate
        public var measure: Measure
        public var key: String
        public init(day: CivilDate, measure: Measure, key: String) { self.day = day; self.measure = measure; self.key = key }
        public static func < (a: Entry, b: Entry) -> Bool {
            (a.day, a.measure.rawValue, a.key) < (b.day, b.measure.rawValue, b.key)
        }
    }

    /// The facts of a ticket the figures are made of.
    public struct Ticket: Sendable, Equatable {
        public var type: String
        public var channel: String
        public var openedOn: CivilDate
        /// Seconds from opening to the first response the customer saw, when there was one.
        public var responseSeconds: Double?
        public var resolvedOn: CivilDate?
        public var resolutionSeconds: Double?
        public var cause: String?
        public var responseBreached: Bool
        public var resolutionBreached: Bool

        public init(type: String, channel: String, openedOn: CivilDate, responseSeconds: Double?, resolvedOn: CivilDate?,
                    resolutionSeconds: Double?, cause: String?, responseBreached: Bool, resolutionBreached: Bool) {
            self.type = type; self.channel = channel; self.openedOn = openedOn; self.responseSeconds = responseSeconds
            self.resolvedOn = resolvedOn; self.resolutionSeconds = resolutionSeconds; self.cause = cause
            self.responseBreached = responseBreached; self.resolutionBreached = resolutionBreached
        }
    }

    /// The daily counts one ticket stands for (each counts 1).
    public static func entries(_ t: Ticket) -> [Entry] {
        var e = [Entry(day: t.openedOn, measure: .openedByType, key: t.type),
                 Entry(day: t.openedOn, measure: .openedByChannel, key: t.channel)]
        if let s = t.responseSeconds {
            e.append(Entry(day: t.openedOn, measure: .responseMinutes, key: String(DurationHistogram.bucket(seconds: s))))
        }
        if let day = t.resolvedOn {
            if let s = t.resolutionSeconds {
                e.append(Entry(day: day, measure: .resolutionMinutes, key: String(DurationHistogram.bucket(seconds: s))))
            }
            if let cause = t.cause { e.append(Entry(day: day, measure: .resolvedByCause, key: cause)) }
            e.append(Entry(day: day, measure: .resolvedAttainment, key: t.responseBreached ? "response.breached" : "response.met"))
            e.append(Entry(day: day, measure: .resolvedAttainment, key: t.resolutionBreached ? "resolution.breached" : "resolution.met"))
        }
        return e
    }

    /// What to add to (positive) or take from (negative) each daily count when a ticket changes
    /// from `before` (nil: new) to `after`; counts that do not change are left out.
    public static func change(from before: Ticket?, to after: Ticket?) -> [Entry: Int] {
        var delta: [Entry: Int] = [:]
        for e in before.map(entries) ?? [] { delta[e, default: 0] -= 1 }
        for e in after.map(entries) ?? [] { delta[e, default: 0] += 1 }
        return delta.filter { $0.value != 0 }
    }
}

/// Durations counted in buckets, so a percentile over a quarter is read from a few hundred counts.
///
/// Below two hours a bucket is one minute wide (exact); then 5 minutes up to a day, 30 minutes up
/// to ten days and 4 hours beyond. A bucket is named by its upper end, and a percentile reports
/// that end, so a reported time is never shorter than the real one and is at most one bucket
/// (under 3 % above two hours) longer.
public enum DurationHistogram {
    /// (below, width): minutes under `below` fall in buckets `width` minutes wide.
    public static let widths: [(below: Int, width: Int)] = [(120, 1), (1_440, 5), (14_400, 30), (Int.max, 240)]

    /// Whole minutes, rounded to the nearest (half a minute rounds up); negative durations are 0.
    public static func minutes(seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int((seconds / 60 + 0.5).rounded(.down))
    }

    /// The bucket (its upper end, in minutes) a duration falls in.
    public static func bucket(seconds: Double) -> Int { bucket(minutes: minutes(seconds: seconds)) }

    public static func bucket(minutes m: Int) -> Int {
        let m = max(0, m)
        let width = widths.first { m < $0.below }?.width ?? 1
        return (m + width - 1) / width * width
    }

    /// The p-th percentile (0–100, nearest rank as `ServiceStatistics.percentile`) of durations
    /// counted by bucket; nil when nothing was counted.
    public static func percentile(_ p: Int, of counts: [Int: Int]) -> Int? {
        let n = counts.values.reduce(0) { $0 + max(0, $1) }
        guard n > 0 else { return nil }
        let rank = max(1, (min(100, max(0, p)) * n + 99) / 100)
        var seen = 0
        for (bucket, count) in counts.sorted(by: { $0.key < $1.key }) where count > 0 {
            seen += count
            if seen >= rank { return bucket }
        }
        return nil
    }
}
