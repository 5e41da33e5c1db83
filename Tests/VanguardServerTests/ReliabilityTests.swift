import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// What a client on a flaky network and several people editing at once can count on:
/// a retried write never makes a second record, and no edit silently overwrites another.
@Suite("Retries and concurrent edits (Idempotency-Key, ETag)")
struct ReliabilityTests {
    @Test("a POST retried with the same Idempotency-Key gets the first answer and makes one record")
    func retryReplays() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let body = world.memberBody("R001")
            let key = ("Idempotency-Key", "9f1c0a52-6b0e-4a47-9d7c-1f3f6d1f0001")
            let first = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: body, headers: [key])
            #expect(first.status == .created)
            let again = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: body, headers: [key])
            #expect(again.status == .created)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.body.string == first.body.string)
            #expect(again.headers.first(name: .location) == first.headers.first(name: .location))
            #expect(again.headers.first(name: .eTag) == first.headers.first(name: .eTag))
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo == "R001").count() == 1)
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityType == "member").filter(\.$action == "create").count() == 1)
        }
    }

    @Test("the hourly housekeeping removes idempotency keys past their 24 hours, sessions idle past the timeout and form buckets that filled up again, and nothing younger")
    func housekeeping() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await MarketingCampaignFlowTests.runningExpo(world, team, p)
            _ = try await MarketingCampaignFlowTests.signUp(world, c.slug, ["name": "王芳", "mobile": "13800138000", "consent": "true"])
            _ = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R010"), headers: [("Idempotency-Key", "old-key")])
            let web = WebClient(world)
            try await web.signIn("hr@team.test")
            // Fresh, everything stays.
            #expect(try await Housekeeping.run(world.app, now: world.clock.now()) == "removed 0 idempotency keys, 0 idle sessions, 0 refilled form buckets")
            world.clock.advance(by: 25 * 3_600)
            _ = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R011"), headers: [("Idempotency-Key", "new-key")])
            #expect(try await Scheduler.runNow(world.app, name: "housekeeping", now: world.clock.now())
                    == "removed 1 idempotency keys, 1 idle sessions, 1 refilled form buckets")
            #expect(try await IdempotencyKey.query(on: world.db).all().map(\.key) == ["new-key"])
            #expect(try await web.get("/org").status == .seeOther, "the idle session is gone: sign in again")
        }
    }

    @Test("the same key with another request is refused; a failed request does not use its key up")
    func keyRules() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let key = ("Idempotency-Key", "key-2")
            let invalid = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: JSONBody(["name": "x"]), headers: [key])
            #expect(invalid.status == .unprocessableEntity)
            let valid = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R002"), headers: [key])
            #expect(valid.status == .created, "nothing was written the first time, so the key was still free")
            let other = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R003"), headers: [key])
            #expect(other.status == .unprocessableEntity)
            #expect(other.problem?.type == "/problems/idempotency-key-reused")
            let bad = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R004"), headers: [("Idempotency-Key", "has space")])
            #expect(bad.status == .badRequest)
            // Keys are each user's own: the lead's same key is a new request.
            let lead = try await world.api(.POST, "/api/v1/members", token: team.lead.token, json: world.memberBody("R005"), headers: [key])
            #expect(lead.status == .created)
        }
    }

    @Test("when a write committed but its answer was lost, a retry says so instead of writing again")
    func lostAnswer() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let key = ("Idempotency-Key", "key-3")
            let first = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R006"), headers: [key])
            #expect(first.status == .created)
            // What a crash between the commit and storing the answer leaves behind.
            let row = try #require(try await IdempotencyKey.query(on: world.db).filter(\.$key == "key-3").first())
            row.status = nil
            row.body = nil
            row.createdAt = world.clock.now().addingTimeInterval(-120)
            try await row.save(on: world.db)
            let retry = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("R006"), headers: [key])
            #expect(retry.status == .conflict)
            #expect(retry.problem?.type == "/problems/idempotent-request-applied")
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo == "R006").count() == 1)
        }
    }

    @Test("two people saving the same version at once: exactly one wins, the other gets 412", arguments: [1, 2, 3])
    func sameETagRace(round: Int) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let path = "/api/v1/members/\(team.salesRep.member!)"
            let etag = try #require(try await world.api(.GET, path, token: team.hr.token).headers.first(name: .eTag))
            async let a = world.api(.PATCH, path, token: team.hr.token, json: JSONBody(["position": .string("A\(round)")]), headers: [("If-Match", etag)])
            async let b = world.api(.PATCH, path, token: team.lead.token, json: JSONBody(["position": .string("B\(round)")]), headers: [("If-Match", etag)])
            let statuses = try await [a.status, b.status].sorted { $0.code < $1.code }
            #expect(statuses == [.ok, .preconditionFailed])
            let m = try #require(try await Member.find(team.salesRep.member, on: world.db))
            #expect(m.version == 2, "one change, one new version")
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityId == m.id).filter(\.$action == "update").count() == 1)
        }
    }

    @Test("fifty clients adding members at once: every one is saved once, no 'database is locked'")
    func fiftyWriters() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody(String(format: "C%03d", i)),
                                            headers: [("Idempotency-Key", "fifty-\(i)")]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses.filter { $0 != .created })")
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo ~~ "C0").count() == 50)
            #expect(try await IdempotencyKey.query(on: world.db).count() == 50)
        }
    }

    @Test("SQLite runs in WAL mode with synchronous FULL: an acknowledged write survives a power cut")
    func sqliteDurabilitySettings() async throws {
        try await withApp { world in
            guard !world.app.settings.database.isPostgres, let sql = world.db as? any SQLDatabase else { return }
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            #expect(mode == "wal")
            #expect(sync == 2, "2 is FULL: the WAL is synced at every commit")
        }
    }

    @Test("documents are numbered by counting: twenty tickets opened at once get twenty numbers of the day, none twice; a quote counts in its own series")
    func countedNumbers() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let customer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token,
                                               json: JSONBody(["name": "漳州食品", "source": "visit"])).json(CustomerDTO.self)
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await world.api(.POST, "/api/v1/tickets", token: team.serviceAgent.token, json: JSONBody([
                            "customerId": .string(customer.id.uuidString), "type": "inquiry", "subject": .string("咨询 \(i)")])).json(TicketDTO.self).number
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let day = DocumentSeries.ticket.period(CivilDate.on(world.clock.now()))
            #expect(Set(numbers) == Set((1...20).map { DocumentSeries.ticket.number(period: day, sequence: $0) }), "\(numbers.sorted())")
            let deal = try await world.api(.POST, "/api/v1/opportunities", token: team.salesRep.token, json: JSONBody([
                "customerId": .string(customer.id.uuidString), "title": "冷库", "amount": 50_000, "stage": "proposal", "needs": "两座冷库"])).json(OpportunityDTO.self)
            let product = try await world.api(.POST, "/api/v1/products", token: team.lead.token, json: JSONBody([
                "code": "ck-1", "name": "冷库机组", "unit": "套", "listPrice": 50_000])).json(ProductDTO.self)
            let validUntil = CivilDate.on(world.clock.now().addingTimeInterval(30 * 86_400)).description
            let quote = try await world.api(.POST, "/api/v1/quotes", token: team.salesRep.token, json: JSONBody([
                "opportunityId": .string(deal.id.uuidString), "validUntil": .string(validUntil),
                "lines": .array([.object(["productId": .string(product.id.uuidString), "quantity": 1])])]))
            #expect(quote.status == .created)
            let month = DocumentSeries.quote.period(CivilDate.on(world.clock.now()))
            #expect(try quote.json(QuoteDTO.self).number == DocumentSeries.quote.number(period: month, sequence: 1), "the quote series starts at 1 of its own")
        }
    }

    @Test("on a SQLite file, background work has its own connections: while a job holds one, every event loop's request connection still answers")
    func backgroundConnections() async throws {
        guard !TestDatabases.onPostgres else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vg-background-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
        do {
            try await configure(app, settings: Settings(database: .sqliteFile(path: dir + "/vanguard.sqlite"), bcryptCost: 4,
                                                        policyPackPath: repositoryRoot + "policy/default.yaml", runsJobs: false))
            try await prepareDatabase(app)
            let (held, holding) = AsyncStream<Void>.makeStream()
            let (release, releasing) = AsyncStream<Void>.makeStream()
            // A job in a transaction on the background connections, kept open until released.
            let job = Task {
                try await app.backgroundDB.transaction { db in
                    _ = try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM scheduled_jobs").all()
                    holding.yield()
                    for await _ in release { break }
                }
            }
            for await _ in held { break }
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for loop in app.eventLoopGroup.makeIterator() {
                        let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase)
                        _ = try await sql.raw("SELECT 1 AS one").all()
                    }
                    return true
                }
                group.addTask {
                    // Had a request's connection been the job's, it would wait until the job ends: end it.
                    try await Task.sleep(for: .seconds(10))
                    releasing.yield()
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            releasing.yield()
            releasing.finish()
            try await job.value
            #expect(answered, "a request's connection waited for the job's transaction")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("a test's throwaway SQLite database is a file of its own, removed with its journal when the app shuts down")
    func scratchDatabaseLeavesNothing() async throws {
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
        let scratch: ScratchSQLite
        do {
            try await configure(app, settings: Settings(database: .sqliteMemory, bcryptCost: 4,
                                                        policyPackPath: repositoryRoot + "policy/default.yaml", runsJobs: false))
            scratch = try #require(app.scratchSQLite)
            try await prepareDatabase(app)
            #expect(FileManager.default.fileExists(atPath: scratch.path))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        #expect(scratch.files.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
    }

    @Test("a server told to stop lets a request still running finish, with its database, before it closes the database")
    func stopLetsRunningRequestsFinish() async throws {
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
        let open = NIOLockedValueBox(false), started = NIOLockedValueBox(false)
        do {
            try await configure(app, settings: Settings(database: .sqliteMemory, bcryptCost: 4,
                                                        policyPackPath: repositoryRoot + "policy/default.yaml", runsJobs: false))
            try await prepareDatabase(app)
            // A handler that is still working when the stop comes, then asks for its database.
            app.get("test-slow") { req async throws -> String in
                started.withLockedValue { $0 = true }
                while !open.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
                guard req.application.databases.database(logger: req.logger, on: req.eventLoop) != nil else { return "no database" }
                return String(try await UserAccount.query(on: req.db).count())
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let request = Task { try await app.testing().sendRequest(.GET, "/test-slow") }
        while !started.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let stopped = NIOLockedValueBox(false)
        let stop = Task { try await app.asyncShutdown(); stopped.withLockedValue { $0 = true } }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!stopped.withLockedValue { $0 }, "the stop waits for the running request")
        open.withLockedValue { $0 = true }
        let answer = try await request.value
        try await stop.value
        #expect(answer.status == .ok && answer.body.string != "no database", "\(answer.status) \(answer.body.string)")
    }

    @Test("serve maps the SQLite file into every connection, an export's snapshot's too (VANGUARD_SQLITE_MMAP_MB), and 0 leaves it unmapped")
    func sqliteMemoryMapping() async throws {
        try await withApp { world in
            guard !world.app.settings.database.isPostgres else { return }
            func mapped() async throws -> [Int] {
                var sizes: [Int] = []
                for loop in world.app.eventLoopGroup.makeIterator() {
                    let sql = try #require(world.app.databases.database(.sqlite, logger: world.app.logger, on: loop) as? any SQLDatabase)
                    sizes.append(try await sql.raw("PRAGMA mmap_size").first()?.decode(column: "mmap_size", as: Int.self) ?? -1)
                }
                return sizes
            }
            world.app.settings.sqliteMmapMebibytes = 0
            try await SQLiteTuning.apply(world.app)
            #expect(try await mapped().allSatisfy { $0 == 0 })
            world.app.settings.sqliteMmapMebibytes = 64
            try await SQLiteTuning.apply(world.app)
            let sizes = try await mapped()
            #expect(!sizes.isEmpty && sizes.allSatisfy { $0 == 64 * 1_048_576 }, "every event loop's connection: \(sizes)")
            // An export's snapshot reads on connections of its own, opened when it needs them.
            let snapshot = try await ExportSnapshot.read(world.app) { db in
                try await (db as! any SQLDatabase).raw("PRAGMA mmap_size").first()?.decode(column: "mmap_size", as: Int.self)
            }
            #expect(snapshot == 64 * 1_048_576, "an export's snapshot connection: \(String(describing: snapshot))")
        }
    }

    @Test("a write that slipped past the write gate gives up with 'database is locked' instead of holding a pool thread forever")
    func busyWriteGivesUp() async throws {
        try await withApp { world in
            guard !world.app.settings.database.isPostgres else { return }
            let loops = Array(world.app.eventLoopGroup.makeIterator())
            guard loops.count >= 2 else { return }
            try await SQLiteTuning.apply(world.app, busyTimeoutMilliseconds: 200)
            let holder = try #require(world.app.databases.database(.sqlite, logger: world.app.logger, on: loops[0]) as? any SQLDatabase)
            let other = try #require(world.app.databases.database(.sqlite, logger: world.app.logger, on: loops[1]) as? any SQLDatabase)
            try await holder.raw("BEGIN IMMEDIATE").run()
            // The driver's own handler would retry this at full speed until the holder commits;
            // in the hang CI saw, the holder never got a thread to commit on.
            let outcome = await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do { try await other.raw("UPDATE members SET name = name").run(); return "written while locked" } catch { return "gave up" }
                }
                group.addTask { try? await Task.sleep(for: .seconds(10)); return "still waiting after 10 s" }
                let first = await group.next() ?? ""
                if first != "gave up" { try? await holder.raw("ROLLBACK").run() }  // lets a spinning write end
                group.cancelAll()
                return first
            }
            #expect(outcome == "gave up")
            if outcome == "gave up" { try await holder.raw("ROLLBACK").run() }
            try await other.raw("UPDATE members SET name = name").run()
        }
    }

    @Test("on PostgreSQL, every connection runs without JIT compilation (it cost a group lead's funnel 0.7 s a request)")
    func postgresWithoutJIT() async throws {
        try await withApp { world in
            guard world.app.settings.database.isPostgres, let sql = world.db as? any SQLDatabase else { return }
            let jit = try await sql.raw("SHOW jit").first()?.decode(column: "jit", as: String.self)
            #expect(jit == "off")
        }
    }

    @Test("vanguard check: the roll-ups kept by deal moves and tickets equal a rebuild from their records; one edited by hand is found, and the check changes nothing")
    func rollUpsProven() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let rep = team.salesRep.token
            let customer = try await world.api(.POST, "/api/v1/customers", token: rep, json: JSONBody(["name": "厦门鼓浪屿茶业", "source": "visit"])).json(CustomerDTO.self)
            let deal = try await world.api(.POST, "/api/v1/opportunities", token: rep, json: JSONBody([
                "customerId": .string(customer.id.uuidString), "title": "茶叶包装线", "amount": 80_000])).json(OpportunityDTO.self)
            world.clock.advance(by: 3_600)
            _ = try await world.api(.PATCH, "/api/v1/opportunities/\(deal.id)", token: rep, json: JSONBody(["stage": "visited"]))
            world.clock.advance(by: 3_600)
            _ = try await world.api(.PATCH, "/api/v1/opportunities/\(deal.id)", token: rep, json: JSONBody(["stage": "proposal", "needs": "两条包装线"]))
            let ticket = try await world.api(.POST, "/api/v1/tickets", token: team.serviceAgent.token, json: JSONBody([
                "customerId": .string(customer.id.uuidString), "type": "inquiry", "channel": "phone", "subject": "交货期"])).json(TicketDTO.self)
            world.clock.advance(by: 600)
            let resolved = try await world.api(.PATCH, "/api/v1/tickets/\(ticket.id)", token: team.serviceAgent.token,
                                               json: JSONBody(["status": "resolved", "cause": "delivery", "resolution": "已告知交货期"]))
            #expect(resolved.status == .ok)

            let checks = try await CheckCommand.checks(world.app)
            let clean = try await RollUpChecks.run(checks, on: world.db)
            #expect(Set(clean.keys) == ["stage days", "service days", "campaign leads and months", "campaign credits"])
            #expect(clean.values.allSatisfy { $0.isEmpty }, "\(clean)")

            let sql = world.db as! any SQLDatabase
            try await sql.raw("UPDATE opportunity_stage_days SET first_entries = first_entries + 1 WHERE stage = 'visited' AND first_entries = 1").run()
            let found = try await RollUpChecks.run(checks, on: world.db)
            let difference = try #require(found["stage days"]?.first)
            #expect(found["stage days"]?.count == 1 && difference.key.last == "visited", "\(found)")
            #expect(difference.kept?.first == 2 && difference.rebuilt?.first == 1, "kept 2 deals entering, the log says 1")
            #expect(found["service days"] == [], "the other roll-ups still agree")
            let visited = try await sql.raw("SELECT CAST(SUM(first_entries) AS BIGINT) AS n FROM opportunity_stage_days WHERE stage = 'visited'").first()?
                .decode(column: "n", as: Int.self)
            #expect(visited == 2, "the rebuild was rolled back: the check changes nothing")
        }
    }
}
