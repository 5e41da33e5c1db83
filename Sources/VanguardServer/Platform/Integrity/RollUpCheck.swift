import Fluent
import Foundation
import SQLKit

/// A roll-up that writes keep in their own transaction (the funnel's stage days, the service
/// report's days, the campaigns' leads), and how to prove it right: what it holds, summed by a key
/// that a rebuild from the records must reproduce, compared with that rebuild.
///
/// `vanguard check` runs every chapter's checks after an incident or a restore; the durability
/// run runs it after SIGKILLing the server mid-write.
struct RollUpCheck: Sendable {
    /// One table's comparable projection: SUM of each value per key.
    struct Projection: Sendable {
        var table: String
        /// SQL expressions (column names or CASEs) that identify a row.
        var keys: [String]
        /// SQL expressions summed per key, with how far a rebuilt sum may differ (times rebuilt
        /// in SQL and kept from Swift dates differ by the stored precision).
        var values: [(expression: String, tolerance: Double)]
    }

    var name: String
    var projections: [Projection]
    /// Rebuilds the roll-up inside the transaction it is given.
    var rebuild: @Sendable (any Database) async throws -> Void
}

/// A key whose kept sums differ from the rebuilt ones (nil: no row on that side).
struct RollUpDifference: Sendable, Equatable, CustomStringConvertible {
    var table: String
    var key: [String]
    var kept: [Double]?
    var rebuilt: [Double]?

    var description: String {
        func show(_ v: [Double]?) -> String { v.map { $0.map { $0.rounded() == $0 ? String(Int64($0)) : String(format: "%.3f", $0) }.joined(separator: ", ") } ?? "no row" }
        return "\(table) [\(key.joined(separator: ", "))]: kept \(show(kept)), rebuilt \(show(rebuilt))"
    }
}

enum RollUpChecks {
    private struct RolledBack: Error {}

    /// Reads each roll-up, rebuilds it, reads it again and rolls the rebuild back: the database is
    /// left as it was. One transaction for all, so writers wait while it runs (on SQLite the
    /// write lock is held; on PostgreSQL the rebuilt rows are locked).
    static func run(_ checks: [RollUpCheck], on db: any Database) async throws -> [String: [RollUpDifference]] {
        let found = Found()
        do {
            try await db.writeTransaction { db in
                for check in checks {
                    var kept: [String: [[String]: [Double]]] = [:]
                    for p in check.projections { kept[p.table] = try await read(p, on: db) }
                    try await check.rebuild(db)
                    var differences: [RollUpDifference] = []
                    for p in check.projections {
                        differences += compare(p, kept: kept[p.table] ?? [:], rebuilt: try await read(p, on: db))
                    }
                    await found.set(check.name, differences)
                }
                throw RolledBack()
            }
        } catch is RolledBack {}
        return await found.all
    }

    private actor Found {
        var all: [String: [RollUpDifference]] = [:]
        func set(_ name: String, _ d: [RollUpDifference]) { all[name] = d }
    }

    /// The sums per key; keys whose sums are all zero count as absent (a roll-up kept by
    /// increments may hold a row brought back to zero; a rebuild writes none).
    static func read(_ p: RollUpCheck.Projection, on db: any Database) async throws -> [[String]: [Double]] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        let keys = p.keys.enumerated().map { "CAST(\($0.element) AS TEXT) AS k\($0.offset)" }
        let sums = p.values.enumerated().map { "CAST(SUM(\($0.element.expression)) AS DOUBLE PRECISION) AS v\($0.offset)" }
        // The projection is the chapters' own constant SQL, never input.
        let text = "SELECT \((keys + sums).joined(separator: ", ")) FROM \(p.table) GROUP BY \(p.keys.joined(separator: ", "))"
        let rows = try await sql.raw(SQLQueryString(text)).all()
        var result: [[String]: [Double]] = [:]
        for row in rows {
            let key = try p.keys.indices.map { try row.decode(column: "k\($0)", as: String?.self) ?? "∅" }
            let values = try p.values.indices.map { try row.decode(column: "v\($0)", as: Double?.self) ?? 0 }
            if values.contains(where: { $0 != 0 }) { result[key] = values }
        }
        return result
    }

    static func compare(_ p: RollUpCheck.Projection, kept: [[String]: [Double]], rebuilt: [[String]: [Double]]) -> [RollUpDifference] {
        var differences: [RollUpDifference] = []
        for key in Set(kept.keys).union(rebuilt.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let a = kept[key], b = rebuilt[key]
            if let a, let b, zip(zip(a, b), p.values).allSatisfy({ abs($0.0 - $0.1) <= $1.tolerance + 1e-9 * max(abs($0.0), abs($0.1)) }) { continue }
            differences.append(RollUpDifference(table: p.table, key: key, kept: a, rebuilt: b))
        }
        return differences
    }
}
