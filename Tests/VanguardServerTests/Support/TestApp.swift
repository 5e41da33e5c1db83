import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardServer

/// The repository root, found from this file, so tests read the real policy pack and templates.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path + "/"
}()

/// Runs `body` against a freshly configured app on a fresh database: in-memory SQLite, or a new
/// PostgreSQL database copied from a migrated template when VANGUARD_TEST_POSTGRES_URL is set.
func withApp(_ body: (TestWorld) async throws -> Void) async throws {
    let database = try await TestDatabases.shared.fresh()
    let app = try await Application.make(.testing)
    app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
    let clock = ManualClock(Date(timeIntervalSince1970: 1_790_000_000))
    do {
        var settings = Settings(database: database.target, bcryptCost: 4, policyPackPath: repositoryRoot + "policy/default.yaml",
                                runsJobs: false, databasePoolSize: 2, policyRecheckSeconds: 0)
        settings.databaseConnectionWaitSeconds = 300
        try await configure(app, settings: settings, clock: clock)
        if !database.migrated {
            try await prepareDatabase(app)
            try await Bootstrap.loadPolicyIfNeeded(app)
        }
        try await body(TestWorld(app: app, clock: clock))
    } catch {
        try? await app.asyncShutdown()
        await TestDatabases.shared.drop(database)
        throw error
    }
    try await app.asyncShutdown()
    await TestDatabases.shared.drop(database)
}

/// Hands out one database per test. On PostgreSQL, a template is migrated once per run and
/// copied for each test (much faster than migrating every time); copies are made one at a time
/// because PostgreSQL refuses to copy a template that another copy is reading.
actor TestDatabases {
    static let shared = TestDatabases()

    struct Handle: Sendable {
        var target: Settings.DatabaseTarget
        var name: String?
        var migrated: Bool
    }

    private var admin: Application?
    private var template: String?
    private let baseURL = ProcessInfo.processInfo.environment["VANGUARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var onPostgres: Bool { ProcessInfo.processInfo.environment["VANGUARD_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false }

    /// The last queued request for a database; each waits for the one before, because the
    /// actor alone would let them interleave at every `await`.
    private var tail: Task<Void, Never>?

    func fresh() async throws -> Handle {
        guard baseURL != nil else { return Handle(target: .sqliteMemory, name: nil, migrated: false) }
        let previous = tail
        let task = Task { () async throws -> Handle in
            _ = await previous?.value
            return try await self.makeCopy()
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }

    private func makeCopy() async throws -> Handle {
        guard let baseURL else { return Handle(target: .sqliteMemory, name: nil, migrated: false) }
        let sql = try await adminDatabase(baseURL)
        if template == nil { template = try await makeTemplate(baseURL, sql) }
        let name = "vg_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await sql.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: template!)").run()
        return Handle(target: .postgres(url: Self.url(baseURL, database: name)), name: name, migrated: true)
    }

    func drop(_ handle: Handle) async {
        guard let name = handle.name, let sql = admin?.db as? any SQLDatabase else { return }
        try? await sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
    }

    private func adminDatabase(_ url: String) async throws -> any SQLDatabase {
        if let admin, let sql = admin.db as? any SQLDatabase { return sql }
        let app = try await Application.make(.testing)
        // One connection makes every test's database in turn (CREATE DATABASE … TEMPLATE, about a
        // second each under a full parallel run on 2 cores): a test may queue behind dozens of
        // others, longer than the pool's usual ten seconds (CI failed on that wait once).
        try configureDatabase(app, .postgres(url: url), poolSize: 1, connectionWait: .minutes(5))
        admin = app
        return app.db as! any SQLDatabase
    }

    private func makeTemplate(_ url: String, _ sql: any SQLDatabase) async throws -> String {
        let name = "vg_template_\(ProcessInfo.processInfo.processIdentifier)"
        // A run's template outlives it (tests have no end-of-run hook): drop those whose test
        // process is gone, so a developer's cluster does not fill up with them.
        for row in try await sql.raw("SELECT datname FROM pg_database WHERE datname LIKE 'vg\\_template\\_%'").all() {
            let stale = try row.decode(column: "datname", as: String.self)
            guard let pid = Int32(stale.dropFirst("vg_template_".count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? await sql.raw("DROP DATABASE IF EXISTS \(ident: stale) WITH (FORCE)").run()
        }
        try await sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        try await sql.raw("CREATE DATABASE \(ident: name)").run()
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
        do {
            let settings = Settings(database: .postgres(url: Self.url(url, database: name)), bcryptCost: 4,
                                    policyPackPath: repositoryRoot + "policy/default.yaml", runsJobs: false, databasePoolSize: 1)
            try await configure(app, settings: settings)
            try await prepareDatabase(app)
            try await Bootstrap.loadPolicyIfNeeded(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return name
    }

    static func url(_ base: String, database: String) -> String {
        guard var components = URLComponents(string: base) else { return base }
        components.path = "/" + database
        return components.string ?? base
    }
}

/// One test's world: the app, its clock, and helpers to call it as people do.
struct TestWorld {
    let app: Application
    let clock: ManualClock

    var db: any Database { app.db }

    /// Calls the JSON API. `json` may be any Encodable or a raw string body.
    @discardableResult
    func api(_ method: HTTPMethod, _ path: String, token: String? = nil, json: (any Encodable)? = nil, raw: String? = nil,
             headers extra: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var body: ByteBuffer?
        if let json {
            headers.contentType = .json
            body = ByteBuffer(data: try JSONEncoder.api.encode(json))
        } else if let raw {
            headers.contentType = .json
            body = ByteBuffer(string: raw)
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }

    /// Every item of a paged API list (`path` with its query), following the cursors to the end.
    func allPages<Item: Content>(_ path: String, token: String, of: Item.Type) async throws -> [Item] {
        var items: [Item] = [], cursor: String?
        repeat {
            let page = try await api(.GET, path + (cursor.map { "&cursor=\($0)" } ?? ""), token: token).json(PageOf<Item>.self)
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items
    }
}

extension TestingHTTPResponse {
    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder.api.decode(T.self, from: Data(buffer: body))
    }

    /// The problem document of an error answer.
    var problem: ProblemBody? { try? JSONDecoder.api.decode(ProblemBody.self, from: Data(buffer: body)) }

    /// The fields an error answer names.
    var problemFields: [String] { problem?.errors?.map(\.field) ?? [] }
}

/// Lets a test send a JSON object written as a dictionary.
struct JSONBody: Encodable {
    let values: [String: JSONBodyValue]
    init(_ values: [String: JSONBodyValue]) { self.values = values }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in values { try c.encode(v, forKey: AnyKey(stringValue: k)) }
    }
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

enum JSONBodyValue: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    case string(String), int(Int), double(Double), bool(Bool), null
    indirect case array([JSONBodyValue]), object([String: JSONBodyValue])
    init(floatLiteral value: Double) { self = .double(value) }
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
    static func id(_ uuid: UUID?) -> JSONBodyValue { uuid.map { .string($0.uuidString) } ?? .null }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
