import Foundation
import Testing
@testable import VanguardCore

/// Festival and birthday dates for relationship care (CP-4), Gregorian and Chinese lunar.
@Suite("Care dates: festivals and birthdays (CP-4)")
struct ServiceCareDateTests {
    @Test("lunar festivals fall on the dates Chinese calendars print", arguments: [
        (ChineseFestival.springFestival, 2026, "2026-02-17"), (.lanternFestival, 2026, "2026-03-03"),
        (.dragonBoat, 2026, "2026-06-19"), (.midAutumn, 2026, "2026-09-25"),
        (.springFestival, 2027, "2027-02-06"), (.midAutumn, 2027, "2027-09-15"), (.midAutumn, 2025, "2025-10-06"),
        (.newYear, 2027, "2027-01-01"), (.nationalDay, 2026, "2026-10-01"),
    ])
    func festivals(festival: ChineseFestival, year: Int, expected: String) {
        #expect(festival.gregorianDate(in: year) == civil(expected))
    }

    @Test("a lunar birthday is celebrated on this year's matching day")
    func lunarBirthdays() {
        #expect(ContactBirthday(calendar: .lunar, month: 8, day: 15)?.celebration(in: 2026) == civil("2026-09-25"))
        // The second lunar month of 2026 has 29 days: a birthday on the 30th is kept on the 29th.
        let thirtieth = ContactBirthday(calendar: .lunar, month: 2, day: 30)?.celebration(in: 2026)
        #expect(thirtieth == civil("2026-04-16"))
        #expect(thirtieth == ContactBirthday(calendar: .lunar, month: 2, day: 29)?.celebration(in: 2026))
        // The first lunar month of 2026 has 30 days, so the 30th is its own day.
        #expect(ContactBirthday(calendar: .lunar, month: 1, day: 30)?.celebration(in: 2026) == civil("2026-03-18"))
        // 2025 has a leap sixth month (from 2025-07-25); a sixth-month birthday is kept in the ordinary one.
        #expect(ContactBirthday(calendar: .lunar, month: 6, day: 10)?.celebration(in: 2025) == civil("2025-07-04"))
        // The twelfth lunar month of the 2026 lunar year falls in January 2027.
        #expect(ContactBirthday(calendar: .lunar, month: 12, day: 1)?.celebration(in: 2026) == civil("2027-01-08"))
    }

    @Test("a 29 February birthday is kept on 28 February in other years")
    func leapDay() {
        let birthday = ContactBirthday("1988-02-29", calendar: .gregorian)
        #expect(birthday?.celebration(in: 2026) == civil("2026-02-28"))
        #expect(birthday?.celebration(in: 2028) == civil("2028-02-29"))
    }

    @Test("a stored lunar birthday may be the 30th of any month; Gregorian dates must exist")
    func parsing() {
        #expect(ContactBirthday("1980-02-30", calendar: .lunar) == ContactBirthday(calendar: .lunar, month: 2, day: 30))
        #expect(ContactBirthday("1980-02-30", calendar: .gregorian) == nil)
        #expect(ContactBirthday("1980-04-31", calendar: .gregorian) == nil)
        #expect(ContactBirthday("1980-02-31", calendar: .lunar) == nil)
        #expect(ContactBirthday("1980-13-01", calendar: .lunar) == nil)
        #expect(ContactBirthday("80-2-3", calendar: .lunar) == nil)
    }
}

/// The care tasks the daily job creates (CP-4: return visits, festival greetings, birthday wishes).
@Suite("Care tasks (CP-4)")
struct ServiceCareTaskTests {
    let rules = CareRules()
    let customers = [
        CareCustomer(id: "cA", name: "华东机电有限公司", customerClass: "A", since: civil("2025-01-01"), lastVisit: civil("2026-08-01"), contacts: [
            CareContact(id: "p1", name: "王经理", birthday: ContactBirthday(calendar: .lunar, month: 8, day: 15)),
            CareContact(id: "p2", name: "李总", birthday: ContactBirthday("1990-09-22", calendar: .gregorian)),
            CareContact(id: "p0", name: "赵工"),
        ]),
        CareCustomer(id: "cB", name: "南方物流", customerClass: "B", since: civil("2026-06-01"), contacts: [
            CareContact(id: "p3", name: "陈女士", birthday: ContactBirthday(calendar: .lunar, month: 12, day: 1)),
        ]),
        CareCustomer(id: "cC", name: "小王商行", customerClass: "C", since: civil("2024-01-01"), lastVisit: civil("2026-09-01")),
    ]

