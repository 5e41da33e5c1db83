import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Housekeeping of the database that `serve` does beside the requests instead of inside them.
///
/// SQLite's checkpoints: by default the connection whose commit takes the WAL past 1,000 pages
/// copies it back into the database file before its COMMIT returns, so whichever request happens
/// to commit then waits (a 20,000-row import's commit spent 0.07–0.16 s there). While `serve`
/// runs on a SQLite file, its request connections never checkpoint (`wal_autocheckpoint = 0`) and
/// this loop does, every second, on the background connection. A PASSIVE checkpoint never waits
/// for, nor blocks, a reader or a writer, so the WAL holds at most about a second of writes more
/// than before. Other processes on the file (`vanguard import`, `jobs --run`) keep SQLite's default.
///
/// The search index's upkeep, on both databases: a bulk write may leave it to this loop
/// (`SearchIndexMerges`), which then does it outside the request.
struct DatabaseUpkeep: LifecycleHandler {
    static let interval: Duration = .seconds(1)

    func didBootAsync(_ app: Application) async throws {
        guard app.environment != .testing, SchedulerWorker.isServing(app) else { return }
        let sqliteFile = if case .sqliteFile = app.settings.database { true } else { false }
        if sqliteFile { try await Self.leaveCheckpointsToUpkeep(app) }
        guard sqliteFile || app.settings.database.isPostgres else { return }
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await SearchIndexMerges.runDue(app)
                    if sqliteFile { _ = try await Self.checkpoint(app.backgroundDB) }
                } catch {
                    app.logger.error("database upkeep: \(error)")
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
        app.storage[DatabaseUpkeepTaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[DatabaseUpkeepTaskKey.self] else { return }
        task.cancel()
        await task.value
    }

    /// SQLite: request connections (one per event loop, kept for the life of the process) stop checkpointing.
    static func leaveCheckpointsToUpkeep(_ app: Application) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA wal_autocheckpoint = 0").run()
        }
    }

    /// SQLite: a PASSIVE checkpoint: the WAL's frames (`log`) and how many are now in the database file.
    static func checkpoint(_ db: any Database) async throws -> (log: Int, checkpointed: Int) {
        guard let sql = db as? any SQLDatabase, !sql.isPostgres,
              let row = try await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").first() else { return (0, 0) }
        return (try row.decode(column: "log", as: Int.self), try row.decode(column: "checkpointed", as: Int.self))
    }
}

struct DatabaseUpkeepTaskKey: StorageKey { typealias Value = Task<Void, Never> }

/// A bulk write's search-index upkeep, left to `DatabaseUpkeep` instead of the writing request.
///
/// SQLite's full-text index (FTS5) writes each statement's new terms as a small segment and, by
/// default, merges segments as it goes, in the writing statement. A bulk write of thousands of
/// rows (a customer import) spent about 0.14 s of its one database thread merging. `deferring`
/// turns those merges off for the bulk write's own transaction (restored before it commits, so
/// the setting never changes for anyone else) and asks the upkeep loop to merge afterwards.
/// FTS5 still merges a level that reaches 16 segments at once (its crisis merge), so the index
/// never degrades while it waits.
///
/// PostgreSQL's GIN index puts new entries in its pending list, and the write that takes the
/// list past `gin_pending_list_limit` (4 MB) moves the whole list into the index's tree, there
/// and then. `deferring` raises the limit for the bulk write's own transaction (`SET LOCAL`), so
/// its entries wait in the list, where searches find them at once, and the upkeep moves them
/// (`gin_clean_pending_list`) after the answer.
enum SearchIndexMerges {
    /// The FTS5 tables that bulk writes fill (SQLite).
    static let tables = ["customer_search"]
    /// The GIN indexes that bulk writes fill (PostgreSQL).
    static let ginIndexes = ["customers_search_lexemes"]
    /// The pending list's limit during a bulk write: a 20,000-row import's entries fit.
    static let bulkPendingListLimit = "256MB"
    static func deferring<T>(on db: any Database, app: Application, _ body: () async throws -> T) async throws -> T {
        guard let sql = db as? any SQLDatabase else { return try await body() }
        if sql.isPostgres {
            // Only for the transaction the caller runs `body` in.
            try await sql.raw("SET LOCAL gin_pending_list_limit = \(literal: bulkPendingListLimit)").run()
            let result = try await body()
            app.searchIndexMergesDue.withLockedValue { $0 = true }
            return result
        }
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
        app.searchIndexMergesDue.withLockedValue { $0 = true }
        return result
    }

