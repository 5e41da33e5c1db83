import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor
import VanguardCore

struct CareTaskDTO: Content, Equatable {
    var id: UUID
    var kind: String
    var customerId: UUID
    var contactId: UUID?
    var festival: String?
    var occasion: String
    var dueOn: String
    var message: String
    var status: String
    var outcome: String
    var doneAt: Date?
    var version: Int

    init(_ c: CareTaskRecord, locale: AppLocale) {
        id = c.id!; kind = c.kind; customerId = c.customerId; contactId = c.contactId; festival = c.festival; occasion = c.occasion; dueOn = c.dueOn
        message = LocalizedText(zhHans: c.messageZhHans, zhHant: c.messageZhHant, en: c.messageEn)[locale]
        status = c.status; outcome = c.outcome; doneAt = c.doneAt; version = c.version
    }
}

struct CareTaskInput: Content {
    var status: String?
    var outcome: String?
}

/// `/api/v1/care-tasks`: today's care list (CP-4) and marking a task done with its outcome.
struct CareTasksAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("care-tasks")
        c.get(use: list)
        c.patch(":id", use: update)
    }

    func list(req: Request) async throws -> PageOf<CareTaskDTO> {
        let (list, rows) = try await CareTaskList.page(req, strict: true)
        let locale = req.locale
        return list.page(rows, value: \.dueOn, id: { $0.id }, map: { CareTaskDTO($0, locale: locale) })
    }

    func update(req: Request) async throws -> Response {
        guard let c = try await CareTaskRecord.find(try req.uuid("id", "care task"), on: req.db) else { throw Problem.notFound("care task") }
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(assignee: nil, customer: c.customerId, on: req.db)))
        let saved = try await CareTaskService.update(c, try req.decodeJSON(CareTaskInput.self), req: req)
        return try CareTaskDTO(saved, locale: req.locale).response(version: saved.version)
    }
}

enum CareTaskService {
    static func update(_ c: CareTaskRecord, _ input: CareTaskInput, req: Request) async throws -> CareTaskRecord {
        var e = FieldErrors()
        e.choice("status", input.status, CareTaskStatus.allCases.map(\.rawValue))
        e.check("outcome", Validators.maxLength(input.outcome, 2_000, field: "outcome"))
        if input.status == CareTaskStatus.done.rawValue && (input.outcome ?? c.outcome).trimmingCharacters(in: .whitespaces).isEmpty {
            e.add("outcome", "required", "Say how it went: what the customer said, what follows.")
        }
        try e.throwIfAny()
        try ETag.check(req, version: c.version)
        let before = CareTaskDTO(c, locale: .en)
        if let v = input.outcome { c.outcome = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.status {
            c.status = v
            c.doneAt = v == CareTaskStatus.open.rawValue ? nil : req.now
            c.doneBy = v == CareTaskStatus.open.rawValue ? nil : req.currentUser?.actor.userId
        }
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(CareTaskRecord.schema, id: c.id, c.version)
            guard c.hasChanges else { return c }
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.update, "careTask", id: c.id, label: "\(c.kind) \(c.dueOn)", before: before, after: CareTaskDTO(c, locale: .en), request: req, on: db)
            return c
        }
    }
}

/// The care list: open tasks due up to today by default (`due=today`), or all (`due=all`).
enum CareTaskList {
    static func page(_ req: Request, strict: Bool) async throws -> (ListRequest, [CareTaskRecord]) {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["dueOn"], defaultSort: "dueOn")
        let serviceGroup = try await TicketService.serviceGroup(on: req.db)
        let q = CareTaskRecord.query(on: req.db)
        switch AccessPolicy.serviceScope(user.actor, serviceGroup: serviceGroup) {
        case .all: break
        case .nothing: q.filter(\.$id == UUID())
        case .owners(let member, let group):
            q.filter(.sql(SQLQueryString("\(ident: CareTaskRecord.schema).customer_id IN (") + SalesScopeSQL.customers(member: member, group: group) + SQLQueryString(")")))
        }
        let status = try req.queryChoice("status", from: CareTaskStatus.allCases.map(\.rawValue) + ["any"], strict: strict) ?? "open"
        if status != "any" { q.filter(\.$status == status) }
        if (try req.queryChoice("due", from: ["today", "all"], strict: strict) ?? "today") == "today" { q.filter(\.$dueOn <= req.today.description) }
        if let v = try req.queryChoice("kind", from: CareTask.Kind.allCases.map(\.rawValue), strict: strict) { q.filter(\.$kind == v) }
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        let rows = try await list.apply(to: q, column: "due_on").all()
        return (list, rows)
    }
}
