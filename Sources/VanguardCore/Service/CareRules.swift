import Foundation

/// Relationship care (CP-4: 定期回访、节日问候、生日祝福): the care tasks a daily job creates —
/// return visits every so many days by customer class, birthday wishes to contacts (Gregorian or
/// lunar), festival greetings to key customers. Each task carries a stable `dedupeKey`, so a job
/// that runs twice, or catches up over several missed days, creates every task exactly once.

/// The `service.care` section of the policy pack; every part falls back to the standard.
public struct CarePolicy: Sendable, Codable, Equatable {
    public struct Birthdays: Sendable, Codable, Equatable {
        public var enabled: Bool?
        /// Days before the birthday the task is due; 0 is on the day.
        public var leadDays: Int?
        /// Customer classes whose contacts get wishes; nil: every class.
        public var classes: [String]?
        public init(enabled: Bool? = nil, leadDays: Int? = nil, classes: [String]? = nil) {
            self.enabled = enabled; self.leadDays = leadDays; self.classes = classes
        }
    }

    public struct FestivalGreeting: Sendable, Codable, Equatable {
        public var festival: ChineseFestival
        public var leadDays: Int?
        /// Customer classes greeted; nil: key customers ("A").
        public var classes: [String]?
        public init(festival: ChineseFestival, leadDays: Int? = nil, classes: [String]? = nil) {
            self.festival = festival; self.leadDays = leadDays; self.classes = classes
        }
        public var effectiveLeadDays: Int { leadDays ?? 3 }
        public var effectiveClasses: [String] { classes ?? ["A"] }
    }

    /// Message texts; placeholders: {name} (contact or customer), {customer}, {festival}, {date}.
    public struct Templates: Sendable, Codable, Equatable {
        public var returnVisit: LocalizedText?
        public var birthday: LocalizedText?
        public var festival: LocalizedText?
        public init(returnVisit: LocalizedText? = nil, birthday: LocalizedText? = nil, festival: LocalizedText? = nil) {
            self.returnVisit = returnVisit; self.birthday = birthday; self.festival = festival
        }
    }

    /// Customer class → days between return visits; a class not listed gets no visit tasks.
    public var visitIntervalDays: [String: Int]?
    public var birthdays: Birthdays?
    public var festivals: [FestivalGreeting]?
    public var templates: Templates?

    public init(visitIntervalDays: [String: Int]? = nil, birthdays: Birthdays? = nil, festivals: [FestivalGreeting]? = nil, templates: Templates? = nil) {
        self.visitIntervalDays = visitIntervalDays
        self.birthdays = birthdays
        self.festivals = festivals
        self.templates = templates
    }

    public static let standardVisitIntervalDays = ["A": 30, "B": 60, "C": 90]
    public static let standardFestivals = ChineseFestival.allCases.map { FestivalGreeting(festival: $0) }
    public static let standardTemplates = Templates(
        returnVisit: LocalizedText(zhHans: "回访{name}：了解产品使用情况和新的需求（上次回访：{date}）。",
                                   zhHant: "回訪{name}：了解產品使用情況和新的需求（上次回訪：{date}）。",
                                   en: "Return visit to {name}: how our products serve them and any new needs (last visit: {date})."),
        birthday: LocalizedText(zhHans: "{name}，祝您生日快乐，身体健康，万事顺意！", zhHant: "{name}，祝您生日快樂，身體健康，萬事順意！",
                                en: "Happy birthday, {name}! Warm wishes from all of us."),
        festival: LocalizedText(zhHans: "{name}，值此{festival}来临之际，谨祝您节日快乐，万事如意！",
                                zhHant: "{name}，值此{festival}來臨之際，謹祝您節日快樂，萬事如意！",
                                en: "Dear {name}, warm wishes for the {festival} from all of us."))

