import Fluent
import Foundation
import SQLKit

/// Remakes every customer's search text as `CustomerSearch.document` came to make it: a phone's
/// groups of four digits instead of its pairs, the contacts' phones and the name's digits added
/// as groups too, the credit code left out. The index is made again once afterwards, from all
/// rows, which is faster than keeping it in step row by row: SQLite's update trigger is dropped
/// meanwhile and the FTS5 index rebuilt; PostgreSQL's GIN index is dropped and created again
/// (under its old name). Rows are read in batches of 5,000 and only changed texts are written.
/// Run again after an interruption, it finishes the job: every step can be repeated.
struct CustomerSearchPhoneGroups: AsyncMigration {
    static let batch = 5_000

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.isPostgres {
            try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
            try await remakePostgres(sql)
            try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN ((\(unsafeRaw: CustomerSearch.postgresLexemesFirstPairTwice())))").run()
            try await database.analyze(tables: [Customer.schema])
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS customers_search_update").run()
            try await remakeSQLite(sql)
            try await sql.raw("INSERT INTO customer_search(customer_search) VALUES('rebuild')").run()
            try await sql.raw("""
                CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
                  INSERT INTO customer_search(customer_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
                  INSERT INTO customer_search(rowid, search_text) VALUES (new.rowid, new.search_text);
                END
                """).run()
        }
    }

    /// The texts stay as they are: the older ones are found by the same names, and by phones
    /// only through their pairs, which the search no longer asks for.
    func revert(on database: any Database) async throws {}

    /// A batch's rows with their contacts' phone keys (space-separated) and the new text where it changed.
    private func changed(_ rows: [any SQLRow]) throws -> [(row: any SQLRow, text: String)] {
        try rows.compactMap { row in
            let contacts = try row.decode(column: "contact_keys", as: String?.self)?.split(separator: " ").map(String.init) ?? []
            let own = try row.decode(column: "phone_key", as: String?.self)
            let text = CustomerSearch.document(name: try row.decode(column: "name", as: String.self), phoneKeys: [own].compactMap { $0 } + contacts)
            return text == (try row.decode(column: "search_text", as: String.self)) ? nil : (row, text)
        }
    }

    /// Batches by rowid; a batch's changed texts go as one JSON array of `[rowid, text]` pairs.
    private func remakeSQLite(_ sql: any SQLDatabase) async throws {
        var after = 0
        while true {
            let rows = try await sql.raw("""
                SELECT c.rowid AS r, c.name, c.phone_key, c.search_text,
                       (SELECT group_concat(k.phone_key, ' ') FROM contacts AS k WHERE k.customer_id = c.id AND k.phone_key IS NOT NULL) AS contact_keys
                FROM customers AS c WHERE c.rowid > \(bind: after) ORDER BY c.rowid LIMIT \(unsafeRaw: String(Self.batch))
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
    private func remakePostgres(_ sql: any SQLDatabase) async throws {
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let rows = try await sql.raw("""
                SELECT c.id, c.name, c.phone_key, c.search_text,
                       (SELECT string_agg(k.phone_key, ' ') FROM contacts AS k WHERE k.customer_id = c.id AND k.phone_key IS NOT NULL) AS contact_keys
                FROM customers AS c WHERE c.id > \(bind: after) ORDER BY c.id LIMIT \(unsafeRaw: String(Self.batch))
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
