import Foundation
import Fluent
import SQLKit

extension Database {
    /// Creates an index through SQLKit, which both SQLite and PostgreSQL understand.
    func index(_ name: String, on table: String, _ columns: [String], unique: Bool = false) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}

extension SQLDatabase {
    var isPostgres: Bool { dialect.name == "postgresql" }

    /// The China calendar day ("2026-09-24") of a timestamp column, as `CivilDate.on` reads an
    /// instant: for roll-ups rebuilt in SQL, which must book each row on the same day as the app.
    func chinaDay(_ column: String) -> SQLQueryString {
        isPostgres ? "to_char(\(ident: column) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')" : "date(\(ident: column) + 28800, 'unixepoch')"
    }

    /// Seconds from one timestamp column to another (SQLite keeps timestamps as seconds).
    func seconds(from: String, to: String) -> SQLQueryString {
        isPostgres ? "EXTRACT(EPOCH FROM (\(ident: to) - \(ident: from)))" : "(\(ident: to) - \(ident: from))"
    }
}

extension Database {
    /// Refreshes the planner's statistics. Run after a bulk load: PostgreSQL's autovacuum may not
    /// have analysed a freshly filled table yet, and without statistics it sorts the whole table
    /// instead of walking the list's index (measured: 616 instead of 2,048 req/s on the member list).
    func analyze() async throws {
        guard let sql = self as? any SQLDatabase else { return }
        try await sql.raw("ANALYZE").run()
    }
}

extension Database {
    /// Compare-and-swap for optimistic concurrency, called first inside a write transaction: the
    /// row still has the version the request read (else 412), and keeps it until commit. Two
    /// clients sending the same ETag at once can then never both win. PostgreSQL locks the row
    /// (`FOR UPDATE`); SQLite's `BEGIN IMMEDIATE` already holds the database's write lock.
    func requireVersion(_ schema: String, id: UUID?, _ version: Int) async throws {
        guard let id, let sql = self as? any SQLDatabase else { return }
        let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        let row = try await sql.raw("SELECT version FROM \(ident: schema) WHERE id = \(bind: id)\(unsafeRaw: lock)").first()
        guard let current = try row?.decode(column: "version", as: Int.self), current == version else { throw Problem.preconditionFailed }
    }
}

extension SQLDatabase {
    /// Rows written with multi-row INSERTs of `batch` rows, for bulk writes (imports). Fluent's
    /// `create` reflects over every model it writes: two thirds of a 20,000-row customer import's
    /// time went there. Keep `batch` × columns under SQLite's 32,766 bound values.
    func insert(into table: String, columns: [String], rows: [[any SQLExpression]], batch: Int) async throws {
        for start in stride(from: 0, to: rows.count, by: batch) {
            var builder = insert(into: table).columns(columns)
            for row in rows[start..<min(start + batch, rows.count)] { builder = builder.values(row) }
            try await builder.run()
        }
    }
}

/// A value to bind, or NULL.
func bindOrNull(_ value: (some Encodable & Sendable)?) -> any SQLExpression {
    value.map { SQLBind($0) } ?? SQLLiteral.null
}

extension Database {
    /// About how many rows `table` holds, without counting them (a count reads the whole table:
    /// 0.1 s at a million rows): SQLite's highest rowid, PostgreSQL's estimate (-1 before its first
    /// ANALYZE).
    func approximateRows(_ table: String) async throws -> Int {
        guard let sql = self as? any SQLDatabase else { return 0 }
        let query: SQLQueryString = sql.isPostgres ? "SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass(\(bind: table))"
                                                   : "SELECT coalesce(max(rowid), 0) AS n FROM \(ident: table)"
        return try await sql.raw(query).first()?.decode(column: "n", as: Int?.self) ?? 0
    }

    /// Refreshes the planner's statistics for `tables` only, after a bulk load into them. A whole
    /// ANALYZE of the 1M-customer bench database takes over a second of CPU.
    func analyze(tables: [String]) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ANALYZE \(unsafeRaw: tables.map { "\"\($0)\"" }.joined(separator: ", "))").run()
        } else {
            for table in tables { try await sql.raw("ANALYZE \(ident: table)").run() }
        }
    }

    /// Which of `values` `column` of `table` already holds, in rows not deleted unless
    /// `includingDeleted`: a file's names or phones against a million customers. PostgreSQL gets
    /// them as arrays of 2,000 (`= ANY`), all at once on the pool's connections: with 20,000 in
    /// one array its planner chose a parallel scan of the whole table (0.27 s) over the index (2–7
    /// ms per 1,000–3,000), and one array after another kept the import waiting 0.25 s. SQLite gets
    /// them in one statement as a JSON array (`json_each`), probing the column's index for each:
    /// 40 statements of 500 bound values took 0.09 s for 20,000 values, one a few milliseconds.
    func existing(_ values: Set<String>, in column: String, of table: String, includingDeleted: Bool = false) async throws -> Set<String> {
        guard !values.isEmpty, let sql = self as? any SQLDatabase else { return [] }
        @Sendable func found(_ candidates: any SQLExpression) async throws -> [String] {
            var query = sql.select().column(SQLIdentifier(column)).from(table)
                .where(SQLIdentifier(column), sql.isPostgres ? .equal : .in, candidates)
            if !includingDeleted { query = query.where(SQLIdentifier("deleted_at"), .is, SQLLiteral.null) }
            return try await query.all().map { try $0.decode(column: column, as: String.self) }
        }
        guard sql.isPostgres else {
            let json = String(decoding: try JSONEncoder().encode(Array(values)), as: UTF8.self)
            return Set(try await found(SQLGroupExpression(SQLQueryString("SELECT value FROM json_each(\(bind: json))"))))
        }
        return try await withThrowingTaskGroup(of: [String].self) { group in
            for chunk in Array(values).chunked(2_000) {
                group.addTask { try await found(SQLFunction("ANY", args: SQLBind(chunk))) }
            }
            var all = Set<String>()
            for try await part in group { all.formUnion(part) }
            return all
        }
    }

    /// Runs `body` with a larger SQLite page cache on this connection (a transaction's), then puts
    /// the old size back. A bulk insert into big tables touches pages all over their indexes; with
    /// the default 2 MB cache it re-reads and spills them (raw inserts of 20,000 customers,
    /// contacts and history rows into the 1M bench: 2.3 s CPU with 2 MB, 1.6 s with a large cache).
    /// PostgreSQL: just `body`.
    func withLargePageCache<T>(mebibytes: Int, _ body: () async throws -> T) async throws -> T {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite" else { return try await body() }
        let old = try await sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self) ?? -2000
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-mebibytes * 1024))").run()
        do {
            let result = try await body()
            try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            return result
        } catch {
            try? await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            throw error
        }
    }
}
