import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Housekeeping of a SQLite file that `serve` does beside the requests instead of inside them.
///
/// Checkpoints: by default the connection whose commit takes the WAL past 1,000 pages copies it
/// back into the database file before its COMMIT returns, so whichever request happens to commit
/// then waits (a 20,000-row import's commit spent 0.07–0.16 s there). While `serve` runs, its
/// request connections never checkpoint (`wal_autocheckpoint = 0`) and this loop does, every
/// second, on the background connection. A PASSIVE checkpoint never waits for, nor blocks, a
/// reader or a writer, so the WAL holds at most about a second of writes more than before. Other
/// processes on the file (`vanguard import`, `jobs --run`) keep SQLite's default.
///
/// The search index's merges: a bulk write may ask for them to be left to this loop
/// (`SearchIndexMerges`), which then merges the index's new segments outside the request.
struct SQLiteUpkeep: LifecycleHandler {
    static let interval: Duration = .seconds(1)

    func didBootAsync(_ app: Application) async throws {
        guard case .sqliteFile = app.settings.database, app.environment != .testing, SchedulerWorker.isServing(app) else { return }
        try await Self.leaveCheckpointsToUpkeep(app)
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await SearchIndexMerges.runDue(app)
                    _ = try await Self.checkpoint(app.backgroundDB)
                } catch {
                    app.logger.error("SQLite upkeep: \(error)")
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
        app.storage[SQLiteUpkeepTaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[SQLiteUpkeepTaskKey.self] else { return }
        task.cancel()
        await task.value
    }

    /// Request connections (one per event loop, kept for the life of the process) stop checkpointing.
    static func leaveCheckpointsToUpkeep(_ app: Application) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA wal_autocheckpoint = 0").run()
        }
    }

    /// A PASSIVE checkpoint: the WAL's frames (`log`) and how many are now in the database file.
    static func checkpoint(_ db: any Database) async throws -> (log: Int, checkpointed: Int) {
        guard let sql = db as? any SQLDatabase, !sql.isPostgres,
              let row = try await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").first() else { return (0, 0) }
        return (try row.decode(column: "log", as: Int.self), try row.decode(column: "checkpointed", as: Int.self))
    }
}

struct SQLiteUpkeepTaskKey: StorageKey { typealias Value = Task<Void, Never> }

/// SQLite's full-text index (FTS5) writes each statement's new terms as a small segment and, by
/// default, merges segments as it goes, in the writing statement. A bulk write of thousands of
/// rows (a customer import) spent about 0.14 s of its one database thread merging. `deferring`
/// turns those merges off for the bulk write's own transaction (restored before it commits, so
/// the setting never changes for anyone else) and asks the upkeep loop to merge afterwards.
/// FTS5 still merges a level that reaches 16 segments at once (its crisis merge), so the index
/// never degrades while it waits. PostgreSQL's GIN index needs none of this.
enum SearchIndexMerges {
    /// The FTS5 tables that bulk writes fill.
    static let tables = ["customer_search"]
    private static let due = NIOLockedValueBox(false)

    static func deferring<T>(on db: any Database, _ body: () async throws -> T) async throws -> T {
        guard let sql = db as? any SQLDatabase, !sql.isPostgres else { return try await body() }
        var kept: [(String, Int)] = []
        for table in tables {
            let row = try await sql.raw("SELECT v FROM \(ident: table + "_config") WHERE k = 'automerge'").first()
            kept.append((table, try row?.decode(column: "v", as: Int.self) ?? 4))
            try await sql.raw("INSERT INTO \(ident: table)(\(ident: table), rank) VALUES('automerge', 0)").run()
        }
        // If `body` throws, the caller's transaction rolls back, and the setting with it.
        let result = try await body()
        for (table, automerge) in kept {
            try await sql.raw("INSERT INTO \(ident: table)(\(ident: table), rank) VALUES('automerge', \(unsafeRaw: String(automerge)))").run()
        }
        due.withLockedValue { $0 = true }
        return result
    }

    /// Merges the index's segments a slice at a time (each its own short write transaction, so
    /// requests' writes go in between) until FTS5 finds nothing worth merging. Returns the slices.
    @discardableResult
    static func runDue(_ app: Application) async throws -> Int {
        guard due.withLockedValue({ let d = $0; $0 = false; return d }) else { return 0 }
        var slices = 0
        for table in tables {
            for _ in 0..<200 {
                let merged = try await app.backgroundDB.writeTransaction { db in
                    let sql = db as! any SQLDatabase
                    let before = try await sql.raw("SELECT total_changes() AS n").first()?.decode(column: "n", as: Int.self) ?? 0
                    try await sql.raw("INSERT INTO \(ident: table)(\(ident: table), rank) VALUES('merge', 200)").run()
                    let after = try await sql.raw("SELECT total_changes() AS n").first()?.decode(column: "n", as: Int.self) ?? 0
                    return after - before > 1
                }
                guard merged else { break }
                slices += 1
            }
        }
        return slices
    }
}
