import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The service chapter through HTTP: tickets and their SLA clocks on the working calendar,
/// department tasks, surveys, the SLA watch and relationship care (SVC-1 … SVC-4, CP-1 … CP-4, RSK-C1).
@Suite("Service: tickets, SLA clocks, departments, surveys, care (SVC-1..4, CP-1..4, RSK-C1)")
struct ServiceTests {
    /// China time on the test calendar (the clock starts Monday 2026-09-21 22:13:20 +08:00).
    static func china(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text + "+08:00")!
    }

    func moveClock(_ world: TestWorld, to text: String) {
        world.clock.advance(by: Self.china(text).timeIntervalSince(world.clock.now()))
    }

    func customer(_ world: TestWorld, _ team: Team, name: String = "漳州海韵食品有限公司") async throws -> CustomerDTO {
        try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": .string(name), "source": "visit"])).json(CustomerDTO.self)
    }

    @Test("CP-2: a phone complaint's clocks run on working hours and skip the Mid-Autumn holiday; waiting on the customer pauses them; resolving needs a cause; closing sends a survey answered once")
    func complaintLifecycle() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let agent = team.serviceAgent.token
            let c = try await customer(world, team)
            moveClock(world, to: "2026-09-24T10:00:00")   // Thursday, the day before the holiday
            let opened = try await world.api(.POST, "/api/v1/tickets", token: agent, json: JSONBody([
                "type": "complaint", "channel": "phone", "subject": "冷链配送延误，货物变质", "customerId": .string(c.id.uuidString)]))
            #expect(opened.status == .created)
            var t = try opened.json(TicketDTO.self)
            #expect(t.status == "new" && t.assigneeId == team.serviceAgent.member, "the agent who takes the call owns the ticket")
            #expect(t.responseDueAt == Self.china("2026-09-24T11:00:00"), "first response within one working hour")
            // 15 working hours: Thursday 10:00–18:00 (6.5 h), Friday to Sunday are the Mid-Autumn holiday, Monday 7.5 h, Tuesday 1 h.
            #expect(t.resolutionDueAt == Self.china("2026-09-29T10:00:00"))
            let path = "/api/v1/tickets/\(t.id)"

            moveClock(world, to: "2026-09-24T10:50:00")   // 80 % of the hour gone: the group lead is warned, once
            try await Scheduler.runDue(world.app, now: world.clock.now())
            world.clock.advance(by: 61)
            try await Scheduler.runDue(world.app, now: world.clock.now())
            let warnings = try await AppNotification.query(on: world.db).filter(\.$userId == team.serviceLead.user).filter(\.$kind == "slaWarning").count()
            #expect(warnings == 1)

            t = try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "acknowledged", "note": "已致电客户致歉"])).json(TicketDTO.self)
            #expect(t.firstResponseAt != nil && t.responseDueAt == nil && !t.responseBreached)

            let refused = try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "resolved"]))
            #expect(refused.status == .conflict)
            #expect(Set(refused.problemFields).isSuperset(of: ["status", "cause", "resolution"]))
            #expect(try await world.api(.GET, path, token: agent).json(TicketDetailDTO.self).ticket.status == "acknowledged", "a refused move changes nothing")

            let logistics = try #require(try await Department.query(on: world.db).sort(\.$code).first())
            let task = try await world.api(.POST, "\(path)/department-tasks", token: agent, json: JSONBody([
                "departmentId": .string(logistics.id!.uuidString), "request": "查明冷链车温控记录", "holder": "物流部 李工", "dueOn": "2026-09-28"]))
            #expect(task.status == .created)
            let taskId = try task.json(DepartmentTaskDTO.self).id
            #expect(try await world.api(.GET, path, token: agent).json(TicketDetailDTO.self).waitingOn == [logistics.id!])

            // Waiting on the customer from Thursday 11:00 (1 working hour used) to Friday: the clock stands still.
            moveClock(world, to: "2026-09-24T11:00:00")
            t = try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "waitingOnCustomer"])).json(TicketDTO.self)
            #expect(t.resolutionDueAt == nil)
            moveClock(world, to: "2026-09-25T11:00:00")
            t = try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "inProgress"])).json(TicketDTO.self)
            // 14 working hours left from the holiday: Monday 7.5 h, Tuesday 6.5 h → Tuesday 17:00.
            #expect(t.resolutionDueAt == Self.china("2026-09-29T17:00:00"))

            #expect(try await world.api(.POST, "\(path)/updates", token: agent, json: JSONBody(["body": "已安排补发，周一送达", "customerVisible": true])).status == .created)
            let answered = try await world.api(.PATCH, "/api/v1/department-tasks/\(taskId)", token: agent, json: JSONBody(["answer": "温控故障，已更换设备"]))
            #expect(try answered.json(DepartmentTaskDTO.self).status == "answered")
            #expect(try await world.api(.GET, path, token: agent).json(TicketDetailDTO.self).waitingOn.isEmpty)

            let badCause = try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "resolved", "cause": "weather", "resolution": "补发"]))
            #expect(badCause.problemFields == ["cause"])
            #expect(try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "resolved", "cause": "delivery", "resolution": "补发并赔偿运费"])).status == .ok)
            #expect(try await world.api(.PATCH, path, token: agent, json: JSONBody(["status": "closed"])).status == .ok)
            let detail = try await world.api(.GET, path, token: agent).json(TicketDetailDTO.self)
            #expect(detail.resolutionClock.state == "met")
            #expect(detail.updates.filter { $0.customerVisible }.count == 1)
            let link = try #require(detail.survey?.link)
            let token = String(link.dropFirst("/survey/".count))

            // The customer answers without signing in, once; a forged link finds nothing.
            let answer = try await world.api(.POST, "/api/v1/surveys/\(token)", json: JSONBody(["score": 4, "comment": "处理及时，但希望少出这种问题"]))
            #expect(answer.status == .ok)
            #expect(try await world.api(.POST, "/api/v1/surveys/\(token)", json: JSONBody(["score": 1])).status == .conflict)
            #expect(try await world.api(.POST, "/api/v1/surveys/\(token)x", json: JSONBody(["score": 5])).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/surveys/\(token)", json: JSONBody(["score": 9])).status == .unprocessableEntity)
            let feedback = try await FeedbackItem.query(on: world.db).filter(\.$source == "survey").all()
            #expect(feedback.count == 1 && feedback.first?.customerId == c.id, "the comment lands in feedback for routing (CP-3)")
            let history = try await world.api(.GET, "\(path)/history", token: agent).json(PageOf<AuditEventDTO>.self)
            #expect(history.items.count >= 8)
        }
    }

    @Test("on the web, without signing in: the survey page keeps the comment beside a missing score, thanks once, then says it was answered")
    func surveyPage() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await customer(world, team)
            let t = try await world.api(.POST, "/api/v1/tickets", token: team.serviceAgent.token, json: JSONBody([
                "type": "inquiry", "subject": "安装指导", "customerId": .string(c.id.uuidString)])).json(TicketDTO.self)
            let path = "/api/v1/tickets/\(t.id)"
            #expect(try await world.api(.PATCH, path, token: team.serviceAgent.token, json: JSONBody(["status": "resolved", "cause": "misuse", "resolution": "远程指导安装"])).status == .ok)
            #expect(try await world.api(.PATCH, path, token: team.serviceAgent.token, json: JSONBody(["status": "closed"])).status == .ok)
            let link = try #require(try await world.api(.GET, path, token: team.serviceAgent.token).json(TicketDetailDTO.self).survey?.link)
            let web = WebClient(world)
            #expect(try await web.get(link).status == .ok)
            #expect(web.lastBody.contains("id=\"survey-form\"") && web.lastBody.contains(t.number))
            let missing = try await web.post(link, form: ["comment": "工程师很耐心"])
            #expect(missing.status == .unprocessableEntity)
            #expect(web.lastBody.contains("工程师很耐心"), "the comment is kept")
            #expect(web.lastBody.contains("aria-invalid=\"true\""))
            #expect(try await web.get(link).status == .ok)
            #expect(try await web.post(link, form: ["score": "5", "comment": "工程师很耐心"]).status == .ok)
            #expect(web.lastBody.contains("id=\"survey-thanks\""))
            #expect(try await web.get(link).status == .ok)
            #expect(web.lastBody.contains("id=\"survey-answered\"") && !web.lastBody.contains("survey-form"))
            #expect(try await web.get("/survey/forged").status == .notFound)
        }
    }

    @Test("RSK-C1: an urgent ticket nobody answers escalates to the group lead and the team lead at its breach, once")
    func escalation() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await customer(world, team)
            // A seller logs it: it lands unassigned in the service queue.
            let t = try await world.api(.POST, "/api/v1/tickets", token: team.salesRep.token, json: JSONBody([
                "type": "dispute", "priority": "urgent", "channel": "wechat", "subject": "发票金额争议", "customerId": .string(c.id.uuidString)])).json(TicketDTO.self)
            #expect(t.assigneeId == nil)
            let queue = try await world.api(.GET, "/api/v1/tickets?queue=unassigned", token: team.serviceAgent.token).json(PageOf<TicketDTO>.self)
            #expect(queue.items.map(\.id) == [t.id])
            #expect(try await world.api(.PATCH, "/api/v1/tickets/\(t.id)", token: team.salesRep.token, json: JSONBody(["status": "acknowledged"])).status == .forbidden,
                    "the seller reads their customer's ticket but the service group works it")
            world.clock.advance(by: 31 * 60)   // urgent: 30 minutes, around the clock
            try await Scheduler.runDue(world.app, now: world.clock.now())
            world.clock.advance(by: 61)
            try await Scheduler.runDue(world.app, now: world.clock.now())
            let after = try await world.api(.GET, "/api/v1/tickets/\(t.id)", token: team.serviceAgent.token).json(TicketDetailDTO.self)
            #expect(after.ticket.escalatedAt != nil && after.ticket.responseBreached)
            #expect(after.responseClock.state == "breached")
            let stored = try #require(try await Ticket.find(t.id, on: world.db))
            #expect(stored.breachAt == t.openedAt.addingTimeInterval(24 * 3_600), "the resolution clock (24 h, around the clock) escalates in its turn")
            for person in [team.lead, team.serviceLead] {
                #expect(try await AppNotification.query(on: world.db).filter(\.$userId == person.user).filter(\.$kind == "slaBreach").count() == 1)
            }
            let breaching = try await world.api(.GET, "/api/v1/tickets?queue=breaching", token: team.serviceLead.token).json(PageOf<TicketDTO>.self)
            #expect(breaching.items.map(\.id) == [t.id])
            #expect(try await world.api(.GET, "/api/v1/tickets/\(t.id)", token: team.finance.token).status == .forbidden)
        }
    }

    @Test("bad input: an unknown customer, a forbidden status jump and a malformed department task are refused, nothing written")
    func badInput() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let agent = team.serviceAgent.token
            let unknown = try await world.api(.POST, "/api/v1/tickets", token: agent, json: JSONBody([
                "type": "inquiry", "subject": "x", "customerId": .string(UUID().uuidString), "channel": "fax"]))
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.problemFields == ["channel"])
            let noCustomer = try await world.api(.POST, "/api/v1/tickets", token: agent, json: JSONBody(["type": "inquiry", "subject": "x", "customerId": .string(UUID().uuidString)]))
            #expect(noCustomer.problemFields == ["customerId"])
            let c = try await customer(world, team)
            let t = try await world.api(.POST, "/api/v1/tickets", token: agent, json: JSONBody(["type": "inquiry", "subject": "价格咨询", "customerId": .string(c.id.uuidString)])).json(TicketDTO.self)
            let jump = try await world.api(.PATCH, "/api/v1/tickets/\(t.id)", token: agent, json: JSONBody(["status": "closed"]))
            #expect(jump.status == .conflict && jump.problemFields == ["status"])
            let task = try await world.api(.POST, "/api/v1/tickets/\(t.id)/department-tasks", token: agent, json: JSONBody(["dueOn": "2026-02-30"]))
            #expect(Set(task.problemFields) == ["departmentId", "request", "dueOn"])
            #expect(try await Ticket.query(on: world.db).count() == 1)
            #expect(try await DepartmentTask.query(on: world.db).count() == 0)
        }
    }

    @Test("CP-4: the daily job creates festival greetings and birthday wishes (lunar too) once, catches up missed days, and an agent marks them done with the outcome")
    func care() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await customer(world, team)
            let record = try #require(try await Customer.find(c.id, on: world.db))
            record.status = "customer"; record.customerClass = "A"
            try await record.save(on: world.db)
            for (name, birthday, calendar) in [("林总", "1972-09-22", "gregorian"), ("黄经理", "1980-08-15", "lunar")] {
                #expect(try await world.api(.POST, "/api/v1/contacts", token: team.salesRep.token, json: JSONBody([
                    "customerId": .string(c.id.uuidString), "name": .string(name), "birthday": .string(birthday), "birthdayCalendar": .string(calendar)])).status == .created)
            }
            // First run on Monday 2026-09-21 covers today only: nothing due yet.
            try await Scheduler.runDue(world.app, now: world.clock.now())
            #expect(try await CareTaskRecord.query(on: world.db).count() == 0)
            // The servers were down until Friday: the next run catches up Tuesday to Friday.
            moveClock(world, to: "2026-09-25T07:00:00")
            try await Scheduler.runDue(world.app, now: world.clock.now())
            let tasks = try await CareTaskRecord.query(on: world.db).sort(\.$dueOn).sort(\.$kind).all()
            #expect(tasks.map(\.kind) == ["birthday", "festivalGreeting", "birthday"])
            #expect(tasks.map(\.dueOn) == ["2026-09-22", "2026-09-22", "2026-09-25"], "Mid-Autumn greeting 3 days ahead; the lunar 8/15 birthday on 2026-09-25")
            #expect(tasks[1].messageZhHans.contains("中秋"))
            // Running the same days again adds nothing.
            #expect(try await CareJob.run(world.app, from: CivilDate("2026-09-21")!, through: CivilDate("2026-09-25")!, now: world.clock.now()) == 0)
            let list = try await world.api(.GET, "/api/v1/care-tasks", token: team.serviceAgent.token).json(PageOf<CareTaskDTO>.self)
            #expect(list.items.count == 3)
            let first = list.items[0]
            let noOutcome = try await world.api(.PATCH, "/api/v1/care-tasks/\(first.id)", token: team.serviceAgent.token, json: JSONBody(["status": "done"]))
            #expect(noOutcome.problemFields == ["outcome"])
            let done = try await world.api(.PATCH, "/api/v1/care-tasks/\(first.id)", token: team.serviceAgent.token, json: JSONBody(["status": "done", "outcome": "已电话祝福，客户很高兴"]))
            #expect(try done.json(CareTaskDTO.self).status == "done")
            #expect(try await world.api(.GET, "/api/v1/care-tasks", token: team.serviceAgent.token).json(PageOf<CareTaskDTO>.self).items.count == 2)
            #expect(try await world.api(.GET, "/api/v1/care-tasks", token: team.finance.token).json(PageOf<CareTaskDTO>.self).items.isEmpty)
        }
    }

    /// Four tickets in September 2026 for the report: three complaints and an inquiry from one
    /// customer; two complaints answered (one half an hour late) and resolved for delivery, one
    /// closed and rated 4; a department task answered in two hours. Returns that department.
    static func reportQuarter(_ world: TestWorld, _ team: Team, customer name: String = "漳州海韵食品有限公司") async throws -> Department {
        let agent = team.serviceAgent.token
        let c = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": .string(name), "source": "visit"])).json(CustomerDTO.self)
        func at(_ text: String) { world.clock.advance(by: china(text).timeIntervalSince(world.clock.now())) }
        at("2026-09-24T10:00:00")
        var ids: [UUID] = []
        for (type, channel) in [("complaint", "phone"), ("complaint", "phone"), ("complaint", "wechat"), ("inquiry", "email")] {
            ids.append(try await world.api(.POST, "/api/v1/tickets", token: agent, json: JSONBody([
                "type": .string(type), "channel": .string(channel), "subject": "报表", "customerId": .string(c.id.uuidString)])).json(TicketDTO.self).id)
        }
        let logistics = try #require(try await Department.query(on: world.db).sort(\.$code).first())
        let task = try await world.api(.POST, "/api/v1/tickets/\(ids[2])/department-tasks", token: agent, json: JSONBody([
            "departmentId": .string(logistics.id!.uuidString), "request": "查询", "dueOn": "2026-09-25"])).json(DepartmentTaskDTO.self)
        func patch(_ i: Int, _ body: JSONBody, at time: String) async throws {
            at(time)
            #expect(try await world.api(.PATCH, "/api/v1/tickets/\(ids[i])", token: agent, json: body).status == .ok)
        }
        try await patch(0, JSONBody(["status": "acknowledged"]), at: "2026-09-24T10:30:00")
        try await patch(1, JSONBody(["status": "acknowledged"]), at: "2026-09-24T11:30:00")   // half an hour late
        try await patch(0, JSONBody(["status": "resolved", "cause": "delivery", "resolution": "补发"]), at: "2026-09-24T11:40:00")
        try await patch(1, JSONBody(["status": "resolved", "cause": "delivery", "resolution": "补发"]), at: "2026-09-24T11:45:00")
        try await patch(0, JSONBody(["status": "closed"]), at: "2026-09-24T11:50:00")
        let link = try #require(try await world.api(.GET, "/api/v1/tickets/\(ids[0])", token: agent).json(TicketDetailDTO.self).survey?.link)
        #expect(try await world.api(.POST, "/api/v1/surveys/" + link.dropFirst("/survey/".count), json: JSONBody(["score": 4])).status == .ok)
        at("2026-09-24T12:00:00")
        #expect(try await world.api(.PATCH, "/api/v1/department-tasks/\(task.id)", token: agent, json: JSONBody(["answer": "已查明"])).status == .ok)
        return logistics
    }

    @Test("CP-4: a key customer last visited 40 days ago gets one return visit on the list, not a new one each day; a visit logged today moves the next one 30 days on")
    func returnVisits() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let c = try await customer(world, team, name: "泉州恒安建材有限公司")
            let record = try #require(try await Customer.find(c.id, on: world.db))
            record.status = "customer"; record.customerClass = "A"
            try await record.save(on: world.db)
            func visit(on day: String) async throws {
                #expect(try await world.api(.POST, "/api/v1/activities", token: team.salesRep.token, json: JSONBody([
                    "customerId": .string(c.id.uuidString), "kind": "visit", "occurredOn": .string(day), "summary": "走访"])).status == .created)
            }
            try await visit(on: "2026-08-12")
            let today = CivilDate.on(world.clock.now())   // 2026-09-21
            #expect(try await CareJob.run(world.app, from: today, through: today, now: world.clock.now()) == 1)
            let listed = try await CareTaskRecord.query(on: world.db).filter(\.$kind == "returnVisit").all()
            #expect(listed.map(\.dueOn) == ["2026-09-11"], "30 days after the last visit (class A)")
            let tomorrow = CivilDate("2026-09-22")!
            _ = try await CareJob.run(world.app, from: tomorrow, through: tomorrow, now: world.clock.now())   // the Mid-Autumn greeting is due that day
            #expect(try await CareTaskRecord.query(on: world.db).filter(\.$kind == "returnVisit").count() == 1, "the overdue visit is already on the list")
            try await visit(on: "2026-09-22")
            #expect(try await CareJob.run(world.app, from: CivilDate("2026-10-21")!, through: CivilDate("2026-10-21")!, now: world.clock.now()) == 0)
            #expect(try await CareJob.run(world.app, from: CivilDate("2026-10-22")!, through: CivilDate("2026-10-22")!, now: world.clock.now()) == 1)
            #expect(try await CareTaskRecord.query(on: world.db).filter(\.$kind == "returnVisit").sort(\.$dueOn).all().map(\.dueOn) == ["2026-09-11", "2026-10-22"])
        }
    }

    @Test("SVC-5, RSK-C1: the period's report counts tickets by type and channel, response and resolution times (median, p90), attainment, satisfaction, causes, repeat complainers and department turnaround")
    func report() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let logistics = try await Self.reportQuarter(world, team)
            let r = try await world.api(.GET, "/api/v1/reports/service?period=2026-Q3", token: team.lead.token).json(ServiceReport.self)
            #expect(r.opened == 4)
            #expect(r.byType.first { $0.key == "complaint" }?.count == 3 && r.byType.first { $0.key == "inquiry" }?.count == 1)
            #expect(r.byChannel.first { $0.key == "phone" }?.count == 2)
            #expect(r.firstResponse == .init(count: 2, medianMinutes: 30, p90Minutes: 90))
            #expect(r.resolution == .init(count: 2, medianMinutes: 100, p90Minutes: 105))
            #expect(r.responseAttainmentPercent == 50 && r.resolutionAttainmentPercent == 100)
            #expect(r.satisfactionAverage == 4 && r.satisfactionDistribution == [0, 0, 0, 1, 0])
            #expect(r.topCauses.map(\.key) == ["delivery"] && r.topCauses.first?.count == 2)
            #expect(r.repeatComplainers.map(\.complaints) == [3], "three complaints in the period flag the customer (RSK-C1)")
            #expect(r.departments.first { $0.id == logistics.id }?.medianHours == 2)
            #expect(try await world.api(.GET, "/api/v1/reports/service?period=2026-Q3", token: team.salesRep.token).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/reports/service?period=", token: team.lead.token).status == .badRequest, "an empty period is not this quarter")
            let web = WebClient(world)
            try await web.signIn("lead@team.test")
            #expect(try await web.get("/reports/service?period=2026-Q3").status == .ok)
            #expect(web.lastBody.contains("id=\"repeat-complainers\"") && web.lastBody.contains("<svg"))

            // Reopened, the ticket leaves the resolved figures; resolved again, it counts with its new time.
            let resolved = try #require(try await Ticket.query(on: world.db).filter(\.$status == "resolved").first()?.id)
            func patch(_ i: Int, _ body: JSONBody, at time: String) async throws {
                world.clock.advance(by: Self.china(time).timeIntervalSince(world.clock.now()))
                #expect(try await world.api(.PATCH, "/api/v1/tickets/\(resolved)", token: team.serviceAgent.token, json: body).status == .ok)
            }
            try await patch(1, JSONBody(["status": "inProgress", "note": "客户说还没收到"]), at: "2026-09-24T14:00:00")
            var again = try await world.api(.GET, "/api/v1/reports/service?period=2026-Q3", token: team.lead.token).json(ServiceReport.self)
            #expect(again.resolution.count == 1 && again.topCauses.first?.count == 1)
            try await patch(1, JSONBody(["status": "resolved", "cause": "product", "resolution": "换货"]), at: "2026-09-25T10:00:00")
            again = try await world.api(.GET, "/api/v1/reports/service?period=2026-Q3", token: team.lead.token).json(ServiceReport.self)
            #expect(again.resolution.count == 2 && again.resolution.p90Minutes == 1_440, "opened 10:00, resolved the next day at 10:00")
            #expect(Set(again.topCauses.map(\.key)) == ["delivery", "product"])
            #expect(again.responseAttainmentPercent == 50, "the late first response still counts once")
            func rollUp() async throws -> [String] {
                try await (world.db as! any SQLDatabase).raw("SELECT day, measure, key, count FROM \(ident: ServiceDays.schema) WHERE count <> 0 ORDER BY day, measure, key")
                    .all().map { "\(try $0.decode(column: "day", as: String.self)) \(try $0.decode(column: "measure", as: String.self)) \(try $0.decode(column: "key", as: String.self)) \(try $0.decode(column: "count", as: Int.self))" }
            }
            let kept = try await rollUp()
            #expect(kept.count >= 10)
            try await ServiceDays.rebuild(on: world.db)
            #expect(try await rollUp() == kept, "the roll-up kept by every change equals one rebuilt from the tickets")
        }
    }

    @Test("serve --demo: a month of tickets in every state, with clocks on the open ones and answered surveys on the closed ones")
    func demo() async throws {
        try await withApp { world in
            try await DemoCompany.load(world.app)
            try await SalesDemo.load(world.app)
            try await ServiceDemo.load(world.app)
            let tickets = try await Ticket.query(on: world.db).all()
            #expect(tickets.count == 60)
            let statuses = Set(tickets.map(\.status))
            #expect(statuses.isSuperset(of: ["acknowledged", "inProgress", "resolved", "closed"]))
            #expect(tickets.filter { $0.ticketStatus.isOpen && $0.status != "waitingOnCustomer" }.allSatisfy { $0.resolutionDueAt != nil || $0.resolutionBreached })
            #expect(tickets.filter { $0.status == "resolved" || $0.status == "closed" }.allSatisfy { $0.cause != nil && $0.resolutionDueAt == nil })
            #expect(try await SatisfactionSurvey.query(on: world.db).filter(\.$score != nil).count() > 0)
            #expect(try await FeedbackItem.query(on: world.db).filter(\.$status == "routed").count() > 0, "feedback for the monthly digest")
            try await ServiceDemo.load(world.app)
            #expect(try await Ticket.query(on: world.db).count() == 60, "loading twice adds nothing")
        }
    }

    @Test("jobs: a due job is claimed by one instance only, and the next run is scheduled")
    func scheduler() async throws {
        try await withApp { world in
            let now = world.clock.now()
            try await Scheduler.register(world.app, now: now)
            let a = try await Scheduler.claim(world.db, worker: "instance-a", now: now, lease: 600)
            let b = try await Scheduler.claim(world.db, worker: "instance-b", now: now, lease: 600)
            let c = try await Scheduler.claim(world.db, worker: "instance-c", now: now, lease: 600)
            let d = try await Scheduler.claim(world.db, worker: "instance-d", now: now, lease: 600)
            let e = try await Scheduler.claim(world.db, worker: "instance-e", now: now, lease: 600)
            let f = try await Scheduler.claim(world.db, worker: "instance-f", now: now, lease: 600)
            #expect(a != nil && b != nil && c != nil && d != nil && e != nil && f == nil, "five jobs, five claims, the sixth instance finds nothing")
            #expect(Set([a?.name, b?.name, c?.name, d?.name, e?.name]).count == 5)
            // A lease that ran out (its instance died) is claimed again.
            let later = now.addingTimeInterval(601)
            #expect(try await Scheduler.claim(world.db, worker: "instance-d", now: later, lease: 600) != nil)
            try await ScheduledJob.query(on: world.db).set(\.$lockedUntil, to: nil).update()
            let ran = try await Scheduler.runDue(world.app, now: later)
            #expect(Set(ran) == ["sla-scan", "care-daily", "feedback-digest", "risk-scan", "housekeeping"])
            let jobs = try await ScheduledJob.query(on: world.db).all()
            #expect(jobs.first { $0.name == "sla-scan" }?.nextRunAt == later.addingTimeInterval(60))
            #expect(jobs.first { $0.name == "care-daily" }?.nextRunAt == Self.china("2026-09-22T06:00:00"))
            #expect(jobs.first { $0.name == "feedback-digest" }?.nextRunAt == Self.china("2026-09-22T07:00:00"))
            #expect(jobs.first { $0.name == "risk-scan" }?.nextRunAt == Self.china("2026-09-22T08:00:00"))
            #expect(jobs.first { $0.name == "housekeeping" }?.nextRunAt == later.addingTimeInterval(3_600))
            #expect(try await Scheduler.runDue(world.app, now: later).isEmpty, "nothing is due twice")
            // `vanguard jobs --run`: now, whatever the schedule, unless another instance holds it.
            #expect(try await Scheduler.runNow(world.app, name: "sla-scan", now: later)?.hasPrefix("warned") == true)
            _ = try await Scheduler.claim(world.db, worker: "other", now: later.addingTimeInterval(60), lease: 600)
            #expect(try await Scheduler.runNow(world.app, name: "sla-scan", now: later.addingTimeInterval(61)) == nil)
        }
    }
}
