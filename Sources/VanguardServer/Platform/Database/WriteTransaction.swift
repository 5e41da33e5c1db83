import Fluent
import FluentSQLiteDriver
import SQLKit

extension Database {
    /// A transaction for work that writes. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
    /// write lock up front: a deferred transaction that reads and then writes can fail with
    /// "database is locked" when another connection wrote in between, and SQLite cannot retry
    /// that for us. PostgreSQL uses an ordinary transaction.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard self is any SQLiteDatabase, !inTransaction else {
            return try await transaction(body)
        }
        return try await withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
