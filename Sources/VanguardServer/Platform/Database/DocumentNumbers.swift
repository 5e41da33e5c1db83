import Fluent
import SQLKit
import Vapor
import VanguardCore

/// The next number of a series in a period, counted in `document_counters` inside the caller's
/// transaction: the number and its record commit together, and two instances never hand out the
/// same one (PostgreSQL locks the counter's row until the transaction ends; SQLite has one
/// writer). A rolled-back record leaves its number unused, as paper forms do.
enum DocumentNumbers {
    static let schema = "document_counters"

    static func next(_ series: DocumentSeries, on day: CivilDate, in db: any Database) async throws -> String {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let period = series.period(day)
        let row = try await sql.raw("""
            INSERT INTO \(ident: schema) (series, period, last) VALUES (\(bind: series.rawValue), \(bind: period), 1)
            ON CONFLICT (series, period) DO UPDATE SET last = \(ident: schema).last + 1
            RETURNING last
            """).first()
        guard let last = try row?.decode(column: "last", as: Int.self) else { throw Abort(.internalServerError) }
        return series.number(period: period, sequence: last)
    }
}

struct CreateDocumentCounters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DocumentNumbers.schema)
            .field("series", .string, .required)
            .field("period", .string, .required)
            .field("last", .int, .required)
            .unique(on: "series", "period")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DocumentNumbers.schema).delete()
    }
}
