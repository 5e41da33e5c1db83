import Fluent
import Foundation
import Vapor
import VanguardCore

/// Tickets on the web (SVC-1, SVC-2, CP-1, CP-2): the queues, a new ticket, and one ticket with
/// its clocks, status moves, updates, department tasks and survey. A refused form comes back with
/// the message beside the field and the user's input kept.
struct TicketPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let t = routes.grouped("tickets")
        t.get(use: list)
        t.get("new", use: newForm)
        t.post(use: create)
        t.get(":id", use: show)
        t.post(":id", "status", use: move)
        t.post(":id", "updates", use: addUpdate)
        t.post(":id", "department-tasks", use: addTask)
        t.post(":id", "handoffs", use: handoff)
        routes.post("department-tasks", ":id", use: answerTask)
    }

    struct Row: Encodable {
        var id: UUID; var number: String; var subject: String; var customer: String; var type: String; var priority: String; var priorityKey: String
        var status: String; var statusLabel: String; var due: String; var overdue: Bool; var assignee: String
    }
    struct Tab: Encodable { var key: String; var label: String; var href: String; var active: Bool }
    struct ListContext: Encodable { var rows: [Row]; var tabs: [Tab]; var q: String; var queue: String; var nextHref: String?; var canCreate: Bool; var calendarWarning: String? }

    func list(req: Request) async throws -> Response {
        let (list, tickets) = try await TicketList.page(req, strict: false)
        let page = list.cut(tickets, value: { list.sortField == "number" ? $0.number : $0.dueKey }, id: { $0.id })
        let customers = Dictionary(uniqueKeysWithValues: try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(page.shown.map(\.customerId))).all().map { ($0.id!, $0.name) })
        let members = try await SalesNames.members(page.shown.compactMap(\.assigneeMemberId), on: req.db)
        let queue = req.queryString("queue").flatMap { TicketList.queues.contains($0) ? $0 : nil } ?? "all"
        let q = req.queryString("q") ?? ""
        let now = req.now
        return try await req.page("Service/tickets", title: "navTickets", section: "tickets", ListContext(
            rows: page.shown.map { t in
                let due = [t.responseDueAt, t.resolutionDueAt].compactMap { $0 }.min()
                return Row(id: t.id!, number: t.number, subject: t.subject, customer: customers[t.customerId] ?? "—", type: t.ticketType.name[req.locale],
                           priority: t.ticketPriority.name[req.locale], priorityKey: t.priority, status: t.status, statusLabel: t.ticketStatus.name[req.locale],
                           due: due.map { Self.when($0, req) } ?? "—", overdue: due.map { $0 < now } ?? false || t.escalatedAt != nil,
                           assignee: t.assigneeMemberId.flatMap { members[$0] } ?? req.t("nobodyAssigned"))
            },
            tabs: TicketList.queues.map { key in Tab(key: key, label: req.t("queue_" + key), href: SalesNames.href("/tickets", ["queue": key == "all" ? "" : key]), active: key == queue) },
            q: q, queue: queue, nextHref: page.next.map { SalesNames.href("/tickets", ["cursor": $0, "queue": queue == "all" ? "" : queue, "q": q]) },
            canCreate: try req.requireUser().actor.memberId != nil || [.admin, .lead].contains(try req.requireUser().actor.role),
            calendarWarning: try await Self.calendarWarning(req)))
    }

    /// CP-1: when next year's (or this year's) public holidays are not in the policy pack yet, the
    /// people who can see to it are told on the queue: the clocks would count those days as working.
    static func calendarWarning(_ req: Request) async throws -> String? {
        let user = try req.requireUser()
        guard [.admin, .lead, .groupLead].contains(user.actor.role) else { return nil }
        let schedule = try await TicketService.policy(req).effectiveCalendar.holidaySchedule ?? .standard
        guard let year = schedule.missingYear(asOf: req.today) else { return nil }
        return req.t(user.actor.role == .admin ? "calendarMissingYearAdmin" : "calendarMissingYear").replacingOccurrences(of: "{year}", with: String(year))
    }

    /// A due time as the agent reads it: China time, with the day when it is not today.
    static func when(_ date: Date, _ req: Request) -> String {
        let day = CivilDate.on(date)
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "HH:mm"
        return (day == req.today ? "" : "\(day.description) ") + f.string(from: date)
    }

    // MARK: new ticket

    struct NewContext: Encodable { var form: FormView; var customer: String? }

    func newForm(req: Request) async throws -> Response {
        try await newPage(req, values: ["customerId": req.queryString("customerId") ?? "", "type": "complaint", "channel": "phone", "priority": "normal"], errors: [])
    }

    private func newPage(_ req: Request, values v: [String: String], errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        var customerField: FormField
        var customerName: String?
        if let id = UUID(uuidString: v["customerId"] ?? ""), let c = try await Customer.find(id, on: req.db) {
            customerField = FormField(name: "customerId", label: "", type: "hidden", value: id.uuidString)
            customerName = c.name
        } else {
            // Without a customer named, the agent picks one they may see (the seller: their own).
            let q = Customer.query(on: req.db)
            switch AccessPolicy.serviceScope(user.actor, serviceGroup: try await TicketService.serviceGroup(on: req.db)) {
            case .all: break
            case .nothing: q.filter(\.$id == UUID())
            case .owners: q.inSalesScope(AccessPolicy.salesScope(user.actor))
            }
            let options = try await q.sort(\.$name).limit(500).all().map { ($0.id!.uuidString, $0.name) }
            customerField = .select("customerId", req.t("customer"), value: v["customerId"], options: [("", "—")] + options, required: true)
            customerField.picker = "/customers/picker?for=ticket"
        }
        var form = FormView(id: "ticket-form", action: "/tickets", fields: [
            customerField,
            FormField(name: "subject", label: req.t("ticketSubject"), value: v["subject"] ?? "", required: true),
            .select("type", req.t("ticketType"), value: v["type"], options: TicketType.allCases.map { ($0.rawValue, $0.name[req.locale]) }, required: true),
            .select("channel", req.t("ticketChannel"), value: v["channel"], options: TicketChannel.allCases.map { ($0.rawValue, $0.name[req.locale]) }),
            .select("priority", req.t("ticketPriority"), value: v["priority"], options: TicketPriority.allCases.map { ($0.rawValue, $0.name[req.locale]) }),
            FormField(name: "description", label: req.t("detail"), type: "textarea", value: v["description"] ?? "", rows: 5),
        ], submitLabel: req.t("openTicket"), submitId: "open-ticket", dirtyWarn: true)
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return try await req.page("Service/ticket-new", title: "newTicket", section: "tickets", NewContext(form: form, customer: customerName), status: status)
    }

    func create(req: Request) async throws -> Response {
        let v = SalesNames.posted(req, ["customerId", "subject", "type", "channel", "priority", "description"])
        var input = TicketInput()
        input.customerId = UUID(uuidString: v["customerId"] ?? "")
        input.subject = v["subject"]; input.type = v["type"]; input.channel = v["channel"]; input.priority = v["priority"]; input.description = v["description"]
        do {
            try req.authorize(.create, .serviceRecord(try await TicketService.facts(assignee: nil, customer: input.customerId, on: req.db)))
            try input.validate(creating: true).throwIfAny()
            let t = try await TicketService.open(input, req: req)
            return req.redirect(to: "/tickets/\(t.id!)", flash: "ticketOpened")
        } catch let e as FieldErrors {
            return try await newPage(req, values: v, errors: e.all, status: .unprocessableEntity)
        } catch let p as Problem where p.status == .unprocessableEntity {
            return try await newPage(req, values: v, errors: p.errors, status: .unprocessableEntity)
        }
    }

    // MARK: one ticket

    struct Clock: Encodable { var label: String; var state: String; var stateLabel: String; var due: String; var remaining: String; var warning: Bool }
    struct Update: Encodable { var when: String; var who: String; var kind: String; var body: String; var visible: Bool; var move: String? }
    struct Task: Encodable { var id: UUID; var department: String; var request: String; var holder: String; var dueOn: String; var overdue: Bool; var status: String; var answer: String; var version: Int }
    struct Errors: Encodable { var form: String; var fields: [String: String] }
    struct ShowContext: Encodable {
        var ticket: TicketDTO
        var customer: String
        var customerId: UUID
        /// The customer's page opens for readers of the sales record; the service group reads the name here.
        var canOpenCustomer: Bool
        var type: String; var channel: String; var priority: String; var assignee: String; var cause: String
        var clocks: [Clock]
        var updates: [Update]
        var tasks: [Task]
        var attachments: [TicketAttachmentPages.Row]
        var attachmentLimit = TicketAttachmentPages.Row.size(StoredFiles.maxBytes)
        var waitingOn: [String]
        var surveyLink: String?
        var surveyScore: Int?
        var canEdit: Bool
        var moves: [FormField.Option]
        var causes: [FormField.Option]
        var departments: [FormField.Option]
        var values: [String: String]
        var errors: Errors
    }

    func show(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.read, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        return try await render(req, t, values: [:], errors: Errors(form: "", fields: [:]), status: .ok)
    }

    private func render(_ req: Request, _ t: Ticket, values: [String: String], errors: Errors, status: HTTPStatus) async throws -> Response {
        let detail = try await TicketService.detail(t, req: req)
        let policy = try await TicketService.policy(req)
        let canEdit = req.allowed(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let customer = try await Customer.query(on: req.db).withDeleted().filter(\.$id == t.customerId).first()
        let departments = try await Department.query(on: req.db).sort(\.$code).all()
        let departmentName = { (id: UUID) in departments.first { $0.id == id }.map { req.locale == .en ? $0.nameEn : $0.nameZh } ?? "—" }
        let authors = Dictionary(uniqueKeysWithValues: try await UserAccount.query(on: req.db).filter(\.$id ~~ Set(detail.updates.compactMap(\.authorUserId))).all().map { ($0.id!, $0.displayName) })
        let members = try await SalesNames.members([t.assigneeMemberId].compactMap { $0 }, on: req.db)
        let attachments: [TicketAttachmentPages.Row] = try await TicketAttachments.list(t, on: req.db).map { TicketAttachmentPages.Row($0, req) }
        func clock(_ key: String, _ c: SLAClockDTO) -> Clock {
            Clock(label: req.t(key), state: c.state, stateLabel: req.t("clock_" + c.state), due: c.dueAt.map { Self.when($0, req) } ?? "—",
                  remaining: c.state == "met" ? "" : Self.minutes(c.remainingMinutes, req), warning: c.warning)
        }
        let from = t.ticketStatus
        let moves = (TicketRules.moves[from] ?? []).sorted { TicketStatus.allCases.firstIndex(of: $0)! < TicketStatus.allCases.firstIndex(of: $1)! }
        return try await req.page("Service/ticket", title: t.number, section: "tickets", ShowContext(
            ticket: detail.ticket, customer: customer?.name ?? "—", customerId: t.customerId,
            canOpenCustomer: req.allowed(.read, .salesRecord(try await CustomerService.facts(owner: nil, customer: t.customerId, on: req.db))), type: t.ticketType.name[req.locale],
            channel: TicketChannel(rawValue: t.channel)?.name[req.locale] ?? t.channel, priority: t.ticketPriority.name[req.locale],
            assignee: t.assigneeMemberId.flatMap { members[$0] } ?? req.t("nobodyAssigned"),
            cause: t.cause.flatMap { policy.ticketRules.cause($0)?.name[req.locale] } ?? "",
            clocks: [clock("firstResponse", detail.responseClock), clock("resolution", detail.resolutionClock)],
            updates: detail.updates.reversed().map { u in
                Update(when: Self.when(u.at, req), who: u.authorUserId.flatMap { authors[$0] } ?? req.t("systemActor"), kind: u.kind, body: u.body, visible: u.customerVisible,
                       move: u.toStatus.flatMap(TicketStatus.init).map { to in "\(u.fromStatus.flatMap(TicketStatus.init)?.name[req.locale] ?? "") → \(to.name[req.locale])" })
            },
            tasks: detail.departmentTasks.map { d in
                Task(id: d.id, department: departmentName(d.departmentId), request: d.request, holder: d.holder, dueOn: d.dueOn, overdue: d.overdue,
                     status: d.status, answer: d.answer, version: d.version)
            },
            attachments: attachments,
            waitingOn: detail.waitingOn.map(departmentName),
            surveyLink: detail.survey.map { $0.link }, surveyScore: detail.survey?.score, canEdit: canEdit,
            moves: moves.map { FormField.Option(value: $0.rawValue, label: $0.name[req.locale], selected: $0.rawValue == values["status"]) },
            causes: [FormField.Option(value: "", label: "—", selected: false)] + policy.ticketRules.causes.map {
                FormField.Option(value: $0.key, label: $0.name[req.locale], selected: $0.key == (values["cause"] ?? t.cause))
            },
            departments: departments.map { FormField.Option(value: $0.id!.uuidString, label: req.locale == .en ? $0.nameEn : $0.nameZh, selected: $0.id!.uuidString == values["departmentId"]) },
            values: values, errors: errors), status: status)
    }

    static func minutes(_ m: Int, _ req: Request) -> String {
        let late = m < 0, a = abs(m)
        let text = a >= 60 ? "\(a / 60)h \(a % 60)m" : "\(a)m"
        return late ? req.t("late") + " " + text : text
    }

    /// Runs a form's work; a refusal re-renders the ticket with the messages beside their fields
    /// and what was typed, under the form named `form`.
    func step(_ req: Request, _ t: Ticket, form: String, values: [String: String], flash: String, _ work: () async throws -> Void) async throws -> Response {
        func again(_ errors: [FieldError], _ status: HTTPStatus, _ summary: String) async throws -> Response {
            var fields: [String: String] = [:]
            for e in errors where fields[e.field] == nil { fields[e.field] = e.message }
            let fresh = try await Ticket.find(t.id, on: req.db) ?? t
            return try await render(req, fresh, values: values, errors: Errors(form: form, fields: fields.isEmpty ? ["form": summary] : fields), status: status)
        }
        do { try await work() }
        catch let e as FieldErrors { return try await again(e.all, .unprocessableEntity, "") }
        catch let p as Problem where [.conflict, .unprocessableEntity, .preconditionFailed, .payloadTooLarge, .unsupportedMediaType].contains(p.status) {
            return try await again(p.errors, p.status, p.detail ?? p.title)
        }
        return req.redirect(to: "/tickets/\(t.id!)", flash: flash)
    }

    func move(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let v = SalesNames.posted(req, ["status", "cause", "resolution", "note"])
        var input = TicketInput()
        input.status = v["status"]
        if let c = v["cause"] { input.cause = .value(c) }
        if let r = v["resolution"], !r.isEmpty { input.resolution = r }
        input.note = v["note"]
        return try await step(req, t, form: "move", values: v, flash: "ticketSaved") { _ = try await TicketService.save(t, input, creating: false, req: req) }
    }

    func addUpdate(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let v = SalesNames.posted(req, ["body", "customerVisible"])
        return try await step(req, t, form: "update", values: v, flash: "updateAdded") {
            _ = try await TicketService.addUpdate(t, body: v["body"] ?? "", customerVisible: v["customerVisible"] == "on" || v["customerVisible"] == "true", req: req)
        }
    }

    func addTask(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let v = SalesNames.posted(req, ["departmentId", "request", "holder", "dueOn"])
        let input = DepartmentTaskInput(departmentId: UUID(uuidString: v["departmentId"] ?? ""), request: v["request"], holder: v["holder"], ownerId: nil,
                                        dueOn: v["dueOn"].flatMap { $0.isEmpty ? nil : $0 }, status: nil, answer: nil)
        return try await step(req, t, form: "task", values: v, flash: "departmentAsked") { _ = try await DepartmentTaskService.create(for: t, input, req: req) }
    }

    /// SVC-4 on the web: a renewal or upsell signal for the customer's salesperson.
    func handoff(req: Request) async throws -> Response {
        let t = try await TicketService.find(req)
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let v = SalesNames.posted(req, ["kind", "note"])
        return try await step(req, t, form: "handoff", values: v, flash: "handedToSales") {
            _ = try await TicketService.handOff(t, kind: v["kind"] ?? "", note: v["note"] ?? "", req: req)
        }
    }

    func answerTask(req: Request) async throws -> Response {
        guard let d = try await DepartmentTask.find(try req.uuid("id", "department task"), on: req.db),
              let t = try await Ticket.find(d.ticketId, on: req.db) else { throw Problem.notFound("department task") }
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let v = SalesNames.posted(req, ["answer"])
        let input = DepartmentTaskInput(departmentId: nil, request: nil, holder: nil, ownerId: nil, dueOn: nil, status: DepartmentTaskStatus.answered.rawValue, answer: v["answer"] ?? "")
        return try await step(req, t, form: "answer-\(d.id!)", values: v, flash: "answerRecorded") { _ = try await DepartmentTaskService.update(d, input, req: req) }
    }
}
