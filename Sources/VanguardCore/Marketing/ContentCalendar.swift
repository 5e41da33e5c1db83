import Foundation

/// A post's life on the content calendar (MKT-3): an idea, written, reviewed (or sent back to
/// draft), scheduled on a channel account at a time, published with its link.
public enum PostStatus: String, Sendable, Codable, CaseIterable {
    case idea, draft, review, scheduled, published

    public var name: LocalizedText {
        switch self {
        case .idea: LocalizedText(zhHans: "选题", zhHant: "選題", en: "Idea")
        case .draft: LocalizedText(zhHans: "草稿", zhHant: "草稿", en: "Draft")
        case .review: LocalizedText(zhHans: "审核中", zhHant: "審核中", en: "In review")
        case .scheduled: LocalizedText(zhHans: "已排期", zhHant: "已排期", en: "Scheduled")
        case .published: LocalizedText(zhHans: "已发布", zhHant: "已發佈", en: "Published")
        }
    }
}

/// What a post must have before it enters a status.
public enum PostRequirement: String, Sendable, Codable, CaseIterable {
    case channelAccount, scheduledAt, link
}

/// What the post has, as far as its status rules care.
public struct PostFacts: Sendable, Equatable {
    public var channelAccountId: UUID?
    public var scheduledAt: Date?
    public var link: String?
    public var now: Date

    public init(channelAccountId: UUID? = nil, scheduledAt: Date? = nil, link: String? = nil, now: Date) {
        self.channelAccountId = channelAccountId
        self.scheduledAt = scheduledAt
        self.link = link
        self.now = now
    }
}

public struct PostMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var missing: [PostRequirement]
    public var message: String
}

/// One day of a month view: the date, whether it belongs to the month shown, its items.
public struct CalendarDay<Item: Sendable>: Sendable {
    public var date: CivilDate
    public var inMonth: Bool
    public var items: [Item]
}

/// A month as the calendar page draws it: whole weeks, Monday first, with the neighbouring
/// months' days filling the first and last week.
public struct MonthGrid<Item: Sendable>: Sendable {
    public var year: Int
    public var month: Int
    public var weeks: [[CalendarDay<Item>]]
}

/// The content calendar's rules (MKT-3): the post status machine and the month view.
public enum ContentCalendar {
    public static let moves: [PostStatus: Set<PostStatus>] = [
        .idea: [.draft],
        .draft: [.review, .idea],
        .review: [.draft, .scheduled],
        .scheduled: [.published, .draft],
    ]

    /// nil when the post may move; otherwise what stands in the way. Scheduling needs the channel
    /// account and a time not yet past; publishing needs the post's public link (http or https).
    public static func refusal(from: PostStatus, to: PostStatus, facts: PostFacts) -> PostMoveRefusal? {
        if from == to { return nil }
        guard moves[from]?.contains(to) == true else {
            let why = from == .published ? " A published post stays on the record." : ""
            return PostMoveRefusal(code: "moveNotAllowed", missing: [], message: "A post cannot go from \(from.name.en) to \(to.name.en).\(why)")
        }
        switch to {
        case .scheduled:
            var missing: [PostRequirement] = []
            if facts.channelAccountId == nil { missing.append(.channelAccount) }
            if facts.scheduledAt == nil { missing.append(.scheduledAt) }
            if !missing.isEmpty {
                return PostMoveRefusal(code: "scheduleRequirements", missing: missing,
                                       message: "To schedule the post, give \(missing.map { $0 == .scheduledAt ? "the time to publish it" : "the channel account" }.joined(separator: " and ")).")
            }
            if let at = facts.scheduledAt, at < facts.now {
                return PostMoveRefusal(code: "scheduledInPast", missing: [.scheduledAt], message: "The publishing time has passed; choose a later time.")
            }
        case .published:
            guard let link = facts.link, !link.trimmingWhitespace().isEmpty else {
                return PostMoveRefusal(code: "linkRequired", missing: [.link], message: "Give the link where the post was published.")
            }
            if !isWebLink(link) {
                return PostMoveRefusal(code: "invalidLink", missing: [.link], message: "\"\(link)\" is not a web address (http:// or https://).")
            }
        case .idea, .draft, .review:
            break
        }
        return nil
    }

    public static func isWebLink(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else { return false }
        return true
    }

    /// The China date of an instant, to place a post on the calendar by its time.
    public static func chinaDate(_ instant: Date) -> CivilDate {
        let seconds = instant.timeIntervalSince1970 + Double(ChinaTime.zone.secondsFromGMT(for: instant))
        return SalesCalendar.date(dayNumber: Int((seconds / 86_400).rounded(.down)))
    }

    /// The month view: each item on the day `day` gives it (items without a day, or outside the
    /// grid, are left out), in the order given. nil for a month that does not exist.
    public static func monthGrid<Item: Sendable>(year: Int, month: Int, items: [Item], day: (Item) -> CivilDate?) -> MonthGrid<Item>? {
        guard let first = CivilDate(year: year, month: month, day: 1) else { return nil }
        let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!
        let lead = Weekday.allCases.firstIndex(of: Weekday(first))!
        let trail = 6 - Weekday.allCases.firstIndex(of: Weekday(last))!
        let start = SalesCalendar.dayNumber(first) - lead
        let count = lead + last.day + trail
        var byDay: [Int: [Item]] = [:]
        for item in items {
            guard let d = day(item) else { continue }
            let n = SalesCalendar.dayNumber(d) - start
            if (0..<count).contains(n) { byDay[n, default: []].append(item) }
        }
        let days = (0..<count).map { n -> CalendarDay<Item> in
            let date = SalesCalendar.date(dayNumber: start + n)
            return CalendarDay(date: date, inMonth: date.month == month, items: byDay[n] ?? [])
        }
        return MonthGrid(year: year, month: month, weeks: stride(from: 0, to: count, by: 7).map { Array(days[$0..<$0 + 7]) })
    }
}
