import Fluent
import SQLKit
import Vapor

/// `vanguard check`: after a crash, a restore or a hand edit, proves the database whole — SQLite's
/// own integrity check, then every roll-up equal to a rebuild from its records (rolled back: the
/// check changes nothing). Exits 1 and lists the differences when one is found.
struct CheckCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Check the database: SQLite's integrity, and every roll-up against a rebuild from its records." }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        var failures: [String] = []
        if !app.settings.database.isPostgres, let sql = app.db as? any SQLDatabase {
            let rows = try await sql.raw("PRAGMA integrity_check").all()
            let messages = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }
            if messages == ["ok"] { context.console.info("SQLite integrity_check: ok") } else { failures += messages.map { "integrity_check: \($0)" } }
        }
        let found = try await RollUpChecks.run(try await Self.checks(app), on: app.db)
        for (name, differences) in found.sorted(by: { $0.key < $1.key }) {
            if differences.isEmpty {
                context.console.info("\(name): equal to a rebuild from the records")
            } else {
                context.console.error("\(name): \(differences.count) differences from a rebuild")
                for d in differences.prefix(20) { context.console.error("  \(d)") }
                failures.append("\(name): \(differences.count) differences")
            }
        }
        if !failures.isEmpty { throw Failed(description: "check failed: " + failures.joined(separator: "; ")) }
    }

    /// Every chapter's roll-ups.
    static func checks(_ app: Application) async throws -> [RollUpCheck] {
        let won = try await app.policy.current(on: app.db).effectiveSales.pipeline.wonStageKeys
        return [StageDays.check, ServiceDays.check] + CampaignRollUps.checks(wonStages: won)
    }
}
