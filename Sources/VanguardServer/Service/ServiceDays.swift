import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The service analysis's daily roll-up (SVC-5): one count per China day, measure and key, kept
/// by every change to a ticket or a survey in the same transaction. A quarter's report sums a few
/// tens of thousands of counts instead of reading a quarter of a million tickets (measured at
/// 1 M tickets: 5.3–6.6 s before; see docs/benchmarks.md). What each ticket counts for is
/// `VanguardCore.ServiceDayFigures`.
enum ServiceDays {
    static let schema = "service_days"

    /// The figures a ticket stands for as it is now.
    static func figures(_ t: Ticket) -> ServiceDayFigures.Ticket? {
        guard t.deletedAt == nil else { return nil }
        return ServiceDayFigures.Ticket(
            type: t.type, channel: t.channel, openedOn: CivilDate.on(t.openedAt),
            responseSeconds: t.firstResponseAt.map { $0.timeIntervalSince(t.openedAt) },
            resolvedOn: t.resolvedAt.map(CivilDate.on), resolutionSeconds: t.resolvedAt.map { $0.timeIntervalSince(t.openedAt) },
            cause: t.cause, responseBreached: t.responseBreached, resolutionBreached: t.resolutionBreached)
    }

    /// Books the difference between a ticket's figures before a change (nil: new) and now, inside
    /// the caller's transaction.
    static func record(from before: ServiceDayFigures.Ticket?, to t: Ticket, on db: any Database) async throws {
        try await add(ServiceDayFigures.change(from: before, to: figures(t)), on: db)
    }

    /// A survey answered today counts its score.
    static func recordSurvey(score: Int, at date: Date, on db: any Database) async throws {
        guard (1...5).contains(score) else { return }
        try await add([.init(day: CivilDate.on(date), measure: .surveyScore, key: String(score)): 1], on: db)
    }

    private static func add(_ delta: [ServiceDayFigures.Entry: Int], on db: any Database) async throws {
        guard !delta.isEmpty else { return }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        // Sorted, so two transactions touching the same days lock their rows in the same order.
        let rows = delta.sorted { $0.key < $1.key }.map { e, n -> SQLQueryString in
            "(\(bind: e.day.description), \(bind: e.measure.rawValue), \(bind: e.key), \(bind: n))"
        }
        try await sql.raw("""
            INSERT INTO \(ident: schema) (day, measure, key, count) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (day, measure, key) DO UPDATE SET count = \(ident: schema).count + excluded.count
            """).run()
    }

    /// Sums of each measure and key over the days from `first` through `last`.
    static func totals(from first: CivilDate, through last: CivilDate, on sql: any SQLDatabase) async throws -> [ServiceDayFigures.Measure: [String: Int]] {
        var totals: [ServiceDayFigures.Measure: [String: Int]] = [:]
        let rows = try await sql.raw("""
            SELECT measure, key, CAST(SUM(count) AS BIGINT) AS n FROM \(ident: schema)
            WHERE day >= \(bind: first.description) AND day <= \(bind: last.description) GROUP BY measure, key
            """).all()
        for r in rows {
            guard let m = ServiceDayFigures.Measure(rawValue: try r.decode(column: "measure", as: String.self)) else { continue }
            totals[m, default: [:]][try r.decode(column: "key", as: String.self)] = try r.decode(column: "n", as: Int.self)
        }
        return totals
    }

    /// Proof of the roll-up: every count equal to a rebuild from the tickets and surveys.
    static let check = RollUpCheck(name: "service days", projections: [
        .init(table: schema, keys: ["day", "measure", "key"], values: [("count", 0)]),
    ], rebuild: { try await rebuild(on: $0) })

    /// Recomputes the whole roll-up from the tickets and surveys: after the migration that adds
    /// it, and after demo or benchmark data written straight into the tables. The SQL day and
    /// bucket are the same rules as `ServiceDayFigures`, written out from its bucket widths; a
    /// test checks that a rebuilt roll-up equals the one kept by changes.
    static func rebuild(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let day = sql.chinaDay
        func minutes(_ from: String, _ to: String) -> SQLQueryString {
            let seconds = sql.seconds(from: from, to: to)
            return sql.isPostgres ? "GREATEST(0, CAST(FLOOR((" + seconds + " + 30) / 60) AS BIGINT))" : "MAX(0, CAST((" + seconds + " + 30) / 60 AS INTEGER))"
        }
        var bucket = SQLQueryString("CASE")
        for w in DurationHistogram.widths {
            let rounded = SQLQueryString("CAST((m + \(unsafeRaw: String(w.width - 1))) / \(unsafeRaw: String(w.width)) * \(unsafeRaw: String(w.width)) AS TEXT)")
            bucket = w.below == Int.max ? bucket + " ELSE " + rounded : bucket + " WHEN m < \(unsafeRaw: String(w.below)) THEN " + rounded
        }
        bucket = bucket + " END"
        let live = SQLQueryString("FROM \(ident: Ticket.schema) WHERE deleted_at IS NULL")
        let resolved = live + " AND resolved_at IS NOT NULL"
        let parts: [SQLQueryString] = [
            "SELECT " + day("opened_at") + " AS day, 'opened.type' AS measure, type AS key " + live,
            "SELECT " + day("opened_at") + ", 'opened.channel', channel " + live,
            "SELECT day, 'response.minutes', " + bucket + " FROM (SELECT " + day("opened_at") + " AS day, " + minutes("opened_at", "first_response_at")
                + " AS m " + live + " AND first_response_at IS NOT NULL) r",
            "SELECT day, 'resolution.minutes', " + bucket + " FROM (SELECT " + day("resolved_at") + " AS day, " + minutes("opened_at", "resolved_at")
                + " AS m " + resolved + ") s",
            "SELECT " + day("resolved_at") + ", 'resolved.cause', cause " + resolved + " AND cause IS NOT NULL",
            "SELECT " + day("resolved_at") + ", 'resolved.attainment', CASE WHEN response_breached THEN 'response.breached' ELSE 'response.met' END " + resolved,
            "SELECT " + day("resolved_at") + ", 'resolved.attainment', CASE WHEN resolution_breached THEN 'resolution.breached' ELSE 'resolution.met' END " + resolved,
            "SELECT " + day("answered_at") + ", 'survey.score', CAST(score AS TEXT) FROM \(ident: SatisfactionSurvey.schema) WHERE answered_at IS NOT NULL AND score BETWEEN 1 AND 5",
        ]
        try await sql.raw("DELETE FROM \(ident: schema)").run()
        try await sql.raw("INSERT INTO \(ident: schema) (day, measure, key, count) SELECT day, measure, key, COUNT(*) FROM ("
            + parts.joined(separator: " UNION ALL ") + ") x GROUP BY day, measure, key").run()
    }
}

/// The roll-up table, filled from the tickets already there; and the index the repeat-complainer
/// count walks (a quarter's complaints by customer without reading the tickets themselves).
struct CreateServiceDays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceDays.schema)
            .field("day", .string, .required)
            .field("measure", .string, .required)
            .field("key", .string, .required)
            .field("count", .int, .required)
            .unique(on: "day", "measure", "key")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX tickets_complaints ON \(ident: Ticket.schema) (type, opened_at, customer_id) WHERE deleted_at IS NULL").run()
        }
        try await ServiceDays.rebuild(on: database)
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS tickets_complaints").run() }
        try await database.schema(ServiceDays.schema).delete()
    }
}
