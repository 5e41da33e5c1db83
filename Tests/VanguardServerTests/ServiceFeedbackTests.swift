import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Feedback as the service chapter sees it (SVC-3, CP-3): categories from the policy pack, and the
/// monthly digest per department that the leads get on the 1st.
@Suite("Service: feedback categories and the monthly digest per department (SVC-3, CP-3)")
struct ServiceFeedbackTests {
    func at(_ world: TestWorld, _ text: String) {
        world.clock.advance(by: ServiceTests.china(text).timeIntervalSince(world.clock.now()))
    }

    func feedback(_ world: TestWorld, _ token: String, _ category: String, _ summary: String, department: Department?, response: String? = nil) async throws -> FeedbackDTO {
        var body: [String: JSONBodyValue] = ["category": .string(category), "summary": .string(summary), "source": "service"]
        if let department { body["departmentId"] = .string(department.id!.uuidString) }
        let created = try await world.api(.POST, "/api/v1/feedback", token: token, json: JSONBody(body))
        #expect(created.status == .created)
        let f = try created.json(FeedbackDTO.self)
        guard let response else { return f }
        return try await world.api(.PATCH, "/api/v1/feedback/\(f.id)", token: token, json: JSONBody(["response": .string(response)])).json(FeedbackDTO.self)
    }

    @Test("SVC-3, CP-3: the month's digest counts each department's feedback by category, what it answered, and what still waits from earlier months")
    func digest() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let agent = team.serviceAgent.token
            let logistics = try #require(try await Department.query(on: world.db).filter(\.$code == "logistics").first())
            let product = try #require(try await Department.query(on: world.db).filter(\.$code == "product").first())
            at(world, "2026-08-20T10:00:00")
            _ = try await feedback(world, agent, "delivery", "八月：到货慢", department: logistics)                       // still waiting: backlog
            _ = try await feedback(world, agent, "delivery", "八月：包装破", department: logistics, response: "已换供应商")  // answered: not in September's digest
            at(world, "2026-09-10T10:00:00")
            _ = try await feedback(world, agent, "delivery", "九月：送错地址", department: logistics, response: "已补送")
            _ = try await feedback(world, agent, "delivery", "九月：物流查询慢", department: logistics)
            _ = try await feedback(world, agent, "price", "九月：运费高", department: logistics)
            _ = try await feedback(world, agent, "product", "九月：希望加大容量", department: product)
            _ = try await feedback(world, agent, "service", "九月：客服电话难打通", department: nil)

            let d = try await world.api(.GET, "/api/v1/feedback/digest?month=2026-09", token: team.lead.token).json(FeedbackDigestReport.self)
            #expect(d.month == "2026-09")
            let l = try #require(d.departments.first { $0.departmentId == logistics.id })
            #expect((l.received, l.answered, l.open, l.backlog) == (3, 1, 2, 1))
            #expect(l.byCategory.map(\.key) == ["delivery", "price"] && l.byCategory.map(\.count) == [2, 1])
            #expect(l.waitingLongest.first?.summary == "八月：到货慢", "the oldest waiting item first")
            #expect(d.departments.first { $0.departmentId == product.id }?.received == 1)
            #expect(d.departments.last?.departmentId == nil && d.departments.last?.received == 1, "unrouted feedback is listed last")
            let august = try await world.api(.GET, "/api/v1/feedback/digest?month=2026-08", token: team.lead.token).json(FeedbackDigestReport.self)
            #expect(august.departments.map(\.received) == [2] && august.departments.first?.answered == 1)
            #expect(try await world.api(.GET, "/api/v1/feedback/digest?month=2026-13", token: team.lead.token).problemFields == ["month"])
            #expect(try await world.api(.GET, "/api/v1/feedback/digest?month=", token: team.lead.token).problemFields == ["month"])
            #expect(try await world.api(.GET, "/api/v1/feedback/digest", token: team.salesRep.token).status == .forbidden)

