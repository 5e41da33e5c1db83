import Foundation

/// The customer-service chapter's part of the policy pack (`service:`): the working calendar,
/// the service-level targets, the reopen window, the lists of causes and feedback categories,
/// relationship care and the repeat-complaint threshold. Every part is optional in the YAML;
/// what is left out falls back to the standard rules.
public struct ServicePolicy: Sendable, Codable, Equatable {
    /// Working hours ("09:00-12:00"), working weekdays and the year's holiday schedule.
    public struct CalendarPolicy: Sendable, Codable, Equatable {
        public var hours: [WorkingPeriod]?
        public var weekdays: [Weekday]?
        public var holidaySchedule: HolidaySchedule?

        public init(hours: [WorkingPeriod]? = nil, weekdays: [Weekday]? = nil, holidaySchedule: HolidaySchedule? = nil) {
            self.hours = hours
            self.weekdays = weekdays
            self.holidaySchedule = holidaySchedule
        }

        /// Build once and reuse: it expands the holidays into days.
        public func workingCalendar(timeZone: TimeZone = ChinaTime.zone) -> WorkingCalendar {
            WorkingCalendar(periods: hours ?? WorkingCalendar.standardHours,
                            weekdays: weekdays.map(Set.init) ?? WorkingCalendar.standardWeekdays,
                            holidays: holidaySchedule ?? .standard, timeZone: timeZone)
        }

        public func problems(field: String = "service.calendar") -> [FieldError] {
            var errors = FieldErrors()
            if let hours {
                if hours.isEmpty { errors.add("\(field).hours", "required", "Give at least one working period, e.g. 09:00-12:00.") }
                for (i, p) in hours.enumerated() where p.endMinute <= p.startMinute {
                    errors.add("\(field).hours[\(i)]", "endBeforeStart", "\(p) ends before it starts.")
                }
                let valid = hours.enumerated().filter { $0.element.endMinute > $0.element.startMinute }
                for (i, p) in valid where valid.contains(where: { $0.offset < i && $0.element.startMinute < p.endMinute && p.startMinute < $0.element.endMinute }) {
                    errors.add("\(field).hours[\(i)]", "overlap", "\(p) overlaps another working period.")
                }
            }
            if let weekdays {
                if weekdays.isEmpty { errors.add("\(field).weekdays", "required", "Give at least one working weekday.") }
                if Set(weekdays).count != weekdays.count { errors.add("\(field).weekdays", "duplicate", "A weekday is listed twice.") }
            }
            return errors.all + (holidaySchedule?.problems(field: "\(field).holidaySchedule") ?? [])
        }
    }

    public var calendar: CalendarPolicy?
    public var sla: SLAPolicy?
    public var reopenWindowDays: Int?
    /// Why tickets happen; a resolution picks one.
    public var causes: [ServiceCategory]?
    public var feedbackCategories: [ServiceCategory]?
    public var care: CarePolicy?
    /// Complaints in a period from which a customer is flagged as a repeat complainer.
    public var repeatComplaintThreshold: Int?

    public init(calendar: CalendarPolicy? = nil, sla: SLAPolicy? = nil, reopenWindowDays: Int? = nil, causes: [ServiceCategory]? = nil,
                feedbackCategories: [ServiceCategory]? = nil, care: CarePolicy? = nil, repeatComplaintThreshold: Int? = nil) {
        self.calendar = calendar
        self.sla = sla
        self.reopenWindowDays = reopenWindowDays
        self.causes = causes
        self.feedbackCategories = feedbackCategories
        self.care = care
        self.repeatComplaintThreshold = repeatComplaintThreshold
    }

    public static let standardRepeatComplaintThreshold = 3

    public var effectiveCalendar: CalendarPolicy { calendar ?? CalendarPolicy() }
    public var effectiveSLA: SLAPolicy { sla ?? SLAPolicy() }
    public var effectiveReopenWindowDays: Int { reopenWindowDays ?? TicketRules.standardReopenWindowDays }
    public var effectiveCauses: [ServiceCategory] { causes ?? TicketRules.standardCauses }
    public var effectiveFeedbackCategories: [ServiceCategory] { feedbackCategories ?? TicketRules.standardFeedbackCategories }
    public var effectiveCare: CarePolicy { care ?? CarePolicy() }
    public var effectiveRepeatComplaintThreshold: Int { repeatComplaintThreshold ?? Self.standardRepeatComplaintThreshold }

    public var ticketRules: TicketRules { TicketRules(causes: effectiveCauses, reopenWindowDays: effectiveReopenWindowDays) }
    public var careRules: CareRules { CareRules(policy: effectiveCare) }

    /// What would break the service rules if the pack were saved, by field path.
    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if let calendar { errors += calendar.problems() }
        if let sla { errors += sla.problems() }
        if let days = reopenWindowDays, days < 0 {
            errors.append(.init(field: "service.reopenWindowDays", code: "negative", message: "Give 0 (no reopening) or more days."))
        }
        if let causes { errors += Self.categoryProblems(causes, field: "service.causes") }
        if let feedbackCategories { errors += Self.categoryProblems(feedbackCategories, field: "service.feedbackCategories") }
        if let care { errors += care.problems() }
        if let n = repeatComplaintThreshold, n < 2 {
            errors.append(.init(field: "service.repeatComplaintThreshold", code: "tooSmall", message: "A repeat complaint needs at least 2 complaints."))
        }
        return errors
    }

    static func categoryProblems(_ list: [ServiceCategory], field: String) -> [FieldError] {
        var errors = FieldErrors()
        if list.isEmpty { errors.add(field, "required", "Give at least one entry.") }
        var seen = Set<String>()
        for (i, c) in list.enumerated() {
            if c.key.trimmingCharacters(in: .whitespaces).isEmpty { errors.add("\(field)[\(i)].key", "required", "Give a key.") }
            else if !seen.insert(c.key).inserted { errors.add("\(field)[\(i)].key", "duplicate", "\"\(c.key)\" is listed twice.") }
        }
        return errors.all
    }
}
