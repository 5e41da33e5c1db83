import Foundation
import Vapor
import VanguardCore

/// What a campaign form or API call may set (MP-2). Amounts are yuan, as elsewhere in the API.
/// A status move comes in the same input, so a plan can be completed and submitted at once.
struct CampaignInput: Content {
    var name: String?
    var type: String?
    var goalMetric: Patch<String> = .absent
    var goalTarget: Patch<Int64> = .absent
    var goalNote: String?
    var audience: String?
    var channels: [String]?
    var contentPlan: String?
    var budget: Double?
    var plannedCostPerLead: Patch<Double> = .absent
    var startOn: Patch<String> = .absent
    var endOn: Patch<String> = .absent
    var ownerId: Patch<UUID> = .absent
    var slug: String?
    var formOpen: Bool?
    var lessons: String?
    var followUp: String?
    var status: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type, goalMetric, goalTarget, goalNote, audience, channels, contentPlan, budget, plannedCostPerLead, startOn, endOn,
             ownerId, slug, formOpen, lessons, followUp, status
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        type = try c.decodeIfPresentNonNull(String.self, forKey: .type)
        goalMetric = try c.decodePatch(String.self, forKey: .goalMetric)
        goalTarget = try c.decodePatch(Int64.self, forKey: .goalTarget)
        goalNote = try c.decodeIfPresentNonNull(String.self, forKey: .goalNote)
        audience = try c.decodeIfPresentNonNull(String.self, forKey: .audience)
        channels = try c.decodeIfPresentNonNull([String].self, forKey: .channels)
        contentPlan = try c.decodeIfPresentNonNull(String.self, forKey: .contentPlan)
        budget = try c.decodeIfPresentNonNull(Double.self, forKey: .budget)
        plannedCostPerLead = try c.decodePatch(Double.self, forKey: .plannedCostPerLead)
        startOn = try c.decodePatch(String.self, forKey: .startOn)
        endOn = try c.decodePatch(String.self, forKey: .endOn)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
        slug = try c.decodeIfPresentNonNull(String.self, forKey: .slug)
        formOpen = try c.decodeIfPresentNonNull(Bool.self, forKey: .formOpen)
        lessons = try c.decodeIfPresentNonNull(String.self, forKey: .lessons)
        followUp = try c.decodeIfPresentNonNull(String.self, forKey: .followUp)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    /// Field checks that need no database; the plan's own rules run on the result (`CampaignRules.validate`).
    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating { e.check("name", Validators.required(name, field: "name")) }
        if creating && type == nil { e.add("type", "required", "This field is required.") }
        e.choice("type", type, CampaignType.allCases.map(\.rawValue))
        e.choice("status", status, CampaignStatus.allCases.map(\.rawValue))
        if case .value(let m) = goalMetric { e.choice("goalMetric", m, GoalMetric.allCases.map(\.rawValue)) }
        e.check("goalNote", Validators.maxLength(goalNote, 1000, field: "goalNote"))
        e.check("audience", Validators.maxLength(audience, 2000, field: "audience"))
        e.check("contentPlan", Validators.maxLength(contentPlan, 10_000, field: "contentPlan"))
        e.check("lessons", Validators.maxLength(lessons, 10_000, field: "lessons"))
        e.check("followUp", Validators.maxLength(followUp, 10_000, field: "followUp"))
        if let budget, budget >= 0 { _ = YuanInput.fen(budget, field: "budget", into: &e) }
        if let budget, !budget.isFinite || budget < -1_000_000_000_000 { e.add("budget", "outOfRange", "From 0 to 1,000,000,000,000 yuan.") }
        if case .value(let cpl) = plannedCostPerLead, cpl >= 0 { _ = YuanInput.fen(cpl, field: "plannedCostPerLead", into: &e) }
        if case .value(let d) = startOn, CivilDate(d) == nil { e.add("startOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        if case .value(let d) = endOn, CivilDate(d) == nil { e.add("endOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        if let slug, slug.range(of: "^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$", options: .regularExpression) == nil {
            e.add("slug", "invalidSlug", "Small letters, digits and hyphens, at most 60, e.g. expo-2026-shanghai.")
        }
        if let channels, channels.count > 20 { e.add("channels", "tooMany", "At most 20 channels.") }
        return e
    }

    /// Yuan to fen for a figure that passed `validate`; a negative one keeps its sign for the plan's rules to name.
    static func fen(_ yuan: Double) -> Int64 { Int64((yuan * 100).rounded()) }
}

struct CampaignDTO: Content, Equatable {
    var id: UUID
    var code: String
    var slug: String
    var formUrl: String
    var name: String
    var type: String
    var typeName: String
    var status: String
    var statusName: String
    var goalMetric: String?
    var goalTarget: Int64?
    var goalNote: String
    var audience: String
    var channels: [String]
    var contentPlan: String
    var budget: Double
    var plannedCostPerLead: Double?
    var startOn: String?
    var endOn: String?
    var ownerId: UUID?
    var lessons: String
    var followUp: String
    var formOpen: Bool
    /// Whether only the team lead may approve this budget (above the policy's threshold).
    var needsLeadApproval: Bool
    var submittedAt: Date?
    var approvedAt: Date?
    var approvedBy: UUID?
    var evaluatedAt: Date?
    var createdAt: Date
    var version: Int

