import Fluent
import SQLKit
import Vapor

struct HealthStatus: Content {
    var status: String
    var database: String
}

enum Health {
    /// 200 when the server can reach its database, 503 otherwise.
    static func check(req: Request) async throws -> Response {
        var ok = true
        if let sql = req.db as? any SQLDatabase {
            do { try await sql.raw("SELECT 1").run() } catch { ok = false }
        }
        let body = HealthStatus(status: ok ? "ok" : "unavailable", database: ok ? "ok" : "unreachable")
        return try await body.encodeResponse(status: ok ? .ok : .serviceUnavailable, for: req)
    }
}
