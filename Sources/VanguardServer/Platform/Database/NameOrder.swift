import Fluent
import SQLKit
import Vapor
import VanguardCore

/// A record that lists by its name in pinyin order (`PinyinOrder`): customers, contacts and members.
protocol PinyinNamed: AnyObject {
    var name: String { get }
    var nameOrder: String { get set }
}

/// Keeps every `PinyinNamed` record's sort key from its name whenever Fluent saves it, so no write
/// path can forget it. Bulk writes put the key in their rows themselves (`NewCustomer`).
struct NameOrderKeeper: AnyModelMiddleware {
    func handle(_ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder) -> EventLoopFuture<Void> {
        if let record = model as? any PinyinNamed {
            switch event {
            case .create, .update: record.nameOrder = PinyinOrder.key(record.name)
            default: break
            }
        }
        return next.handle(event, model, on: db)
    }

    static func install(_ app: Application) {
        for id in app.databases.ids() { app.databases.middleware.use(NameOrderKeeper(), on: id) }
    }
}

/// Adds `name_order` to `table`, fills it from `name` for the rows on file, and moves the name
/// indexes onto it (each `old` index on `oldColumns` becomes `new` on `newColumns`). PostgreSQL compares the column byte by
/// byte (`COLLATE "C"`), as SQLite does, so both order the keys alike. The column is filled before
/// its indexes exist, in batches of 5,000 by row.
struct NameOrderColumn {
    let table: String
    let indexes: [(old: String, oldColumns: [String], new: String, newColumns: [String])]
    static let batch = 5_000

    func add(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let collation = sql.isPostgres ? " COLLATE \"C\"" : ""
        try await sql.raw("ALTER TABLE \(ident: table) ADD COLUMN name_order TEXT\(unsafeRaw: collation) NOT NULL DEFAULT ''").run()
        if sql.isPostgres { try await fillPostgres(sql) } else { try await fillSQLite(sql) }
        for index in indexes {
            try await sql.drop(index: index.old).run()
            var create = sql.create(index: index.new).on(table)
            for column in index.newColumns { create = create.column(column) }
            try await create.run()
        }
        try await database.analyze(tables: [table])
    }

    func remove(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in indexes {
            try await sql.drop(index: index.new).run()
            var create = sql.create(index: index.old).on(table)
            for column in index.oldColumns { create = create.column(column) }
            try await create.run()
        }
        try await sql.raw("ALTER TABLE \(ident: table) DROP COLUMN name_order").run()
    }

    /// Batches by id; each batch's keys go as two arrays joined to the rows by `unnest`.
    private func fillPostgres(_ sql: any SQLDatabase) async throws {
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let rows = try await sql.raw("SELECT id, name FROM \(ident: table) WHERE id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(Self.batch))").all()
            guard let last = rows.last else { return }
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            let keys = try rows.map { PinyinOrder.key(try $0.decode(column: "name", as: String.self)) }
            try await sql.raw("""
                UPDATE \(ident: table) AS t SET name_order = v.k FROM unnest(\(bind: ids)::uuid[], \(bind: keys)::text[]) AS v(id, k) WHERE t.id = v.id
                """).run()
            after = try last.decode(column: "id", as: UUID.self)
        }
    }

    /// Batches by rowid; each batch's keys go as one JSON array of `[rowid, key]` pairs.
    private func fillSQLite(_ sql: any SQLDatabase) async throws {
        var after = 0
        while true {
            let rows = try await sql.raw("SELECT rowid AS r, name FROM \(ident: table) WHERE rowid > \(bind: after) ORDER BY rowid LIMIT \(unsafeRaw: String(Self.batch))").all()
            guard let last = rows.last else { return }
            var pairs: [RowidText] = []
            for row in rows { pairs.append(RowidText(row: try row.decode(column: "r", as: Int.self), text: PinyinOrder.key(try row.decode(column: "name", as: String.self)))) }
            let json = String(decoding: try JSONEncoder().encode(pairs), as: UTF8.self)
            try await sql.raw("""
                UPDATE \(ident: table) SET name_order = j.value ->> 1 FROM json_each(\(bind: json)) AS j WHERE \(ident: table).rowid = j.value ->> 0
                """).run()
            after = try last.decode(column: "r", as: Int.self)
        }
    }
}

/// An SQLite row and a text for it as the JSON pair `[rowid, "text"]`: a batch of them goes as one
/// JSON array, read by `json_each` in one `UPDATE … FROM`.
struct RowidText: Encodable {
    let row: Int
    let text: String
    func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(row)
        try c.encode(text)
    }
}

/// Makes `table`'s keys again for the names holding a character whose key `PinyinOrder.key`
/// changed, found in one pass of the database's own pattern match (a character class, the same
/// for SQLite's GLOB and PostgreSQL's regular expressions); a key that comes out the same is left
/// alone. The old keys are not kept: they put such names where the list should not have.
struct RekeyNames: AsyncMigration {
    let name: String
    let table: String
    /// The characters, as a pattern's class.
    let holding: String

    /// Names holding a character other than ASCII, the common Chinese characters, Chinese
    /// punctuation and full-width ASCII: the only ones whose key changed when the key came to
    /// leave out what the customer search leaves out (Ⓐ, ideographs of CJK extensions H and I).
    static func uncommon(_ table: String) -> RekeyNames {
        RekeyNames(name: "RekeyUncommonNames(\(table))", table: table, holding: "[^ -~一-鿿　-〿！-～]")
    }

    /// Names holding the long s (ſ, ẛ), which the key came to take as s, as the customer search does.
    static func longS(_ table: String) -> RekeyNames {
        RekeyNames(name: "RekeyLongS(\(table))", table: table, holding: "[ſẛ]")
    }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let condition: SQLQueryString = sql.isPostgres ? "name ~ '\(unsafeRaw: holding)'" : "name GLOB '*\(unsafeRaw: holding)*'"
        for row in try await sql.raw("SELECT id, name, name_order FROM \(ident: table) WHERE " + condition).all() {
            let key = PinyinOrder.key(try row.decode(column: "name", as: String.self))
            guard Array(key.utf8) != Array(try row.decode(column: "name_order", as: String.self).utf8) else { continue }
            try await sql.raw("UPDATE \(ident: table) SET name_order = \(bind: key) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
        }
    }

    func revert(on database: any Database) async throws {}
}
