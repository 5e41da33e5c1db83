import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// `/api/v1/tickets`: the service queues, one ticket with its clocks and timeline, updates,
/// department tasks and hand-offs to sales (SVC-1 … SVC-4, CP-1, CP-2).
struct TicketsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let t = routes.grouped("tickets")
        t.get(use: list)
        t.post(use: create)
        t.get(":id", use: show)
        t.patch(":id", use: update)
        t.get(":id", "history", use: history)
        t.get(":id", "updates", use: updates)
        t.post(":id", "updates", use: addUpdate)
        t.post(":id", "department-tasks", use: addTask)
        t.post(":id", "handoffs", use: handoff)
    }

    func list(req: Request) async throws -> PageOf<TicketDTO> {
        let (list, rows) = try await TicketList.page(req, strict: true)
        let locale = req.locale
        return list.page(rows, value: { list.sortField == "number" ? $0.number : $0.dueKey }, id: { $0.id }, map: { TicketDTO($0, locale: locale) })
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(TicketInput.self)
        try input.validate(creating: true).throwIfAny()
        let assignee = input.assigneeId.applied(to: nil)
        try req.authorize(.create, .serviceRecord(try await TicketService.facts(assignee: assignee, customer: input.customerId, on: req.db)))
        let saved = try await TicketService.open(input, req: req)
        return try TicketDTO(saved, locale: req.locale).created(at: "/api/v1/tickets/\(saved.id!)", version: saved.version)
    }

    func show(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.read, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        return try await TicketService.detail(t, req: req).response(version: t.version)
    }

    func update(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let input = try req.decodeJSON(TicketInput.self)
        if input.customerId != nil && input.customerId != t.customerId {
            throw Problem.invalid("customerId", "readOnly", "A ticket stays with its customer; open a new ticket for another customer.")
        }
        let saved = try await TicketService.save(t, input, creating: false, req: req)
        return try TicketDTO(saved, locale: req.locale).response(version: saved.version)
    }

    func history(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.read, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        return try await AuditAPI.page(req, entityType: "ticket", entityId: t.id!, hidden: [])
    }

    func updates(req: Request) async throws -> [TicketUpdateDTO] {
        let t = try await TicketService.find(req)
        try req.authorize(.read, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        return try await TicketUpdate.query(on: req.db).filter(\.$ticketId == t.id!).sort(\.$at).all().map(TicketUpdateDTO.init)
    }

    struct UpdateInput: Content {
        var body: String?
        var customerVisible: Bool?
    }

    func addUpdate(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let input = try req.decodeJSON(UpdateInput.self)
        let u = try await TicketService.addUpdate(t, body: input.body ?? "", customerVisible: input.customerVisible ?? false, req: req)
        return try await TicketUpdateDTO(u).encodeResponse(status: .created, for: req)
    }

    func addTask(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let d = try await DepartmentTaskService.create(for: t, try req.decodeJSON(DepartmentTaskInput.self), req: req)
        return try DepartmentTaskDTO(d, today: req.today).created(at: "/api/v1/department-tasks/\(d.id!)", version: d.version)
    }

    struct HandoffInput: Content {
        var kind: String?
        var note: String?
    }

    /// SVC-4: a renewal or upsell signal lands in the customer owner's follow-ups for today.
    func handoff(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let input = try req.decodeJSON(HandoffInput.self)
        let a = try await TicketService.handOff(t, kind: input.kind ?? "", note: input.note ?? "", req: req)
        return try await ["activityId": a.id!.uuidString].encodeResponse(status: .created, for: req)
    }
}

/// The queues (issue 5, item 1): mine, my group's, unassigned, breaching soon; by default the
/// open tickets, most urgent first. Read through SQLKit into `ListRow`s: the queue is an agent's
/// most-opened page, and building Fluent models was most of its cost.
enum TicketList {
    static let queues = ["all", "mine", "group", "unassigned", "breaching"]
    static let columns = ["id", "number", "type", "channel", "priority", "status", "subject", "description", "customer_id", "contact_id", "order_id",
                          "assignee_member_id", "cause", "resolution", "opened_at", "first_response_at", "resolved_at", "closed_at",
                          "response_due_at", "resolution_due_at", "due_key", "escalated_at", "response_breached", "resolution_breached", "version"]

