import Foundation

/// Service-level targets (CP-1, CP-2, RSK-C1): how soon a ticket of each type and priority gets
/// its first response and its resolution, counted in working time or 24×7, and when the agent is
/// warned that the time is running out. The policy pack may override any target; every
/// type × priority combination it leaves out keeps the standard target, so a ticket always has one.

/// What a ticket is about (SVC-1, SVC-2, SP-6).
public enum TicketType: String, Sendable, Codable, CaseIterable {
    case inquiry, complaint, dispute, afterSales

    public var name: LocalizedText {
        switch self {
        case .inquiry: LocalizedText(zhHans: "咨询", zhHant: "諮詢", en: "Inquiry")
        case .complaint: LocalizedText(zhHans: "投诉", zhHant: "投訴", en: "Complaint")
        case .dispute: LocalizedText(zhHans: "纠纷", zhHant: "糾紛", en: "Dispute")
        case .afterSales: LocalizedText(zhHans: "售后", zhHant: "售後", en: "After-sales")
        }
    }
}

/// How urgent a ticket is; lowest first.
public enum TicketPriority: String, Sendable, Codable, CaseIterable, Comparable {
    case low, normal, high, urgent

    public static func < (a: TicketPriority, b: TicketPriority) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public var name: LocalizedText {
        switch self {
        case .low: LocalizedText(zhHans: "低", zhHant: "低", en: "Low")
        case .normal: LocalizedText(zhHans: "普通", zhHant: "普通", en: "Normal")
        case .high: LocalizedText(zhHans: "高", zhHant: "高", en: "High")
        case .urgent: LocalizedText(zhHans: "紧急", zhHant: "緊急", en: "Urgent")
        }
    }
}

/// The targets for one ticket type and priority. Minutes are working minutes unless `clock` is
/// `continuous` (24×7). The warning comes either when a share of the target is used
/// (`warnAtFraction`, e.g. 0.8) or a number of minutes before it runs out (`warnBeforeMinutes`);
/// with neither, the SLA section's `warnAtFraction` applies.
public struct SLATarget: Sendable, Codable, Equatable {
    public var type: TicketType
    public var priority: TicketPriority
    public var firstResponseMinutes: Int
    public var resolutionMinutes: Int
    public var clock: ClockMode
    public var warnAtFraction: Double?
    public var warnBeforeMinutes: Int?

    public init(type: TicketType, priority: TicketPriority, firstResponseMinutes: Int, resolutionMinutes: Int,
                clock: ClockMode = .working, warnAtFraction: Double? = nil, warnBeforeMinutes: Int? = nil) {
        self.type = type
        self.priority = priority
        self.firstResponseMinutes = firstResponseMinutes
        self.resolutionMinutes = resolutionMinutes
        self.clock = clock
        self.warnAtFraction = warnAtFraction
        self.warnBeforeMinutes = warnBeforeMinutes
    }

    enum CodingKeys: String, CodingKey {
        case type, priority, firstResponseMinutes, resolutionMinutes, clock, warnAtFraction, warnBeforeMinutes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(TicketType.self, forKey: .type)
        priority = try c.decode(TicketPriority.self, forKey: .priority)
        firstResponseMinutes = try c.decode(Int.self, forKey: .firstResponseMinutes)
        resolutionMinutes = try c.decode(Int.self, forKey: .resolutionMinutes)
        clock = try c.decodeIfPresent(ClockMode.self, forKey: .clock) ?? .working
        warnAtFraction = try c.decodeIfPresent(Double.self, forKey: .warnAtFraction)
        warnBeforeMinutes = try c.decodeIfPresent(Int.self, forKey: .warnBeforeMinutes)
    }

    /// The clock minutes after which a clock with `targetMinutes` warns.
    public func warnAfterMinutes(of targetMinutes: Int, defaultFraction: Double) -> Int {
        if let before = warnBeforeMinutes { return max(0, targetMinutes - before) }
        let fraction = warnAtFraction ?? defaultFraction
        return min(targetMinutes, max(0, Int((Double(targetMinutes) * fraction).rounded())))
    }
}

/// The `service.sla` section of the policy pack.
public struct SLAPolicy: Sendable, Codable, Equatable {
    public var warnAtFraction: Double?
    /// Overrides of the standard targets, by type and priority.
    public var targets: [SLATarget]?

