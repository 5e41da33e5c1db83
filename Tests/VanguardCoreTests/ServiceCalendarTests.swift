import Foundation
import Testing
@testable import VanguardCore

/// "2026-03-09 10:00" (or with seconds) in China time, UTC+8, for the service tests.
func chinaTime(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = CivilDate(String(parts[0]))!
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = SalesCalendar.dayNumber(date) * 86_400 + clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0)
    return Date(timeIntervalSince1970: TimeInterval(seconds - 8 * 3600))
}

func civil(_ text: String) -> CivilDate { CivilDate(text)! }

/// The service team's working calendar: hours, weekdays, public holidays and make-up days (CP-1, CP-2).
@Suite("Service working calendar (CP-1, CP-2)")
struct ServiceCalendarTests {
    let calendar = WorkingCalendar()

    @Test("2026 follows the State Council: holidays are off even on weekdays, make-up weekends are worked")
    func holidaysAndMakeUpDays() {
        #expect(Weekday(civil("2026-01-01")) == .thursday)
        #expect(calendar.isWorkingDay(civil("2026-03-09")), "an ordinary Monday")
        #expect(!calendar.isWorkingDay(civil("2026-03-07")), "an ordinary Saturday")
        #expect(!calendar.isWorkingDay(civil("2026-10-01")), "National Day, a Thursday")
        #expect(!calendar.isWorkingDay(civil("2026-10-07")), "last day of the National Day holiday, a Wednesday")
        #expect(calendar.isWorkingDay(civil("2026-10-08")))
        #expect(calendar.isWorkingDay(civil("2026-10-10")), "make-up Saturday")
        #expect(!calendar.isWorkingDay(civil("2026-10-11")), "the Sunday after it is off")
        #expect(calendar.isWorkingDay(civil("2026-01-04")), "make-up Sunday after New Year")
        #expect(!calendar.isWorkingDay(civil("2026-02-23")), "Spring Festival ends on a Monday")
        #expect(calendar.isWorkingDay(civil("2026-02-24")))
        #expect(!calendar.isWorkingDay(civil("2026-09-25")), "Mid-Autumn Festival, a Friday")
    }

    @Test("the standard 2026 data is consistent: every make-up day is a weekend day, every holiday is as announced")
    func standardData() {
        let schedule = HolidaySchedule.china2026
        #expect(schedule.problems().isEmpty)
        #expect(schedule.makeUpDays.allSatisfy { [.saturday, .sunday].contains(Weekday($0)) })
        let offWeekdays = (0..<365).map { SalesCalendar.adding(days: $0, to: civil("2026-01-01")) }
            .filter { ![.saturday, .sunday].contains(Weekday($0)) && !calendar.isWorkingDay($0) }
        // New Year 2, Spring Festival 6, Qingming 1, Labour Day 3, Dragon Boat 1, Mid-Autumn 1, National Day 5.
        #expect(offWeekdays.count == 19)
        #expect(calendar.nextWorkingDay(after: civil("2026-09-30")) == civil("2026-10-08"))
        #expect(calendar.nextWorkingDay(after: civil("2026-02-13")) == civil("2026-02-14"), "make-up Saturday before Spring Festival")
    }

    @Test("working time skips lunch, evenings, weekends and holidays")
    func adding() {
        #expect(calendar.add(workingMinutes: 60, to: chinaTime("2026-03-09 10:00")) == chinaTime("2026-03-09 11:00"))
        #expect(calendar.add(workingMinutes: 60, to: chinaTime("2026-03-09 11:30")) == chinaTime("2026-03-09 14:00"), "lunch 12:00–13:30 is not working time")
        #expect(calendar.add(workingMinutes: 120, to: chinaTime("2026-03-13 17:00")) == chinaTime("2026-03-16 10:00"), "Friday evening to Monday")
        #expect(calendar.add(workingMinutes: 30, to: chinaTime("2026-03-09 20:00")) == chinaTime("2026-03-10 09:30"), "a start after hours counts from the next morning")
        #expect(calendar.add(workingMinutes: 0, to: chinaTime("2026-03-09 12:30")) == chinaTime("2026-03-09 13:30"))
        #expect(calendar.add(workingMinutes: 900, to: chinaTime("2026-03-09 09:00")) == chinaTime("2026-03-10 18:00"), "two working days")
        #expect(calendar.add(workingMinutes: 120, to: chinaTime("2026-09-30 17:00")) == chinaTime("2026-10-08 10:00"), "over the National Day holiday")
        #expect(calendar.add(workingMinutes: 60, to: chinaTime("2026-10-09 17:30")) == chinaTime("2026-10-10 09:30"), "into the make-up Saturday")
        #expect(calendar.add(workingMinutes: 60, to: chinaTime("2026-03-09 11:00")) == chinaTime("2026-03-09 12:00"), "ending exactly at lunch stays before lunch")
    }

    @Test("working minutes between two instants, and adding then measuring gives the same minutes back")
    func measuring() {
        #expect(calendar.workingMinutes(from: chinaTime("2026-03-09 11:00"), to: chinaTime("2026-03-09 14:00")) == 90)
        #expect(calendar.workingMinutes(from: chinaTime("2026-03-13 17:00"), to: chinaTime("2026-03-16 10:00")) == 120)
        #expect(calendar.workingMinutes(from: chinaTime("2026-09-30 09:00"), to: chinaTime("2026-10-08 09:00")) == 450)
        #expect(calendar.workingMinutes(from: chinaTime("2026-03-09 14:00"), to: chinaTime("2026-03-09 11:00")) == 0)
        for start in ["2026-03-06 16:59", "2026-03-07 10:00", "2026-09-30 12:15", "2026-02-13 08:00"].map(chinaTime) {
            for minutes in [1, 59, 450, 451, 2_000, 20_000] {
                let end = calendar.add(workingMinutes: minutes, to: start)!
                #expect(calendar.workingMinutes(from: start, to: end) == minutes)
                #expect(calendar.isWorkingTime(end.addingTimeInterval(-1)), "the last minute counted is working time")
            }
        }
    }

