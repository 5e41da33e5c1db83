import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Fluent models read from the driver's own rows (`ListRow`) for work that reads thousands of
/// them, such as a whole-list export. Fluent's generic row output builds the column's name
/// (`customers_name`) anew for every field of every row and asks for each by it: about half of
/// the 29 % of a customers export's CPU that went on building models (perf, docs/benchmarks.md).
/// The models come out the same: the same decoders turn the same cells into each field.
enum ModelRows {
    /// The models with these ids, deleted ones too, in the ids' order (an id not found is left out).
    static func withIDs<M: Model>(_ ids: [UUID], of type: M.Type = M.self, on db: any Database) async throws -> [M] where M.IDValue == UUID {
        guard !ids.isEmpty else { return [] }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let models = try await all(M.self, on: sql) { $0.where(SQLIdentifier("id"), .in, SQLBind.group(ids)) }
        return Self.ordered(models, by: ids)
    }

    /// The models a query on their own table finds, in its order: `query` adds the conditions
    /// and order to the table's `SELECT *` (deleted rows too, unless it leaves them out).
    static func all<M: Model>(_ type: M.Type = M.self, on sql: any SQLDatabase,
                              _ query: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> [M] {
        try await ListRow.all(query(sql.select().column("*").from(M.schema))).map { row in
            let model = M()
            try model.output(from: Output(row: row))
            return model
        }
    }

    private static func ordered<M: Model>(_ models: [M], by ids: [UUID]) -> [M] where M.IDValue == UUID {
        let found = Dictionary(models.map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { found[$0] }
    }

    /// A row's columns by their own names: the query reads one table's columns unprefixed.
    private struct Output: DatabaseOutput {
        let row: ListRow
        var description: String { "model row" }
        func schema(_ schema: String) -> any DatabaseOutput { self }
        func contains(_ key: FieldKey) -> Bool { row.contains(key.description) }
        func decodeNil(_ key: FieldKey) throws -> Bool { try row.isNull(key.description) }
        func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(key.description, as: T.self) }
    }
}

extension ListRow {
    func contains(_ column: String) -> Bool {
        switch storage {
        case .sqlite(let row): return row.column(column) != nil
        case .postgres(let row): return row.contains(column)
        case .generic(let row): return row.contains(column: column)
        }
    }

    /// Null, or not there at all (as Fluent's own row output answers).
    func isNull(_ column: String) throws -> Bool {
        switch storage {
        case .sqlite(let row): return (row.column(column) ?? .null) == .null
        case .postgres(let row): return !row.contains(column) || row[column].bytes == nil
        case .generic(let row): return try row.decodeNil(column: column)
        }
    }

    /// Any type a model's field holds, by the decoder each driver's own rows use.
    func decode<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        switch storage {
        case .sqlite(let row):
            guard let data = row.column(column) else { throw MissingColumn(column: column, type: "\(T.self)") }
            return try SQLiteDataDecoder().decode(T.self, from: data)
        case .postgres(let row):
            guard let decodable = T.self as? any PostgresDecodable.Type else { throw MissingColumn(column: column, type: "\(T.self)") }
            return try Self.decode(decodable, row[column]) as! T
        case .generic(let row): return try row.decode(column: column, as: T.self)
        }
    }

    private static func decode<D: PostgresDecodable>(_ type: D.Type, _ cell: PostgresCell) throws -> D {
        try cell.decode(D.self)
    }
}
