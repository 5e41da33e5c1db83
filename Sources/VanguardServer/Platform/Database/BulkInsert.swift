import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import FluentPostgresDriver
import SQLKit

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

    /// As SQLite's driver stores it: ids as their text (`UUID` encodes as a string), dates as
    /// seconds since 1970, booleans as 0 or 1.
    var sqliteData: SQLiteData {
        switch self {
        case .text(let s): .text(s)
        case .integer(let n): .integer(Int(n))
        case .bool(let b): .integer(b ? 1 : 0)
        case .uuid(let u): .text(u.upperHexString)
        case .date(let d): .float(d.timeIntervalSince1970)
        case .null: .null
        }
    }
}

extension SQLDatabase {
    /// Rows written with multi-row INSERTs, for bulk writes (imports, the lead form, history).
    /// Fluent's `create` reflects over every model it writes (two thirds of a 20,000-row import's
    /// time once went there). On SQLite the statement goes straight to the driver with its values
    /// (`BulkValue.sqliteData`); batches stay under SQLite's 32,766 bound values. On PostgreSQL the
    /// rows go as one `COPY` (`PostgresCopyText`).
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
    /// The multi-row INSERTs for SQLite, with their values as the driver takes them.
    static func make(into table: String, columns: [String], rows: [[BulkValue]]) -> [(sql: String, binds: [SQLiteData])] {
        let batch = Swift.max(1, 32_000 / columns.count)
        let head = "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return stride(from: 0, to: rows.count, by: batch).map { start in
            let slice = rows[start..<Swift.min(start + batch, rows.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(slice.count * columns.count)
            for row in slice {
                precondition(row.count == columns.count, "a bulk row for \(table) has \(row.count) values for \(columns.count) columns")
                for value in row { binds.append(value.sqliteData) }
            }
            return (head + Array(repeating: tuple, count: slice.count).joined(separator: ", "), binds)
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