    @Test("24×7 clocks count calendar time through nights and weekends")
    func continuous() {
        #expect(calendar.add(minutes: 30, to: chinaTime("2026-03-07 23:50"), mode: .continuous) == chinaTime("2026-03-08 00:20"))
        #expect(calendar.minutes(from: chinaTime("2026-10-01 00:00"), to: chinaTime("2026-10-02 00:00"), mode: .continuous) == 1440)
        #expect(calendar.minutes(from: chinaTime("2026-10-01 00:00"), to: chinaTime("2026-10-02 00:00"), mode: .working) == 0)
    }

    @Test("a year of working time is found quickly, and a calendar without working days fails cleanly")
    func limits() {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<200 { _ = calendar.add(workingMinutes: 450 * 250, to: chinaTime("2026-01-05 09:00")) }
        }
        #expect(elapsed < .seconds(2))
        #expect(calendar.add(workingMinutes: 450 * 2_000, to: chinaTime("2026-01-05 09:00")) == nil, "more than three years ahead")
        let idle = WorkingCalendar(weekdays: [], holidays: HolidaySchedule())
        #expect(idle.add(workingMinutes: 1, to: chinaTime("2026-01-05 09:00")) == nil)
        #expect(idle.nextWorkingDay(after: civil("2026-01-05")) == nil)
    }

    @Test("working hours are written HH:mm-HH:mm")
    func periods() {
        #expect(WorkingPeriod("09:00-12:00") == WorkingPeriod(startMinute: 540, endMinute: 720))
        #expect(WorkingPeriod("13:30-24:00")?.minutes == 630)
        #expect(WorkingPeriod("9:00-12:00") == nil)
        #expect(WorkingPeriod("09:00-24:30") == nil)
        #expect(WorkingPeriod("09:60-12:00") == nil)
        #expect(WorkingPeriod(startMinute: 810, endMinute: 1080).description == "13:30-18:00")
    }
}

/// The holiday schedule is data the admin edits each year; mistakes are named by field.
@Suite("Service holiday schedule")
struct ServiceHolidayScheduleTests {
    func holiday(_ name: String, _ start: String, _ end: String) -> HolidaySchedule.Holiday {
        .init(name: LocalizedText(zhHans: name, en: name), start: civil(start), end: civil(end))
    }

    @Test("reversed and overlapping ranges, make-up days inside a holiday, duplicates and blank names are refused by index")
    func problems() {
        let schedule = HolidaySchedule(
            holidays: [holiday("国庆节", "2027-10-01", "2027-10-07"), holiday("中秋节", "2027-10-06", "2027-10-08"),
                       holiday("清明节", "2027-04-06", "2027-04-04"), holiday(" ", "2027-05-01", "2027-05-03")],
            makeUpDays: [civil("2027-10-03"), civil("2027-09-26"), civil("2027-09-26")])
        let errors = schedule.problems(field: "service.calendar.holidaySchedule")
        let fields = Set(errors.map { "\($0.field) \($0.code)" })
        #expect(fields == [
            "service.calendar.holidaySchedule.holidays[1] overlap",
            "service.calendar.holidaySchedule.holidays[2].end beforeStart",
            "service.calendar.holidaySchedule.holidays[3].name required",
            "service.calendar.holidaySchedule.makeUpDays[0] insideHoliday",
            "service.calendar.holidaySchedule.makeUpDays[2] duplicate",
        ])
        #expect(errors.first { $0.code == "overlap" }?.message.contains("国庆节") == true)
    }

    @Test("an impossible date in the schedule is refused when it is read")
    func impossibleDate() {
        let json = #"{"holidays": [{"name": {"zh-Hans": "春节"}, "start": "2026-02-30", "end": "2026-03-01"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(HolidaySchedule.self, from: Data(json.utf8)) }
        let ok = #"{"holidays": [{"name": {"zh-Hans": "春节"}, "start": "2027-02-06", "end": "2027-02-12"}]}"#
        let schedule = try? JSONDecoder().decode(HolidaySchedule.self, from: Data(ok.utf8))
        #expect(schedule?.makeUpDays == [], "make-up days may be left out")
        #expect(WorkingCalendar(holidays: schedule!).isWorkingDay(civil("2027-02-08")) == false)
    }

    @Test("CP-1: the schedule says which year's holidays are still to be entered: this year's always, next year's from November")
    func missingYear() {
        let schedule = HolidaySchedule.standard
        #expect(schedule.years.contains(2026))
        #expect(schedule.missingYear(asOf: civil("2026-09-21")) == nil)
        #expect(schedule.missingYear(asOf: civil("2026-11-30")) == 2027, "2027 is announced in the autumn and not entered yet")
        #expect(schedule.missingYear(asOf: civil("2027-02-01")) == 2027)
        var next = schedule
        next.holidays.append(.init(name: LocalizedText(zhHans: "元旦", zhHant: "元旦", en: "New Year's Day"), start: civil("2027-01-01"), end: civil("2027-01-01")))
        #expect(next.missingYear(asOf: civil("2026-11-30")) == nil)
        #expect(HolidaySchedule().missingYear(asOf: civil("2026-05-01")) == 2026)
    }
}
