import Fluent
import Foundation
import Vapor
import VanguardCore

/// `/api/v1/campaigns`: plans, approval and status moves, activities, spend (MKT-1, MKT-4, MP-2, MP-3).
/// A status move is a PATCH with `{"status": …}`; a move the rules refuse is a 409 problem that
/// says what is missing or who may approve.
struct CampaignsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("campaigns")
        c.get(use: list)
        c.post(use: create)
        c.get(":id", use: show)
        c.patch(":id", use: update)
        c.delete(":id", use: delete)
        c.post(":id", "restore", use: restore)
        c.get(":id", "history", use: history)
        c.get(":id", "activities", use: activities)
        c.post(":id", "activities", use: addActivity)
        c.get(":id", "spend", use: spend)
        c.post(":id", "spend", use: addSpend)
        c.delete(":id", "spend", ":spendId", use: removeSpend)
        routes.patch("campaign-activities", ":id", use: updateActivity)
    }

    func list(req: Request) async throws -> PageOf<CampaignDTO> {
        let policy = try await CampaignService.policy(req)
        let (list, rows) = try await CampaignList.page(req, strict: true)
        let locale = req.locale
        return list.page(rows, value: { CampaignList.sortValue($0, list.sortField) }, id: { $0.id }, map: { CampaignDTO($0, locale: locale, policy: policy) })
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeJSON(CampaignInput.self)
        let owner = input.ownerId.applied(to: user.actor.memberId)
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: owner, on: req.db)))
        let saved = try await CampaignService.save(CampaignService.new(owner: user.actor.memberId, now: req.now), input, creating: true, req: req)
        return try CampaignDTO(saved, locale: req.locale, policy: try await CampaignService.policy(req))
            .created(at: "/api/v1/campaigns/\(saved.id!)", version: saved.version)
    }

    func show(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.read, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try CampaignDTO(c, locale: req.locale, policy: try await CampaignService.policy(req)).response(version: c.version)
    }

    func update(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let saved = try await CampaignService.save(c, try req.decodeJSON(CampaignInput.self), creating: false, req: req)
        return try CampaignDTO(saved, locale: req.locale, policy: try await CampaignService.policy(req)).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let c = try await CampaignService.find(req)
        try req.authorize(.delete, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        try await CampaignService.delete(c, req: req)
        return .noContent
    }

    /// Back from the recycle bin as a new version; its spend, figures and leads never left.
    func restore(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let policy = try await CampaignService.policy(req)
        try await MarketingResearch.restore(c, type: "campaign", label: "\(c.code) \(c.name)", req: req) { CampaignDTO($0, locale: .en, policy: policy) }
        return try CampaignDTO(c, locale: req.locale, policy: policy).response(version: c.version)
    }

    func history(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.read, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try await AuditAPI.page(req, entityType: "campaign", entityId: c.id!, hidden: [])
    }

    func activities(req: Request) async throws -> [CampaignActivityDTO] {
        let c = try await CampaignService.find(req)
        try req.authorize(.read, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try await CampaignActivity.query(on: req.db).filter(\.$campaignId == c.id!).sort(\.$dueOn).sort(\.$title).all().map(CampaignActivityDTO.init)
    }

    func addActivity(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let a = CampaignActivity()
        a.campaignId = c.id!; a.notes = ""; a.version = 1
        let saved = try await CampaignService.saveActivity(a, try req.decodeJSON(CampaignActivityInput.self), campaign: c, creating: true, req: req)
        return try CampaignActivityDTO(saved).created(at: "/api/v1/campaigns/\(c.id!)/activities", version: saved.version)
    }

    func updateActivity(req: Request) async throws -> Response {
        guard let a = try await CampaignActivity.find(try req.uuid("id", "campaign activity"), on: req.db),
              let c = try await Campaign.find(a.campaignId, on: req.db) else { throw Problem.notFound("campaign activity") }
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let saved = try await CampaignService.saveActivity(a, try req.decodeJSON(CampaignActivityInput.self), campaign: c, creating: false, req: req)
        return try CampaignActivityDTO(saved).response(version: saved.version)
    }

    func spend(req: Request) async throws -> [CampaignSpendDTO] {
        let c = try await CampaignService.find(req)
        try req.authorize(.read, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try await CampaignSpend.query(on: req.db).filter(\.$campaignId == c.id!).sort(\.$spentOn).all().map(CampaignSpendDTO.init)
    }

    func addSpend(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let s = try await CampaignService.addSpend(try req.decodeJSON(CampaignSpendInput.self), to: c, req: req)
        return try CampaignSpendDTO(s).created(at: "/api/v1/campaigns/\(c.id!)/spend", version: s.version)
    }

    func removeSpend(req: Request) async throws -> HTTPStatus {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        guard let s = try await CampaignSpend.query(on: req.db).filter(\.$id == (try req.uuid("spendId", "spend entry"))).filter(\.$campaignId == c.id!).first()
        else { throw Problem.notFound("spend entry") }
        try await CampaignService.removeSpend(s, campaign: c, req: req)
        return .noContent
    }
}

/// The campaign list: search by name or code, filter by status, type, owner and a period the
/// campaign overlaps; sorted by start date (newest first by default) or name.
enum CampaignList {
    static let sortable = ["start", "name"]

    static func sortValue(_ c: Campaign, _ field: String) -> String { field == "name" ? c.name : (c.startOn ?? "") }

    static func page(_ req: Request, strict: Bool) async throws -> (ListRequest, [Campaign]) {
        let list = try ListRequest.parse(req, sortable: sortable, defaultSort: "-start")
        let q = Campaign.query(on: req.db)
        q.search(try req.queryText("q"), in: ["name", "code"])
        if let s = try req.queryChoice("status", from: CampaignStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == s) }
        if let t = try req.queryChoice("type", from: CampaignType.allCases.map(\.rawValue), strict: strict) { q.filter(\.$type == t) }
        if let o = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == o) }
        // A campaign without dates yet overlaps every period ("" sorts before any date).
        if let from = try day(req, "from", strict: strict) { q.group(.or) { $0.filter(\.$endText >= from.description).filter(\.$endText == "") } }
        if let to = try day(req, "to", strict: strict) { q.filter(\.$startText <= to.description) }
        let rows = try await list.apply(to: q, column: list.sortField == "name" ? "name" : "start_on",
                                        bind: { .bind($0) }).all()
        return (list, rows)
    }

    static func day(_ req: Request, _ name: String, strict: Bool) throws -> CivilDate? {
        guard let raw = req.queryString(name), !(raw.isEmpty && !strict) else { return nil }
        guard let d = CivilDate(raw) else { throw Request.queryProblem(name, "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return d
    }
}
