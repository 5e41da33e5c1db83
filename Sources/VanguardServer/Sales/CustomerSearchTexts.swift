import Fluent
import Foundation
import SQLKit

/// Makes every customer's search text again as `CustomerSearch.document` makes it today, for a
/// migration that changed what the text holds. Rows are read in batches of 5,000 with their
/// contacts' phone keys, and only changed texts are written. Run again after an interruption, it
/// finishes the job.
enum CustomerSearchTexts {
    static let batch = 5_000

    /// A batch's rows with their contacts' phone keys (space-separated) and the new text where it changed.
    private static func changed(_ rows: [any SQLRow]) throws -> [(row: any SQLRow, text: String)] {
        try rows.compactMap { row in
            let contacts = try row.decode(column: "contact_keys", as: String?.self)?.split(separator: " ").map(String.init) ?? []
            let own = try row.decode(column: "phone_key", as: String?.self)
            let text = CustomerSearch.document(name: try row.decode(column: "name", as: String.self), phoneKeys: [own].compactMap { $0 } + contacts)
            return text == (try row.decode(column: "search_text", as: String.self)) ? nil : (row, text)
        }
    }

    /// Batches by rowid; a batch's changed texts go as one JSON array of `[rowid, text]` pairs.
    static func remakeSQLite(_ sql: any SQLDatabase) async throws {
        var after = 0
        while true {
            let rows = try await sql.raw("""
                SELECT c.rowid AS r, c.name, c.phone_key, c.search_text,
                       (SELECT group_concat(k.phone_key, ' ') FROM contacts AS k WHERE k.customer_id = c.id AND k.phone_key IS NOT NULL) AS contact_keys
                FROM customers AS c WHERE c.rowid > \(bind: after) ORDER BY c.rowid LIMIT \(unsafeRaw: String(batch))
                """).all()
            guard let last = rows.last else { return }
            let texts = try changed(rows).map { RowidText(row: try $0.row.decode(column: "r", as: Int.self), text: $0.text) }
            if !texts.isEmpty {
                let json = String(decoding: try JSONEncoder().encode(texts), as: UTF8.self)
                try await sql.raw("""
                    UPDATE customers SET search_text = j.value ->> 1 FROM json_each(\(bind: json)) AS j WHERE customers.rowid = j.value ->> 0
                    """).run()
            }
            after = try last.decode(column: "r", as: Int.self)
        }
    }

    /// Batches by id; a batch's changed texts go as two arrays joined to the rows by `unnest`.
    static func remakePostgres(_ sql: any SQLDatabase) async throws {
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let rows = try await sql.raw("""
                SELECT c.id, c.name, c.phone_key, c.search_text,
                       (SELECT string_agg(k.phone_key, ' ') FROM contacts AS k WHERE k.customer_id = c.id AND k.phone_key IS NOT NULL) AS contact_keys
                FROM customers AS c WHERE c.id > \(bind: after) ORDER BY c.id LIMIT \(unsafeRaw: String(batch))
                """).all()
            guard let last = rows.last else { return }
            let texts = try changed(rows)
            if !texts.isEmpty {
                let ids = try texts.map { try $0.row.decode(column: "id", as: UUID.self) }
                try await sql.raw("""
                    UPDATE customers AS t SET search_text = v.t FROM unnest(\(bind: ids)::uuid[], \(bind: texts.map(\.text))::text[]) AS v(id, t) WHERE t.id = v.id
                    """).run()
            }
            after = try last.decode(column: "id", as: UUID.self)
        }
    }
}

/// A name's first pair comes a second time, unmarked, in its search text when the name holds it
/// again after its start (`CustomerSearch.namePairs`), so a search splitting the names starting
/// with a fragment from the others finds the others with one index entry (`NamePrefixSplit`).
/// Few names change (上海路上海科技, Sunny Summit); their indexes follow row by row, by the
/// triggers on SQLite and the expression index on PostgreSQL.
struct CustomerSearchFirstPairAgain: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.isPostgres { try await CustomerSearchTexts.remakePostgres(sql) } else { try await CustomerSearchTexts.remakeSQLite(sql) }
    }

    /// The texts stay: an older text lacks the second entry, which only the split reads.
    func revert(on database: any Database) async throws {}
}
