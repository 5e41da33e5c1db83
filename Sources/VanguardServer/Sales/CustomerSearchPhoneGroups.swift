import Fluent
import Foundation
import SQLKit

/// Remakes every customer's search text as `CustomerSearch.document` came to make it: a phone's
/// groups of four digits instead of its pairs, the contacts' phones and the name's digits added
/// as groups too, the credit code left out. The index is made again once afterwards, from all
/// rows, which is faster than keeping it in step row by row: SQLite's update trigger is dropped
/// meanwhile and the FTS5 index rebuilt; PostgreSQL's GIN index is dropped and created again
/// (under its old name). Rows are read in batches and only changed texts are written (`CustomerSearchTexts`).
/// Run again after an interruption, it finishes the job: every step can be repeated.
struct CustomerSearchPhoneGroups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.isPostgres {
            try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
            try await CustomerSearchTexts.remakePostgres(sql)
            try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN ((\(unsafeRaw: CustomerSearch.postgresLexemesFirstPairTwice())))").run()
            try await database.analyze(tables: [Customer.schema])
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS customers_search_update").run()
            try await CustomerSearchTexts.remakeSQLite(sql)
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
}