            let web = WebClient(world)
            try await web.signIn(team.lead.email)
            #expect(try await web.get("/feedback/digest?month=2026-09").status == .ok)
            #expect(web.lastBody.contains("八月：到货慢") && web.lastBody.contains("<svg"))
            #expect(try await web.get("/feedback/digest?month=2026-01").status == .ok)
            #expect(web.lastBody.contains("id=\"digest-empty\""), "a month with nothing says so")

            // The digest's waiting items open on their own, for the service group too, who follow the answers.
            let waiting = try #require(l.waitingLongest.first)
            let service = WebClient(world)
            try await service.signIn(team.serviceLead.email)
            try await service.get("/feedback/digest?month=2026-09")
            #expect(service.lastBody.contains("href=\"/feedback/\(waiting.id)\""))
            #expect(try await service.get("/feedback/\(waiting.id)").status == .ok)
            #expect(service.lastBody.contains("八月：到货慢") && !service.lastBody.contains("九月：运费高") && service.lastBody.contains("id=\"all-feedback\""))
            #expect(!service.lastBody.contains("id=\"feedback-form\""), "one item, not the form for a new one")
            let seller = WebClient(world)
            try await seller.signIn(team.salesRep.email)
            #expect(try await seller.get("/feedback/\(waiting.id)").status == .forbidden, "another's feedback, and no digest reader")
            #expect(try await seller.get("/feedback/\(UUID())").status == .notFound)
        }
    }

    @Test("CP-3: on the 1st the job sends last month's digest, one notice per department to the leads, once")
    func monthlyJob() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let logistics = try #require(try await Department.query(on: world.db).filter(\.$code == "logistics").first())
            at(world, "2026-09-10T10:00:00")
            _ = try await feedback(world, team.serviceAgent.token, "delivery", "九月：送错地址", department: logistics)
            let first = ServiceTests.china("2026-10-01T07:00:00")
            try await Scheduler.register(world.app, now: first)
            #expect(try await Scheduler.runNow(world.app, name: "feedback-digest", now: first) == "digest for 2026-09: 1 departments")
            let notices = try await AppNotification.query(on: world.db).filter(\.$kind == "feedbackDigest").all()
            #expect(notices.contains { $0.userId == team.lead.user && $0.title.contains("2026-09") && $0.title.contains(logistics.nameZh) })
            #expect(notices.allSatisfy { $0.link == "/feedback/digest?month=2026-09" })
            #expect(try await Scheduler.runNow(world.app, name: "feedback-digest", now: first.addingTimeInterval(86_400)) == "digest for 2026-09 already sent")
            #expect(try await AppNotification.query(on: world.db).filter(\.$kind == "feedbackDigest").count() == notices.count, "sent once")
        }
    }

    @Test("SVC-3: feedback categories are the policy pack's: an admin adds one and it is accepted; an unknown one is refused")
    func categoriesFromPolicy() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let bad = try await world.api(.POST, "/api/v1/feedback", token: team.serviceAgent.token, json: JSONBody(["category": "packaging", "summary": "包装太大"]))
            #expect(bad.problemFields == ["category"])
            let current = try await world.api(.GET, "/api/v1/policy", token: team.admin.token).json(PolicyDTO.self)
            let other = #"    - { key: other,    name: { zh-Hans: "其他", zh-Hant: "其他", en: "Other" } }"#
            #expect(current.yaml.contains(other))
            let edited = current.yaml.replacingOccurrences(of: other, with: #"    - { key: packaging, name: { zh-Hans: "包装", zh-Hant: "包裝", en: "Packaging" } }"# + "\n" + other)
            #expect(try await world.api(.PUT, "/api/v1/policy", token: team.admin.token, json: JSONBody(["yaml": .string(edited), "comment": "包装反馈"])).status == .ok)
            #expect(try await world.api(.POST, "/api/v1/feedback", token: team.serviceAgent.token, json: JSONBody(["category": "packaging", "summary": "包装太大"])).status == .created)
            let web = WebClient(world)
            try await web.signIn(team.serviceAgent.email)
            try await web.get("/feedback")
            #expect(web.lastBody.contains("value=\"packaging\""), "the new category is offered on the form")
        }
    }
}