    init(_ c: Campaign, locale: AppLocale, policy: MarketingPolicy) {
        id = c.id!; code = c.code; slug = c.slug; formUrl = "/forms/\(c.slug)"; name = c.name; type = c.type
        typeName = policy.effectiveCampaignTypes.first { $0.type.rawValue == c.type }?.effectiveName[locale] ?? c.type
        status = c.status; statusName = c.campaignStatus.name[locale]
        goalMetric = c.goalMetric; goalTarget = c.goalTarget; goalNote = c.goalNote; audience = c.audience; channels = c.channelKeys
        contentPlan = c.contentPlan; budget = YuanInput.yuan(c.budgetFen); plannedCostPerLead = c.plannedCostPerLeadFen.map(YuanInput.yuan)
        startOn = c.startOn; endOn = c.endOn; ownerId = c.ownerMemberId; lessons = c.lessons; followUp = c.followUp; formOpen = c.formOpen
        needsLeadApproval = policy.campaignRules.needsLeadApproval(Money(fen: c.budgetFen))
        submittedAt = c.submittedAt; approvedAt = c.approvedAt; approvedBy = c.approvedBy; evaluatedAt = c.evaluatedAt
        createdAt = c.createdAt; version = c.version
    }
}

struct CampaignActivityInput: Content {
    var title: String?
    var ownerId: Patch<UUID> = .absent
    var dueOn: Patch<String> = .absent
    var done: Bool?
    var notes: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, ownerId, dueOn, done, notes }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
        dueOn = try c.decodePatch(String.self, forKey: .dueOn)
        done = try c.decodeIfPresentNonNull(Bool.self, forKey: .done)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || title != nil { e.check("title", Validators.required(title, field: "title")) }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("notes", Validators.maxLength(notes, 5000, field: "notes"))
        if case .value(let d) = dueOn, CivilDate(d) == nil { e.add("dueOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return e
    }
}

struct CampaignActivityDTO: Content, Equatable {
    var id: UUID
    var campaignId: UUID
    var title: String
    var ownerId: UUID?
    var dueOn: String?
    var doneAt: Date?
    var notes: String
    var version: Int

    init(_ a: CampaignActivity) {
        id = a.id!; campaignId = a.campaignId; title = a.title; ownerId = a.ownerMemberId; dueOn = a.dueOn; doneAt = a.doneAt
        notes = a.notes; version = a.version
    }
}

/// A spend entry as typed: the amount in its currency (two decimals), the rate for a foreign one.
struct CampaignSpendInput: Content {
    var spentOn: String?
    var currency: String?
    var amount: Double?
    var rate: String?
    var partnerId: UUID?
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case spentOn, currency, amount, rate, partnerId, note }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spentOn = try c.decodeIfPresentNonNull(String.self, forKey: .spentOn)
        currency = try c.decodeIfPresentNonNull(String.self, forKey: .currency)
        amount = try c.decodeIfPresentNonNull(Double.self, forKey: .amount)
        rate = try c.decodeIfPresentNonNull(String.self, forKey: .rate)
        partnerId = try c.decodeIfPresentNonNull(UUID.self, forKey: .partnerId)
        note = try c.decodeIfPresentNonNull(String.self, forKey: .note)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// The entry, or every problem with it at once by field (the rules' own checks included).
    func entry(campaignId: UUID) -> Result<SpendEntry, FieldErrors> {
        var e = FieldErrors()
        let day = spentOn.flatMap(CivilDate.init)
        if spentOn == nil { e.add("spentOn", "required", "This field is required.") }
        else if day == nil { e.add("spentOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        var minor: Int64?
        if let amount {
            if amount.isFinite, abs(amount) <= 1_000_000_000_000 {
                let scaled = amount * 100
                if abs(scaled - scaled.rounded()) < 0.000_001 { minor = Int64(scaled.rounded()) } else { e.add("amount", "tooPrecise", "At most two decimals.") }
            } else { e.add("amount", "outOfRange", "From 0.01 to 1,000,000,000,000.") }
        } else { e.add("amount", "required", "This field is required.") }
        var parsedRate: ExchangeRate?
        if let rate, !rate.trimmingCharacters(in: .whitespaces).isEmpty {
            parsedRate = ExchangeRate(rate)
            if parsedRate == nil { e.add("rate", "invalidRate", "Give the rate as CNY per unit with at most six decimals, e.g. 7.1234.") }
        }
        e.check("note", Validators.maxLength(note, 1000, field: "note"))
        let candidate = SpendEntry(campaignId: campaignId, partnerId: partnerId, date: day ?? CivilDate(year: 2000, month: 1, day: 1)!,
                                   currency: (currency ?? SpendEntry.homeCurrency).trimmingCharacters(in: .whitespaces).uppercased(),
                                   amount: minor ?? 1, rate: parsedRate, note: note ?? "")
        for p in candidate.problems().all where !(p.field == "rate" && e.all.contains { $0.field == "rate" }) && !(p.field == "amount" && minor == nil) {
            e.add(p.field, p.code, p.message)
        }
        return e.isEmpty ? .success(candidate) : .failure(e)
    }
}

struct CampaignSpendDTO: Content, Equatable {
    var id: UUID
    var campaignId: UUID
    var partnerId: UUID?
    var spentOn: String
    var currency: String
    var amount: Double
    var rate: String?
    /// The amount in CNY, fixed when it was booked.
    var cny: Double
    var note: String
    var version: Int

    init(_ s: CampaignSpend) {
        id = s.id!; campaignId = s.campaignId; partnerId = s.partnerId; spentOn = s.spentOn; currency = s.currency
        amount = YuanInput.yuan(s.amount); rate = s.rate; cny = YuanInput.yuan(s.cnyFen); note = s.note; version = s.version
    }
}
