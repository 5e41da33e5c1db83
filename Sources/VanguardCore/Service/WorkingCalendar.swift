import Foundation

/// When the customer-service team works (CP-1, CP-2): the working periods of a day, the working
/// weekdays and the year's public holidays with their make-up working days (调休). Service-level
/// clocks count working time against it, or calendar time for targets that run 24×7.
///
/// Business time is China time: the calendar reads instants in its time zone (Asia/Shanghai,
/// UTC+8, no daylight saving), to the second. Work is done period by period and day by day, never
/// minute by minute, and gives up after `searchLimitDays` (about three years) so a calendar
/// without working time fails cleanly instead of hanging.

/// China time, the zone all business times are read in.
public enum ChinaTime {
    public static let zone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
}

/// A day of the week, written in the policy pack as "monday" … "sunday".
public enum Weekday: String, Sendable, Codable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The weekday of a date.
    public init(_ date: CivilDate) {
        self.init(dayNumber: SalesCalendar.dayNumber(date))
    }

    init(dayNumber: Int) {
        // 1970-01-01 (day 0) was a Thursday, the fourth case.
        self = Self.allCases[((dayNumber % 7) + 7 + 3) % 7]
    }
}

/// Whether a service-level clock counts only working time or all calendar time (24×7).
public enum ClockMode: String, Sendable, Codable, CaseIterable {
    case working, continuous
}

