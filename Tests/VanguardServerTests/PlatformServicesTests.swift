import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

@Suite("Policy pack, audit trail, notifications, webhooks, operations (platform issue, items 6, 7, 10, 11)")
struct PlatformServicesTests {
    @Test("the policy pack on disk is valid and is loaded once on first start (item 6)")
    func policyLoadedOnce() async throws {
        try await withApp { world in
            let yaml = try String(contentsOfFile: repositoryRoot + "policy/default.yaml", encoding: .utf8)
            let pack = try PolicyStore.parse(yaml)
            #expect(pack.problems().isEmpty)
            #expect(pack.groups.count == 3)
            #expect(pack.departments.count >= 5)
            for text in pack.groups.flatMap(\.duties).map(\.text) + pack.lead.duties.map(\.text) {
                #expect(!text.zhHans.isEmpty && !text.zhHant.isEmpty && !text.en.isEmpty)
            }
            try await Bootstrap.loadPolicyIfNeeded(world.app)
            #expect(try await PolicyVersion.query(on: world.db).count() == 1)
        }
    }

    @Test("started outside its project folder, the server refuses to start and says where it looked, instead of running without its texts")
    func resourcesMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path + "/Localization/"
        #expect(throws: ResourcesMissing.self) { try Translations.load(from: folder) }
        do { _ = try Translations.load(from: folder) } catch { #expect("\(error)".contains(folder)) }
        #expect(try Translations.load(from: DirectoryConfiguration.detect().resourcesDirectory + "Localization/").tables.count == AppLocale.allCases.count)
    }

