import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import NIOConcurrencyHelpers
import Vapor

/// Wires the application. The executable and the tests call this same function; only the
/// settings and the clock differ.
public func configure(_ app: Application, settings: Settings, clock: any AppClock = SystemClock()) async throws {
    app.settings = settings
    app.clock = clock
    app.policy = PolicyStore(clock: clock, recheckSeconds: settings.policyRecheckSeconds)
    app.tokenCache = TokenCache()
    app.leadSignUps = LeadSignUps(app: app)
    app.commonSearchTokens = CommonSearchTokens()
    app.customerStatistics = CustomerStatistics()
    // Due at start: a server stopped before its upkeep (a deploy, a crash) leaves an import's
    // search entries waiting in PostgreSQL's pending list, which every search then reads in full
    // (20,000 entries: each search 4–7 times as slow, harbor p95 8 → 51 ms) until autovacuum
    // comes; on SQLite, the segments it left unmerged.
    app.searchIndexMergesDue = NIOLockedValueBox(true)
    try configureDatabase(app, settings.database, poolSize: settings.databasePoolSize,
                      connectionWait: .seconds(settings.databaseConnectionWaitSeconds))
    TimeOrderedIDs.install(app)
    NameOrderKeeper.install(app)
    app.migrations.add(AppMigrations.all)

    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    app.views.use(.leaf)
    // Parsed templates are kept (reading and lexing them was a seventh of a page's time);
    // VANGUARD_RELOAD_TEMPLATES=1 reads them afresh on every request while editing them.
    app.leaf.cache.isEnabled = !settings.reloadTemplates
    app.routes.defaultMaxBodySize = "1mb"
    app.translations = try Translations.load(from: app.directory.resourcesDirectory + "Localization/", views: app.directory.viewsDirectory)

    ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
    ContentConfiguration.global.use(decoder: JSONDecoder.api, for: .json)

    let inFlight = InFlightRequests()
    app.middleware = Middlewares()
    app.middleware.use(inFlight)
    app.middleware.use(MetricsMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(InputGuardMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))

    app.lifecycle.use(WebhookWorker())
    app.lifecycle.use(SchedulerWorker())
    app.lifecycle.use(DatabaseUpkeep())
    // Last, so its shutdown runs first: the requests finish while the workers and databases are up.
    app.lifecycle.use(inFlight)
    try routes(app)
}

/// SQLite file (WAL) by default, a throwaway file for tests (`ScratchSQLite`), PostgreSQL for a `postgres://` URL.
/// `connectionWait`: how long a query waits for a free pooled PostgreSQL connection before failing
/// (`Settings.databaseConnectionWaitSeconds`).
func configureDatabase(_ app: Application, _ target: Settings.DatabaseTarget, poolSize: Int, connectionWait: TimeAmount) throws {
    switch target {
    case .sqliteMemory:
        let scratch = ScratchSQLite.make()
        app.databases.use(.sqlite(.file(scratch.path)), as: .sqlite)
        app.lifecycle.use(scratch)
        app.scratchSQLite = scratch
        ExportSnapshot.configure(app, sqlitePath: scratch.path)
    case .sqliteFile(let path):
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        BackgroundDatabase.configure(app, path: path)
        ExportSnapshot.configure(app, sqlitePath: path)
        app.logger.info("Database: SQLite file \(path)")
    case .postgres(let url):
        var config = try SQLPostgresConfiguration(url: url)
        if !url.contains("sslmode=") || url.contains("sslmode=disable") { config.coreConfiguration.tls = .disable }
        // No JIT compilation: it pays off for long analytic queries, not for ours, and it starts on
        // cost estimates that a never-run subplan inflates. A group lead's funnel spent 1.4 s of CPU
        // compiling a query that runs in 30 ms (0.7 s per request instead of 30 ms; docs/benchmarks.md).
        config.coreConfiguration.options.additionalStartupParameters.append(("jit", "off"))
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: poolSize, connectionPoolTimeout: connectionWait), as: .psql)
        let safe = url.replacingOccurrences(of: #"//[^@]*@"#, with: "//***@", options: .regularExpression)
        app.logger.info("Database: PostgreSQL \(safe)")
    }
}

/// Runs migrations and SQLite's one-time settings. WAL lets readers work while one writer writes;
/// `synchronous` stays FULL (SQLite's default, which our driver keeps; a test checks it) so an
/// acknowledged write survives a power cut. Tests' "in-memory" SQLite is a temporary file
/// underneath (the driver cannot share true in-memory databases between connections), so it
/// gets WAL too and behaves like production.
public func prepareDatabase(_ app: Application) async throws {
    if !app.settings.database.isPostgres, let sql = app.db as? any SQLDatabase {
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }
    try await app.autoMigrate()
}
