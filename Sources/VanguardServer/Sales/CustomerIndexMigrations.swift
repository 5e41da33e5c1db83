import Fluent
import SQLKit

extension SalesMigrations {
    /// Sales changes that landed after the other chapters' tables (`contacts_email` came with the
    /// campaigns): appended, never reordered.
    static let later: [any Migration] = [PartialLookupIndexes(), CustomerSearchLexemes(), AddCustomerNameOrder(), RekeyNames.uncommon(Customer.schema), CustomerSearchFirstPair(), RekeyNames.longS(Customer.schema), CustomerSearchPhoneGroups(),
                                         AddContactNameOrder(), CustomerSearchFirstPairOnly(), SearchIndexFirstPairOnSQLite(), ActivitiesByDay(),
                                         CustomerSearchFirstPairAgain(), OpportunitiesByStage(), CustomerSearchLexemesColumn(), ReceivablesListIndexes()]
}

/// Credit codes and contacts' e-mails are missing on most records (none of a typical import's
/// rows has either), and a plain index holds an entry for every NULL: one more index insert per
/// row for nothing, since both are only ever looked up by value. Partial indexes hold the values
/// alone; an equality, IN or range condition on the column implies `IS NOT NULL`, so both
/// databases' planners still use them.
struct PartialLookupIndexes: AsyncMigration {
    static let indexes = [("customers_uscc", Customer.schema, "uscc"), ("contacts_email", Contact.schema, "email")]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, column) in Self.indexes {
            try await sql.drop(index: name).run()
            try await sql.raw("CREATE INDEX \(ident: name) ON \(ident: table) (\(ident: column)) WHERE \(ident: column) IS NOT NULL").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, column) in Self.indexes {
            try await sql.drop(index: name).run()
            try await sql.raw("CREATE INDEX \(ident: name) ON \(ident: table) (\(ident: column))").run()
        }
    }
}

/// PostgreSQL: the customer search index holds the search document's own tokens as lexemes
/// (`array_to_tsvector`) instead of running the text through `to_tsvector`'s parser. The tokens
/// are made in Swift already (`CustomerSearch.document`), and parsing them again was a fifth of
/// PostgreSQL's work in a 20,000-row import. Queries name the lexemes exactly (`'星辰' & '辰光'`,
/// `'星':*`), as SQLite's FTS5 index matches the same tokens.
struct CustomerSearchLexemes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("DROP INDEX IF EXISTS customers_search").run()
        try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN (array_to_tsvector(array_remove(string_to_array(search_text, ' '), '')))").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
        try await sql.raw("CREATE INDEX customers_search ON customers USING GIN (to_tsvector('simple', search_text))").run()
    }
}

/// PostgreSQL: the search index also holds each name's first pair marked ("^上海"), so a fragment
/// that starts many names (a city) finds the names holding it elsewhere without reading every
/// one that starts with it (`NamePrefixSplit`). SQLite's FTS5 index knows token positions (`^`).
/// The index keeps its name: upkeep and statistics refer to it.
struct CustomerSearchFirstPair: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
        try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN ((\(unsafeRaw: CustomerSearch.postgresLexemesFirstPairTwice())))").run()
        // The split reads how many names start with a pair from the index's statistics.
        try await database.analyze(tables: [Customer.schema])
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
        try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN (array_to_tsvector(array_remove(string_to_array(search_text, ' '), '')))").run()
    }
}

/// PostgreSQL: the search index holds a name's first pair marked only ("^上海"), not also plain,
/// so the names holding a pair elsewhere than at their start are its plain entry alone
/// (`CustomerSearch.postgresLexemes`). The index is made again under its name; the texts stay.
struct CustomerSearchFirstPairOnly: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await remake(database, CustomerSearch.postgresLexemesOfText())
    }

    func revert(on database: any Database) async throws {
        try await remake(database, CustomerSearch.postgresLexemesFirstPairTwice())
    }

    private func remake(_ database: any Database, _ expression: String) async throws {
        guard let sql = database as? any SQLDatabase, sql.isPostgres else { return }
        try await sql.raw("DROP INDEX IF EXISTS customers_search_lexemes").run()
        try await sql.raw("CREATE INDEX customers_search_lexemes ON customers USING GIN ((\(unsafeRaw: expression)))").run()
        // The split and the walk read the tokens' shares from the index's statistics.
        try await database.analyze(tables: [Customer.schema])
    }
}

/// SQLite: the search index holds a name's first pair marked only, as PostgreSQL's does
/// (`CustomerSearch.sqliteIndexed`). The index is made again: contentless, since what it holds
/// is no longer the column as it is (FTS5 reads an external content table's column itself when
/// rebuilding or deleting), with '^' a token character. The triggers write the marked text and
/// delete by rowid.
struct SearchIndexFirstPairOnSQLite: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, !sql.isPostgres else { return }
        try await AddCustomerSearch.dropSQLiteIndex(sql)
        try await sql.raw("""
            CREATE VIRTUAL TABLE customer_search USING fts5(search_text, content='', contentless_delete=1, tokenize="\(unsafeRaw: CustomerSearch.sqliteTokenizer)")
            """).run()
        try await sql.raw("INSERT INTO customer_search(rowid, search_text) SELECT rowid, \(unsafeRaw: CustomerSearch.sqliteIndexed("search_text")) FROM customers").run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
              INSERT INTO customer_search(rowid, search_text) VALUES (new.rowid, \(unsafeRaw: CustomerSearch.sqliteIndexed("new.search_text")));
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
              DELETE FROM customer_search WHERE rowid = old.rowid;
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
              DELETE FROM customer_search WHERE rowid = old.rowid;
              INSERT INTO customer_search(rowid, search_text) VALUES (new.rowid, \(unsafeRaw: CustomerSearch.sqliteIndexed("new.search_text")));
            END
            """).run()
    }

    /// Back to the external-content index of the column as it is, as `AddCustomerSearch` and
    /// `CustomerSearchPhoneGroups` made it.
    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, !sql.isPostgres else { return }
        try await AddCustomerSearch.dropSQLiteIndex(sql)
        try await AddCustomerSearch.createSQLiteIndex(sql)
    }
}
