import Fluent
import Foundation
import Vapor
import VanguardCore

/// What happens on start after migrations: the policy pack is loaded once, the organisation
/// seeded from it, and the first admin created (or a one-time setup link printed).
enum Bootstrap {
    static func loadPolicyIfNeeded(_ app: Application) async throws {
        guard try await PolicyVersion.query(on: app.db).count() == 0 else { return }
        let path = app.settings.policyPackPath.hasPrefix("/") ? app.settings.policyPackPath
            : app.directory.workingDirectory + app.settings.policyPackPath
        guard let yaml = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Abort(.internalServerError, reason: "Policy pack not found at \(path). Set VANGUARD_POLICY_PACK.")
        }
        let pack = try PolicyStore.parse(yaml)
        try await app.db.writeTransaction { db in
            try await PolicyVersion(number: 1, yaml: yaml, createdAt: app.clock.now(), createdBy: "system",
                                    comment: "Loaded from \(app.settings.policyPackPath)").create(on: db)
            try await OrgSeeder.apply(pack, on: db)
        }
        app.logger.info("Loaded the policy pack from \(path)")
    }

    static func ensureFirstAdmin(_ app: Application, arguments: [String] = []) async throws {
        guard try await UserAccount.query(on: app.db).withDeleted().count() == 0 else { return }
        if let email = app.settings.adminEmail, let password = app.settings.adminPassword {
            let rules = try await app.policy.current(on: app.db).effectiveSecurity.passwordRules
            if let problem = rules.check(password, email: email) {
                throw Abort(.internalServerError, reason: "VANGUARD_ADMIN_PASSWORD: \(problem.message)")
            }
            if let problem = Validators.email(email) {
                throw Abort(.internalServerError, reason: "VANGUARD_ADMIN_EMAIL: \(problem.message)")
            }
            let user = UserAccount(email: email, displayName: "Administrator", passwordHash: try await app.password.async.hash(password), role: .admin)
            try await user.create(on: app.db)
            try await Audit.system(.create, "user", id: user.id, label: email, after: nil, at: app.clock.now(), on: app.db)
            app.logger.notice("Created the first admin \(email) from VANGUARD_ADMIN_EMAIL.")
            return
        }
        let token = Secrets.token()
        try await SetupToken.query(on: app.db).delete()
        try await SetupToken(tokenHash: Secrets.hash(token), expiresAt: app.clock.now().addingTimeInterval(24 * 3600)).create(on: app.db)
        // `serve` applies --hostname/--port after boot, so read them from the command line here.
        func option(_ names: [String]) -> String? {
            guard let i = arguments.firstIndex(where: names.contains), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let host = option(["--hostname", "-H"]) ?? app.http.server.configuration.hostname
        let port = option(["--port", "-p"]) ?? String(app.http.server.configuration.port)
        let base = app.settings.publicURL ?? "http://\(host):\(port)"
        app.logger.notice("No accounts yet. Create the first admin within 24 hours at: \(base)/setup?token=\(token)")
        print("\n  First start: create the admin account at \(base)/setup?token=\(token)\n")
    }
}