    @Test("on 22 September: overdue visits, the Mid-Autumn greeting three days ahead for the key customer, a Gregorian birthday")
    func oneDay() {
        let tasks = rules.tasks(on: civil("2026-09-22"), for: customers)
        #expect(Set(tasks.map(\.dedupeKey)) == [
            "visit:cA:2026-08-31", "visit:cB:2026-07-31", "holiday:midAutumn:2026:cA", "birthday:p2:2026",
        ])
        let greeting = tasks.first { $0.kind == .festivalGreeting }
        #expect(greeting?.occasion == civil("2026-09-25"))
        #expect(greeting?.message.zhHans == "华东机电有限公司，值此中秋节来临之际，谨祝您节日快乐，万事如意！")
        #expect(greeting?.message.zhHant.contains("中秋節") == true)
        #expect(greeting?.message.en.contains("Mid-Autumn Festival") == true)
        #expect(tasks.first { $0.kind == .birthday }?.message.zhHans.hasPrefix("李总") == true)
    }

    @Test("the lunar birthday comes on its day, and after a visit the next one is due an interval later")
    func laterDays() {
        let tasks = rules.tasks(on: civil("2026-09-25"), for: customers)
        #expect(tasks.contains { $0.dedupeKey == "birthday:p1:2026" && $0.contactId == "p1" && $0.customerId == "cA" })
        #expect(!tasks.contains { $0.kind == .festivalGreeting }, "the greeting was due three days earlier")
        var visited = customers
        visited[0].lastVisit = civil("2026-09-23")
        let after = rules.tasks(on: civil("2026-09-25"), for: visited)
        #expect(!after.contains { $0.dedupeKey.hasPrefix("visit:cA") })
        #expect(rules.tasks(on: civil("2026-10-23"), for: visited).contains { $0.dedupeKey == "visit:cA:2026-10-23" })
        #expect(rules.tasks(on: civil("2026-12-29"), for: customers).contains { $0.dedupeKey == "holiday:newYear:2027:cA" && $0.occasion == civil("2027-01-01") })
    }

    @Test("an overdue visit already on the care list is not listed again the next day; the next one, after a visit, is")
    func visitAlreadyListed() {
        var listed = customers
        listed[0].visitListedThrough = civil("2026-08-31")
        #expect(!rules.tasks(on: civil("2026-09-23"), for: listed).contains { $0.dedupeKey.hasPrefix("visit:cA") })
        #expect(rules.tasks(on: civil("2026-09-23"), for: listed).contains { $0.dedupeKey.hasPrefix("visit:cB") }, "only that customer's visit")
        listed[0].lastVisit = civil("2026-09-10")
        #expect(rules.tasks(on: civil("2026-10-10"), for: listed).contains { $0.dedupeKey == "visit:cA:2026-10-10" })
    }

    @Test("running twice, or catching up over missed days, gives each task once")
    func catchUp() {
        let days = (0...6).map { SalesCalendar.adding(days: $0, to: civil("2026-09-20")) }
        let daily = Set(days.flatMap { rules.tasks(on: $0, for: customers).map(\.dedupeKey) })
        let caughtUp = rules.tasks(from: days.first!, through: days.last!, for: customers).map(\.dedupeKey)
        #expect(Set(caughtUp) == daily)
        #expect(caughtUp.count == Set(caughtUp).count, "no task twice")
        #expect(rules.tasks(on: civil("2026-09-22"), for: customers) == rules.tasks(on: civil("2026-09-22"), for: customers))
        #expect(rules.tasks(from: civil("2026-09-26"), through: civil("2026-09-20"), for: customers).isEmpty)
    }

    @Test("a late-lunar-year birthday can fall twice in one Gregorian year, as two tasks")
    func twiceInAYear() {
        let year = rules.tasks(from: civil("2027-01-01"), through: civil("2027-12-31"), for: [customers[1]]).filter { $0.kind == .birthday }
        #expect(year.map(\.dedupeKey) == ["birthday:p3:2026", "birthday:p3:2027"])
        #expect(year.map(\.occasion) == [civil("2027-01-08"), civil("2027-12-28")])
    }

    @Test("the policy turns birthdays off, widens greetings to more classes and changes lead times")
    func policy() {
        let tuned = CareRules(policy: CarePolicy(visitIntervalDays: ["A": 14],
                                                 birthdays: .init(enabled: false),
                                                 festivals: [.init(festival: .midAutumn, leadDays: 0, classes: ["A", "B"])]))
        let tasks = tuned.tasks(on: civil("2026-09-25"), for: customers)
        #expect(Set(tasks.map(\.dedupeKey)) == ["visit:cA:2026-08-15", "holiday:midAutumn:2026:cA", "holiday:midAutumn:2026:cB"],
                "no birthdays; B greeted too; class B and C have no visit interval here")
    }

    @Test("templates fill in their placeholders and leave unknown ones visible")
    func render() {
        #expect(CareRules.render("{name}，您好！{festival}快乐", ["name": "王经理", "festival": "春节"]) == "王经理，您好！春节快乐")
        #expect(CareRules.render("Dear {name}, {typo}", ["name": "Ms Chen"]) == "Dear Ms Chen, {typo}")
        #expect(CareRules.render("{name", ["name": "x"]) == "{name")
    }

    @Test("care settings with impossible values are refused by field")
    func problems() {
        let policy = CarePolicy(visitIntervalDays: ["A": 0, "B": 60], birthdays: .init(leadDays: -1),
                                festivals: [.init(festival: .midAutumn), .init(festival: .midAutumn, leadDays: 90, classes: [])])
        #expect(Set(policy.problems().map { "\($0.field) \($0.code)" }) == [
            "service.care.visitIntervalDays.A tooSmall", "service.care.birthdays.leadDays outOfRange",
            "service.care.festivals[1].festival duplicate", "service.care.festivals[1].leadDays outOfRange",
            "service.care.festivals[1].classes required",
        ])
        #expect(CarePolicy().problems().isEmpty)
    }
}
