import Fluent
import Vapor
import VanguardCore

/// A sales activity as the API shows it.
struct ActivityDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID
    var contactId: UUID?
    var opportunityId: UUID?
    var kind: String
    var occurredOn: String
    var ownerId: UUID?
    var summary: String
    var needs: String
    var nextStep: String
    var nextStepOn: String?
    var nextStepDone: Bool
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    init(_ a: SalesActivity) {
        id = a.id!; customerId = a.$customer.id; contactId = a.contactId; opportunityId = a.opportunityId; kind = a.kind
        occurredOn = a.occurredOn; ownerId = a.ownerMemberId; summary = a.summary; needs = a.needs; nextStep = a.nextStep
        nextStepOn = a.nextStepOn; nextStepDone = a.nextStepDoneAt != nil; version = a.version; createdAt = a.createdAt; updatedAt = a.updatedAt
    }
}

struct ActivityInput: Content {
    var customerId: UUID?
    var contactId: Patch<UUID> = .absent
    var opportunityId: Patch<UUID> = .absent
    var kind: String?
    var occurredOn: String?
    var summary: String?
    var needs: String?
    var nextStep: String?
    var nextStepOn: Patch<String> = .absent
    var nextStepDone: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case customerId, contactId, opportunityId, kind, occurredOn, summary, needs, nextStep, nextStepOn, nextStepDone
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decodeIfPresentNonNull(UUID.self, forKey: .customerId)
        contactId = try c.decodePatch(UUID.self, forKey: .contactId)
        opportunityId = try c.decodePatch(UUID.self, forKey: .opportunityId)
        kind = try c.decodeIfPresentNonNull(String.self, forKey: .kind)
        occurredOn = try c.decodeIfPresentNonNull(String.self, forKey: .occurredOn)
        summary = try c.decodeIfPresentNonNull(String.self, forKey: .summary)
        needs = try c.decodeIfPresentNonNull(String.self, forKey: .needs)
        nextStep = try c.decodeIfPresentNonNull(String.self, forKey: .nextStep)
        nextStepOn = try c.decodePatch(String.self, forKey: .nextStepOn)
        nextStepDone = try c.decodeIfPresentNonNull(Bool.self, forKey: .nextStepDone)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(summary, forKey: .summary)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            if customerId == nil { e.add("customerId", "required", "This field is required.") }
            e.check("kind", Validators.required(kind, field: "kind"))
            e.check("occurredOn", Validators.required(occurredOn, field: "occurredOn"))
        }
        if creating || summary != nil { e.check("summary", Validators.required(summary, field: "summary")) }
        e.check("summary", Validators.maxLength(summary, 2000, field: "summary"))
        e.check("needs", Validators.maxLength(needs, 2000, field: "needs"))
        e.check("nextStep", Validators.maxLength(nextStep, 500, field: "nextStep"))
        if let k = kind, !k.isEmpty { e.choice("kind", k, ActivityKind.allCases.map(\.rawValue)) }
        if let d = occurredOn, !d.isEmpty, CivilDate(d) == nil { e.add("occurredOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        if case .value(let d) = nextStepOn, CivilDate(d) == nil { e.add("nextStepOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return e
    }
}

