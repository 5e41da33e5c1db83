import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Market-risk early warnings through HTTP (issue 6, item 2): the policy pack's rules over the
/// competitor data raise warnings with severity, owner and response plan, once per rule, subject
/// and period; the owner and the lead hear of them, handle them and resolve them (RSK-M2, LEAD-4).
@Suite("Risk: market-risk warnings (RSK-M2, LEAD-4)")
struct RiskWarningTests {
    struct Setup { var team: Team; var promoter: Team.Person; var competitor: CompetitorDTO; var product: CompetitorProductDTO }

    func setup(_ world: TestWorld) async throws -> Setup {
        let team = try await world.seedTeam()
        let promoter = try await world.promoter()
        let c = try await world.api(.POST, "/api/v1/competitors", token: promoter.token, json: JSONBody([
            "name": "深圳迈驰机器人", "ownerId": .id(promoter.member)])).json(CompetitorDTO.self)
        let p = try await world.api(.POST, "/api/v1/competitors/\(c.id)/products", token: promoter.token, json: JSONBody(["name": "MC-R6", "price": 92000])).json(CompetitorProductDTO.self)
        return Setup(team: team, promoter: promoter, competitor: c, product: p)
    }

    func priceChange(_ world: TestWorld, _ s: Setup, on day: String = "2026-09-18", to price: Double) async throws -> CompetitorEventDTO {
        let r = try await world.api(.POST, "/api/v1/competitor-events", token: s.promoter.token, json: JSONBody([
            "competitorId": .string(s.competitor.id.uuidString), "kind": "priceChange", "occurredOn": .string(day), "title": "MC-R6 调价",
            "productId": .string(s.product.id.uuidString), "newPrice": .double(price)]))
        #expect(r.status == .created)
        return try r.json(CompetitorEventDTO.self)
    }

    func warnings(_ world: TestWorld, _ token: String, _ query: String = "") async throws -> [RiskWarningDTO] {
        try await world.api(.GET, "/api/v1/warnings" + query, token: token).json(PageOf<RiskWarningDTO>.self).items
    }

