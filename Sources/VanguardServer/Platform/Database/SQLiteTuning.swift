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
enum SQLiteTuning {
    static func apply(_ app: Application) async throws {
        // Tests' "in-memory" databases are temporary files too, so they get it as well.
        guard !app.settings.database.isPostgres, app.settings.sqliteMmapMebibytes > 0 else { return }
        let bytes = app.settings.sqliteMmapMebibytes * 1_048_576
        let ids: [DatabaseID] = app.databases.ids().contains(.sqliteBackground) ? [.sqlite, .sqliteBackground] : [.sqlite]
        for id in ids {
            for loop in app.eventLoopGroup.makeIterator() {
                guard let sql = app.databases.database(id, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
                try await sql.raw("PRAGMA mmap_size = \(unsafeRaw: String(bytes))").run()
            }
        }
    }
}