    @Test("an admin saves a new policy version; duties follow it, the change is audited, a broken pack is refused")
    func editPolicy() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let current = try await world.api(.GET, "/api/v1/policy", token: team.salesRep.token).json(PolicyDTO.self)
            let edited = current.yaml.replacingOccurrences(of: "lockoutThreshold: 5", with: "lockoutThreshold: 3")
                .replacingOccurrences(of: "clause: SAL-5", with: "clause: SAL-5b")
            let saved = try await world.api(.PUT, "/api/v1/policy", token: team.admin.token, json: JSONBody(["yaml": .string(edited), "comment": "Stricter lock-out"]))
            #expect(saved.status == .ok)
            #expect(try saved.json(PolicyDTO.self).number == 2)
            #expect(try await Duty.query(on: world.db).filter(\.$clause == "SAL-5b").count() == 1)
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityType == "policy").count() == 1)
            // The new threshold is in force: three failures lock the account.
            for _ in 1...2 { _ = try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": .string(team.finance.email), "password": "wrong"])) }
            let third = try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": .string(team.finance.email), "password": "wrong"]))
            #expect(third.problem?.type == "/problems/locked")
            let broken = try await world.api(.PUT, "/api/v1/policy", token: team.admin.token, json: JSONBody(["yaml": "groups: [oops"]))
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.problemFields == ["yaml"])
            let weak = try await world.api(.PUT, "/api/v1/policy", token: team.admin.token,
                                           json: JSONBody(["yaml": .string(edited.replacingOccurrences(of: "passwordMinLength: 10", with: "passwordMinLength: 4"))]))
            #expect(weak.problemFields == ["security.passwordMinLength"])
            #expect(try await PolicyVersion.query(on: world.db).count() == 2)
        }
    }

    @Test("the audit trail is readable by admins, the lead and executives, newest first, filterable (G-5)")
    func auditTrail() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await world.api(.POST, "/api/v1/departments", token: team.lead.token, json: JSONBody(["code": "pr", "nameZh": "公关部", "nameEn": "PR"]))
            world.clock.advance(by: 5)
            _ = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, json: JSONBody(["grade": "P4"]))
            let all = try await world.api(.GET, "/api/v1/audit-events", token: team.executive.token).json(PageOf<AuditEventDTO>.self).items
            #expect(all.first?.entityType == "member")
            #expect(all.contains { $0.entityType == "department" && $0.action == "create" && $0.actorName == "陈志远" })
            let departments = try await world.api(.GET, "/api/v1/audit-events?entityType=department", token: team.admin.token).json(PageOf<AuditEventDTO>.self).items
            #expect(departments.allSatisfy { $0.entityType == "department" })
            #expect(try await world.api(.GET, "/api/v1/audit-events", token: team.salesRep.token).status == .forbidden)
        }
    }

    @Test("the audit trail pages newest first without repeating or skipping an event, at times with fractions of a second")
    func auditTrailPages() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            for k in 0..<5 {
                world.clock.advance(by: 0.123_456_789 + Double(k) / 7)
                _ = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, json: JSONBody(["grade": .string("P\(k + 1)")]))
            }
            var seen: [UUID] = [], cursor: String?
            repeat {
                let page = try await world.api(.GET, "/api/v1/audit-events?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: team.admin.token).json(PageOf<AuditEventDTO>.self)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == Set(seen).count, "no event twice")
            #expect(seen.count == (try await AuditEvent.query(on: world.db).count()), "none left out")
        }
    }

    @Test("a change and its history entry are one transaction: if the history cannot be written, nothing is")
    func auditIsAtomic() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            // Break the history table so the audit write fails.
            try await (world.db as! any SQLDatabase).raw("DROP TABLE audit_events").run()
            let answer = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, json: JSONBody(["grade": "P5"]))
            #expect(answer.status == .internalServerError)
            #expect(try await Member.find(team.salesRep.member, on: world.db)?.grade != "P5")
        }
    }

    @Test("notifications: the bell's count, the list, mark one and all read; only one's own")
    func notifications() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            try await Notifier.notify([team.salesRep.user, team.salesLead.user], kind: "test",
                                      title: LocalizedText(zhHans: "新的投诉", zhHant: "新的投訴", en: "A new complaint"),
                                      body: LocalizedText(zhHans: "客户投诉交付延迟", en: "The customer complains of a late delivery"),
                                      link: "/members", at: world.clock.now(), on: world.db)
            let count = try await world.api(.GET, "/api/v1/notifications/unread-count", token: team.salesRep.token).json(UnreadCount.self)
            #expect(count.unread == 1)
            let mine = try await world.api(.GET, "/api/v1/notifications", token: team.salesRep.token).json(PageOf<NotificationDTO>.self).items
            #expect(mine.map(\.title) == ["新的投诉"])
            // Each reader reads it in their own language; what was not written in it reads as the team wrote it.
            let english = try await world.api(.GET, "/api/v1/notifications", token: team.salesRep.token, headers: [("Accept-Language", "en")])
                .json(PageOf<NotificationDTO>.self).items
            #expect(english.map(\.title) == ["A new complaint"] && english.map(\.body) == ["The customer complains of a late delivery"])
            let traditional = try await world.api(.GET, "/api/v1/notifications", token: team.salesRep.token, headers: [("Accept-Language", "zh-TW")])
                .json(PageOf<NotificationDTO>.self).items
            #expect(traditional.map(\.title) == ["新的投訴"] && traditional.map(\.body) == ["客户投诉交付延迟"])
            let page = WebClient(world)
            page.acceptLanguage = "en"
            try await page.signIn("sales.rep@team.test")
            try await page.get("/notifications")
            #expect(page.lastBody.contains("A new complaint"))
            let theirs = try await world.api(.GET, "/api/v1/notifications", token: team.salesLead.token).json(PageOf<NotificationDTO>.self).items
            #expect(try await world.api(.POST, "/api/v1/notifications/\(theirs[0].id)/read", token: team.salesRep.token).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/notifications/\(mine[0].id)/read", token: team.salesRep.token).json(NotificationDTO.self).readAt != nil)
            #expect(try await world.api(.GET, "/api/v1/notifications/unread-count", token: team.salesRep.token).json(UnreadCount.self).unread == 0)
            let web = WebClient(world)
            try await web.signIn(team.salesLead.email)
            #expect(try await web.get("/org").body.string.contains("<span class=\"badge\">1</span>"))
        }
    }

    @Test("webhooks: a notification is queued for each matching hook, claimed by one worker only, delivered in the bot's format")
    func webhookDelivery() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            // A local receiver standing in for a WeCom group bot.
            let received = ReceivedBodies()
            try await BotServer.run(received) { port in
            let hook = try await world.api(.POST, "/api/v1/webhooks", token: team.admin.token,
                                           json: JSONBody(["name": "营销群", "kind": "wecom", "url": .string("http://127.0.0.1:\(port)/bot"), "events": "complaint"]))
            #expect(hook.status == .created)
            try await Notifier.notify([team.lead.user], kind: "complaint", title: LocalizedText(zhHans: "投诉升级", en: "Complaint escalated"),
                                      body: LocalizedText(zhHans: "工单超时", en: "Ticket overdue"), link: nil, at: world.clock.now(), on: world.db)
            try await Notifier.notify([team.lead.user], kind: "other", title: LocalizedText(zhHans: "无关", en: "Unrelated"),
                                      body: LocalizedText(zhHans: "", en: ""), link: nil, at: world.clock.now(), on: world.db)
            #expect(try await WebhookDelivery.query(on: world.db).count() == 1)
            let first = try await WebhookQueue.claim(worker: "a", now: world.clock.now(), lease: 60, on: world.db)
            let second = try await WebhookQueue.claim(worker: "b", now: world.clock.now(), lease: 60, on: world.db)
            #expect(first != nil)
            #expect(second == nil, "a claimed delivery is not handed to a second worker")
            try await WebhookQueue.deliver(first!, client: world.app.client, now: { world.clock.now() }, on: world.db, logger: world.app.logger)
            #expect(try await WebhookDelivery.query(on: world.db).first()?.status == "delivered")
            let body = try #require(await received.bodies.first)
            #expect(body.contains("\"msgtype\":\"markdown\""))
            #expect(body.contains("投诉升级"))
            #expect(try await AuditEvent.query(on: world.db).filter(\.$action == "webhookDelivered").count() == 1)
            }
        }
    }

    @Test("a failing webhook is retried later with back-off, and recorded")
    func webhookRetry() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            try await BotServer.run(ReceivedBodies(), answering: .internalServerError) { port in
            _ = try await world.api(.POST, "/api/v1/webhooks", token: team.admin.token,
                                    json: JSONBody(["name": "坏的", "kind": "dingtalk", "url": .string("http://127.0.0.1:\(port)/bot")]))
            try await Notifier.notify([team.lead.user], kind: "x", title: LocalizedText(zhHans: "t", en: "t"), body: LocalizedText(zhHans: "b", en: "b"), link: nil, at: world.clock.now(), on: world.db)
            let d = try #require(try await WebhookQueue.claim(worker: "a", now: world.clock.now(), lease: 60, on: world.db))
            try await WebhookQueue.deliver(d, client: world.app.client, now: { world.clock.now() }, on: world.db, logger: world.app.logger)
            let after = try #require(try await WebhookDelivery.query(on: world.db).first())
            #expect(after.status == "queued")
            #expect(after.attempts == 1)
            #expect(after.nextAttemptAt == world.clock.now().addingTimeInterval(30))
            #expect(try await WebhookQueue.claim(worker: "a", now: world.clock.now(), lease: 60, on: world.db) == nil, "not due yet")
            #expect(after.lastError == "HTTP 500")
            world.clock.advance(by: 31)
            #expect(try await WebhookQueue.claim(worker: "a", now: world.clock.now(), lease: 60, on: world.db) != nil)
            }
        }
    }

    @Test("GET /healthz answers ok with the database reachable; /metrics speaks Prometheus (item 11)")
    func operations() async throws {
        try await withApp { world in
            let health = try await world.api(.GET, "/healthz")
            #expect(health.status == .ok)
            #expect(try health.json(HealthStatus.self).status == "ok")
            _ = try await world.api(.GET, "/api/v1/members")
            let metrics = try await world.api(.GET, "/metrics")
            #expect(metrics.body.string.contains("vanguard_http_requests_total"))
            #expect(metrics.body.string.contains("route=\"/api/v1/members\""))
            #expect(metrics.headers.contentType?.type == "text")
        }
    }

    @Test("the OpenAPI document describes every API route the app serves, and nothing else")
    func openAPICoversRoutes() async throws {
        try await withApp { world in
            let doc = try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as! [String: Any]
            let paths = doc["paths"] as! [String: [String: Any]]
            var documented = Set<String>()
            for (path, ops) in paths {
                for method in ops.keys { documented.insert("\(method.uppercased()) " + path.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: ":", options: .regularExpression)) }
            }
            let served = Set(world.app.routes.all.filter { $0.path.first?.description == "api" || $0.path.first?.description == "healthz" }.map { route in
                "\(route.method.rawValue) /" + route.path.map { $0.description.hasPrefix(":") ? ":" : $0.description }.joined(separator: "/")
            }).subtracting(["GET /api/v1/openapi.json"])
            #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        }
    }
}

