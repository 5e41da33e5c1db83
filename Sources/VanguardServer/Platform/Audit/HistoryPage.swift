import Fluent
import Vapor
import VanguardCore

/// A record's history tab on the web: who changed what, when, field by field (G-5).
enum HistoryPage {
    struct EventView: Encodable {
        var when: String
        var who: String
        var action: String
        var actionLabel: String
        var changes: [AuditChange]
    }

    struct Context: Encodable {
        var heading: String
        var backHref: String
        var events: [EventView]
    }

    static func events(_ req: Request, entityType: String, id: UUID, hidden: Set<String>) async throws -> [EventView] {
        let locale = req.locale
        let rows = try await AuditEvent.query(on: req.db).filter(\.$entityType == entityType).filter(\.$entityId == id)
            .sort(\.$occurredAt, .descending).limit(200).all()
        return rows.map { e in
            EventView(when: MemberPages.format(e.occurredAt, locale), who: e.actorName, action: e.action,
                      actionLabel: req.t("action" + e.action.prefix(1).uppercased() + e.action.dropFirst()),
                      changes: AuditChange.diff(before: e.before, after: e.after, hiding: hidden).map {
                          AuditChange(field: req.t($0.field), before: $0.before, after: $0.after)
                      })
        }
    }

    static func render(_ req: Request, entityType: String, id: UUID, heading: String, backHref: String, section: String) async throws -> Response {
        let context = Context(heading: heading, backHref: backHref, events: try await events(req, entityType: entityType, id: id, hidden: []))
        return try await req.page("Platform/history", title: heading, section: section, context)
    }
}
