import Fluent
import Vapor
import VanguardCore

/// `/api/v1/partners` (MKT-5): partners, their contacts and engagements, and the summary the
/// partner page shows (agreed total, spend, average rating).
struct PartnersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("partners")
        p.get(use: list)
        p.post(use: create)
        p.get(":id", use: show)
        p.patch(":id", use: update)
        p.delete(":id", use: delete)
        p.post(":id", "restore", use: restore)
        p.get(":id", "history", use: history)
        p.get(":id", "summary", use: summary)
        p.get(":id", "contacts", use: contacts)
        p.post(":id", "contacts", use: addContact)
        p.get(":id", "contacts", ":contactId", use: showContact)
        p.patch(":id", "contacts", ":contactId", use: updateContact)
        p.delete(":id", "contacts", ":contactId", use: deleteContact)
        p.get(":id", "engagements", use: engagements)
        p.post(":id", "engagements", use: addEngagement)
        p.get(":id", "engagements", ":engagementId", use: showEngagement)
        p.patch(":id", "engagements", ":engagementId", use: updateEngagement)
        p.delete(":id", "engagements", ":engagementId", use: deleteEngagement)
    }

    static let sortable = ["name", "kind"]

    func list(req: Request) async throws -> PageOf<PartnerDTO> {
        let list = try PartnerList.parse(req, strict: true)
        let rows = try await list.query.all()
        let locale = req.locale
        return list.paging.page(rows, value: list.value, id: { $0.id }, map: { PartnerDTO($0, locale: locale) })
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(PartnerInput.self)
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let p = try await PartnerService.save(PartnerService.new(owner: user.actor.memberId), input, creating: true, req: req)
        return try PartnerDTO(p, locale: req.locale).created(at: "/api/v1/partners/\(p.id!)", version: p.version)
    }

    func show(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        return try PartnerDTO(p, locale: req.locale).response(version: p.version)
    }

    func update(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let saved = try await PartnerService.save(p, try req.decodeJSON(PartnerInput.self), creating: false, req: req)
        return try PartnerDTO(saved, locale: req.locale).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let p = try await PartnerService.find(req)
        try req.authorize(.delete, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerService.delete(p, req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerService.restore(p, req: req)
        return try PartnerDTO(p, locale: req.locale).response(version: p.version)
    }

    func history(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        return try await AuditAPI.page(req, entityType: "partner", entityId: p.id!, hidden: [])
    }

    func summary(req: Request) async throws -> PartnerSummaryDTO {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        return try await PartnerService.summary(p, engagements: try await PartnerService.engagements(p, on: req.db), on: req.db)
    }

    // MARK: contacts

    func contacts(req: Request) async throws -> [PartnerContactDTO] {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        return try await PartnerService.contacts(p, on: req.db).map(PartnerContactDTO.init)
    }

    func addContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let c = try await PartnerContactService.save(PartnerContactService.new(partner: p.id!), try req.decodeJSON(PartnerContactInput.self), creating: true, req: req)
        return try PartnerContactDTO(c).created(at: "/api/v1/partners/\(p.id!)/contacts/\(c.id!)", version: c.version)
    }

    func showContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let c = try await PartnerContactService.find(req, partner: p)
        return try PartnerContactDTO(c).response(version: c.version)
    }

    func updateContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let c = try await PartnerContactService.find(req, partner: p)
        let saved = try await PartnerContactService.save(c, try req.decodeJSON(PartnerContactInput.self), creating: false, req: req)
        return try PartnerContactDTO(saved).response(version: saved.version)
    }

    func deleteContact(req: Request) async throws -> HTTPStatus {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerContactService.delete(try await PartnerContactService.find(req, partner: p), req: req)
        return .noContent
    }

    // MARK: engagements

    func engagements(req: Request) async throws -> [PartnerEngagementDTO] {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let locale = req.locale
        return try await PartnerService.engagements(p, on: req.db).map { PartnerEngagementDTO($0, locale: locale) }
    }

    func addEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let e = try await PartnerEngagementService.save(PartnerEngagementService.new(partner: p.id!), try req.decodeJSON(PartnerEngagementInput.self),
                                                        creating: true, req: req)
        return try PartnerEngagementDTO(e, locale: req.locale).created(at: "/api/v1/partners/\(p.id!)/engagements/\(e.id!)", version: e.version)
    }

    func showEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.read, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let e = try await PartnerEngagementService.find(req, partner: p)
        return try PartnerEngagementDTO(e, locale: req.locale).response(version: e.version)
    }

    func updateEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let e = try await PartnerEngagementService.find(req, partner: p)
        let saved = try await PartnerEngagementService.save(e, try req.decodeJSON(PartnerEngagementInput.self), creating: false, req: req)
        return try PartnerEngagementDTO(saved, locale: req.locale).response(version: saved.version)
    }

    func deleteEngagement(req: Request) async throws -> HTTPStatus {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerEngagementService.delete(try await PartnerEngagementService.find(req, partner: p), req: req)
        return .noContent
    }
}

/// The partner list's query (API and page): search, kind and owner filters, sort by name or kind,
/// keyset paging.
struct PartnerList {
    var paging: ListRequest
    var query: QueryBuilder<Partner>
    var value: (Partner) -> String

    static func parse(_ req: Request, strict: Bool) throws -> PartnerList {
        try req.authorize(.read, .marketingRecord(MarketingFacts(promotionGroup: nil)))
        let list = try ListRequest.parse(req, sortable: PartnersAPI.sortable, defaultSort: "name")
        let q = Partner.query(on: req.db).search(try req.queryText("q"), in: ["name", "notes"])
        if let kind = try req.queryChoice("kind", from: PartnerKind.allCases.map(\.rawValue), strict: strict) { q.filter(\.$kind == kind) }
        if let owner = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == owner) }
        if list.sortField == "kind" { return PartnerList(paging: list, query: list.apply(to: q, column: "kind"), value: \.kind) }
        return PartnerList(paging: list, query: list.apply(to: q, column: "name"), value: \.name)
    }
}
