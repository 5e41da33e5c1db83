import Fluent
import SQLKit
import Vapor

/// Per-connection SQLite settings, applied when `serve` starts. The driver keeps one connection
/// per event loop for the life of the process, so setting each loop's connection once holds.
///
/// `mmap_size`: a connection reads the file's pages straight from the operating system's cache
/// (one copy, shared by every connection) instead of copying each into its own 2 MB page cache
/// with a read() call. A search that sorts 10,000 matches by name reads 10,000 customer rows
/// scattered over a large file: measured 23 ms with read() and 15 ms mapped, warm, in the sqlite3
/// shell on the 1 M-customer data set (docs/benchmarks.md). Writes still go through the WAL and
/// its fsync, so durability is unchanged. SQLite caps the mapping at 2 GiB; the rest of a larger
/// file is read as before.
///
/// `busy_timeout`: the driver's own busy handler retries at full speed, forever, on a thread of
/// the blocking pool. Every write of this process waits in `SQLiteWriteGate` instead, so only a
/// write that slipped past the gate (or another process's long write, such as `vanguard import`)
/// ever waits here; SQLite's timeout handler sleeps between tries and gives up with "database is
/// locked" after `busyTimeoutMilliseconds`, so such a write can never hold a pool thread forever
/// while the writer it waits for needs that thread to commit.
enum SQLiteTuning {
    static let busyTimeoutMilliseconds = 15_000

    static func apply(_ app: Application, busyTimeoutMilliseconds busyTimeout: Int = busyTimeoutMilliseconds) async throws {
        // Tests' "in-memory" databases are temporary files too, so they get it as well.
        guard !app.settings.database.isPostgres else { return }
        let bytes = app.settings.sqliteMmapMebibytes * 1_048_576
        let ids: [DatabaseID] = app.databases.ids().contains(.sqliteBackground) ? [.sqlite, .sqliteBackground] : [.sqlite]
        for id in ids {
            for loop in app.eventLoopGroup.makeIterator() {
                guard let sql = app.databases.database(id, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
                try await tune(sql, mmapBytes: bytes, busyTimeoutMilliseconds: busyTimeout)
            }
        }
    }

    /// The settings on one connection (`sql` bound to it). Pools whose connections come and go
    /// (`ExportSnapshot`) set them each time they take one: cheap, a few microseconds.
    static func tune(_ sql: any SQLDatabase, mmapBytes: Int, busyTimeoutMilliseconds busyTimeout: Int = busyTimeoutMilliseconds) async throws {
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeout))").run()
        if mmapBytes > 0 { try await sql.raw("PRAGMA mmap_size = \(unsafeRaw: String(mmapBytes))").run() }
    }
}
