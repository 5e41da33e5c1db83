import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Reading and handling risk warnings (RSK-M2). The rules raise them; people only take them on,
/// edit the response plan and resolve them.
enum WarningService {
    static func find(_ req: Request) async throws -> RiskWarningRecord {
        guard let w = try await RiskWarningRecord.find(try req.uuid("id", "warning"), on: req.db) else { throw Problem.notFound("warning") }
        return w
    }

    static func facts(_ w: RiskWarningRecord, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: w.ownerMemberId, on: db)
    }

    /// The warnings someone may read, as `decide(_, .read, .riskWarning)` allows: all for admins, the
    /// lead and executives; a group lead's own and their group members'; a member's own.
    static func scoped(_ q: QueryBuilder<RiskWarningRecord>, _ actor: Actor) -> QueryBuilder<RiskWarningRecord> {
        if [.admin, .lead, .executive].contains(actor.role) { return q }
        guard let me = actor.memberId else { return q.filter(\.$id == UUID()) }
        if actor.role == .groupLead, let group = actor.groupId {
            return q.group(.or) { or in
                or.filter(\.$ownerMemberId == me)
                or.filter(.sql(SQLQueryString("\(ident: RiskWarningRecord.schema).owner_member_id IN (SELECT id FROM \(ident: Member.schema) WHERE group_id = \(bind: group))")))
            }
        }
        return q.filter(\.$ownerMemberId == me)
    }

    static let statuses = RiskWarningStatus.allCases.map(\.rawValue)

    /// The list for the API and the page; `status=open` (the default on the page) means open or acknowledged.
    static func query(_ req: Request, strict: Bool, defaultStatus: String? = nil) throws -> (ListRequest, QueryBuilder<RiskWarningRecord>) {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["raisedAt"], defaultSort: "-raisedAt")
        let q = scoped(RiskWarningRecord.query(on: req.db), user.actor)
        let status = try req.queryChoice("status", from: statuses + ["any"], strict: strict) ?? defaultStatus
        if status == RiskWarningStatus.open.rawValue { q.filter(\.$status ~~ RiskWarningStatus.allCases.filter(\.isOpen).map(\.rawValue)) }
        else if let status, status != "any" { q.filter(\.$status == status) }
        if let s = try req.queryChoice("severity", from: RiskSeverity.allCases.map(\.rawValue), strict: strict) { q.filter(\.$severity == s) }
        if let k = try req.queryText("subjectKind", max: 40) { q.filter(\.$subjectKind == k) }
        if let r = try req.queryText("ruleKey", max: 60) { q.filter(\.$ruleKey == r) }
        if let o = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == o) }
        return (list, list.apply(to: q, column: "raised_key"))
    }

    /// Open warnings the person may read: the count on the navigation's badge.
    static func openCount(_ req: Request) async throws -> Int {
        guard let user = req.currentUser else { return 0 }
        return try await scoped(RiskWarningRecord.query(on: req.db), user.actor)
            .filter(\.$status ~~ RiskWarningStatus.allCases.filter(\.isOpen).map(\.rawValue)).count()
    }

    /// Changes the plan and moves the status (already authorised): checks all at once, If-Match, then
    /// the change and its history entry in one transaction.
    static func update(_ w: RiskWarningRecord, _ input: RiskWarningInput, req: Request) async throws -> RiskWarningRecord {
        var e = FieldErrors()
        e.check("responsePlan", Validators.maxLength(input.responsePlan, 5_000, field: "responsePlan"))
        e.check("resolutionNote", Validators.maxLength(input.resolutionNote, 5_000, field: "resolutionNote"))
        e.choice("status", input.status, statuses)
        try e.throwIfAny()
        let target = input.status.flatMap(RiskWarningStatus.init) ?? w.warningStatus
        let note = input.resolutionNote ?? (w.resolutionNote.isEmpty ? nil : w.resolutionNote)
        let refused = w.warningStatus.problems(movingTo: target, resolutionNote: note)
        if !refused.isEmpty { throw Problem(.conflict, code: "invalid-move", title: "This warning cannot move so.", detail: refused.map(\.message).joined(separator: " "), errors: refused) }
        if input.resolutionNote != nil && target != .resolved {
            throw Problem.invalid("resolutionNote", "notResolving", "A resolution note goes with resolving the warning (status resolved).")
        }
        try ETag.check(req, version: w.version)
        let before = RiskWarningDTO(w, locale: .en)
        let user = try req.requireUser()
        if let v = input.responsePlan { w.responsePlan = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if target != w.warningStatus {
            if target == .acknowledged || (target == .resolved && w.acknowledgedAt == nil) { w.acknowledgedBy = user.actor.userId; w.acknowledgedAt = req.now }
            if target == .resolved { w.resolvedBy = user.actor.userId; w.resolvedAt = req.now }
            w.status = target.rawValue
        }
        if let v = input.resolutionNote { w.resolutionNote = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        return try await MarketingResearch.write(w, creating: false, type: "riskWarning", label: { "\($0.ruleKey): \($0.messageZhHans)" }, before: before,
                                                 snapshot: { RiskWarningDTO($0, locale: .en) }, req: req)
    }
}

/// `/api/v1/warnings` (RSK-M2): the warnings the rules raised, newest first, filtered by status,
/// severity and subject; one warning; its plan and status changed with If-Match.
struct WarningsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let w = routes.grouped("warnings")
        w.get(use: list)
        w.get(":id", use: show)
        w.patch(":id", use: update)
        w.get(":id", "history", use: history)
    }

    func list(req: Request) async throws -> PageOf<RiskWarningDTO> {
        let (list, q) = try WarningService.query(req, strict: true)
        let locale = req.locale
        return list.page(try await q.all(), value: { $0.raisedKey }, id: { $0.id }, map: { RiskWarningDTO($0, locale: locale) })
    }

    func show(req: Request) async throws -> Response {
        let w = try await WarningService.find(req)
        try req.authorize(.read, .riskWarning(try await WarningService.facts(w, on: req.db)))
        return try RiskWarningDTO(w, locale: req.locale).response(version: w.version)
    }

    func update(req: Request) async throws -> Response {
        let w = try await WarningService.find(req)
        try req.authorize(.update, .riskWarning(try await WarningService.facts(w, on: req.db)))
        let saved = try await WarningService.update(w, try req.decodeJSON(RiskWarningInput.self), req: req)
        return try RiskWarningDTO(saved, locale: req.locale).response(version: saved.version)
    }

    func history(req: Request) async throws -> Response {
        let w = try await WarningService.find(req)
        try req.authorize(.read, .riskWarning(try await WarningService.facts(w, on: req.db)))
        return try await AuditAPI.page(req, entityType: "riskWarning", entityId: w.id!, hidden: [])
    }
}
