import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// A market-promotion record of this part of the chapter: versioned (ETag), soft-deleted and
/// restorable, every change in the history under `entityType`.
protocol MarketingRecord: Model, Sendable where IDValue == UUID {
    var version: Int { get set }
    var deletedAt: Date? { get }
    static var entityType: String { get }
    var label: String { get }
}

extension Partner: MarketingRecord { static let entityType = "partner"; var label: String { name } }
extension PartnerContact: MarketingRecord { static let entityType = "partnerContact"; var label: String { name } }
extension PartnerEngagement: MarketingRecord { static let entityType = "partnerEngagement"; var label: String { title } }
extension ChannelAccount: MarketingRecord { static let entityType = "channelAccount"; var label: String { name } }
extension ContentPost: MarketingRecord { static let entityType = "contentPost"; var label: String { title } }

/// The writes every marketing record shares, each inside one transaction with its history entry.
enum MarketingWrites {
    /// The end of a save, inside its transaction: nothing when nothing changed; else the next
    /// version, the row and the history entry.
    static func commit<R: MarketingRecord, DTO: Encodable>(_ r: R, creating: Bool, before: DTO?, req: Request, on db: any Database,
                                                           dto: (R) -> DTO) async throws -> R {
        if !creating {
            guard r.hasChanges else { return r }
            r.version += 1
        }
        try await r.save(on: db)
        try await Audit.record(creating ? .create : .update, R.entityType, id: r.id, label: r.label, before: before, after: dto(r), request: req, on: db)
        return r
    }

    static func delete<R: MarketingRecord, DTO: Encodable & Sendable>(_ r: R, req: Request, dto: @escaping @Sendable (R) -> DTO) async throws {
        try ETag.check(req, version: r.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(R.schema, id: r.id, r.version)
            let before = dto(r)
            try await r.delete(on: db)
            try await Audit.record(.delete, R.entityType, id: r.id, label: r.label, before: before, after: Optional<DTO>.none, request: req, on: db)
        }
    }

    static func restore<R: MarketingRecord, DTO: Encodable & Sendable>(_ r: R, what: String, req: Request, dto: @escaping @Sendable (R) -> DTO) async throws {
        guard r.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This \(what) is not deleted.") }
        try await req.db.writeTransaction { db in
            try await r.restore(on: db)
            r.version += 1
            try await r.save(on: db)
            try await Audit.record(.restore, R.entityType, id: r.id, label: r.label, before: Optional<DTO>.none, after: dto(r), request: req, on: db)
        }
    }
}