enum ActivityService {
    static func facts(_ a: SalesActivity, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: a.ownerMemberId, customer: a.$customer.id, on: db)
    }

    static func find(_ req: Request) async throws -> SalesActivity {
        guard let a = try await SalesActivity.find(try req.uuid("id", "activity"), on: req.db) else { throw Problem.notFound("activity") }
        return a
    }

    static func new(owner: UUID?) -> SalesActivity {
        let a = SalesActivity()
        a.version = 1
        a.ownerMemberId = owner
        a.needs = ""
        a.nextStep = ""
        return a
    }

    /// Saves an activity. What a visit taught about the customer's needs is copied onto the deal
    /// it belongs to when the deal has none yet (SP-2 → SP-3: needs before a proposal).
    static func save(_ a: SalesActivity, _ input: ActivityInput, creating: Bool, req: Request) async throws -> SalesActivity {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: a.version) }
        let before = creating ? nil : ActivityDTO(a)
        if let v = input.customerId, creating { a.$customer.id = v }
        if input.contactId.given { a.contactId = input.contactId.applied(to: a.contactId) }
        if input.opportunityId.given { a.opportunityId = input.opportunityId.applied(to: a.opportunityId) }
        if let v = input.kind { a.kind = v }
        if let v = input.occurredOn { a.occurredOn = v }
        if let v = input.summary { a.summary = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.needs { a.needs = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.nextStep { a.nextStep = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.nextStepOn.given { a.nextStepOn = input.nextStepOn.applied(to: a.nextStepOn).flatMap { $0.isEmpty ? nil : $0 } }
        if let done = input.nextStepDone { a.nextStepDoneAt = done ? (a.nextStepDoneAt ?? req.now) : nil }
        return try await req.db.writeTransaction { db in
            var errors = FieldErrors()
            if creating, try await Customer.find(a.$customer.id, on: db) == nil { errors.add("customerId", "unknownCustomer", "No customer with this id.") }
            if let id = a.contactId, try await Contact.query(on: db).filter(\.$id == id).filter(\.$customer.$id == a.$customer.id).first() == nil {
                errors.add("contactId", "unknownContact", "No contact with this id at this customer.")
            }
            var deal: Opportunity?
            if let id = a.opportunityId {
                deal = try await Opportunity.query(on: db).filter(\.$id == id).filter(\.$customer.$id == a.$customer.id).first()
                if deal == nil { errors.add("opportunityId", "unknownOpportunity", "No opportunity with this id at this customer.") }
            }
            try errors.throwIfAny()
            if !creating {
                try await db.requireVersion(SalesActivity.schema, id: a.id, a.version)
                guard a.hasChanges else { return a }
                a.version += 1
            }
            try await a.save(on: db)
            try await Audit.record(creating ? .create : .update, "activity", id: a.id, label: a.summary,
                                   before: before, after: ActivityDTO(a), request: req, on: db)
            if let deal, deal.needs.isEmpty, !a.needs.isEmpty {
                let dealBefore = OpportunityDTO(deal, pipeline: nil)
                deal.needs = a.needs
                deal.version += 1
                try await deal.save(on: db)
                try await Audit.record(.update, "opportunity", id: deal.id, label: deal.title, before: dealBefore,
                                       after: OpportunityDTO(deal, pipeline: nil), request: req, on: db)
            }
            return a
        }
    }

    static func delete(_ a: SalesActivity, req: Request) async throws {
        try ETag.check(req, version: a.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(SalesActivity.schema, id: a.id, a.version)
            let before = ActivityDTO(a)
            try await a.delete(on: db)
            try await Audit.record(.delete, "activity", id: a.id, label: a.summary, before: before, after: Optional<ActivityDTO>.none, request: req, on: db)
        }
    }

    /// "My day" (SP-2): the caller's open next steps due today, and the overdue ones.
    static func myDay(_ req: Request, member: UUID?) async throws -> (today: [SalesActivity], overdue: [SalesActivity]) {
        guard let member else { return ([], []) }
        let today = req.today.description
        let open = SalesActivity.query(on: req.db).filter(\.$ownerMemberId == member).filter(\.$nextStepDoneAt == nil).filter(\.$nextStepOn <= today)
        let due = try await open.sort(\.$nextStepOn).sort(\.$id).limit(500).all()
        return (due.filter { $0.nextStepOn == today }, due.filter { ($0.nextStepOn ?? today) < today })
    }
}

/// `/api/v1/activities`: calls, visits, trade-show meetings and e-mails (SP-2, SAL-2).
struct ActivitiesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let activities = routes.grouped("activities")
        activities.get(use: list)
        activities.get("export", use: { try await SalesExport.activities(req: $0, strict: true) })
        activities.get("my-day", use: myDay)
        activities.post(use: create)
        activities.get(":id", use: show)
        activities.patch(":id", use: update)
        activities.delete(":id", use: delete)
    }

    func list(req: Request) async throws -> PageOf<ActivityDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["occurredOn", "nextStepOn"], defaultSort: "-occurredOn")
        let q = try ActivityList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: true)
        let column = list.sortField == "nextStepOn" ? "next_step_on" : "occurred_on"
        let rows = try await list.apply(to: q, column: column).all()
        return list.page(rows, value: { list.sortField == "nextStepOn" ? ($0.nextStepOn ?? "") : $0.occurredOn }, id: { $0.id }, map: ActivityDTO.init)
    }

    struct MyDay: Content {
        var today: [ActivityDTO]
        var overdue: [ActivityDTO]
    }

    func myDay(req: Request) async throws -> MyDay {
        let user = try req.requireUser()
        let day = try await ActivityService.myDay(req, member: user.actor.memberId)
        return MyDay(today: day.today.map(ActivityDTO.init), overdue: day.overdue.map(ActivityDTO.init))
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeJSON(ActivityInput.self)
        let me = user.actor.memberId
        try req.authorize(.create, .salesRecord(SalesFacts(owner: me, group: user.actor.groupId)))
        if let id = input.customerId, let customer = try await Customer.find(id, on: req.db) {
            // Anyone who may read a customer may record what they did with it.
            try req.authorize(.read, .salesRecord(try await CustomerService.facts(customer, on: req.db)))
        }
        let a = try await ActivityService.save(ActivityService.new(owner: me), input, creating: true, req: req)
        return try ActivityDTO(a).created(at: "/api/v1/activities/\(a.id!)", version: a.version)
    }

    func show(req: Request) async throws -> Response {
        let a = try await ActivityService.find(req)
        try req.authorize(.read, .salesRecord(try await ActivityService.facts(a, on: req.db)))
        return try ActivityDTO(a).response(version: a.version)
    }

    func update(req: Request) async throws -> Response {
        let a = try await ActivityService.find(req)
        try req.authorize(.update, .salesRecord(try await ActivityService.facts(a, on: req.db)))
        let input = try req.decodeJSON(ActivityInput.self)
        if let c = input.customerId, c != a.$customer.id {
            throw Problem.invalid("customerId", "readOnly", "An activity stays with its customer.")
        }
        let saved = try await ActivityService.save(a, input, creating: false, req: req)
        return try ActivityDTO(saved).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let a = try await ActivityService.find(req)
        try req.authorize(.delete, .salesRecord(try await ActivityService.facts(a, on: req.db)))
        try await ActivityService.delete(a, req: req)
        return .noContent
    }
}
