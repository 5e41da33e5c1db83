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
    /// A PostgreSQL `tsvector` already in its binary form (`CustomerSearch.postgresIndexedBinary`).
    /// PostgreSQL's only: no SQLite table has such a column.
    case tsvector([UInt8])
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
    /// in its binary format (`PostgresCopyBinary`).
    func bulkInsert(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        if let sqlite = self as? any SQLiteDatabase, dialect.name == "sqlite" {
            for (sql, binds) in SQLiteBulkStatements.make(into: table, columns: columns, rows: rows) { _ = try await sqlite.query(sql, binds) }
        } else if let postgres = self as? any PostgresDatabase {
            try await postgres.copy(into: table, columns: columns, binary: PostgresCopyBinary.encode(rows, columns: columns.count)).get()
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
    /// A column with the same value in every row of the statement (an import's time, author,
    /// version, empty notes…) is bound once instead: about half of an import's columns, whose
    /// reading out of the JSON was a fifth of SQLite's thread.
    static func make(into table: String, columns: [String], rows: [[BulkValue]]) -> [(sql: String, binds: [SQLiteData])] {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return stride(from: 0, to: rows.count, by: batch).map { start in
            let slice = rows[start..<Swift.min(start + batch, rows.count)]
            for row in slice {
                precondition(row.count == columns.count, "a bulk row for \(table) has \(row.count) values for \(columns.count) columns")
            }
            let first = slice[slice.startIndex]
            let constant = columns.indices.map { k in slice.allSatisfy { $0[k].isStored(as: first[k]) } }
            var binds: [SQLiteData] = [.null]  // ?1: the JSON, filled in below
            var varying: [Int] = []
            let values = columns.indices.map { k in
                if constant[k] {
                    binds.append(first[k].sqliteData)
                    return "?\(binds.count)"
                }
                varying.append(k)
                return "value->>\(varying.count - 1)"
            }
            var json = JSONText(capacity: slice.count * Swift.max(varying.count, 1) * 24)
            json.raw("[")
            for (n, row) in slice.enumerated() {
                json.raw(n == 0 ? "[" : ",[")
                for (i, k) in varying.enumerated() {
                    if i > 0 { json.raw(",") }
                    row[k].writeSQLiteJSON(into: &json)
                }
                json.raw("]")
            }
            json.raw("]")
            binds[0] = .text(String(decoding: json.bytes, as: UTF8.self))
            return ("INSERT INTO \"\(table)\" (\(names)) SELECT \(values.joined(separator: ", ")) FROM jsonb_each(?1)", binds)
        }
    }
}

extension BulkValue {
    /// Whether both store the same: texts compared by their UTF-8 (Swift's `==` calls "é" and
    /// "e" + combining accent equal), times to the bit.
    func isStored(as other: BulkValue) -> Bool {
        switch (self, other) {
        case (.text(let a), .text(let b)): a.utf8.elementsEqual(b.utf8)
        case (.integer(let a), .integer(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.uuid(let a), .uuid(let b)): a == b
        case (.date(let a), .date(let b)): a.timeIntervalSince1970.bitPattern == b.timeIntervalSince1970.bitPattern
        case (.tsvector(let a), .tsvector(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// As SQLite's driver stores the same Swift value: ids as their text (`UUID` encodes as a
    /// string), dates as seconds since 1970, booleans as 0 or 1.
    var sqliteData: SQLiteData {
        switch self {
        case .text(let s): .text(s)
        case .integer(let n): .integer(Int(n))
        case .bool(let b): .integer(b ? 1 : 0)
        case .uuid(let u): .text(u.upperHexString)
        case .date(let d): .float(d.timeIntervalSince1970)
        case .tsvector: preconditionFailure("a tsvector is PostgreSQL's")
        case .null: .null
        }
    }

    /// The value in a JSON row for `SQLiteBulkStatements`, stored as `sqliteData` binds it:
    /// ids as upper-case text, dates as seconds since 1970 (a real), booleans as 0 or 1.
    func writeSQLiteJSON(into json: inout JSONText) {
        switch self {
        case .text(let s): json.string(s)
        case .integer(let n): json.int(Int(n))
        case .bool(let b): json.raw(b ? "1" : "0")
        case .uuid(let u): json.uuid(u)
        case .date(let d): json.number(d.timeIntervalSince1970)
        case .tsvector: preconditionFailure("a tsvector is PostgreSQL's")
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
            let binary = PostgresCopyBinary.encode(rows, columns: columns.count)
            last.withLockedValue { f in f = f.flatMap { postgres.copy(into: table, columns: columns, binary: binary) } }
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