/// Collects what the stand-in bot received.
actor ReceivedBodies {
    var bodies: [String] = []
    func add(_ body: String) { bodies.append(body) }
}

/// A tiny HTTP server on a free loopback port that records POST bodies.
enum BotServer {
    static func run(_ received: ReceivedBodies, answering status: HTTPStatus = .ok, _ body: (Int) async throws -> Void) async throws {
        let bot = try await Application.make(.testing)
        bot.post("bot") { req async -> HTTPStatus in
            await received.add(req.body.string ?? "")
            return status
        }
        do {
            try await bot.server.start(address: .hostname("127.0.0.1", port: 0))
            try await body(bot.http.server.shared.localAddress?.port ?? 0)
        } catch {
            await bot.server.shutdown()
            try? await bot.asyncShutdown()
            throw error
        }
        await bot.server.shutdown()
        try await bot.asyncShutdown()
    }
}

@Suite("HTTP methods")
struct MethodTests {
    @Test("a method an address does not take is 405 with Allow, also where a record route could have matched")
    func methodNotAllowed() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let export = try await world.api(.PATCH, "/api/v1/members/export", token: team.hr.token)
            #expect(export.status == .methodNotAllowed)
            #expect(export.headers.first(name: .allow) == "GET")
            let trace = try await world.api(.PUT, "/api/v1/members", token: team.hr.token)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers.first(name: .allow) == "GET, POST")
            let missing = try await world.api(.PATCH, "/api/v1/members/\(UUID())", token: team.hr.token, json: JSONBody(["grade": "P1"]))
            #expect(missing.status == .notFound)
        }
    }
}
