import Foundation
import Vapor
import VanguardCore

/// The time source. Tests pass a controllable clock so lock-outs, idle timeouts and SLA clocks
/// can be checked without waiting.
public protocol AppClock: Sendable {
    func now() -> Date
}

public struct SystemClock: AppClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until moved.
public final class ManualClock: AppClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = start
    }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = any AppClock }

    public var clock: any AppClock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }
}

extension Request {
    public var now: Date { application.clock.now() }
}

extension Request {
    /// Today's date where the team works (China Standard Time): due dates and "my day" use it.
    var today: CivilDate { CivilDate.on(now) }
}

extension CivilDate {
    /// The calendar date of an instant in China Standard Time (UTC+8, no daylight saving).
    static func on(_ date: Date) -> CivilDate {
        let c = chinaCalendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Midnight China time at the start of this date, as an instant.
    var startInChina: Date { Self.chinaCalendar.date(from: DateComponents(year: year, month: month, day: day))! }

    static let chinaCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar
    }()
}
