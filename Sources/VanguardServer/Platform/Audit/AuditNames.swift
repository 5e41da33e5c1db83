import Fluent
import SQLKit
import Vapor
import VanguardCore

/// A history's record ids shown as what people call the records: "Owner: 黄丽君" rather than a
/// UUID. The fields the chapters' records use for their links are listed here, each with the
/// table and column holding the name (both languages' where the record has two). An id whose
/// record is gone stays as it is.
enum AuditNames {
    struct Source: Sendable, Hashable {
        var table: String
        /// SQL over the table's own columns, fixed here (never from input).
        var zh: String
        var en: String
    }

    private static func one(_ table: String, _ column: String) -> Source { Source(table: table, zh: column, en: column) }
    private static func two(_ table: String, zh: String, en: String) -> Source { Source(table: table, zh: zh, en: "COALESCE(NULLIF(\(en), ''), \(zh))") }

    static let sources: [String: Source] = {
        let member = two("members", zh: "name", en: "name_en")
        return [
            "ownerId": member, "assigneeId": member, "supervisorId": member, "leadMemberId": member,
            "groupId": two("team_groups", zh: "name_zh", en: "name_en"), "departmentId": two("departments", zh: "name_zh", en: "name_en"),
            "customerId": one("customers", "name"), "mergedIntoId": one("customers", "name"), "contactId": one("contacts", "name"),
            "opportunityId": one("opportunities", "title"), "quoteId": one("quotes", "number"), "contractId": one("contracts", "number"),
            "orderId": one("sales_orders", "number"), "invoiceId": one("sales_invoices", "number"), "ticketId": one("tickets", "number"),
            "productId": two("products", zh: "name", en: "name_en"), "campaignId": one("campaigns", "name"), "competitorId": one("competitors", "name"),
            "partnerId": one("partners", "name"), "channelAccountId": one("channel_accounts", "name"), "userId": one("users", "display_name"),
        ]
    }()

    /// Each event's changes with the ids of the fields above replaced by their records' names,
    /// one query per kind of record for all the events together.
    static func named(_ events: [[AuditChange]], locale: AppLocale, on db: any Database) async throws -> [[AuditChange]] {
        guard let sql = db as? any SQLDatabase else { return events }
        var wanted: [Source: Set<UUID>] = [:]
        for change in events.joined() {
            guard let source = sources[change.field] else { continue }
            for value in [change.before, change.after].compactMap({ $0 }) {
                if let id = UUID(uuidString: value) { wanted[source, default: []].insert(id) }
            }
        }
        var names: [Source: [UUID: String]] = [:]
        for (source, ids) in wanted {
            let rows = try await sql.select().column("id").column(SQLAlias(SQLRaw(locale == .en ? source.en : source.zh), as: SQLIdentifier("label")))
                .from(source.table).where("id", .in, Array(ids)).all()
            names[source] = Dictionary(try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "label", as: String.self)) },
                                       uniquingKeysWith: { a, _ in a })
        }
        guard !names.isEmpty else { return events }
        return events.map { changes in
            changes.map { change in
                guard let source = sources[change.field], let table = names[source] else { return change }
                func name(_ value: String?) -> String? { value.flatMap { UUID(uuidString: $0) }.flatMap { table[$0] } ?? value }
                return AuditChange(field: change.field, before: name(change.before), after: name(change.after))
            }
        }
    }
}
