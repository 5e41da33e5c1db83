import Foundation

/// The public holidays and make-up working days (调休) the working calendar honours. China's
/// State Council announces them each autumn for the next year, so this is data the admin edits in
/// the policy pack each year, not a rule; `china2026` is the standard data shipped with the app.
public struct HolidaySchedule: Sendable, Codable, Equatable {
    /// A named run of days off, first and last day included (国庆节 2026-10-01 … 2026-10-07).
    public struct Holiday: Sendable, Codable, Equatable {
        public var name: LocalizedText
        public var start: CivilDate
        public var end: CivilDate

        public init(name: LocalizedText, start: CivilDate, end: CivilDate) {
            self.name = name
            self.start = start
            self.end = end
        }
    }

    public var holidays: [Holiday]
    /// Weekend days worked to make up for a holiday.
    public var makeUpDays: [CivilDate]

    public init(holidays: [Holiday] = [], makeUpDays: [CivilDate] = []) {
        self.holidays = holidays
        self.makeUpDays = makeUpDays
    }

    enum CodingKeys: String, CodingKey { case holidays, makeUpDays }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        holidays = try c.decodeIfPresent([Holiday].self, forKey: .holidays) ?? []
        makeUpDays = try c.decodeIfPresent([CivilDate].self, forKey: .makeUpDays) ?? []
    }

    /// A holiday longer than this is taken for a typing mistake in the year.
    public static let longestHolidayDays = 366

    /// The years the schedule has public holidays for.
    public var years: Set<Int> { Set(holidays.flatMap { [$0.start.year, $0.end.year] }) }

    /// The year whose holidays are still to be entered, as of `today`: this year if it has none;
    /// from November (the State Council announces the next year's schedule in the autumn) also
    /// the next year. Without them the SLA clocks count those holidays as working days.
    public func missingYear(asOf today: CivilDate) -> Int? {
        if !years.contains(today.year) { return today.year }
        if today.month >= 11, !years.contains(today.year + 1) { return today.year + 1 }
        return nil
    }

    /// The holiday, if any, that a date falls in.
    public func holiday(on date: CivilDate) -> Holiday? {
        holidays.first { $0.start <= date && date <= $0.end }
    }

    func holidayDayNumbers() -> Set<Int> {
        var days = Set<Int>()
        for h in holidays where h.start <= h.end {
            let first = SalesCalendar.dayNumber(h.start)
            let last = min(SalesCalendar.dayNumber(h.end), first + Self.longestHolidayDays - 1)
            days.formUnion(first...last)
        }
        return days
    }

    /// What is wrong with the schedule, by field (`holidays[2].end`). Impossible dates such as
    /// 2026-02-30 never get this far: the YAML decoder refuses them.
    public func problems(field: String = "holidaySchedule") -> [FieldError] {
        var errors = FieldErrors()
        for (i, h) in holidays.enumerated() {
            let path = "\(field).holidays[\(i)]"
            if h.name.zhHans.trimmingCharacters(in: .whitespaces).isEmpty && h.name.en.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.add("\(path).name", "required", "Give the holiday a name.")
            }
            if h.end < h.start {
                errors.add("\(path).end", "beforeStart", "The last day (\(h.end)) is before the first day (\(h.start)).")
            } else if SalesCalendar.days(from: h.start, to: h.end) >= Self.longestHolidayDays {
                errors.add("\(path).end", "tooLong", "A holiday of more than a year is probably a mistyped year.")
            }
        }
        // Each holiday against the ones that start no later; reported on the later one in the list.
        for (i, h) in holidays.enumerated() where h.start <= h.end {
            if let j = holidays.indices.first(where: { $0 < i && holidays[$0].start <= holidays[$0].end
                && holidays[$0].start <= h.end && h.start <= holidays[$0].end }) {
                errors.add("\(field).holidays[\(i)]", "overlap", "\(h.name.en) (\(h.start)–\(h.end)) overlaps \(holidays[j].name.en) (\(holidays[j].start)–\(holidays[j].end)).")
            }
        }
        var seen = Set<CivilDate>()
        for (i, day) in makeUpDays.enumerated() {
            let path = "\(field).makeUpDays[\(i)]"
            if !seen.insert(day).inserted { errors.add(path, "duplicate", "\(day) is listed twice.") }
            if let h = holiday(on: day) {
                errors.add(path, "insideHoliday", "\(day) is a make-up working day inside the holiday \(h.name.en) (\(h.start)–\(h.end)).")
            }
        }
        return errors.all
    }

    private static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    private static func holiday(_ zhHans: String, _ zhHant: String, _ en: String, _ start: String, _ end: String) -> Holiday {
        Holiday(name: LocalizedText(zhHans: zhHans, zhHant: zhHant, en: en), start: day(start), end: day(end))
    }

    /// 2026, as announced by the General Office of the State Council on 2025-11-04
    /// (国务院办公厅关于2026年部分节假日安排的通知). 2027 is not included: it is announced in the
    /// autumn of 2026, and the admin adds it to the policy pack then.
    public static let china2026 = HolidaySchedule(
        holidays: [
            holiday("元旦", "元旦", "New Year's Day", "2026-01-01", "2026-01-03"),
            holiday("春节", "春節", "Spring Festival", "2026-02-15", "2026-02-23"),
            holiday("清明节", "清明節", "Qingming Festival", "2026-04-04", "2026-04-06"),
            holiday("劳动节", "勞動節", "Labour Day", "2026-05-01", "2026-05-05"),
            holiday("端午节", "端午節", "Dragon Boat Festival", "2026-06-19", "2026-06-21"),
            holiday("中秋节", "中秋節", "Mid-Autumn Festival", "2026-09-25", "2026-09-27"),
            holiday("国庆节", "國慶節", "National Day", "2026-10-01", "2026-10-07"),
        ],
        makeUpDays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"].map(day))

    /// The schedule used when the policy pack has none.
    public static let standard = china2026
}