    public var effectiveVisitIntervalDays: [String: Int] { visitIntervalDays ?? Self.standardVisitIntervalDays }
    public var birthdaysEnabled: Bool { birthdays?.enabled ?? true }
    public var birthdayLeadDays: Int { birthdays?.leadDays ?? 0 }
    public var effectiveFestivals: [FestivalGreeting] { festivals ?? Self.standardFestivals }
    public var returnVisitTemplate: LocalizedText { templates?.returnVisit ?? Self.standardTemplates.returnVisit! }
    public var birthdayTemplate: LocalizedText { templates?.birthday ?? Self.standardTemplates.birthday! }
    public var festivalTemplate: LocalizedText { templates?.festival ?? Self.standardTemplates.festival! }

    public func problems(field: String = "service.care") -> [FieldError] {
        var errors = FieldErrors()
        for (key, days) in (visitIntervalDays ?? [:]).sorted(by: { $0.key < $1.key }) where days <= 0 {
            errors.add("\(field).visitIntervalDays.\(key)", "tooSmall", "Must be at least 1 day.")
        }
        if let lead = birthdays?.leadDays, !(0...60).contains(lead) {
            errors.add("\(field).birthdays.leadDays", "outOfRange", "Give 0 to 60 days.")
        }
        var seen = Set<ChineseFestival>()
        for (i, f) in (festivals ?? []).enumerated() {
            if !seen.insert(f.festival).inserted { errors.add("\(field).festivals[\(i)].festival", "duplicate", "\(f.festival.rawValue) is listed twice.") }
            if let lead = f.leadDays, !(0...60).contains(lead) { errors.add("\(field).festivals[\(i)].leadDays", "outOfRange", "Give 0 to 60 days.") }
            if let classes = f.classes, classes.isEmpty || classes.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                errors.add("\(field).festivals[\(i)].classes", "required", "List the customer classes to greet, e.g. [A].")
            }
        }
        return errors.all
    }
}

/// A contact whose birthday may be wished.
public struct CareContact: Sendable, Equatable {
    public var id: String
    public var name: String
    public var birthday: ContactBirthday?
    public init(id: String, name: String, birthday: ContactBirthday? = nil) { self.id = id; self.name = name; self.birthday = birthday }
}

/// A customer the care rules look at.
public struct CareCustomer: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The class key from the customer file ("A", "B", "C").
    public var customerClass: String
    /// When the relationship began: a customer never visited is first due one interval after it.
    public var since: CivilDate
    public var lastVisit: CivilDate?
    /// The due date of the latest return visit already on the care list: a visit due on or
    /// before it is not listed again (it is there, or was done).
    public var visitListedThrough: CivilDate?
    public var contacts: [CareContact]

    public init(id: String, name: String, customerClass: String, since: CivilDate, lastVisit: CivilDate? = nil,
                visitListedThrough: CivilDate? = nil, contacts: [CareContact] = []) {
        self.id = id; self.name = name; self.customerClass = customerClass
        self.since = since; self.lastVisit = lastVisit; self.visitListedThrough = visitListedThrough; self.contacts = contacts
    }
}

public struct CareTask: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case returnVisit, birthday, festivalGreeting }

    public var kind: Kind
    /// "visit:<customerId>:<dueOn>", "birthday:<contactId>:<year>", "holiday:<festival>:<year>:<customerId>".
    public var dedupeKey: String
    public var customerId: String
    public var contactId: String?
    public var festival: ChineseFestival?
    /// The birthday or festival; for a visit, the day it falls due.
    public var occasion: CivilDate
    /// The day the task is for (the occasion less the lead days); a visit stays due after it.
    public var dueOn: CivilDate
    public var message: LocalizedText
}

public struct CareRules: Sendable {
    public var policy: CarePolicy
    public init(policy: CarePolicy = CarePolicy()) { self.policy = policy }

    /// The tasks for one day's run.
    public func tasks(on today: CivilDate, for customers: [CareCustomer]) -> [CareTask] {
        tasks(from: today, through: today, for: customers)
    }

