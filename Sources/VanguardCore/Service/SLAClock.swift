import Foundation

/// Service-level clocks (CP-1, CP-2, RSK-C1): how much of a ticket's first-response or
/// resolution target is used, when it is due, when the agent is warned and whether it was
/// breached. A clock is a pure function of the ticket's history and "now": it runs from creation,
/// stands still while the ticket waits on the customer (so the due time moves later), and stops
/// at the first response or the resolution. Waiting on another department does not pause it:
/// that is still the company's time.

/// A time the clock stood still; `end` is nil while it still does.
public struct PauseInterval: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date?

    public init(start: Date, end: Date? = nil) {
        self.start = start
        self.end = end
    }
}

/// What the clocks need from a ticket's history.
public struct TicketTimeline: Sendable, Equatable {
    public var createdAt: Date
    public var pauses: [PauseInterval]
    public var firstResponseAt: Date?
    /// When the ticket was resolved, if it is resolved now.
    public var resolvedAt: Date?

    public init(createdAt: Date, pauses: [PauseInterval] = [], firstResponseAt: Date? = nil, resolvedAt: Date? = nil) {
        self.createdAt = createdAt
        self.pauses = pauses
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
    }

    /// The timeline of a ticket from its status changes. The clock pauses while the ticket waits
    /// on the customer, and between a resolution and a reopening (the team had handed it back);
    /// the first response is the first move that counts as one (`TicketRules.countsAsFirstResponse`)
    /// or an earlier reply to the customer recorded outside the status machine.
    public init(createdAt: Date, changes: [TicketStatusChange], firstReplyAt: Date? = nil) {
        let ordered = changes.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        let responseMove = ordered.first { TicketRules.countsAsFirstResponse(from: $0.from, to: $0.to) }?.at
        var pauses: [PauseInterval] = []
        var pausedSince: Date?
        var resolvedAt: Date?
        for change in ordered {
            let stops = change.to == .waitingOnCustomer || change.to == .resolved || change.to == .closed
            if stops, pausedSince == nil { pausedSince = change.at }
            if !stops, let since = pausedSince {
                pauses.append(PauseInterval(start: since, end: change.at))
                pausedSince = nil
            }
            if change.to == .resolved { resolvedAt = change.at }
            if change.to != .resolved && change.to != .closed { resolvedAt = nil }
        }
        // Still open: the clock cuts it at the resolution, or it keeps the clock paused now.
        if let since = pausedSince { pauses.append(PauseInterval(start: since)) }
        self.init(createdAt: createdAt, pauses: pauses,
                  firstResponseAt: [responseMove, firstReplyAt].compactMap { $0 }.min(), resolvedAt: resolvedAt)
    }
}

public enum SLAClockState: String, Sendable, Codable, CaseIterable {
    case running, paused, met, breached
}

/// One clock as of "now". Minutes are clock minutes: working minutes, or calendar minutes for a
/// 24×7 target.
public struct SLAClockReading: Sendable, Equatable {
    public var state: SLAClockState
    public var targetMinutes: Int
    /// Clock time used so far (up to the stop, once stopped).
    public var elapsedMinutes: Int
    /// Clock time left; negative by how late the ticket is once breached.
    public var remainingMinutes: Int
    /// When the target runs out; while paused, when it would if the clock restarted now. nil only
    /// when the calendar has no working time within its search limit.
    public var dueAt: Date?
    public var warnAt: Date?
    /// Running or paused, past the warning point and not yet breached: time to hurry.
    public var isWarning: Bool
    /// When the target ran out, for a breached clock.
    public var breachedAt: Date?
    /// The first response or resolution that stopped the clock.
    public var stoppedAt: Date?

    public var isBreached: Bool { state == .breached }
}

public enum SLAClock {
    /// The first-response clock of a ticket.
    public static func firstResponse(_ timeline: TicketTimeline, target: SLATarget, defaultWarnFraction: Double = SLAPolicy.standardWarnAtFraction,
                                     now: Date, calendar: WorkingCalendar) -> SLAClockReading {
        reading(start: timeline.createdAt, stop: timeline.firstResponseAt, pauses: timeline.pauses, now: now,
                targetMinutes: target.firstResponseMinutes,
                warnAfterMinutes: target.warnAfterMinutes(of: target.firstResponseMinutes, defaultFraction: defaultWarnFraction),
                mode: target.clock, calendar: calendar)
    }

