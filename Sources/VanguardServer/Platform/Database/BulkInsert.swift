import FluentSQLiteDriver
import Foundation
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
        case .uuid(let u): .text(u.uuidString)
        case .date(let d): .float(d.timeIntervalSince1970)
        case .null: .null
        }
    }

    /// For other databases (PostgreSQL), the same value bound through SQLKit.
    var sqlExpression: any SQLExpression {
        switch self {
        case .text(let s): SQLBind(s)
        case .integer(let n): SQLBind(n)
        case .bool(let b): SQLBind(b)
        case .uuid(let u): SQLBind(u)
        case .date(let d): SQLBind(d)
        case .null: SQLLiteral.null
        }
    }
}

extension SQLDatabase {
    /// Rows written with multi-row INSERTs, for bulk writes (imports, the lead form, history).
    /// Fluent's `create` reflects over every model it writes (two thirds of a 20,000-row import's
    /// time once went there). On SQLite the statement goes straight to the driver with its values
    /// (`BulkValue.sqliteData`); batches stay under SQLite's 32,766 bound values.
    func bulkInsert(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        let batch = Swift.max(1, 32_000 / columns.count)
        if let sqlite = self as? any SQLiteDatabase, dialect.name == "sqlite" {
            let head = "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            for start in stride(from: 0, to: rows.count, by: batch) {
                let slice = rows[start..<Swift.min(start + batch, rows.count)]
                let sql = head + Array(repeating: tuple, count: slice.count).joined(separator: ", ")
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * columns.count)
                for row in slice {
                    precondition(row.count == columns.count, "a bulk row for \(table) has \(row.count) values for \(columns.count) columns")
                    for value in row { binds.append(value.sqliteData) }
                }
                _ = try await sqlite.query(sql, binds)
            }
        } else {
            for start in stride(from: 0, to: rows.count, by: batch) {
                var builder = insert(into: table).columns(columns)
                for row in rows[start..<Swift.min(start + batch, rows.count)] { builder = builder.values(row.map(\.sqlExpression)) }
                try await builder.run()
            }
        }
    }
}