    /// The tasks due on any day from `first` through `last` (from the day after the last run to
    /// today), each once, by due date. An overdue return visit is included until it is made.
    public func tasks(from first: CivilDate, through last: CivilDate, for customers: [CareCustomer]) -> [CareTask] {
        guard first <= last else { return [] }
        var result: [CareTask] = []
        // A lead time can put next year's occasion in this range, and a lunar birthday late in the
        // lunar year falls in the next Gregorian year.
        let years = (first.year - 1)...(last.year + 1)
        let inRange = { (d: CivilDate) in first <= d && d <= last }
        let intervals = policy.effectiveVisitIntervalDays
        let festivals = policy.effectiveFestivals
        let birthdayClasses = policy.birthdays?.classes
        // The festivals' days, worked out once for everyone rather than per customer (the lunar
        // ones are a calendar conversion each), and only those whose greeting falls in the range.
        let festivalDays: [(greeting: CarePolicy.FestivalGreeting, year: Int, day: CivilDate, due: CivilDate)] = festivals.flatMap { greeting in
            years.compactMap { year in
                let day = greeting.festival.gregorianDate(in: year)
                let due = SalesCalendar.adding(days: -greeting.effectiveLeadDays, to: day)
                return inRange(due) ? (greeting, year, day, due) : nil
            }
        }
        var celebrations: [ContactBirthday: [Int: CivilDate?]] = [:]
        func celebration(_ birthday: ContactBirthday, _ year: Int) -> CivilDate? {
            if let known = celebrations[birthday]?[year] { return known }
            let day = birthday.celebration(in: year)
            celebrations[birthday, default: [:]][year] = .some(day)
            return day
        }
        for customer in customers {
            if let interval = intervals[customer.customerClass], interval > 0 {
                let from = customer.lastVisit ?? customer.since
                let due = SalesCalendar.adding(days: interval, to: from)
                if due <= last, customer.visitListedThrough.map({ due > $0 }) ?? true {
                    let values = ["name": customer.name, "customer": customer.name, "date": customer.lastVisit?.description ?? "—"]
                    result.append(CareTask(kind: .returnVisit, dedupeKey: "visit:\(customer.id):\(due)", customerId: customer.id,
                                           occasion: due, dueOn: due, message: Self.render(policy.returnVisitTemplate, values)))
                }
            }
            for (greeting, year, day, due) in festivalDays where greeting.effectiveClasses.contains(customer.customerClass) {
                result.append(CareTask(kind: .festivalGreeting, dedupeKey: "holiday:\(greeting.festival.rawValue):\(year):\(customer.id)",
                                       customerId: customer.id, festival: greeting.festival, occasion: day, dueOn: due,
                                       message: Self.render(policy.festivalTemplate, ["name": customer.name, "customer": customer.name, "date": day.description],
                                                            festival: greeting.festival.name)))
            }
            guard policy.birthdaysEnabled, birthdayClasses?.contains(customer.customerClass) ?? true else { continue }
            for contact in customer.contacts {
                guard let birthday = contact.birthday else { continue }
                for year in years {
                    guard let day = celebration(birthday, year) else { continue }
                    let due = SalesCalendar.adding(days: -policy.birthdayLeadDays, to: day)
                    guard inRange(due) else { continue }
                    result.append(CareTask(kind: .birthday, dedupeKey: "birthday:\(contact.id):\(year)", customerId: customer.id,
                                           contactId: contact.id, occasion: day, dueOn: due,
                                           message: Self.render(policy.birthdayTemplate, ["name": contact.name, "customer": customer.name, "date": day.description])))
                }
            }
        }
        return result.sorted { ($0.dueOn, $0.dedupeKey) < ($1.dueOn, $1.dedupeKey) }
    }

    /// Replaces each {key} with its value; a placeholder without a value is left as written, so
    /// a mistyped template shows the mistake instead of hiding it.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            out += values[key] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// A template in every language, {festival} in each language's own words.
    public static func render(_ template: LocalizedText, _ values: [String: String], festival: LocalizedText? = nil) -> LocalizedText {
        func one(_ text: String, _ locale: AppLocale) -> String {
            var v = values
            if let festival { v["festival"] = festival[locale] }
            return render(text, v)
        }
        return LocalizedText(zhHans: one(template.zhHans, .zhHans), zhHant: one(template.zhHant, .zhHant), en: one(template.en, .en))
    }
}
