import Fluent
import FluentSQLiteDriver
import SQLKit
import Vapor

/// One unchanging view of the database for work that reads a long list bit by bit: an export of
/// a million customers reads for seconds while colleagues keep working, and a customer renamed
/// or deleted halfway must not turn up twice, or not at all, or half-changed. PostgreSQL: a
/// read-only REPEATABLE READ transaction. SQLite: a read transaction, which in WAL mode sees the
/// file as it was at its first read while writers go on beside it.
///
/// SQLite's pools keep one connection per event loop, and every request on a loop queues for it,
/// so a snapshot held for a whole export gets connections of its own on the same file
/// (`DatabaseID.sqliteSnapshots`).
enum ExportSnapshot {
    static func read<T: Sendable>(_ app: Application, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard app.settings.database.isPostgres else {
            // Its connections are opened as exports need them, without `serve`'s tuning: the file
            // mapped (an export reads every row of a list) and a busy wait that sleeps.
            let mmapBytes = app.settings.sqliteMmapMebibytes * 1_048_576
            return try await app.db(.sqliteSnapshots).withConnection { db in
                try await SQLiteTuning.tune(db as! any SQLDatabase, mmapBytes: mmapBytes)
                return try await db.transaction(body)
            }
        }
        return try await app.db.transaction { db in
            try await (db as! any SQLDatabase).raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            return try await body(db)
        }
    }

    /// Connections per event loop for snapshots on SQLite: as many exports at once, per loop,
    /// before the next one waits (`waitSeconds`) for one to finish.
    static let sqliteConnectionsPerLoop = 4
    static let waitSeconds: Int64 = 600

    static func configure(_ app: Application, sqlitePath path: String) {
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: sqliteConnectionsPerLoop, connectionPoolTimeout: .seconds(waitSeconds)),
                          as: .sqliteSnapshots, isDefault: false)
    }
}

extension DatabaseID {
    static let sqliteSnapshots = DatabaseID(string: "sqlite-snapshots")
}
