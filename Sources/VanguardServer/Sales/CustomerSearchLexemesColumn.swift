import Fluent
import SQLKit

/// PostgreSQL: a customer may carry its search index's lexemes, worked out by the bulk write that
/// made it (`CustomerSearch.postgresIndexedBinary`), and the index takes them as they are instead of
/// splitting and sorting the search text itself (`CustomerSearch.postgresLexemes`). Making them
/// in the index was about a sixth of PostgreSQL's work in a customer import: the one process
/// writing an import's transaction is what limits its speed there (docs/benchmarks.md).
///
/// Rows written one at a time (Fluent) carry none and the index works them out as before. A
/// change of the search text makes the stored lexemes stale: a trigger empties them, whoever
/// changes the text (the model, `CustomerSearch.refresh`, a migration remaking the texts).
/// SQLite: nothing (its FTS5 index is written by triggers from the text).
struct CustomerSearchLexemesColumn: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("ALTER TABLE customers ADD COLUMN search_lexemes tsvector").run()
        try await sql.raw("""
            CREATE FUNCTION customers_search_lexemes_stale() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.search_lexemes := NULL;
              RETURN NEW;
            END $$
            """).run()
        // Unless the same update also wrote the lexemes for the new text.
        try await sql.raw("""
            CREATE TRIGGER customers_search_lexemes_stale BEFORE UPDATE OF search_text ON customers FOR EACH ROW
            WHEN (NEW.search_text IS DISTINCT FROM OLD.search_text AND NEW.search_lexemes IS NOT DISTINCT FROM OLD.search_lexemes)
            EXECUTE FUNCTION customers_search_lexemes_stale()
            """).run()
        try await remakeIndex(sql, CustomerSearch.postgresLexemes())
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await remakeIndex(sql, CustomerSearch.postgresLexemesOfText())
        try await sql.raw("DROP TRIGGER IF EXISTS customers_search_lexemes_stale ON customers").run()
        try await sql.raw("DROP FUNCTION IF EXISTS customers_search_lexemes_stale()").run()
        try await sql.raw("ALTER TABLE customers DROP COLUMN IF EXISTS search_lexemes").run()
    }

    /// The index made again under its name (upkeep and the statistics' readers name it), built
    /// before the old one goes so that searches keep an index meanwhile.
    private func remakeIndex(_ sql: any SQLDatabase, _ expression: String) async throws {
        try await sql.raw("CREATE INDEX customers_search_lexemes_next ON customers USING GIN ((\(unsafeRaw: expression)))").run()
        try await sql.raw("DROP INDEX customers_search_lexemes").run()
        try await sql.raw("ALTER INDEX customers_search_lexemes_next RENAME TO customers_search_lexemes").run()
        // The split and the walk read the tokens' shares from the index's statistics.
        try await sql.raw("ANALYZE customers").run()
    }
}