/// One working period of a day, in minutes from midnight, written "09:00-12:00" ("24:00" ends the day).
public struct WorkingPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Reads "HH:mm-HH:mm"; nil for anything else or a time past 24:00.
    public init?(_ text: String) {
        let ends = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard ends.count == 2, let start = Self.minute(ends[0]), let end = Self.minute(ends[1]) else { return nil }
        self.init(startMinute: start, endMinute: end)
    }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...59).contains(m), (0...23).contains(h) || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }

    public var minutes: Int { endMinute - startMinute }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = WorkingPeriod(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected working hours as HH:mm-HH:mm, e.g. 09:00-12:00."))
        }
        self = period
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public struct WorkingCalendar: Sendable {
    /// 09:00–12:00 and 13:30–18:00: 7.5 working hours a day.
    public static let standardHours = [WorkingPeriod(startMinute: 540, endMinute: 720), WorkingPeriod(startMinute: 810, endMinute: 1080)]
    public static let standardWeekdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]
    /// How far ahead the calendar looks for working time before it gives up.
    public static let searchLimitDays = 3 * 366

    /// Sorted, without empty or overlapping periods.
    public let periods: [WorkingPeriod]
    public let weekdays: Set<Weekday>
    public let holidays: HolidaySchedule
    public let timeZone: TimeZone
    private let holidayDays: Set<Int>
    private let makeUpDays: Set<Int>

    public init(periods: [WorkingPeriod] = standardHours, weekdays: Set<Weekday> = standardWeekdays,
                holidays: HolidaySchedule = .standard, timeZone: TimeZone = ChinaTime.zone) {
        // Merged here as well as refused by the policy check, so a bad pack cannot double-count time.
        var merged: [WorkingPeriod] = []
        for p in periods.map({ WorkingPeriod(startMinute: max(0, $0.startMinute), endMinute: min(1440, $0.endMinute)) })
            .filter({ $0.minutes > 0 }).sorted(by: { $0.startMinute < $1.startMinute }) {
            if let last = merged.last, p.startMinute <= last.endMinute {
                merged[merged.count - 1].endMinute = max(last.endMinute, p.endMinute)
            } else {
                merged.append(p)
            }
        }
        self.periods = merged
        self.weekdays = weekdays
        self.holidays = holidays
        self.timeZone = timeZone
        self.holidayDays = holidays.holidayDayNumbers()
        self.makeUpDays = Set(holidays.makeUpDays.map(SalesCalendar.dayNumber))
    }

    /// Working minutes in an ordinary working day (450 with the standard hours).
    public var minutesPerDay: Int { periods.reduce(0) { $0 + $1.minutes } }

    /// A make-up day is worked even on a weekend; a holiday is not, even on a weekday.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        isWorkingDay(dayNumber: SalesCalendar.dayNumber(date))
    }

    func isWorkingDay(dayNumber: Int) -> Bool {
        if makeUpDays.contains(dayNumber) { return true }
        if holidayDays.contains(dayNumber) { return false }
        return weekdays.contains(Weekday(dayNumber: dayNumber))
    }

    /// The first working day after `date`; nil when none comes within the search limit.
    public func nextWorkingDay(after date: CivilDate) -> CivilDate? {
        let start = SalesCalendar.dayNumber(date)
        for day in (start + 1)...(start + Self.searchLimitDays) where isWorkingDay(dayNumber: day) {
            return SalesCalendar.date(dayNumber: day)
        }
        return nil
    }

    /// Whether the instant falls inside a working period of a working day.
    public func isWorkingTime(_ instant: Date) -> Bool {
        let (day, second) = local(instant)
        return isWorkingDay(dayNumber: day) && periods.contains { $0.startMinute * 60 <= second && second < $0.endMinute * 60 }
    }

    /// The instant when `workingMinutes` of working time have passed since `start`. A start outside
    /// working hours counts from the next working period; nil when the calendar has no working
    /// time within the search limit.
    public func add(workingMinutes: Int, to start: Date) -> Date? {
        add(seconds: max(0, workingMinutes) * 60, to: start, mode: .working)
    }

    /// Whole working minutes between two instants; 0 when `to` is not after `from`.
    public func workingMinutes(from: Date, to: Date) -> Int {
        seconds(from: from, to: to, mode: .working) / 60
    }

    /// `add(workingMinutes:to:)`, or plain calendar time for a 24×7 clock.
    public func add(minutes: Int, to start: Date, mode: ClockMode) -> Date? {
        add(seconds: max(0, minutes) * 60, to: start, mode: mode)
    }

    /// `workingMinutes(from:to:)`, or plain calendar minutes for a 24×7 clock.
    public func minutes(from: Date, to: Date, mode: ClockMode) -> Int {
        seconds(from: from, to: to, mode: mode) / 60
    }

    func add(seconds amount: Int, to start: Date, mode: ClockMode) -> Date? {
        if mode == .continuous { return start.addingTimeInterval(TimeInterval(amount)) }
        var (day, second) = local(start)
        var remaining = amount
        for _ in 0...Self.searchLimitDays {
            if isWorkingDay(dayNumber: day) {
                for p in periods where second < p.endMinute * 60 {
                    let from = max(second, p.startMinute * 60)
                    let available = p.endMinute * 60 - from
                    if remaining <= available { return instant(day: day, second: from + remaining) }
                    remaining -= available
                }
            }
            day += 1
            second = 0
        }
        return nil
    }

    func seconds(from: Date, to: Date, mode: ClockMode) -> Int {
        guard to > from else { return 0 }
        if mode == .continuous { return Int(to.timeIntervalSince(from)) }
        let (firstDay, firstSecond) = local(from)
        let (lastDay, lastSecond) = local(to)
        var total = 0
        for day in firstDay...lastDay where isWorkingDay(dayNumber: day) {
            let lo = day == firstDay ? firstSecond : 0
            let hi = day == lastDay ? lastSecond : 86_400
            for p in periods { total += max(0, min(hi, p.endMinute * 60) - max(lo, p.startMinute * 60)) }
        }
        return total
    }

    /// Day number and second of the day in the calendar's zone.
    private func local(_ instant: Date) -> (day: Int, second: Int) {
        let wall = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        let day = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (day, wall - day * 86_400)
    }

    private func instant(day: Int, second: Int) -> Date {
        let wall = day * 86_400 + second
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
        return Date(timeIntervalSince1970: TimeInterval(wall - offset))
    }
}
