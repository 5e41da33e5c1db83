import Fluent
import FluentSQLiteDriver
import Vapor

/// Where background work (scheduled jobs, webhook deliveries) reads and writes.
///
/// SQLite's driver keeps one connection per event loop, and every request on a loop queues for
/// its connection. A job run through `app.db` takes one of them: the SLA scan over 100,000 open
/// tickets held it for 1.8 s, and every request on that loop waited (the team funnel's p99 at
/// 16 connections went from about 60 ms to 1,020 ms; docs/benchmarks.md). So a SQLite file gets
/// a second set of connections for background work, on the same file: WAL lets it read beside
/// the requests, and `SQLiteWriteGate` still lets one write transaction at a time into the file.
/// PostgreSQL's pool has several connections per loop already; tests' in-memory SQLite is one
/// temporary file that a second pool would not share, so both keep using `app.db`.
extension DatabaseID {
    static let sqliteBackground = DatabaseID(string: "sqlite-background")
}

extension Application {
    var backgroundDB: any Database {
        if case .sqliteFile = settings.database { return db(.sqliteBackground) }
        return db
    }
}

enum BackgroundDatabase {
    static func configure(_ app: Application, path: String) {
        app.databases.use(.sqlite(.file(path)), as: .sqliteBackground, isDefault: false)
    }
}
