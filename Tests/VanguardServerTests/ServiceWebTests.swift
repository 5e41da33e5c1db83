import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The service pages as an agent uses them: open a ticket, move it, tell the customer, ask a
/// department, and work the care list; refused forms keep what was typed.
@Suite("Service on the web: tickets and the care list")
struct ServiceWebTests {
    @Test("an agent opens a ticket from the form (a missing subject comes back beside the field, input kept) and sees its clocks")
    func openTicket() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "莆田鞋业", "source": "visit"])).json(CustomerDTO.self)
            let web = WebClient(world)
            try await web.signIn("agent@team.test")
            #expect(try await web.get("/tickets/new?customerId=\(c.id)").status == .ok)
            #expect(web.lastBody.contains("莆田鞋业"))
            let refused = try await web.post("/tickets", form: ["customerId": c.id.uuidString, "subject": " ", "type": "complaint", "description": "鞋底开胶，批次 B-17"])
            #expect(refused.status == .unprocessableEntity)
            #expect(web.lastBody.contains("aria-describedby=\"e-subject\"") && web.lastBody.contains("鞋底开胶，批次 B-17"))
            let opened = try await web.post("/tickets", form: ["customerId": c.id.uuidString, "subject": "鞋底开胶", "type": "complaint", "channel": "phone", "priority": "high"])
            #expect(opened.status == .seeOther)
            let location = try #require(opened.headers.first(name: .location))
            #expect(try await web.get(location).status == .ok)
            #expect(web.lastBody.contains("id=\"clocks\"") && web.lastBody.contains("clock-running"))
            #expect(try await web.get("/tickets?queue=mine").status == .ok)
            #expect(web.lastBody.contains("鞋底开胶"))
            #expect(try await web.get("/tickets?queue=unassigned").status == .ok)
            #expect(!web.lastBody.contains("鞋底开胶"), "the agent who opened it owns it")
            let seller = WebClient(world)
            try await seller.signIn("sales.rep@team.test")
            #expect(try await seller.get("/customers/\(c.id)").status == .ok)
            #expect(seller.lastBody.contains("id=\"tickets\"") && seller.lastBody.contains("鞋底开胶"), "the seller sees their customer's tickets (SVC-4)")
        }
    }

    @Test("resolving without a cause comes back with the messages beside cause and resolution and the note kept; then the agent tells the customer, asks logistics and records its answer")
    func workTicket() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "晋江纸品", "source": "visit"])).json(CustomerDTO.self)
            let t = try await world.api(.POST, "/api/v1/tickets", token: team.serviceAgent.token, json: JSONBody([
                "type": "complaint", "subject": "纸箱破损", "customerId": .string(c.id.uuidString)])).json(TicketDTO.self)
            let web = WebClient(world)
            try await web.signIn("agent@team.test")
            try await web.get("/tickets/\(t.id)")
            let refused = try await web.post("/tickets/\(t.id)/status", form: ["status": "resolved", "cause": "", "resolution": "", "note": "客户要求今天答复"])
            #expect(refused.status == .conflict)
            #expect(web.lastBody.contains("id=\"e-cause\"") && web.lastBody.contains("id=\"e-resolution\"") && web.lastBody.contains("客户要求今天答复"))
            #expect(try await web.post("/tickets/\(t.id)/updates", form: ["body": "已安排换货", "customerVisible": "on"]).status == .seeOther)
            let logistics = try #require(try await Department.query(on: world.db).sort(\.$code).first())
            let badTask = try await web.post("/tickets/\(t.id)/department-tasks", form: ["departmentId": logistics.id!.uuidString, "request": "查包装", "dueOn": "2026-13-01"])
            #expect(badTask.status == .unprocessableEntity && web.lastBody.contains("id=\"e-dueOn\"") && web.lastBody.contains("查包装"))
            #expect(try await web.post("/tickets/\(t.id)/department-tasks", form: ["departmentId": logistics.id!.uuidString, "request": "查包装", "dueOn": "2026-09-30"]).status == .seeOther)
            try await web.get("/tickets/\(t.id)")
            #expect(web.lastBody.contains("id=\"waiting-on\""))
            let task = try #require(try await DepartmentTask.query(on: world.db).first())
            #expect(try await web.post("/department-tasks/\(task.id!)", form: ["answer": "承运商野蛮装卸，已索赔"]).status == .seeOther)
            #expect(try await web.post("/tickets/\(t.id)/status", form: ["status": "resolved", "cause": "delivery", "resolution": "换货并索赔"]).status == .seeOther)
            try await web.get("/tickets/\(t.id)")
            #expect(!web.lastBody.contains("id=\"waiting-on\"") && web.lastBody.contains("承运商野蛮装卸") && web.lastBody.contains("ticket-resolved"))
            let updates = try await TicketUpdate.query(on: world.db).filter(\.$ticketId == t.id).filter(\.$customerVisible == true).count()
            #expect(updates == 1)
            // SVC-4: the customer wants a second line; the seller finds it in today's follow-ups.
            let emptyNote = try await web.post("/tickets/\(t.id)/handoffs", form: ["kind": "upsell", "note": ""])
            #expect(emptyNote.status == .unprocessableEntity && web.lastBody.contains("id=\"e-note\""))
            #expect(try await web.post("/tickets/\(t.id)/handoffs", form: ["kind": "upsell", "note": "还想要一条包装线"]).status == .seeOther)
            let myDay = try await world.api(.GET, "/api/v1/activities/my-day", token: team.salesRep.token)
            #expect(myDay.body.string.contains("还想要一条包装线"))
        }
    }

    /// An open care task as the daily job files one.
    static func careTask(_ world: TestWorld, _ kind: String, customer: UUID, dueOn: String, festival: String? = nil, occasion: String,
                         messages: (zhHans: String, zhHant: String, en: String)) async throws -> CareTaskRecord {
        let task = CareTaskRecord()
        task.dedupeKey = "\(kind):\(customer)"; task.kind = kind; task.customerId = customer; task.festival = festival; task.occasion = occasion
        task.dueOn = dueOn; task.messageZhHans = messages.zhHans; task.messageZhHant = messages.zhHant; task.messageEn = messages.en
        task.status = "open"; task.outcome = ""; task.createdAt = world.clock.now(); task.version = 1
        try await task.create(on: world.db)
        return task
    }

    @Test("CP-4 on the web: the care list shows today's greeting with its message; done needs the outcome, which is kept when missing")
    func careList() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "石狮服装", "source": "visit"])).json(CustomerDTO.self)
            let task = try await Self.careTask(world, "festivalGreeting", customer: c.id, dueOn: "2026-09-21", festival: "midAutumn", occasion: "2026-09-25",
                                               messages: ("值此中秋节来临之际", "值此中秋節來臨之際", "Mid-Autumn wishes"))
            let web = WebClient(world)
            web.acceptLanguage = "zh-CN"
            try await web.signIn("agent@team.test")
            #expect(try await web.get("/care").status == .ok)
            #expect(web.lastBody.contains("值此中秋节来临之际") && web.lastBody.contains("石狮服装"))
            let refused = try await web.post("/care/\(task.id!)", form: ["status": "done", "outcome": ""])
            #expect(refused.status == .unprocessableEntity && web.lastBody.contains("e-outcome-\(task.id!)"))
            #expect(try await web.post("/care/\(task.id!)", form: ["status": "done", "outcome": "已微信问候"]).status == .seeOther)
            try await web.get("/care")
            #expect(!web.lastBody.contains("值此中秋节来临之际"), "done tasks leave today's list")
        }
    }

    @Test("CP-4: the group lead's care list links a customer whose salesperson has left to its page, which the group lead may still open")
    func careListAfterOwnerLeft() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "晋江陶瓷", "source": "visit"])).json(CustomerDTO.self)
            _ = try await Self.careTask(world, "returnVisit", customer: c.id, dueOn: "2026-09-01", occasion: "2026-09-01", messages: ("回访", "回訪", "Return visit"))
            #expect(try await world.api(.DELETE, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token).status == .noContent)
            let web = WebClient(world)
            try await web.signIn(team.salesLead.email)
            #expect(try await web.get("/care").status == .ok)
            #expect(web.lastBody.contains("晋江陶瓷") && web.lastBody.contains("href=\"/customers/\(c.id)\""), "the customer is linked")
            #expect(try await web.get("/customers/\(c.id)").status == .ok)
        }
    }

    @Test("CP-1: from November the queue tells the lead and the admin that next year's public holidays are missing; agents are not nagged; entered holidays end it")
    func missingHolidays() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let september = WebClient(world)
            try await september.signIn(team.lead.email)
            try await september.get("/tickets")
            #expect(september.lastBody.contains("id=\"queue-mine\""))
            #expect(!september.lastBody.contains("id=\"calendar-warning\""), "September: 2026 is in the pack, 2027 not due yet")
            world.clock.advance(by: ServiceTests.china("2026-11-20T09:00:00").timeIntervalSince(world.clock.now()))
            let lead = WebClient(world), agent = WebClient(world), admin = WebClient(world)
            try await lead.signIn(team.lead.email); try await agent.signIn(team.serviceAgent.email); try await admin.signIn(team.admin.email)
            try await lead.get("/tickets")
            #expect(lead.lastBody.contains("id=\"calendar-warning\"") && lead.lastBody.contains("2027"))
            try await agent.get("/tickets")
            #expect(!agent.lastBody.contains("id=\"calendar-warning\""))
            try await admin.get("/tickets")
            #expect(admin.lastBody.contains("holidaySchedule"), "the admin is told where to add them")
            let current = try await world.api(.GET, "/api/v1/policy", token: team.admin.token).json(PolicyDTO.self)
            let anchor = "      makeUpDays:"
            #expect(current.yaml.contains(anchor))
            let newYear = #"        - { name: { zh-Hans: "元旦", zh-Hant: "元旦", en: "New Year's Day" }, start: "2027-01-01", end: "2027-01-01" }"#
            let edited = current.yaml.replacingOccurrences(of: anchor, with: newYear + "\n" + anchor)
            let saved = try await world.api(.PUT, "/api/v1/policy", token: team.admin.token, json: JSONBody(["yaml": .string(edited), "comment": "2027 放假安排"]))
            #expect(saved.status == .ok)
            try await lead.get("/tickets")
            #expect(lead.lastBody.contains("id=\"queue-mine\"") && !lead.lastBody.contains("id=\"calendar-warning\""), "the queue, without the warning")
        }
    }
}