    public init(warnAtFraction: Double? = nil, targets: [SLATarget]? = nil) {
        self.warnAtFraction = warnAtFraction
        self.targets = targets
    }

    public static let standardWarnAtFraction = 0.8
    public var effectiveWarnAtFraction: Double { warnAtFraction ?? Self.standardWarnAtFraction }

    /// One target per type × priority: the pack's where it gives one, the standard one otherwise.
    public var effectiveTargets: [SLATarget] {
        Self.standardTargets.map { standard in
            targets?.first { $0.type == standard.type && $0.priority == standard.priority } ?? standard
        }
    }

    public func target(for type: TicketType, priority: TicketPriority) -> SLATarget {
        effectiveTargets.first { $0.type == type && $0.priority == priority }!
    }

    public func problems(field: String = "service.sla") -> [FieldError] {
        var errors = FieldErrors()
        if let f = warnAtFraction, !(f > 0 && f < 1) {
            errors.add("\(field).warnAtFraction", "outOfRange", "Give a fraction between 0 and 1, e.g. 0.8 to warn when 80% of the time is used.")
        }
        var seen = Set<String>()
        for (i, t) in (targets ?? []).enumerated() {
            let path = "\(field).targets[\(i)]"
            if !seen.insert("\(t.type.rawValue)/\(t.priority.rawValue)").inserted {
                errors.add(path, "duplicate", "There is already a target for \(t.type.rawValue) tickets of \(t.priority.rawValue) priority.")
            }
            if t.firstResponseMinutes <= 0 { errors.add("\(path).firstResponseMinutes", "tooSmall", "Must be more than 0 minutes.") }
            if t.resolutionMinutes <= 0 { errors.add("\(path).resolutionMinutes", "tooSmall", "Must be more than 0 minutes.") }
            if t.firstResponseMinutes > 0, t.resolutionMinutes > 0, t.firstResponseMinutes > t.resolutionMinutes {
                errors.add("\(path).resolutionMinutes", "beforeFirstResponse", "The resolution target cannot be shorter than the first-response target.")
            }
            if let f = t.warnAtFraction, !(f > 0 && f < 1) {
                errors.add("\(path).warnAtFraction", "outOfRange", "Give a fraction between 0 and 1.")
            }
            if let before = t.warnBeforeMinutes {
                if t.warnAtFraction != nil {
                    errors.add("\(path).warnBeforeMinutes", "conflict", "Give warnAtFraction or warnBeforeMinutes, not both.")
                }
                if before <= 0 || before >= t.firstResponseMinutes {
                    errors.add("\(path).warnBeforeMinutes", "outOfRange", "Must be more than 0 and less than the first-response target.")
                }
            }
        }
        return errors.all
    }

    /// A working day has 7.5 working hours with the standard hours.
    private static let day = 450

    private static func t(_ type: TicketType, _ priority: TicketPriority, _ response: Int, _ resolution: Int, _ clock: ClockMode = .working) -> SLATarget {
        SLATarget(type: type, priority: priority, firstResponseMinutes: response, resolutionMinutes: resolution, clock: clock)
    }

    /// Complaints get the fastest answers (CP-2: 迅速响应); disputes take longer to settle because
    /// other departments are involved; urgent tickets of every type run 24×7.
    public static let standardTargets: [SLATarget] = [
        t(.inquiry, .low, 480, 2 * day), t(.inquiry, .normal, 240, day), t(.inquiry, .high, 60, 240), t(.inquiry, .urgent, 30, 240, .continuous),
        t(.complaint, .low, 120, 3 * day), t(.complaint, .normal, 60, 2 * day), t(.complaint, .high, 30, day), t(.complaint, .urgent, 30, 480, .continuous),
        t(.dispute, .low, 240, 5 * day), t(.dispute, .normal, 120, 3 * day), t(.dispute, .high, 60, 2 * day), t(.dispute, .urgent, 30, 1440, .continuous),
        t(.afterSales, .low, 480, 5 * day), t(.afterSales, .normal, 240, 3 * day), t(.afterSales, .high, 120, day), t(.afterSales, .urgent, 30, 480, .continuous),
    ]
}
