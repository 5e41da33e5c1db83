import Foundation

/// The monthly feedback digest per department (SVC-3, CP-3): what customers and the field told
/// each department during the month, by category, how much of it the department has answered,
/// and what is still waiting from earlier months, so feedback is acted on rather than filed.
public enum FeedbackDigest {
    /// Feedback counted by department, category, status and whether it came in during the month.
    public struct Count: Sendable, Equatable {
        public var departmentId: String?
        public var category: String
        public var status: String
        public var receivedInMonth: Bool
        public var count: Int
        public init(departmentId: String?, category: String, status: String, receivedInMonth: Bool, count: Int) {
            self.departmentId = departmentId; self.category = category; self.status = status
            self.receivedInMonth = receivedInMonth; self.count = count
        }
    }

    public struct Department: Sendable, Equatable {
        /// nil: feedback not yet routed to any department.
        public var departmentId: String?
        /// Received during the month.
        public var received: Int
        /// The month's feedback by category, most first (ties by key).
        public var byCategory: [(key: String, count: Int)]
        /// Of the month's feedback, answered or closed.
        public var answered: Int
        /// Of the month's feedback, still new or routed.
        public var open: Int
        /// From before the month and still new or routed.
        public var backlog: Int

        public static func == (a: Department, b: Department) -> Bool {
            a.departmentId == b.departmentId && a.received == b.received && a.answered == b.answered && a.open == b.open
                && a.backlog == b.backlog && a.byCategory.map(\.key) == b.byCategory.map(\.key) && a.byCategory.map(\.count) == b.byCategory.map(\.count)
        }
    }

    /// Statuses that still wait for the department.
    public static let waiting: Set<String> = ["new", "routed"]

    /// One digest entry per department with anything to report, departments in the given order,
    /// unrouted feedback last.
    public static func digest(_ counts: [Count], departments order: [String]) -> [Department] {
        var byDepartment: [String?: Department] = [:]
        var categories: [String?: [String: Int]] = [:]
        for c in counts where c.count > 0 {
            var d = byDepartment[c.departmentId] ?? Department(departmentId: c.departmentId, received: 0, byCategory: [], answered: 0, open: 0, backlog: 0)
            let waiting = Self.waiting.contains(c.status)
            if c.receivedInMonth {
                d.received += c.count
                categories[c.departmentId, default: [:]][c.category, default: 0] += c.count
                if waiting { d.open += c.count } else { d.answered += c.count }
            } else if waiting {
                d.backlog += c.count
            } else {
                continue
            }
            byDepartment[c.departmentId] = d
        }
        for (id, counts) in categories {
            byDepartment[id]?.byCategory = counts.map { (key: $0.key, count: $0.value) }.sorted { ($1.count, $0.key) < ($0.count, $1.key) }
        }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return byDepartment.values.sorted { a, b in
            let ra = a.departmentId.map { rank[$0] ?? Int.max - 1 } ?? Int.max, rb = b.departmentId.map { rank[$0] ?? Int.max - 1 } ?? Int.max
            return (ra, a.departmentId ?? "") < (rb, b.departmentId ?? "")
        }
    }

    /// The calendar month before the one `day` is in: the digest sent on the 1st covers it.
    public static func previousMonth(of day: CivilDate) -> (first: CivilDate, last: CivilDate) {
        let year = day.month == 1 ? day.year - 1 : day.year, month = day.month == 1 ? 12 : day.month - 1
        return monthDays(year: year, month: month)!
    }

    /// The first and last day of a month; nil for an impossible month.
    public static func monthDays(year: Int, month: Int) -> (first: CivilDate, last: CivilDate)? {
        guard let first = CivilDate(year: year, month: month, day: 1) else { return nil }
        return (first, CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!)
    }

    /// The month a day is in, as "yyyy-MM" (how the digest names it).
    public static func label(_ day: CivilDate) -> String { String(format: "%04d-%02d", day.year, day.month) }

    /// Reads "yyyy-MM".
    public static func month(_ text: String) -> (first: CivilDate, last: CivilDate)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), y >= 1000, y <= 9999 else { return nil }
        return monthDays(year: y, month: m)
    }
}
