import Fluent
import Foundation
import Vapor
import VanguardCore

struct DepartmentTaskInput: Content {
    var departmentId: UUID?
    var request: String?
    var holder: String?
    var ownerId: UUID?
    var dueOn: String?
    var status: String?
    var answer: String?

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            if departmentId == nil { e.add("departmentId", "required", "This field is required.") }
            e.check("request", Validators.required(request, field: "request"))
            e.check("dueOn", Validators.required(dueOn, field: "dueOn"))
        }
        if let dueOn, CivilDate(dueOn) == nil { e.add("dueOn", "invalidDate", "Enter a date as yyyy-MM-dd.") }
        e.check("request", Validators.maxLength(request, 2_000, field: "request"))
        e.check("holder", Validators.maxLength(holder, 100, field: "holder"))
        e.check("answer", Validators.maxLength(answer, 5_000, field: "answer"))
        e.choice("status", status, DepartmentTaskStatus.allCases.map(\.rawValue))
        return e
    }
}

/// What a complaint needs from the company's other departments (SVC-2, LEAD-2).
enum DepartmentTaskService {
    static func create(for t: Ticket, _ input: DepartmentTaskInput, req: Request) async throws -> DepartmentTask {
        try input.validate(creating: true).throwIfAny()
        guard t.ticketStatus.isOpen else {
            throw Problem.conflict("ticketId", "ticket-closed", "Ticket \(t.number) is \(t.status); reopen it before asking another department.")
        }
        let d = DepartmentTask()
        d.ticketId = t.id!
        d.departmentId = input.departmentId!
        d.request = input.request!.trimmingCharacters(in: .whitespacesAndNewlines)
        d.holder = input.holder?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        d.ownerMemberId = input.ownerId ?? req.currentUser?.actor.memberId
        d.dueOn = input.dueOn!
        d.status = DepartmentTaskStatus.open.rawValue
        d.answer = ""
        d.createdAt = req.now
        d.version = 1
        let now = req.now, actor = req.currentUser?.actor.userId
        return try await req.db.writeTransaction { db in
            guard let department = try await Department.find(d.departmentId, on: db) else {
                throw Problem.invalid("departmentId", "unknownDepartment", "No department with this id.")
            }
            if let owner = d.ownerMemberId, try await Member.find(owner, on: db) == nil {
                throw Problem.invalid("ownerId", "unknownMember", "No member with this id.")
            }
            try await d.create(on: db)
            try await TicketService.timeline(t, kind: .note, body: "→ \(department.nameZh) / \(department.nameEn): \(d.request) (\(d.dueOn))",
                                             visible: false, from: nil, to: nil, at: now, by: actor, on: db)
            try await Audit.record(.create, "departmentTask", id: d.id, label: "\(t.number) → \(department.code)", before: Optional<DepartmentTaskDTO>.none,
                                   after: DepartmentTaskDTO(d, today: req.today), request: req, on: db)
            return d
        }
    }

    /// Records the department's answer (or a new holder or due date); answering closes the task.
    static func update(_ d: DepartmentTask, _ input: DepartmentTaskInput, req: Request) async throws -> DepartmentTask {
        try input.validate(creating: false).throwIfAny()
        try ETag.check(req, version: d.version)
        let before = DepartmentTaskDTO(d, today: req.today)
        if let v = input.request { d.request = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.holder { d.holder = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.dueOn { d.dueOn = v }
        if let v = input.answer { d.answer = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.status { d.status = v } else if input.answer.map({ !$0.isEmpty }) == true { d.status = DepartmentTaskStatus.answered.rawValue }
        if d.status == DepartmentTaskStatus.answered.rawValue {
            if d.answer.isEmpty { throw Problem.invalid("answer", "required", "An answered task needs the department's answer.") }
            if d.answeredAt == nil { d.answeredAt = req.now }
        } else { d.answeredAt = nil }
        let now = req.now, actor = req.currentUser?.actor.userId
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(DepartmentTask.schema, id: d.id, d.version)
            guard d.hasChanges else { return d }
            d.version += 1
            try await d.save(on: db)
            if d.status == DepartmentTaskStatus.answered.rawValue, before.status != d.status, let t = try await Ticket.find(d.ticketId, on: db) {
                try await TicketService.timeline(t, kind: .note, body: "← \(d.answer)", visible: false, from: nil, to: nil, at: now, by: actor, on: db)
            }
            try await Audit.record(.update, "departmentTask", id: d.id, label: d.request, before: before, after: DepartmentTaskDTO(d, today: req.today), request: req, on: db)
            return d
        }
    }
}

/// `/api/v1/department-tasks`: what other departments owe the service team, overdue first.
struct DepartmentTasksAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let d = routes.grouped("department-tasks")
        d.get(use: list)
        d.patch(":id", use: update)
    }

    func list(req: Request) async throws -> PageOf<DepartmentTaskDTO> {
        let user = try req.requireUser()
        let serviceGroup = try await TicketService.serviceGroup(on: req.db)
        try req.authorize(.read, .serviceReport(serviceGroup: serviceGroup))
        let list = try ListRequest.parse(req, sortable: ["dueOn"], defaultSort: "dueOn")
        let q = DepartmentTask.query(on: req.db)
        if let v = try req.queryChoice("status", from: DepartmentTaskStatus.allCases.map(\.rawValue)) { q.filter(\.$status == v) }
        if let v = try req.queryUUID("departmentId") { q.filter(\.$departmentId == v) }
        if let v = try req.queryUUID("ticketId") { q.filter(\.$ticketId == v) }
        if try req.queryChoice("mine", from: ["true", "false"]) == "true" { q.filter(\.$ownerMemberId == user.actor.memberId) }
        let rows = try await list.apply(to: q, column: "due_on").all()
        let today = req.today
        return list.page(rows, value: \.dueOn, id: { $0.id }, map: { DepartmentTaskDTO($0, today: today) })
    }

    func update(req: Request) async throws -> Response {
        guard let d = try await DepartmentTask.find(try req.uuid("id", "department task"), on: req.db),
              let t = try await Ticket.find(d.ticketId, on: req.db) else { throw Problem.notFound("department task") }
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        let saved = try await DepartmentTaskService.update(d, try req.decodeJSON(DepartmentTaskInput.self), req: req)
        return try DepartmentTaskDTO(saved, today: req.today).response(version: saved.version)
    }
}