    /// SQLite: merges the index's segments a slice at a time (each its own short write
    /// transaction, so requests' writes go in between) until FTS5 finds nothing worth merging;
    /// returns the slices. PostgreSQL: moves the GIN indexes' pending lists into their trees;
    /// returns the list's pages that were emptied.
    @discardableResult
    static func runDue(_ app: Application) async throws -> Int {
        guard app.searchIndexMergesDue.withLockedValue({ let d = $0; $0 = false; return d }) else { return 0 }
        if let sql = app.backgroundDB as? any SQLDatabase, sql.isPostgres {
            var pages = 0
            for index in ginIndexes {
                pages += try await sql.raw("SELECT gin_clean_pending_list(\(literal: index)::regclass) AS pages").first()?.decode(column: "pages", as: Int.self) ?? 0
            }
            try await app.customerStatistics.analyzeIfStale(app)
            return pages
        }
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

/// PostgreSQL: the customers' statistics taken again after bulk writes changed enough of them,
/// by the upkeep, rather than left to autovacuum, which waits for a tenth of the table. The search
/// chooses its way by the index's statistics (`CommonFragmentWalk`): an import of names sharing
/// a start (a region's, a group's companies) made a fragment common that the statistics still
/// called rare, and its search read and sorted every match (导入, 80,000 imported names in
/// 1.08 M customers: 80–110 ms; 8 ms once analyzed) until autovacuum came.
final class CustomerStatistics: Sendable {
    /// The share of the customers written since the last look at which they are analyzed.
    static let share = 0.01
    static let leastRows = 1_000
    private let written = NIOLockedValueBox(0)

    /// Rows a bulk write added, counted here rather than read from PostgreSQL's activity
    /// statistics, which a backend reports up to seconds after its commit.
    func noteWritten(_ rows: Int) {
        written.withLockedValue { $0 += rows }
    }

    /// Analyzes the customers if enough were written (`ANALYZE` reads a sample: 1–2 s on a
    /// million customers, after the import has answered), and has the search read the new
    /// statistics at once. True when it analyzed.
    @discardableResult
    func analyzeIfStale(_ app: Application) async throws -> Bool {
        let rows = written.withLockedValue { $0 }
        guard rows >= Self.leastRows else { return false }
        let total = try await app.backgroundDB.approximateRows(Customer.schema)
        guard Double(rows) >= Self.share * Double(max(total, 1)) else { return false }
        written.withLockedValue { $0 -= rows }
        try await app.backgroundDB.analyze(tables: [Customer.schema])
        app.commonSearchTokens.forget()
        return true
    }
}

extension Application {
    private struct CustomerStatisticsKey: StorageKey { typealias Value = CustomerStatistics }
    private struct SearchIndexMergesDueKey: StorageKey { typealias Value = NIOLockedValueBox<Bool> }

    /// Whether a bulk write left the search index's upkeep to `DatabaseUpkeep` (`SearchIndexMerges`);
    /// set up once in `configure`.
    var searchIndexMergesDue: NIOLockedValueBox<Bool> {
        get { storage[SearchIndexMergesDueKey.self]! }
        set { storage[SearchIndexMergesDueKey.self] = newValue }
    }

    /// Set up once in `configure`, before the server takes requests.
    var customerStatistics: CustomerStatistics {
        get { storage[CustomerStatisticsKey.self]! }
        set { storage[CustomerStatisticsKey.self] = newValue }
    }
}
