import Foundation
import Vapor

/// Everything Vanguard reads from the environment, read in one place.
public struct Settings: Sendable {
    public enum DatabaseTarget: Sendable, Equatable {
        case sqliteFile(path: String)
        /// A throwaway database for tests: one temporary file, removed at shutdown (`ScratchSQLite`).
        case sqliteMemory
        case postgres(url: String)

        public var isPostgres: Bool { if case .postgres = self { true } else { false } }

        /// A PostgreSQL server on this machine (loopback or a local socket): its process for a
        /// transaction then shares our cores, which matters to work that runs beside one (imports).
        public var isPostgresOnThisMachine: Bool {
            guard case .postgres(let url) = self else { return false }
            let host = URLComponents(string: url)?.host?.lowercased() ?? ""
            return host.isEmpty || host.hasPrefix("/") || host.hasPrefix("%2f") || ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host)
        }
    }

    public var database: DatabaseTarget
    public var dataDirectory: String
    public var adminEmail: String?
    public var adminPassword: String?
    /// Base URL people reach the server on, for links printed to the console and sent in webhooks.
    public var publicURL: String?
    /// Mark cookies `Secure` (behind HTTPS). Off by default so `serve` works on http://127.0.0.1.
    public var secureCookies: Bool
    /// bcrypt cost; tests lower it so a suite of sign-ins stays fast.
    public var bcryptCost: Int
    /// Path of the policy pack loaded on first start.
    public var policyPackPath: String
    /// Run background workers (webhook deliveries) in this process.
    public var runsJobs: Bool
    /// Load the demo company on start (`serve --demo`).
    public var loadDemo: Bool
    /// PostgreSQL connections per event loop (`VANGUARD_DB_POOL`, default 8).
    public var databasePoolSize: Int
    /// How long a cached policy pack is trusted before the database is asked again. Tests use 0:
    /// every read then goes to the database, which exposes a read made on `req.db` inside a
    /// SQLite write transaction (it waits forever for the pool's one connection).
    public var policyRecheckSeconds: Double
    /// Behind a reverse proxy (`VANGUARD_TRUST_PROXY=1`): the client's address is the last entry
    /// of X-Forwarded-For, for the public form's rate limit. Off, the header is ignored: anyone
    /// could send one.
    public var trustForwardedFor: Bool = false
    /// Templates read afresh on every request (`VANGUARD_RELOAD_TEMPLATES=1`), for editing them.
    public var reloadTemplates: Bool = false
    /// How much of the SQLite file each connection reads through memory mapping
    /// (`VANGUARD_SQLITE_MMAP_MB`, default 2048; 0 turns it off). See `SQLiteTuning`.
    public var sqliteMmapMebibytes: Int = 2_048
    /// How long a query waits for a free pooled PostgreSQL connection before failing (10 s).
    /// Tests wait longer: a whole suite on two busy cores can keep fifty requests queued past
    /// ten seconds, and a test checks what was written, not how fast.
    public var databaseConnectionWaitSeconds: Int64 = 10

    public init(database: DatabaseTarget, dataDirectory: String = "./data", adminEmail: String? = nil,
                adminPassword: String? = nil, publicURL: String? = nil, secureCookies: Bool = false,
                bcryptCost: Int = 12, policyPackPath: String = "policy/default.yaml",
                runsJobs: Bool = true, loadDemo: Bool = false, databasePoolSize: Int = 8, policyRecheckSeconds: Double = 5) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.publicURL = publicURL
        self.secureCookies = secureCookies
        self.bcryptCost = bcryptCost
        self.policyPackPath = policyPackPath
        self.runsJobs = runsJobs
        self.loadDemo = loadDemo
        self.databasePoolSize = databasePoolSize
        self.policyRecheckSeconds = policyRecheckSeconds
    }

    /// Reads `DATABASE_URL`, `VANGUARD_DATA_DIR`, `VANGUARD_ADMIN_EMAIL`, `VANGUARD_ADMIN_PASSWORD`,
    /// `VANGUARD_PUBLIC_URL`, `VANGUARD_SECURE_COOKIES`, `VANGUARD_BCRYPT_COST`, `VANGUARD_POLICY_PACK`,
    /// `VANGUARD_RUN_JOBS`, `VANGUARD_DB_POOL`, `VANGUARD_TRUST_PROXY`, `VANGUARD_RELOAD_TEMPLATES`,
    /// `VANGUARD_SQLITE_MMAP_MB`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
        let dataDir = env["VANGUARD_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database: DatabaseTarget
        if let url = env["DATABASE_URL"], url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            database = .postgres(url: url)
        } else {
            database = .sqliteFile(path: dataDir + "/vanguard.sqlite")
        }
        var settings = Settings(
            database: database,
            dataDirectory: dataDir,
            adminEmail: env["VANGUARD_ADMIN_EMAIL"].flatMap { $0.isEmpty ? nil : $0 },
            adminPassword: env["VANGUARD_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            publicURL: env["VANGUARD_PUBLIC_URL"],
            secureCookies: env["VANGUARD_SECURE_COOKIES"] == "1" || env["VANGUARD_SECURE_COOKIES"] == "true",
            bcryptCost: env["VANGUARD_BCRYPT_COST"].flatMap(Int.init).map { min(max($0, 4), 15) } ?? 12,
            policyPackPath: env["VANGUARD_POLICY_PACK"] ?? "policy/default.yaml",
            runsJobs: env["VANGUARD_RUN_JOBS"] != "0",
            databasePoolSize: env["VANGUARD_DB_POOL"].flatMap(Int.init).map { min(max($0, 1), 64) } ?? 8
        )
        settings.trustForwardedFor = env["VANGUARD_TRUST_PROXY"] == "1" || env["VANGUARD_TRUST_PROXY"] == "true"
        settings.reloadTemplates = env["VANGUARD_RELOAD_TEMPLATES"] == "1"
        if let mb = env["VANGUARD_SQLITE_MMAP_MB"].flatMap(Int.init) { settings.sqliteMmapMebibytes = min(max(mb, 0), 65_536) }
        return settings
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    public var settings: Settings {
        get {
            guard let s = storage[SettingsKey.self] else { fatalError("configure(_:settings:) was not called") }
            return s
        }
        set { storage[SettingsKey.self] = newValue }
    }
}