    static func page(_ req: Request, strict: Bool) async throws -> (ListRequest, [Ticket]) {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["due", "number"], defaultSort: "due")
        let serviceGroup = try await TicketService.serviceGroup(on: req.db)
        var q = sql.select().columns(columns.map { SQLColumn($0) }).from(Ticket.schema).where("deleted_at", .is, SQLLiteral.null)
        switch AccessPolicy.serviceScope(user.actor, serviceGroup: serviceGroup) {
        case .all: break
        case .nothing: q = q.where(SQLLiteral.boolean(false))
        case .owners(let member, let group):
            q = q.where(SQLQueryString("(assignee_member_id = \(bind: member) OR customer_id IN (") + SalesScopeSQL.customers(member: member, group: group) + SQLQueryString("))"))
        }
        let queue = try req.queryChoice("queue", from: queues, strict: strict) ?? "all"
        let status = try req.queryChoice("status", from: TicketStatus.allCases.map(\.rawValue) + ["open", "any"], strict: strict) ?? "open"
        switch status {
        case "open": q = q.where("status", .in, TicketStatus.allCases.filter(\.isOpen).map(\.rawValue))
        case "any": break
        default: q = q.where("status", .equal, status)
        }
        switch queue {
        case "mine":
            if let member = user.actor.memberId { q = q.where("assignee_member_id", .equal, member) } else { q = q.where(SQLLiteral.boolean(false)) }
        case "group":
            if let group = user.actor.groupId {
                // EXISTS, not IN: the planner then walks the due-order index and stops after a page,
                // instead of sorting every ticket the group ever had (2.3 s → 5 ms at 1 M tickets).
                q = q.where(SQLQueryString("EXISTS (SELECT 1 FROM \(ident: Member.schema) m WHERE m.id = \(ident: Ticket.schema).assignee_member_id AND m.group_id = \(bind: group))"))
            } else { q = q.where(SQLLiteral.boolean(false)) }
        case "unassigned": q = q.where("assignee_member_id", .is, SQLLiteral.null)
        case "breaching":
            // Warned already, or due within the next working hour.
            q = q.where("due_key", .lessThanOrEqual, TicketService.dueKey(req.now.addingTimeInterval(3_600)))
        default: break
        }
        if let v = try req.queryChoice("type", from: TicketType.allCases.map(\.rawValue), strict: strict) { q = q.where("type", .equal, v) }
        if let v = try req.queryChoice("priority", from: TicketPriority.allCases.map(\.rawValue), strict: strict) { q = q.where("priority", .equal, v) }
        if let v = try req.queryUUID("customerId", strict: strict) { q = q.where("customer_id", .equal, v) }
        if let pattern = likePattern(try req.queryText("q")) {
            q = q.where(SQLQueryString("(lower(number) LIKE \(bind: pattern) ESCAPE '\\' OR lower(subject) LIKE \(bind: pattern) ESCAPE '\\')"))
        }
        let column = list.sortField == "number" ? "number" : "due_key"
        if let after = list.after {
            let op: SQLBinaryOperator = list.descending ? .lessThan : .greaterThan
            q = q.where(group: { g in
                g.where(SQLColumn(column), op, SQLBind(after.value))
                    .orWhere(group: { $0.where(SQLColumn(column), .equal, SQLBind(after.value)).where(SQLColumn("id"), op, SQLBind(after.id)) })
            })
        }
        let direction: SQLDirection = list.descending ? .descending : .ascending
        let rows = try await ListRow.all(q.orderBy(column, direction).orderBy("id", direction).limit(list.limit + 1))
        return (list, try rows.map(ticket))
    }

    /// A ticket from its row, for reading (it is not saved from here).
    static func ticket(_ r: ListRow) throws -> Ticket {
        let t = Ticket()
        t.id = try r.uuid("id"); t.number = try r.string("number"); t.type = try r.string("type"); t.channel = try r.string("channel")
        t.priority = try r.string("priority"); t.status = try r.string("status"); t.subject = try r.string("subject")
        t.description = try r.string("description"); t.customerId = try r.uuid("customer_id"); t.contactId = try r.optionalUUID("contact_id")
        t.orderId = try r.optionalUUID("order_id"); t.assigneeMemberId = try r.optionalUUID("assignee_member_id"); t.cause = try r.optionalString("cause")
        t.resolution = try r.string("resolution"); t.openedAt = try r.optionalDate("opened_at") ?? Date(timeIntervalSince1970: 0)
        t.firstResponseAt = try r.optionalDate("first_response_at"); t.resolvedAt = try r.optionalDate("resolved_at"); t.closedAt = try r.optionalDate("closed_at")
        t.responseDueAt = try r.optionalDate("response_due_at"); t.resolutionDueAt = try r.optionalDate("resolution_due_at"); t.dueKey = try r.string("due_key")
        t.escalatedAt = try r.optionalDate("escalated_at"); t.responseBreached = try r.bool("response_breached")
        t.resolutionBreached = try r.bool("resolution_breached"); t.version = try r.int("version")
        return t
    }
}

