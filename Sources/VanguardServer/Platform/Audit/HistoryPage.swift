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
        // The record's own id is the page's subject, not a change worth a line.
        let changes = try await AuditNames.named(rows.map { AuditChange.diff(before: $0.before, after: $0.after, hiding: hidden).filter { $0.field != "id" } },
                                                 locale: locale, on: req.db)
        return zip(rows, changes).map { e, changes in
            EventView(when: MemberPages.format(e.occurredAt, locale), who: e.actorName, action: e.action,
                      actionLabel: req.t("action" + e.action.prefix(1).uppercased() + e.action.dropFirst()),
                      changes: changes.map { AuditChange(field: req.fieldLabel($0.field), before: $0.before, after: $0.after) })
        }
    }

    static func render(_ req: Request, entityType: String, id: UUID, heading: String, backHref: String, section: String) async throws -> Response {
        let context = Context(heading: heading, backHref: backHref, events: try await events(req, entityType: entityType, id: id, hidden: []))
        return try await req.page("Platform/history", title: heading, section: section, context)
    }
}

extension Request {
    /// A recorded field's name in the reader's words: `field_<name>` where a record's field needs
    /// its own label (customerId → Customer), else the form's label of the same name.
    func fieldLabel(_ field: String) -> String {
        let key = "field_" + field
        let label = t(key)
        return label == key ? t(field) : label
    }
}
