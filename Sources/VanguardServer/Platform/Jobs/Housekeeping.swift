import Foundation
import SQLKit
import Vapor

/// Hourly clean-up of what only matters for a while, so those tables stay the size of a day's
/// use rather than growing for years: idempotency keys past their 24 hours (a retry after that
/// is a new request anyway), web sessions idle beyond the policy's timeout (already refused at
/// sign-in), and the public form's buckets that have filled up again (a full bucket answers
/// exactly as no bucket).
enum Housekeeping {
    static let job = JobSpec(name: "housekeeping", cadence: .every(seconds: 3_600)) { app, _, now in
        try await run(app, now: now)
    }

    static func run(_ app: Application, now: Date) async throws -> String {
        let pack = try await app.policy.current(on: app.backgroundDB)
        let limit = pack.effectiveMarketing.effectiveRateLimit
        let idle = TimeInterval(pack.effectiveSecurity.sessionIdleMinutes * 60)
        func removed(_ table: String, _ column: String, before cutoff: Date) async throws -> Int {
            try await app.backgroundDB.writeTransaction { db in
                try await (db as! any SQLDatabase).delete(from: table).where(column, .lessThan, SQLBind(cutoff)).returning(column).all().count
            }
        }
        let keys = try await removed(IdempotencyKey.schema, "created_at", before: now.addingTimeInterval(-IdempotencyMiddleware.lifetime))
        let sessions = try await removed(WebSession.schema, "last_seen_at", before: now.addingTimeInterval(-idle))
        let buckets = try await removed(CreateLeadFormBuckets.table, "refilled_at",
                                        before: now.addingTimeInterval(-Double(limit.capacity * limit.refillSeconds)))
        return "removed \(keys) idempotency keys, \(sessions) idle sessions, \(buckets) refilled form buckets"
    }
}
