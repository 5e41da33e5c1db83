import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import FluentPostgresDriver
import SQLKit
import VanguardCore

/// One column's value in a bulk write, typed so that it reaches the database without going through
/// `Encodable`: SQLKit binds every value as `any Encodable`, and SQLite's encoder then tries a
/// protocol cast and, for ids, a whole `Encoder` per value (a 20,000-row customer import binds
/// over a million values). Stored exactly as Fluent stores the same Swift values.
enum BulkValue: Sendable {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case uuid(UUID)
    case date(Date)
    case null

    static func text(_ value: String?) -> BulkValue { value.map { .text($0) } ?? .null }
    static func uuid(_ value: UUID?) -> BulkValue { value.map { .uuid($0) } ?? .null }
    static func int(_ value: Int) -> BulkValue { .integer(Int64(value)) }
}

extension SQLDatabase {
    /// Rows written with multi-row INSERTs, for bulk writes (imports, the lead form, history).
    /// Fluent's `create` reflects over every model it writes (two thirds of a 20,000-row import's
    /// time once went there). On SQLite the statement goes straight to the driver with the rows
    /// as one JSON value (`SQLiteBulkStatements`). On PostgreSQL the rows go as one `COPY`
    /// (`PostgresCopyText`).
    func bulkInsert(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        if let sqlite = self as? any SQLiteDatabase, dialect.name == "sqlite" {
            for (sql, binds) in SQLiteBulkStatements.make(into: table, columns: columns, rows: rows) { _ = try await sqlite.query(sql, binds) }
        } else if let postgres = self as? any PostgresDatabase {
            try await postgres.copy(into: table, columns: columns, text: PostgresCopyText.encode(rows, columns: columns.count)).get()
        } else {
            preconditionFailure("bulk writes know SQLite and PostgreSQL only")
        }
    }
}

enum SQLiteBulkStatements {
    /// Rows per statement: bounds the JSON text a statement carries.
    static let batch = 5_000

    /// The INSERTs for SQLite, with their values as the driver takes them: each statement's rows
    /// as one JSON array of arrays, bound once and read back by `jsonb_each`, a column by its
    /// position (`value->>k`). SQLite reads strings as text, whole numbers as integers and
    /// others as reals, NULL as NULL, which is what binding each value stored. A multi-row
    /// `VALUES` list with a bound parameter per value spent a quarter of SQLite's thread in an
    /// import on parsing that statement and on the driver binding each of a million values.
    static func make(into table: String, columns: [String], rows: [[BulkValue]]) -> [(sql: String, binds: [SQLiteData])] {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let values = columns.indices.map { "value->>\($0)" }.joined(separator: ", ")
        let sql = "INSERT INTO \"\(table)\" (\(names)) SELECT \(values) FROM jsonb_each(?)"
        return stride(from: 0, to: rows.count, by: batch).map { start in
            let slice = rows[start..<Swift.min(start + batch, rows.count)]
            var json = JSONText(capacity: slice.count * columns.count * 24)
            json.raw("[")
            for (n, row) in slice.enumerated() {
                precondition(row.count == columns.count, "a bulk row for \(table) has \(row.count) values for \(columns.count) columns")
                json.raw(n == 0 ? "[" : ",[")
                for (k, value) in row.enumerated() {
                    if k > 0 { json.raw(",") }
                    value.writeSQLiteJSON(into: &json)
                }
                json.raw("]")
            }
            json.raw("]")
            return (sql, [.text(String(decoding: json.bytes, as: UTF8.self))])
        }
    }
}

extension BulkValue {
    /// The value in a JSON row for `SQLiteBulkStatements`, stored as Fluent stores the same Swift value:
    /// ids as upper-case text, dates as seconds since 1970 (a real), booleans as 0 or 1.
    func writeSQLiteJSON(into json: inout JSONText) {
        switch self {
        case .text(let s): json.string(s)
        case .integer(let n): json.int(Int(n))
        case .bool(let b): json.raw(b ? "1" : "0")
        case .uuid(let u): json.uuid(u)
        case .date(let d): json.number(d.timeIntervalSince1970)
        case .null: json.raw("null")
        }
    }
}

/// Bulk inserts queued on one connection (a transaction's), each started when the one before it
/// finished, while the caller goes on with other work: the checking of an import's next block
/// runs on Swift's task pool while SQLite writes the last one on its own thread. On SQLite the
/// statements follow each other on the connection's event loop, never waiting for a free thread
/// of the task pool, which the check keeps busy. A failed statement fails the rest; `finish`
/// throws its error.
final class BulkWriteQueue: Sendable {
    private let sql: any SQLDatabase
    private let last: NIOLockedValueBox<EventLoopFuture<Void>>

    init(_ sql: any SQLDatabase) {
        self.sql = sql
        last = NIOLockedValueBox(sql.eventLoop.makeSucceededVoidFuture())
    }

    func insert(into table: String, columns: [String], rows: [[BulkValue]]) {
        guard !rows.isEmpty else { return }
        let sql = self.sql
        if let sqlite = sql as? any SQLiteDatabase, sql.dialect.name == "sqlite" {
            let statements = SQLiteBulkStatements.make(into: table, columns: columns, rows: rows)
            last.withLockedValue { f in
                for (query, binds) in statements { f = f.flatMap { sqlite.query(query, binds).map { _ in } } }
            }
        } else if let postgres = sql as? any PostgresDatabase {
            // Encoded here, on the caller's core; the connection only sends it.
            let text = PostgresCopyText.encode(rows, columns: columns.count)
            last.withLockedValue { f in f = f.flatMap { postgres.copy(into: table, columns: columns, text: text) } }
        } else {
            preconditionFailure("bulk writes know SQLite and PostgreSQL only")
        }
    }

    /// Runs `body` once everything queued so far is written (not if a write failed).
    func whenWritten(_ body: @escaping @Sendable () -> Void) {
        last.withLockedValue { $0.whenSuccess(body) }
    }

    /// Waits for everything queued.
    func finish() async throws {
        try await last.withLockedValue { $0 }.get()
    }
}