    @Test("RSK-M2: a price cut over 10 % raises a warning as it is recorded, with severity, owner, message in three languages and the policy's response plan; the owner and the lead are notified; the scan raises it no second time")
    func priceCutRaisesWarning() async throws {
        try await withApp { world in
            let s = try await setup(world)
            // 92,000 → 82,800 is exactly 10 %: no warning; the price still follows.
            let exact = try await priceChange(world, s, on: "2026-09-10", to: 82800)
            #expect(try await warnings(world, s.team.lead.token).isEmpty)
            #expect(exact.changePercent == -10)
            // 82,800 → 72,000 is 13.04 %.
            let cut = try await priceChange(world, s, to: 72000)
            let raised = try await warnings(world, s.team.lead.token)
            #expect(raised.count == 1)
            let w = try #require(raised.first)
            #expect(w.ruleKey == "competitorPriceCut" && w.clause == "RSK-M2" && w.severity == "warning" && w.status == "open")
            #expect(w.subjectKind == "competitorEvent" && w.subjectId == cut.id.uuidString && w.period == "2026-09-18")
            #expect(w.ownerId == s.promoter.member && w.measuredPercent == 13.04)
            #expect(w.messages["zh-Hans"]?.contains("深圳迈驰机器人") == true && w.messages["en"]?.contains("13.04%") == true && w.messages["zh-Hant"] != nil)
            #expect(w.responsePlan.contains("核实降价信息"), "the policy's response plan, in the company's language")
            for person in [s.promoter.user, s.team.lead.user] {
                #expect(try await AppNotification.query(on: world.db).filter(\.$userId == person).filter(\.$kind == "riskWarning").count() == 1)
            }
            #expect(try await AppNotification.query(on: world.db).filter(\.$userId == s.team.salesRep.user).count() == 0)
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityType == "riskWarning").filter(\.$entityId == w.id).count() == 1)
            // The daily scan sees the same fact and raises nothing new; the job is scheduled.
            #expect(Scheduler.jobs.contains { $0.name == "risk-scan" })
            try await Scheduler.runDue(world.app, now: world.clock.now())
            #expect(try await RiskScan.run(world.app, now: world.clock.now()).isEmpty)
            #expect(try await RiskWarningRecord.query(on: world.db).count() == 1)
            #expect(try await AppNotification.query(on: world.db).filter(\.$userId == s.team.lead.user).filter(\.$kind == "riskWarning").count() == 1)
            // Over the critical threshold (20 %) the warning is critical.
            _ = try await priceChange(world, s, on: "2026-09-20", to: 50000)
            #expect(try await warnings(world, s.team.lead.token, "?severity=critical").map(\.measuredPercent) == [30.56])
        }
    }

    @Test("RSK-M2: the daily scan finds price cuts recorded without the rules (an import, a changed policy), raises each once even when two scans run at once, and leaves cuts older than a quarter alone")
    func scanRaisesOnce() async throws {
        try await withApp { world in
            let s = try await setup(world)
            func stored(_ day: String, _ old: Int64, _ new: Int64) async throws -> UUID {
                let e = CompetitorEvent()
                e.competitorId = s.competitor.id; e.kind = "priceChange"; e.occurredOn = day; e.title = "导入的调价"; e.details = ""; e.sourceUrl = ""
                e.productName = "MC-SCARA400"; e.oldPriceFen = old; e.newPriceFen = new; e.version = 1
                try await e.create(on: world.db)
                return e.id!
            }
            let recent = try await stored("2026-09-01", 50_000_00, 42_000_00)
            _ = try await stored("2026-05-01", 50_000_00, 30_000_00)   // more than 90 days before 2026-09-21
            _ = try await stored("2026-09-02", 50_000_00, 49_000_00)   // 2 %
            async let a = RiskScan.run(world.app, now: world.clock.now())
            async let b = RiskScan.run(world.app, now: world.clock.now())
            let (first, second) = try await (a, b)
            #expect(first.count + second.count == 1, "one warning however many scans run")
            let all = try await RiskWarningRecord.query(on: world.db).all()
            #expect(all.map(\.subjectId) == [recent.uuidString])
            #expect(try await AppNotification.query(on: world.db).filter(\.$userId == s.team.lead.user).filter(\.$kind == "riskWarning").count() == 1)
            // The source list is the registration point: the competitors' and the campaigns' sources.
            #expect(RiskScan.sources.map(\.name) == ["competitorPriceCut", "campaignSpend", "leadVolume"])
        }
    }

    @Test("RSK-M2: the pack's threshold and severity apply to the next price change")
    func policyThreshold() async throws {
        try await withApp { world in
            let s = try await setup(world)
            let yaml = try String(contentsOfFile: repositoryRoot + "policy/default.yaml", encoding: .utf8)
            let standard = "      competitorPriceCut:         # 竞争对手降价超过 10% (LEAD-4, MKT-2)\n        threshold: 10\n        criticalThreshold: 20\n        severity: warning\n"
            #expect(yaml.contains(standard))
            let pack = yaml.replacingOccurrences(of: standard, with: "      competitorPriceCut:\n        threshold: 5\n        criticalThreshold: 50\n        severity: info\n")
            let saved = try await world.api(.PUT, "/api/v1/policy", token: s.team.admin.token, json: JSONBody(["yaml": .string(pack)]))
            #expect(saved.status == .ok)
            _ = try await priceChange(world, s, to: 86000)   // 6.52 %
            let raised = try await warnings(world, s.team.lead.token)
            #expect(raised.map(\.severity) == ["info"])
        }
    }

    @Test("RSK-M2: the owner acknowledges, edits the plan with If-Match and resolves with a note; a resolved warning stays resolved; others see what the policy allows")
    func handleWarning() async throws {
        try await withApp { world in
            let s = try await setup(world)
            _ = try await priceChange(world, s, to: 80000)
            let w = try #require(try await warnings(world, s.promoter.token).first)
            let path = "/api/v1/warnings/\(w.id)"
            let got = try await world.api(.GET, path, token: s.promoter.token)
            #expect(got.headers.first(name: .eTag) == "\"v1\"")
            // Who sees it: the owner, the lead, executives (read only); not the sales rep, nor HR.
            #expect(try await world.api(.GET, path, token: s.team.executive.token).status == .ok)
            #expect(try await world.api(.PATCH, path, token: s.team.executive.token, json: JSONBody(["status": "acknowledged"])).status == .forbidden)
            #expect(try await world.api(.GET, path, token: s.team.salesRep.token).status == .forbidden)
            #expect(try await warnings(world, s.team.salesRep.token).isEmpty)
            #expect(try await warnings(world, s.team.hr.token).isEmpty)

            let ack = try await world.api(.PATCH, path, token: s.promoter.token, json: JSONBody(["status": "acknowledged", "responsePlan": "核实后对 A6 推出培训包"]),
                                          headers: [("If-Match", "\"v1\"")])
            let acknowledged = try ack.json(RiskWarningDTO.self)
            #expect(acknowledged.status == "acknowledged" && acknowledged.acknowledgedBy == s.promoter.user && acknowledged.acknowledgedAt != nil)
            #expect(acknowledged.responsePlan == "核实后对 A6 推出培训包" && acknowledged.version == 2)
            #expect(try await world.api(.PATCH, path, token: s.promoter.token, json: JSONBody(["responsePlan": "过期"]), headers: [("If-Match", "\"v1\"")]).status == .preconditionFailed)
            let noNote = try await world.api(.PATCH, path, token: s.promoter.token, json: JSONBody(["status": "resolved"]))
            #expect(noNote.status == .conflict && noNote.problemFields == ["resolutionNote"])
            #expect(try await world.api(.PATCH, path, token: s.promoter.token, json: JSONBody(["status": "closed"])).problemFields == ["status"])
            let resolved = try await world.api(.PATCH, path, token: s.team.lead.token, json: JSONBody(["status": "resolved", "resolutionNote": "已对在谈客户提供培训包，未降价"]))
            let r = try resolved.json(RiskWarningDTO.self)
            #expect(r.status == "resolved" && r.resolvedBy == s.team.lead.user && r.resolutionNote == "已对在谈客户提供培训包，未降价")
            let reopen = try await world.api(.PATCH, path, token: s.promoter.token, json: JSONBody(["status": "open"]))
            #expect(reopen.status == .conflict && reopen.problemFields == ["status"])
            // Filters: open (open or acknowledged) by default on the page; status, severity and subject kind in the API.
            #expect(try await warnings(world, s.team.lead.token, "?status=open").isEmpty)
            #expect(try await warnings(world, s.team.lead.token, "?status=resolved&subjectKind=competitorEvent").count == 1)
            #expect(try await warnings(world, s.team.lead.token, "?subjectKind=campaign").isEmpty)
            #expect(try await world.api(.GET, "/api/v1/warnings?severity=urgent", token: s.team.lead.token).status == .badRequest)
            let history = try await world.api(.GET, "\(path)/history", token: s.promoter.token)
            #expect(history.status == .ok)
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityId == w.id).filter(\.$action == "update").count() == 2)
        }
    }

    @Test("RSK-M2 on the web: the lead sees the open warnings' count in the navigation and the list; resolving without a note is told beside the field with the plan kept")
    func webWarnings() async throws {
        try await withApp { world in
            let s = try await setup(world)
            _ = try await priceChange(world, s, to: 70000)
            let w = try #require(try await RiskWarningRecord.query(on: world.db).first())
            let web = WebClient(world)
            #expect(try await web.signIn(s.team.lead.email).status == .seeOther)
            try await web.get("/org")
            #expect(web.lastBody.contains(#"id="open-warnings""#))
            #expect(web.lastBody.contains(#"id="open-warnings-panel""#) && web.lastBody.contains("/warnings/\(w.id!)"), "the lead's landing page lists the open warning")
            try await web.get("/warnings")
            #expect(web.lastBody.contains("warning-\(w.id!)"))
            try await web.get("/warnings/\(w.id!)")
            let refused = try await web.post("/warnings/\(w.id!)", form: ["responsePlan": "先核实渠道价", "status": "resolved", "resolutionNote": "", "version": "1"])
            #expect(refused.status == .unprocessableEntity)
            #expect(web.lastBody.contains("e-resolutionNote") && web.lastBody.contains("先核实渠道价"))
            #expect(try await web.post("/warnings/\(w.id!)", form: ["responsePlan": "先核实渠道价", "status": "acknowledged", "version": "1"]).status == .seeOther)
            #expect(try await web.post("/warnings/\(w.id!)", form: ["responsePlan": "旧", "status": "", "version": "1"]).status == .unprocessableEntity, "a stale form is refused")
            #expect(try await web.post("/warnings/\(w.id!)", form: ["status": "resolved", "resolutionNote": "已跟进", "version": "2"]).status == .seeOther)
            try await web.get("/warnings")
            #expect(!web.lastBody.contains("warning-\(w.id!)"), "the list shows open warnings by default")
            #expect(!web.lastBody.contains(#"id="open-warnings""#))
            try await web.get("/org")
            #expect(!web.lastBody.contains(#"id="open-warnings-panel""#))
            // The sales rep sees neither the badge nor the warning.
            let rep = WebClient(world)
            #expect(try await rep.signIn(s.team.salesRep.email).status == .seeOther)
            #expect(try await rep.get("/warnings/\(w.id!)").status == .forbidden)
        }
    }
}