/// Partners (MKT-5): the firms, their contacts and engagements; every change in one transaction
/// with its history entry.
enum PartnerService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Partner {
        let id = try req.uuid("id", "partner")
        var q = Partner.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let p = try await q.first() else { throw Problem.notFound("partner") }
        return p
    }

    static func facts(_ p: Partner, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: p.ownerMemberId, on: db)
    }

    static func new(owner: UUID?) -> Partner {
        let p = Partner()
        p.kind = PartnerKind.other.rawValue; p.notes = ""; p.ownerMemberId = owner; p.version = 1
        return p
    }

    static func save(_ p: Partner, _ input: PartnerInput, creating: Bool, req: Request) async throws -> Partner {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: p.version) }
        let before = creating ? nil : PartnerDTO(p, locale: .en)
        if let v = input.kind { p.kind = v }
        if let v = input.name { p.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.uscc.given { p.uscc = input.uscc.applied(to: p.uscc).flatMap { $0.isEmpty ? nil : $0.uppercased() } }
        if input.website.given { p.website = input.website.applied(to: p.website).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.notes { p.notes = v }
        if input.ownerId.given { p.ownerMemberId = input.ownerId.applied(to: p.ownerMemberId) }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(Partner.schema, id: p.id, p.version) }
            try await PromotionGroup.checkOwner(p.ownerMemberId, on: db)
            if let uscc = p.uscc {
                var dup = Partner.query(on: db).filter(\.$uscc == uscc)
                if let id = p.id { dup = dup.filter(\.$id != id) }
                if let other = try await dup.first() {
                    throw Problem.conflict("uscc", "duplicate", "\(other.name) already has this credit code.")
                }
            }
            return try await MarketingWrites.commit(p, creating: creating, before: before, req: req, on: db) { PartnerDTO($0, locale: .en) }
        }
    }

    static func delete(_ p: Partner, req: Request) async throws {
        try await MarketingWrites.delete(p, req: req) { PartnerDTO($0, locale: .en) }
    }

    static func restore(_ p: Partner, req: Request) async throws {
        try await MarketingWrites.restore(p, what: "partner", req: req) { PartnerDTO($0, locale: .en) }
    }

    static func contacts(_ p: Partner, on db: any Database) async throws -> [PartnerContact] {
        try await PartnerContact.query(on: db).filter(\.$partnerId == p.id!).sort(\.$name).sort(\.$id).all()
    }

    static func engagements(_ p: Partner, on db: any Database) async throws -> [PartnerEngagement] {
        try await PartnerEngagement.query(on: db).filter(\.$partnerId == p.id!).sort(\.$startOn, .descending).sort(\.$id).all()
    }

    /// The partner page's figures, from its (not deleted) engagements.
    static func summary(_ p: Partner, engagements: [PartnerEngagement], on db: any Database) async throws -> PartnerSummaryDTO {
        let rated = engagements.compactMap(\.rating)
        return PartnerSummaryDTO(partnerId: p.id!, engagements: engagements.count,
                                 finished: engagements.filter { $0.engagementStatus == .finished }.count,
                                 agreedTotal: YuanInput.yuan(engagements.reduce(0) { $0 + $1.agreedAmountFen }),
                                 spend: YuanInput.yuan(try await PartnerSpend.fen(partner: p.id!, engagements: engagements, on: db)),
                                 averageRating: PartnerRules.averageRating(rated), ratedEngagements: rated.count)
    }
}

/// What the company spent with a partner (MKT-5), for the partner page's "Spend" section.
///
/// For now this is the sum of the agreed amounts of the partner's engagements: no spend is
/// booked against partners yet. When campaign spend entries carry a `partner_id` (the campaign
/// part of the chapter), sum those entries here instead (converted to fen in CNY), and keep the
/// agreed total as its own figure — the page and `GET /api/v1/partners/{id}/summary` read
/// their spend only from this function.
enum PartnerSpend {
    /// What campaigns booked with the partner (MKT-5), in fen of CNY; the agreed amounts are shown apart.
    static func fen(partner: UUID, engagements: [PartnerEngagement], on db: any Database) async throws -> Int64 {
        guard let sql = db as? any SQLDatabase else { return 0 }
        let row = try await sql.select().column(SQLQueryString("CAST(COALESCE(SUM(cny_fen), 0) AS BIGINT)"), as: "n").from(CampaignSpend.schema)
            .where("partner_id", .equal, partner).where("deleted_at", .is, SQLLiteral.null).first()
        return try row?.decode(column: "n", as: Int64.self) ?? 0
    }
}

/// A partner's contacts: whoever may change the partner changes them.
enum PartnerContactService {
    static func find(_ req: Request, partner: Partner) async throws -> PartnerContact {
        let id = try req.uuid("contactId", "partner contact")
        guard let c = try await PartnerContact.query(on: req.db).filter(\.$id == id).filter(\.$partnerId == partner.id!).first() else {
            throw Problem.notFound("partner contact")
        }
        return c
    }