extension TicketService {
    /// SVC-4: a renewal or upsell signal becomes a follow-up due today for the customer's salesperson.
    static func handOff(_ t: Ticket, kind: String, note rawNote: String, req: Request) async throws -> SalesActivity {
        var e = FieldErrors()
        e.choice("kind", kind, ["renewal", "upsell"])
        e.check("note", Validators.required(rawNote, field: "note"))
        e.check("note", Validators.maxLength(rawNote, 1_000, field: "note"))
        try e.throwIfAny()
        guard let customer = try await Customer.find(t.customerId, on: req.db), let owner = customer.ownerMemberId else {
            throw Problem.conflict("customerId", "no-owner", "This customer has no salesperson to hand the signal to.")
        }
        let today = req.today.description
        let note = rawNote.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await req.db.writeTransaction { db in
            let a = ActivityService.new(owner: owner)
            a.$customer.id = t.customerId
            a.contactId = t.contactId
            a.kind = ActivityKind.other.rawValue
            a.occurredOn = today
            a.summary = String("\(kind == "renewal" ? "续约信号" : "增购信号") (\(t.number)): \(note)".prefix(300))
            a.nextStep = kind == "renewal" ? "跟进续约" : "跟进增购需求"
            a.nextStepOn = today
            try await a.create(on: db)
            try await timeline(t, kind: .note, body: "→ \(kind): \(note)", visible: false, from: nil, to: nil, at: req.now, by: req.currentUser?.actor.userId, on: db)
            try await Audit.record(.create, "activity", id: a.id, label: a.summary, before: Optional<String>.none, after: ["handoffFrom": t.number], request: req, on: db)
            return a
        }
    }

    /// Everything the ticket's page shows, with the clocks as of now.
    static func detail(_ t: Ticket, req: Request) async throws -> TicketDetailDTO {
        let policy = try await policy(req)
        let updates = try await TicketUpdate.query(on: req.db).filter(\.$ticketId == t.id!).sort(\.$at).all()
        let readings = clocks(t, updates: updates, policy: policy, calendar: policy.effectiveCalendar.workingCalendar(), now: req.now)
        let tasks = try await DepartmentTask.query(on: req.db).filter(\.$ticketId == t.id!).sort(\.$createdAt).all()
        let survey = try await SatisfactionSurvey.query(on: req.db).filter(\.$ticketId == t.id!).sort(\.$sentAt, .descending).first()
        let today = req.today
        return TicketDetailDTO(ticket: TicketDTO(t, locale: req.locale), responseClock: SLAClockDTO(readings.response),
                               resolutionClock: SLAClockDTO(readings.resolution), updates: updates.map(TicketUpdateDTO.init),
                               departmentTasks: tasks.map { DepartmentTaskDTO($0, today: today) },
                               waitingOn: Array(Set(tasks.filter { $0.status == DepartmentTaskStatus.open.rawValue }.map(\.departmentId))).sorted { $0.uuidString < $1.uuidString },
                               survey: survey.map(SurveyDTO.init))
    }
}
