import Foundation
import Testing
@testable import VanguardCore

/// The `service:` section of the policy pack: optional parts, defaults and the admin's mistakes.
@Suite("Service policy pack section")
struct ServicePolicyTests {
    func decode(_ json: String) throws -> ServicePolicy {
        try JSONDecoder().decode(ServicePolicy.self, from: Data(json.utf8))
    }

    @Test("an empty section gives the standard rules, which have no problems")
    func defaults() throws {
        let policy = try decode("{}")
        #expect(policy.problems().isEmpty)
        #expect(policy.effectiveReopenWindowDays == 7)
        #expect(policy.effectiveRepeatComplaintThreshold == 3)
        #expect(policy.effectiveCauses.contains { $0.key == "serviceAttitude" })
        #expect(policy.effectiveCare.effectiveVisitIntervalDays == ["A": 30, "B": 60, "C": 90])
        let calendar = policy.effectiveCalendar.workingCalendar()
        #expect(calendar.minutesPerDay == 450)
        #expect(!calendar.isWorkingDay(civil("2026-10-01")))
        let spelledOut = ServicePolicy(
            calendar: .init(hours: WorkingCalendar.standardHours, weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], holidaySchedule: .china2026),
            sla: SLAPolicy(warnAtFraction: 0.8, targets: SLAPolicy.standardTargets), reopenWindowDays: 7,
            causes: TicketRules.standardCauses, feedbackCategories: TicketRules.standardFeedbackCategories,
            care: CarePolicy(visitIntervalDays: CarePolicy.standardVisitIntervalDays, birthdays: .init(enabled: true, leadDays: 0),
                             festivals: CarePolicy.standardFestivals, templates: CarePolicy.standardTemplates),
            repeatComplaintThreshold: 3)
        #expect(spelledOut.problems().isEmpty)
        let roundTrip = try JSONDecoder().decode(ServicePolicy.self, from: JSONEncoder().encode(spelledOut))
        #expect(roundTrip == spelledOut)
    }

    @Test("the pack's calendar and targets are what the rules use")
    func customised() throws {
        let policy = try decode("""
        {"calendar": {"hours": ["08:30-12:00", "13:00-17:30"], "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
                      "holidaySchedule": {"holidays": [{"name": {"zh-Hans": "春节", "en": "Spring Festival"}, "start": "2027-02-05", "end": "2027-02-11"}],
                                          "makeUpDays": ["2027-02-14"]}},
         "sla": {"targets": [{"type": "complaint", "priority": "normal", "firstResponseMinutes": 30, "resolutionMinutes": 480}]},
         "reopenWindowDays": 14}
        """)
        #expect(policy.problems().isEmpty)
        let calendar = policy.effectiveCalendar.workingCalendar()
        #expect(calendar.minutesPerDay == 480)
        #expect(calendar.isWorkingDay(civil("2027-03-06")), "Saturdays are worked here")
        #expect(!calendar.isWorkingDay(civil("2027-02-08")))
        #expect(calendar.isWorkingDay(civil("2027-02-14")), "make-up Sunday")
        #expect(calendar.isWorkingDay(civil("2026-10-01")), "the pack's schedule replaces the standard one")
        let target = policy.effectiveSLA.target(for: .complaint, priority: .normal)
        #expect(target.firstResponseMinutes == 30)
        #expect(target.clock == .working, "the clock defaults to working time")
        #expect(policy.ticketRules.reopenWindowDays == 14)
    }

    @Test("an unknown ticket type or clock in the pack is refused when read, naming where")
    func badKeys() {
        do {
            _ = try decode(#"{"sla": {"targets": [{"type": "refund", "priority": "normal", "firstResponseMinutes": 30, "resolutionMinutes": 480}]}}"#)
            Issue.record("an unknown type must not be accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.map(\.stringValue).contains("targets"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: DecodingError.self) {
            try decode(#"{"sla": {"targets": [{"type": "inquiry", "priority": "normal", "firstResponseMinutes": 30, "resolutionMinutes": 480, "clock": "24x7"}]}}"#)
        }
        #expect(throws: DecodingError.self) { try decode(#"{"calendar": {"hours": ["9-12"]}}"#) }
    }

    @Test("mistakes across the section are reported with their paths, also through the whole policy pack")
    func problems() throws {
        let policy = ServicePolicy(
            calendar: .init(hours: [WorkingPeriod(startMinute: 540, endMinute: 720), WorkingPeriod(startMinute: 700, endMinute: 1080),
                                    WorkingPeriod(startMinute: 1100, endMinute: 1090)], weekdays: []),
            sla: SLAPolicy(warnAtFraction: 1.5), reopenWindowDays: -1,
            causes: [ServiceCategory(key: "product", name: .init(zhHans: "产品", en: "Product")), ServiceCategory(key: "product", name: .init(zhHans: "产品", en: "Product"))],
            feedbackCategories: [], care: CarePolicy(visitIntervalDays: ["A": -30]), repeatComplaintThreshold: 1)
        let expected: Set<String> = [
            "service.calendar.hours[1] overlap", "service.calendar.hours[2] endBeforeStart", "service.calendar.weekdays required",
            "service.sla.warnAtFraction outOfRange", "service.reopenWindowDays negative", "service.causes[1].key duplicate",
            "service.feedbackCategories required", "service.care.visitIntervalDays.A tooSmall", "service.repeatComplaintThreshold tooSmall",
        ]
        #expect(Set(policy.problems().map { "\($0.field) \($0.code)" }) == expected)

        var pack = try JSONDecoder().decode(PolicyPack.self, from: Data("""
        {"version": 1, "team": {"name": {"zh-Hans": "营销团队"}}, "lead": {"title": {"zh-Hans": "负责人"}, "duties": []},
         "groups": [{"key": "service", "name": {"zh-Hans": "客户服务组"}, "mission": {"zh-Hans": "维护客户关系"}, "duties": []}],
         "departments": [],
         "service": {"reopenWindowDays": -1}}
        """.utf8))
        #expect(pack.problems().map(\.field) == ["service.reopenWindowDays"])
        #expect(pack.effectiveService.effectiveReopenWindowDays == -1)
        pack.service = nil
        #expect(pack.problems().isEmpty)
        #expect(pack.effectiveService.effectiveReopenWindowDays == 7)
    }
}