    static func save(_ c: PartnerContact, _ input: PartnerContactInput, creating: Bool, req: Request) async throws -> PartnerContact {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: c.version) }
        let before = creating ? nil : PartnerContactDTO(c)
        if let v = input.name { c.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.title { c.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.mobile.given { c.mobile = input.mobile.applied(to: c.mobile).flatMap { $0.isEmpty ? nil : $0 } }
        if input.email.given { c.email = input.email.applied(to: c.email).flatMap { $0.isEmpty ? nil : $0.lowercased() } }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(PartnerContact.schema, id: c.id, c.version) }
            return try await MarketingWrites.commit(c, creating: creating, before: before, req: req, on: db) { PartnerContactDTO($0) }
        }
    }

    static func delete(_ c: PartnerContact, req: Request) async throws {
        try await MarketingWrites.delete(c, req: req) { PartnerContactDTO($0) }
    }

    static func new(partner: UUID) -> PartnerContact {
        let c = PartnerContact()
        c.partnerId = partner; c.title = ""; c.version = 1
        return c
    }
}

/// A partner's engagements: the dates, the amount, the status and the rating checked by
/// `PartnerRules` on the engagement as it would be saved.
enum PartnerEngagementService {
    static func find(_ req: Request, partner: Partner) async throws -> PartnerEngagement {
        let id = try req.uuid("engagementId", "engagement")
        guard let e = try await PartnerEngagement.query(on: req.db).filter(\.$id == id).filter(\.$partnerId == partner.id!).first() else {
            throw Problem.notFound("engagement")
        }
        return e
    }

    static func save(_ e: PartnerEngagement, _ input: PartnerEngagementInput, creating: Bool, req: Request) async throws -> PartnerEngagement {
        var errors = FieldErrors()
        let fen = input.validate(creating: creating, into: &errors)
        try errors.throwIfAny()
        if !creating { try ETag.check(req, version: e.version) }
        let before = creating ? nil : PartnerEngagementDTO(e, locale: .en)
        let from = creating ? nil : e.engagementStatus
        if let v = input.title { e.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.campaignId.given { e.campaignId = input.campaignId.applied(to: e.campaignId) }
        if let v = input.startOn { e.startOn = v }
        if input.endOn.given { e.endOn = input.endOn.applied(to: e.endOn).flatMap { $0.isEmpty ? nil : $0 } }
        if let fen { e.agreedAmountFen = fen }
        if let v = input.status { e.status = v }
        if input.rating.given { e.rating = input.rating.applied(to: e.rating) }
        if let v = input.ratingComment { e.ratingComment = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.notes { e.notes = v }
        let facts = EngagementFacts(status: e.engagementStatus, startOn: CivilDate(e.startOn) ?? CivilDate(year: 2000, month: 1, day: 1)!,
                                    endOn: e.endOn.flatMap(CivilDate.init), rating: e.rating, ratingComment: e.ratingComment)
        let problems = PartnerRules.problems(facts, from: from)
        if !problems.isEmpty {
            let moveRefused = problems.contains { $0.code == "moveNotAllowed" }
            throw moveRefused ? Problem(.conflict, code: "engagement-move-refused", title: "The engagement cannot move to \(e.status).",
                                        detail: problems.map(\.message).joined(separator: " "), errors: problems)
                              : Problem.invalid(problems)
        }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(PartnerEngagement.schema, id: e.id, e.version) }
            try await CampaignService.requireCampaign(e.campaignId, on: db)
            return try await MarketingWrites.commit(e, creating: creating, before: before, req: req, on: db) { PartnerEngagementDTO($0, locale: .en) }
        }
    }

    static func delete(_ e: PartnerEngagement, req: Request) async throws {
        try await MarketingWrites.delete(e, req: req) { PartnerEngagementDTO($0, locale: .en) }
    }

    static func new(partner: UUID) -> PartnerEngagement {
        let e = PartnerEngagement()
        e.partnerId = partner; e.agreedAmountFen = 0; e.status = EngagementStatus.planned.rawValue; e.ratingComment = ""; e.notes = ""; e.version = 1
        return e
    }
}
