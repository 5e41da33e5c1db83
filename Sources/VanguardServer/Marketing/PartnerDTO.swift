import Foundation
import Vapor
import VanguardCore

/// A partner as the API shows it (MKT-5).
struct PartnerDTO: Content, Equatable {
    var id: UUID
    var kind: String
    var kindName: String
    var name: String
    var uscc: String?
    var website: String?
    var notes: String
    var ownerId: UUID?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ p: Partner, locale: AppLocale) {
        id = p.id!; kind = p.kind; kindName = p.partnerKind.name[locale]; name = p.name; uscc = p.uscc; website = p.website
        notes = p.notes; ownerId = p.ownerMemberId; version = p.version; createdAt = p.createdAt; updatedAt = p.updatedAt; deletedAt = p.deletedAt
    }
}

struct PartnerContactDTO: Content, Equatable {
    var id: UUID
    var partnerId: UUID
    var name: String
    var title: String
    var mobile: String?
    var email: String?
    var version: Int

    init(_ c: PartnerContact) {
        id = c.id!; partnerId = c.partnerId; name = c.name; title = c.title; mobile = c.mobile; email = c.email; version = c.version
    }
}

struct PartnerEngagementDTO: Content, Equatable {
    var id: UUID
    var partnerId: UUID
    var title: String
    var campaignId: UUID?
    var startOn: String
    var endOn: String?
    /// Yuan, two decimals at most (stored as fen), like every amount in the API.
    var agreedAmount: Double
    var status: String
    var statusName: String
    var rating: Int?
    var ratingComment: String
    var notes: String
    var version: Int

    init(_ e: PartnerEngagement, locale: AppLocale) {
        id = e.id!; partnerId = e.partnerId; title = e.title; campaignId = e.campaignId; startOn = e.startOn; endOn = e.endOn
        agreedAmount = YuanInput.yuan(e.agreedAmountFen); status = e.status; statusName = e.engagementStatus.name[locale]
        rating = e.rating; ratingComment = e.ratingComment; notes = e.notes; version = e.version
    }
}

/// What the partner's page adds up: engagements, the agreed total, the spend, the average rating.
struct PartnerSummaryDTO: Content, Equatable {
    var partnerId: UUID
    var engagements: Int
    var finished: Int
    var agreedTotal: Double
    var spend: Double
    var averageRating: Double?
    var ratedEngagements: Int
}

struct PartnerInput: Content {
    var kind: String?
    var name: String?
    var uscc: Patch<String> = .absent
    var website: Patch<String> = .absent
    var notes: String?
    var ownerId: Patch<UUID> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, name, uscc, website, notes, ownerId }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresentNonNull(String.self, forKey: .kind)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        uscc = try c.decodePatch(String.self, forKey: .uscc)
        website = try c.decodePatch(String.self, forKey: .website)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || name != nil { e.check("name", Validators.required(name, field: "name")) }
        if creating && kind == nil { e.add("kind", "required", "This field is required.") }
        e.check("name", Validators.maxLength(name, 200, field: "name"))
        e.check("notes", Validators.maxLength(notes, 5_000, field: "notes"))
        e.choice("kind", kind, PartnerKind.allCases.map(\.rawValue))
        if case .value(let v) = uscc, !v.isEmpty { e.check("uscc", Validators.uscc(v)) }
        if case .value(let v) = website, !v.isEmpty {
            e.check("website", Validators.maxLength(v, 300, field: "website"))
            if !ContentCalendar.isWebLink(v) { e.add("website", "invalidLink", "Give a web address starting http:// or https://.") }
        }
        return e
    }
}

struct PartnerContactInput: Content {
    var name: String?
    var title: String?
    var mobile: Patch<String> = .absent
    var email: Patch<String> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable { case name, title, mobile, email }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        mobile = try c.decodePatch(String.self, forKey: .mobile)
        email = try c.decodePatch(String.self, forKey: .email)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || name != nil { e.check("name", Validators.required(name, field: "name")) }
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("title", Validators.maxLength(title, 100, field: "title"))
        // An empty text is not a value: clearing a field is `null`.
        if case .value(let v) = mobile { e.check("mobile", Validators.prcMobile(v)) }
        if case .value(let v) = email { e.check("email", Validators.email(v)) }
        return e
    }
}

struct PartnerEngagementInput: Content {
    var title: String?
    var campaignId: Patch<UUID> = .absent
    var startOn: String?
    var endOn: Patch<String> = .absent
    var agreedAmount: Double?
    var status: String?
    var rating: Patch<Int> = .absent
    var ratingComment: String?
    var notes: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, campaignId, startOn, endOn, agreedAmount, status, rating, ratingComment, notes }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        campaignId = try c.decodePatch(UUID.self, forKey: .campaignId)
        startOn = try c.decodeIfPresentNonNull(String.self, forKey: .startOn)
        endOn = try c.decodePatch(String.self, forKey: .endOn)
        agreedAmount = try c.decodeIfPresentNonNull(Double.self, forKey: .agreedAmount)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        rating = try c.decodePatch(Int.self, forKey: .rating)
        ratingComment = try c.decodeIfPresentNonNull(String.self, forKey: .ratingComment)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    /// The field checks; the rules between fields (dates, rating) are `PartnerRules`' and run on
    /// the engagement as it would be saved.
    func validate(creating: Bool, into e: inout FieldErrors) -> Int64? {
        if creating || title != nil { e.check("title", Validators.required(title, field: "title")) }
        if creating && startOn == nil { e.add("startOn", "required", "This field is required.") }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("ratingComment", Validators.maxLength(ratingComment, 2_000, field: "ratingComment"))
        e.check("notes", Validators.maxLength(notes, 5_000, field: "notes"))
        e.choice("status", status, EngagementStatus.allCases.map(\.rawValue))
        if let v = startOn, CivilDate(v) == nil { e.add("startOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        if case .value(let v) = endOn, CivilDate(v) == nil { e.add("endOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return agreedAmount.flatMap { YuanInput.fen($0, field: "agreedAmount", into: &e) }
    }
}
