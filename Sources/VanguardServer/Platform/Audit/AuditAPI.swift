import Fluent
import Vapor
import VanguardCore

/// An audit event as the API shows it, with the field-by-field changes.
struct AuditEventDTO: Content {
    var id: UUID
    var occurredAt: Date
    var actorUserId: UUID?
    var actorName: String
    var action: String
    var entityType: String
    var entityId: UUID?
    var entityLabel: String
    var changes: [AuditChange]
    var requestId: String?

    init(_ e: AuditEvent, hidden: Set<String>) {
        id = e.id!
        occurredAt = e.occurredAt
        actorUserId = e.actorUserId
        actorName = e.actorName
        action = e.action
        entityType = e.entityType
        entityId = e.entityId
        entityLabel = e.entityLabel
        changes = AuditChange.diff(before: e.before, after: e.after, hiding: hidden)
        requestId = e.requestId
    }
}

/// `/api/v1/audit-events`: the global history, for admins, the lead and executives.
struct AuditAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit-events", use: list)
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .auditTrail)
        let entityId = try req.queryUUID("entityId")
        // Personal data inside snapshots stays hidden in the global history.
        return try await Self.page(req, entityType: try req.queryText("entityType", max: 40), entityId: entityId,
                                   hidden: MemberDTO.confidentialFields.union(["passwordHash"]))
    }

    /// One page of events, newest first; used by the global list and every record's history.
    static func page(_ req: Request, entityType: String?, entityId: UUID?, hidden: Set<String>) async throws -> Response {
        let list = try ListRequest.parse(req, sortable: ["occurredAt"], defaultSort: "-occurredAt")
        let q = AuditEvent.query(on: req.db)
        if let entityType, !entityType.isEmpty { q.filter(\.$entityType == entityType) }
        if let entityId { q.filter(\.$entityId == entityId) }
        if let action = try req.queryChoice("action", from: AuditAction.allCases.map(\.rawValue)) { q.filter(\.$action == action) }
        let rows = try await list.applyByTime(to: q, column: "occurred_at").all()
        let page = list.page(rows, value: { String($0.occurredAt.timeIntervalSince1970) }, id: { $0.id }) { AuditEventDTO($0, hidden: hidden) }
        return try await page.encodeResponse(for: req)
    }
}
