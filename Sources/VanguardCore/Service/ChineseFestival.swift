import Foundation

/// Dates for relationship care (CP-4): the festivals the team sends greetings for, and contacts'
/// birthdays, which many customers keep in the Chinese lunar calendar. Lunar dates are converted
/// with Foundation's Chinese calendar, read in China time.

/// The Chinese lunar calendar, as far as greetings need it.
public enum LunarCalendar {
    private static let chinese: Calendar = {
        var c = Calendar(identifier: .chinese)
        c.timeZone = ChinaTime.zone
        return c
    }()
    private static let gregorian: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = ChinaTime.zone
        return c
    }()

    /// The Gregorian date of lunar `month`/`day` in the lunar year that begins (Spring Festival)
    /// in Gregorian `year`; for months 11 and 12 that date may fall in January of `year + 1`.
    /// The ordinary month is meant, never the leap month of the same number (a birthday in a leap
    /// month is celebrated in the ordinary one), and day 30 in a month of 29 days is its last day.
    /// nil for a month or day that no lunar month has.
    public static func gregorianDate(lunarYear year: Int, month: Int, day: Int) -> CivilDate? {
        guard (1...12).contains(month), (1...30).contains(day),
              let midYear = gregorian.date(from: DateComponents(year: year, month: 6, day: 1, hour: 12)) else { return nil }
        // 1 June always lies in the lunar year that began in the same Gregorian year.
        let lunarYear = chinese.dateComponents([.era, .year], from: midYear)
        var first = DateComponents()
        first.era = lunarYear.era
        first.year = lunarYear.year
        first.month = month
        first.day = 1
        first.hour = 12
        first.isLeapMonth = false
        guard let firstDay = chinese.date(from: first),
              let length = chinese.range(of: .day, in: .month, for: firstDay)?.count,
              let date = chinese.date(byAdding: .day, value: min(day, length) - 1, to: firstDay) else { return nil }
        let g = gregorian.dateComponents([.year, .month, .day], from: date)
        return g.year.flatMap { y in g.month.flatMap { m in g.day.flatMap { CivilDate(year: y, month: m, day: $0) } } }
    }
}

/// The festivals the team sends greetings for: four lunar festivals and two Gregorian holidays.
public enum ChineseFestival: String, Sendable, Codable, CaseIterable {
    case springFestival, lanternFestival, dragonBoat, midAutumn, newYear, nationalDay

    /// Month and day, lunar or Gregorian.
    public var monthDay: (month: Int, day: Int) {
        switch self {
        case .springFestival: (1, 1)
        case .lanternFestival: (1, 15)
        case .dragonBoat: (5, 5)
        case .midAutumn: (8, 15)
        case .newYear: (1, 1)
        case .nationalDay: (10, 1)
        }
    }

    public var isLunar: Bool { self != .newYear && self != .nationalDay }

    /// The festival's date in a Gregorian year (the lunar festivals always fall in the same year).
    /// Foundation's Chinese calendar covers any year the team will see; should it ever fail, the
    /// month and day are taken as Gregorian rather than stopping the daily care job.
    public func gregorianDate(in year: Int) -> CivilDate {
        let (month, day) = monthDay
        if isLunar, let date = LunarCalendar.gregorianDate(lunarYear: year, month: month, day: day) { return date }
        return CivilDate(year: year, month: month, day: day)!
    }

    public var name: LocalizedText {
        switch self {
        case .springFestival: LocalizedText(zhHans: "春节", zhHant: "春節", en: "Spring Festival")
        case .lanternFestival: LocalizedText(zhHans: "元宵节", zhHant: "元宵節", en: "Lantern Festival")
        case .dragonBoat: LocalizedText(zhHans: "端午节", zhHant: "端午節", en: "Dragon Boat Festival")
        case .midAutumn: LocalizedText(zhHans: "中秋节", zhHant: "中秋節", en: "Mid-Autumn Festival")
        case .newYear: LocalizedText(zhHans: "元旦", zhHant: "元旦", en: "New Year")
        case .nationalDay: LocalizedText(zhHans: "国庆节", zhHant: "國慶節", en: "National Day")
        }
    }
}

/// A contact's birthday as month and day in the calendar the contact celebrates it in.
public struct ContactBirthday: Sendable, Hashable, Codable {
    public let calendar: BirthdayCalendar
    public let month: Int
    public let day: Int

    /// nil for a day the calendar never has (Gregorian 04-31; lunar day 31). Lunar months have
    /// 29 or 30 days, so lunar day 30 is accepted in every month.
    public init?(calendar: BirthdayCalendar, month: Int, day: Int) {
        let longest = calendar == .lunar ? 30 : CivilDate.daysIn(month: month, year: 2000)
        guard (1...12).contains(month), day >= 1, day <= longest else { return nil }
        self.calendar = calendar
        self.month = month
        self.day = day
    }

    /// Reads the contact's stored birthday, "yyyy-MM-dd", whose month and day are lunar when the
    /// contact keeps a lunar birthday (the year is not needed for wishes).
    public init?(_ text: String, calendar: BirthdayCalendar) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              Int(parts[0]) != nil, let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(calendar: calendar, month: m, day: d)
    }

    /// The day it is celebrated in `year` (the lunar year that begins in `year` for a lunar
    /// birthday). A 29 February birthday is celebrated on 28 February in other years.
    public func celebration(in year: Int) -> CivilDate? {
        switch calendar {
        case .lunar: LunarCalendar.gregorianDate(lunarYear: year, month: month, day: day)
        case .gregorian: CivilDate(year: year, month: month, day: min(day, CivilDate.daysIn(month: month, year: year)))
        }
    }
}
