import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// A row of a hot list, read from the driver's own cells (SQLite's text, integer and real;
/// PostgreSQL's binary cells) rather than through SQLKit's Codable row decoder, which profiles
/// showed as the largest cost of a 50-row page on both databases.
struct ListRow: Sendable {
    enum Storage: Sendable {
        case sqlite(SQLiteRow)
        case postgres(PostgresRandomAccessRow)
        case generic(any SQLRow)
    }

    let storage: Storage

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        let type: String
        var description: String { "list row: column \(column) is missing or not a \(type)" }
    }

    func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else { throw MissingColumn(column: column, type: "String") }
        return value
    }

    func optionalString(_ column: String) throws -> String? {
        switch storage {
        case .sqlite(let row):
            switch row.column(column) {
            case .text(let s): return s
            case .null: return nil
            case .integer(let n): return String(n)
            default: throw MissingColumn(column: column, type: "String")
            }
        case .postgres(let row): return try row[column].decode(String?.self)
        case .generic(let row): return try row.decode(column: column, as: String?.self)
        }
    }

    func int(_ column: String) throws -> Int {
        switch storage {
        case .sqlite(let row):
            guard case .integer(let n) = row.column(column) else { throw MissingColumn(column: column, type: "Int") }
            return n
        case .postgres(let row): return try row[column].decode(Int.self)
        case .generic(let row): return try row.decode(column: column, as: Int.self)
        }
    }

    func bool(_ column: String) throws -> Bool {
        switch storage {
        case .sqlite(let row):
            guard case .integer(let n) = row.column(column) else { throw MissingColumn(column: column, type: "Bool") }
            return n != 0
        case .postgres(let row): return try row[column].decode(Bool.self)
        case .generic(let row): return try row.decode(column: column, as: Bool.self)
        }
    }

    func optionalInt(_ column: String) throws -> Int? {
        switch storage {
        case .sqlite(let row):
            switch row.column(column) {
            case .integer(let n): return n
            case .null: return nil
            default: throw MissingColumn(column: column, type: "Int")
            }
        case .postgres(let row): return try row[column].decode(Int?.self)
        case .generic(let row): return try row.decode(column: column, as: Int?.self)
        }
    }

    func uuid(_ column: String) throws -> UUID {
        guard let id = try optionalUUID(column) else { throw MissingColumn(column: column, type: "UUID") }
        return id
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        switch storage {
        case .sqlite(let row):
            switch row.column(column) {
            case .null: return nil
            case .text(let s):
                guard let id = UUIDText.parse(s) else { throw MissingColumn(column: column, type: "UUID") }
                return id
            case .blob(let b) where b.readableBytes == 16:
                let u = b.getBytes(at: b.readerIndex, length: 16)!
                return UUID(uuid: (u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]))
            default: throw MissingColumn(column: column, type: "UUID")
            }
        case .postgres(let row): return try row[column].decode(UUID?.self)
        case .generic(let row): return try row.decode(column: column, as: UUID?.self)
        }
    }

    func optionalDate(_ column: String) throws -> Date? {
        switch storage {
        case .sqlite(let row):
            switch row.column(column) {
            case .null: return nil
            case .float(let t): return Date(timeIntervalSince1970: t)
            case .integer(let t): return Date(timeIntervalSince1970: Double(t))
            case let data?: return try SQLiteDataDecoder().decode(Date?.self, from: data)
            case nil: throw MissingColumn(column: column, type: "Date")
            }
        case .postgres(let row): return try row[column].decode(Date?.self)
        case .generic(let row): return try row.decode(column: column, as: Date?.self)
        }
    }

    /// Runs a SELECT built with SQLKit and returns its rows.
    static func all(_ query: SQLSelectBuilder) async throws -> [ListRow] {
        let (sql, binds) = query.database.serialize(query.select)
        if let sqlite = query.database as? any SQLiteDatabase {
            // The database-level query (what Fluent and SQLKit use) hands every row to the event
            // loop one by one: a wake-up per row, 20 s of a 27 s care job over 200,000 customers.
            nonisolated(unsafe) var rows: [ListRow] = []
            try await onDatabaseThread(sqlite, sql: sql, binds: binds) { rows.append($0) }
            return rows
        }
        if let postgres = query.database as? any PostgresDatabase, let bindings = try postgresBindings(binds) {
            let logger = query.database.logger
            let rows = try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
                }
            }.get()
            return rows.map { ListRow(storage: .postgres($0.makeRandomAccess())) }
        }
        return try await query.all().map { ListRow(storage: .generic($0)) }
    }

    /// One UUID column of every row of a long SQLite query, read on the database thread as each
    /// row comes (`all` keeps whole rows; the driver's database-level query queues a task per row
    /// on the event loop, which held gigabytes for a million rows).
    static func uuids(_ sqlite: any SQLiteDatabase, sql: String, binds: [any Encodable & Sendable], column: String) async throws -> [UUID] {
        nonisolated(unsafe) var ids: [UUID] = [], failure: (any Error)?
        try await onDatabaseThread(sqlite, sql: sql, binds: binds) { row in
            do { ids.append(try row.uuid(column)) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        return ids
    }

    /// The same on PostgreSQL, through PostgresNIO's row sequence, which lets each row go once
    /// read (Fluent's `all` with a callback keeps every row's model until the end: 2.7 KB a row,
    /// 5.8 GB a minute into an export of 2.1 M customers). Nil when a bind has no PostgreSQL
    /// encoding of its own.
    static func uuids(_ postgres: any PostgresDatabase, sql: String, binds: [any Encodable & Sendable], column: String) async throws -> [UUID]? {
        guard let bindings = try postgresBindings(binds) else { return nil }
        let logger = postgres.logger
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var ids: [UUID] = []
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                    ids.append(try row.makeRandomAccess()[column].decode(UUID.self))
                }
                return ids
            }
        }.get()
    }

    /// Runs a SQLite query on a connection's own async query, which calls `each` on the database
    /// thread as each row comes.
    private static func onDatabaseThread(_ sqlite: any SQLiteDatabase, sql: String, binds: [any Encodable & Sendable],
                                         _ each: @escaping (ListRow) -> Void) async throws {
        let encoder = SQLiteDataEncoder()
        let data = try binds.map { try encoder.encode($0) }
        nonisolated(unsafe) let each = each
        try await sqlite.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.query(sql, data) { each(ListRow(storage: .sqlite($0))) }
            }
        }.get()
    }

    /// The binds in PostgreSQL's own encoding, or nil when one of them has none (then the
    /// query takes SQLKit's generic path).
    private static func postgresBindings(_ binds: [any Encodable & Sendable]) throws -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            guard let value = bind as? any PostgresThrowingDynamicTypeEncodable else { return nil }
            try bindings.append(value)
        }
        return bindings
    }
}