    /// The resolution clock of a ticket.
    public static func resolution(_ timeline: TicketTimeline, target: SLATarget, defaultWarnFraction: Double = SLAPolicy.standardWarnAtFraction,
                                  now: Date, calendar: WorkingCalendar) -> SLAClockReading {
        reading(start: timeline.createdAt, stop: timeline.resolvedAt, pauses: timeline.pauses, now: now,
                targetMinutes: target.resolutionMinutes,
                warnAfterMinutes: target.warnAfterMinutes(of: target.resolutionMinutes, defaultFraction: defaultWarnFraction),
                mode: target.clock, calendar: calendar)
    }

    /// Any clock: it runs from `start` to `stop` (or `now`), except during `pauses`. Meeting the
    /// target exactly on time counts as met; the first second after the due time is a breach.
    public static func reading(start: Date, stop: Date?, pauses: [PauseInterval], now: Date, targetMinutes: Int,
                               warnAfterMinutes: Int, mode: ClockMode, calendar: WorkingCalendar) -> SLAClockReading {
        let end = max(start, stop ?? now)
        let gaps = merged(pauses, from: start, upTo: end)
        // Paused while a pause is still open, even one that began this very instant (a status
        // move is read at the moment it is made); a pause that ended now is over.
        let isPaused = stop == nil && pauses.contains { $0.end == nil && $0.start <= end }

        let elapsed = activeSeconds(from: start, to: end, gaps: gaps, mode: mode, calendar: calendar)
        let targetSeconds = max(1, targetMinutes * 60)
        let due = instant(reaching: targetSeconds, from: start, gaps: gaps, mode: mode, calendar: calendar)
        let warnSeconds = min(targetSeconds, max(0, warnAfterMinutes * 60))
        let warnAt = instant(reaching: warnSeconds, from: start, gaps: gaps, mode: mode, calendar: calendar)

        let late = due.map { end > $0 } ?? false
        let state: SLAClockState = late ? .breached : stop != nil ? .met : isPaused ? .paused : .running
        let warning = (state == .running || state == .paused) && warnAt.map { end >= $0 } == true
        let remaining = Double(targetSeconds - elapsed) / 60
        return SLAClockReading(state: state, targetMinutes: targetMinutes, elapsedMinutes: elapsed / 60,
                               remainingMinutes: Int(remaining.rounded(.down)), dueAt: due, warnAt: warnAt,
                               isWarning: warning, breachedAt: late ? due : nil, stoppedAt: stop)
    }

    /// Pauses cut to the clock's span, sorted and merged; an open pause lasts until `end`.
    static func merged(_ pauses: [PauseInterval], from start: Date, upTo end: Date) -> [(start: Date, end: Date)] {
        let cut = pauses.compactMap { p -> (start: Date, end: Date)? in
            let s = max(p.start, start), e = min(p.end ?? end, end)
            return e > s ? (s, e) : nil
        }.sorted { $0.start < $1.start }
        var result: [(start: Date, end: Date)] = []
        for p in cut {
            if let last = result.last, p.start <= last.end {
                result[result.count - 1].end = max(last.end, p.end)
            } else {
                result.append(p)
            }
        }
        return result
    }

    static func activeSeconds(from start: Date, to end: Date, gaps: [(start: Date, end: Date)], mode: ClockMode, calendar: WorkingCalendar) -> Int {
        var total = 0
        var cursor = start
        for gap in gaps {
            total += calendar.seconds(from: cursor, to: gap.start, mode: mode)
            cursor = gap.end
        }
        return total + calendar.seconds(from: cursor, to: end, mode: mode)
    }

    /// The instant the clock reaches `target` seconds. After the last pause it runs on freely, so
    /// for a clock paused now this is when it would run out if restarted now.
    static func instant(reaching target: Int, from start: Date, gaps: [(start: Date, end: Date)], mode: ClockMode, calendar: WorkingCalendar) -> Date? {
        var remaining = target
        var cursor = start
        for gap in gaps {
            let available = calendar.seconds(from: cursor, to: gap.start, mode: mode)
            if remaining <= available { return calendar.add(seconds: remaining, to: cursor, mode: mode) }
            remaining -= available
            cursor = gap.end
        }
        return calendar.add(seconds: remaining, to: cursor, mode: mode)
    }
}
