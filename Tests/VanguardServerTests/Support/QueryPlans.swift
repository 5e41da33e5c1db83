import SQLKit
@testable import VanguardServer

/// The database's plan for `query`, its lines joined by "; ": SQLite's `EXPLAIN QUERY PLAN`
/// details or PostgreSQL's `EXPLAIN` text, for tests that check which index a query reads.
func queryPlan(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> String {
    let rows = try await sql.raw((sql.isPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query).all()
    return try rows.map { try $0.decode(column: sql.isPostgres ? "QUERY PLAN" : "detail", as: String.self) }.joined(separator: "; ")
}
