import Fluent
import FluentSQL
import SQLKit
import Vapor
import VanguardCore

/// What a customer said, or what sales learned about the market (SAL-5): tagged and routed to the
/// company department that should act on it, with that department's response.
final class FeedbackItem: Model, @unchecked Sendable {
    static let schema = "feedback_items"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "customer_id") var customerId: UUID?
    @Field(key: "source") var source: String
    @Field(key: "category") var category: String
    @OptionalField(key: "department_id") var departmentId: UUID?
    @Field(key: "tags") var tags: String
    @Field(key: "summary") var summary: String
    @Field(key: "detail") var detail: String
    @Field(key: "status") var status: String
    @Field(key: "response") var response: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "version") var version: Int
    /// Set from the app clock when the feedback is recorded: the monthly digest counts by it.
    @OptionalField(key: "created_at") var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

enum FeedbackSource: String, CaseIterable, Codable, Sendable { case sales, visit, tradeShow, service, survey, other }
/// Categories are the policy pack's (`service.feedbackCategories`, SVC-3), so an admin can add one.
/// new → routed (to a department) → answered → closed.
enum FeedbackStatus: String, CaseIterable, Codable, Sendable { case new, routed, answered, closed }

struct CreateFeedback: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FeedbackItem.schema)
            .id()
            .field("customer_id", .uuid, .references(Customer.schema, "id"))
            .field("source", .string, .required)
            .field("category", .string, .required)
            .field("department_id", .uuid, .references(Department.schema, "id"))
            .field("tags", .string, .required)
            .field("summary", .string, .required)
            .field("detail", .string, .required)
            .field("status", .string, .required)
            .field("response", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.index("feedback_status", on: FeedbackItem.schema, ["status", "department_id"])
        try await database.index("feedback_customer", on: FeedbackItem.schema, ["customer_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FeedbackItem.schema).delete()
    }
}

struct FeedbackDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID?
    var source: String
    var category: String
    var departmentId: UUID?
    var tags: [String]
    var summary: String
    var detail: String
    var status: String
    var response: String
    var ownerId: UUID?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    init(_ f: FeedbackItem) {
        id = f.id!; customerId = f.customerId; source = f.source; category = f.category; departmentId = f.departmentId
        tags = f.tags.split(separator: ",").map(String.init); summary = f.summary; detail = f.detail; status = f.status; response = f.response
        ownerId = f.ownerMemberId; version = f.version; createdAt = f.createdAt; updatedAt = f.updatedAt
    }
}

struct FeedbackInput: Content {
    var customerId: Patch<UUID> = .absent
    var source: String?
    var category: String?
    var departmentId: Patch<UUID> = .absent
    var tags: [String]?
    var summary: String?
    var detail: String?
    var status: String?
    var response: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case customerId, source, category, departmentId, tags, summary, detail, status, response }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decodePatch(UUID.self, forKey: .customerId)
        source = try c.decodeIfPresentNonNull(String.self, forKey: .source)
        category = try c.decodeIfPresentNonNull(String.self, forKey: .category)
        departmentId = try c.decodePatch(UUID.self, forKey: .departmentId)
        tags = try c.decodeIfPresentNonNull([String].self, forKey: .tags)
        summary = try c.decodeIfPresentNonNull(String.self, forKey: .summary)
        detail = try c.decodeIfPresentNonNull(String.self, forKey: .detail)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        response = try c.decodeIfPresentNonNull(String.self, forKey: .response)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(summary, forKey: .summary)
    }

    func validate(creating: Bool, categories: [String]) -> FieldErrors {
        var e = FieldErrors()
        if creating || summary != nil { e.check("summary", Validators.required(summary, field: "summary")) }
        if creating && category == nil { e.add("category", "required", "This field is required.") }
        e.check("summary", Validators.maxLength(summary, 300, field: "summary"))
        e.check("detail", Validators.maxLength(detail, 5000, field: "detail"))
        e.check("response", Validators.maxLength(response, 5000, field: "response"))
        e.choice("source", source, FeedbackSource.allCases.map(\.rawValue))
        e.choice("category", category, categories)
        e.choice("status", status, FeedbackStatus.allCases.map(\.rawValue))
        if let tags {
            if tags.count > 10 { e.add("tags", "tooMany", "At most 10 tags.") }
            if tags.contains(where: { $0.isEmpty || $0.count > 30 || $0.contains(",") }) { e.add("tags", "invalidTag", "Tags are 1–30 characters, without commas.") }
        }
        return e
    }
}

enum FeedbackService {
    static func facts(_ f: FeedbackItem, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: f.ownerMemberId, customer: f.customerId, on: db)
    }

    /// The categories the admin set in the policy pack.
    static func categories(_ req: Request) async throws -> [ServiceCategory] {
        try await TicketService.policy(req).effectiveFeedbackCategories
    }

    static func find(_ req: Request) async throws -> FeedbackItem {
        guard let f = try await FeedbackItem.find(try req.uuid("id", "feedback item"), on: req.db) else { throw Problem.notFound("feedback item") }
        return f
    }

    /// Saves feedback; naming a department routes it (status routed), a response answers it.
    static func save(_ f: FeedbackItem, _ input: FeedbackInput, creating: Bool, req: Request) async throws -> FeedbackItem {
        try input.validate(creating: creating, categories: try await FeedbackService.categories(req).map(\.key)).throwIfAny()
        if !creating { try ETag.check(req, version: f.version) }
        let before = creating ? nil : FeedbackDTO(f)
        if input.customerId.given { f.customerId = input.customerId.applied(to: f.customerId) }
        if let v = input.source { f.source = v }
        if let v = input.category { f.category = v }
        if input.departmentId.given { f.departmentId = input.departmentId.applied(to: f.departmentId) }
        if let v = input.tags { f.tags = Array(Set(v.map { $0.trimmingCharacters(in: .whitespaces) })).sorted().joined(separator: ",") }
        if let v = input.summary { f.summary = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.detail { f.detail = v }
        if let v = input.response { f.response = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.status { f.status = v }
        else if input.response.map({ !$0.isEmpty }) == true, f.status != FeedbackStatus.closed.rawValue { f.status = FeedbackStatus.answered.rawValue }
        else if input.departmentId.given, f.departmentId != nil, f.status == FeedbackStatus.new.rawValue { f.status = FeedbackStatus.routed.rawValue }
        if f.status == FeedbackStatus.routed.rawValue && f.departmentId == nil {
            throw Problem.invalid("departmentId", "required", "Routed feedback needs the department it goes to.")
        }
        if f.status == FeedbackStatus.answered.rawValue && f.response.isEmpty {
            throw Problem.invalid("response", "required", "Answered feedback needs the department's response.")
        }
        return try await req.db.writeTransaction { db in
            var errors = FieldErrors()
            if let id = f.customerId, try await Customer.find(id, on: db) == nil { errors.add("customerId", "unknownCustomer", "No customer with this id.") }
            if let id = f.departmentId, try await Department.find(id, on: db) == nil { errors.add("departmentId", "unknownDepartment", "No department with this id.") }
            try errors.throwIfAny()
            if !creating {
                try await db.requireVersion(FeedbackItem.schema, id: f.id, f.version)
                guard f.hasChanges else { return f }
                f.version += 1
            }
            try await f.save(on: db)
            try await Audit.record(creating ? .create : .update, "feedback", id: f.id, label: f.summary, before: before, after: FeedbackDTO(f), request: req, on: db)
            return f
        }
    }

    static func new(owner: UUID?, at now: Date) -> FeedbackItem {
        let f = FeedbackItem()
        f.createdAt = now
        f.version = 1; f.ownerMemberId = owner; f.source = FeedbackSource.sales.rawValue; f.tags = ""; f.detail = ""; f.response = ""
        f.status = FeedbackStatus.new.rawValue
        return f
    }
}

/// `/api/v1/feedback`: customer feedback and market information (SAL-5).
struct FeedbackAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let f = routes.grouped("feedback")
        f.get(use: list)
        f.get("export", use: { try await SalesExport.feedback(req: $0, strict: true) })
        f.post(use: create)
        f.get(":id", use: show)
        f.patch(":id", use: update)
        f.get(":id", "history", use: history)
    }

    func list(req: Request) async throws -> PageOf<FeedbackDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["summary"], defaultSort: "summary")
        let q = try FeedbackList.filtered(req, scope: AccessPolicy.salesScope(user.actor), categories: try await FeedbackService.categories(req).map(\.key), strict: true)
        let rows = try await list.apply(to: q, column: "summary").all()
        return list.page(rows, value: \.summary, id: { $0.id }, map: FeedbackDTO.init)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let input = try req.decodeJSON(FeedbackInput.self)
        if case .value(let id) = input.customerId, let c = try await Customer.find(id, on: req.db) {
            try req.authorize(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        }
        let f = try await FeedbackService.save(FeedbackService.new(owner: user.actor.memberId, at: req.now), input, creating: true, req: req)
        return try FeedbackDTO(f).created(at: "/api/v1/feedback/\(f.id!)", version: f.version)
    }

    func show(req: Request) async throws -> Response {
        let f = try await FeedbackService.find(req)
        try req.authorize(.read, .salesRecord(try await FeedbackService.facts(f, on: req.db)))
        return try FeedbackDTO(f).response(version: f.version)
    }

    func update(req: Request) async throws -> Response {
        let f = try await FeedbackService.find(req)
        try req.authorize(.update, .salesRecord(try await FeedbackService.facts(f, on: req.db)))
        let saved = try await FeedbackService.save(f, try req.decodeJSON(FeedbackInput.self), creating: false, req: req)
        return try FeedbackDTO(saved).response(version: saved.version)
    }

    func history(req: Request) async throws -> Response {
        let f = try await FeedbackService.find(req)
        try req.authorize(.read, .salesRecord(try await FeedbackService.facts(f, on: req.db)))
        return try await AuditAPI.page(req, entityType: "feedback", entityId: f.id!, hidden: [])
    }
}

enum FeedbackList {
    static func filtered(_ req: Request, scope: RecordScope, categories: [String], strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<FeedbackItem> {
        let q = FeedbackItem.query(on: db ?? req.db)
        switch scope {
        case .all: break
        case .nothing: q.filter(\.$id == UUID())
        case .owners(let member, let group):
            q.group(.or) { or in
                or.filter(.sql(SQLQueryString("(") + SalesScopeSQL.owned(column: SQLQueryString("\(ident: FeedbackItem.schema).owner_member_id"), member: member, group: group) + SQLQueryString(")")))
                or.filter(.sql(SQLQueryString("\(ident: FeedbackItem.schema).customer_id IN (") + SalesScopeSQL.customers(member: member, group: group) + SQLQueryString(")")))
            }
        }
        if let v = try req.queryChoice("status", from: FeedbackStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        if let v = try req.queryChoice("category", from: categories, strict: strict) { q.filter(\.$category == v) }
        if let v = try req.queryUUID("departmentId", strict: strict) { q.filter(\.$departmentId == v) }
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let tag = try req.queryText("tag", max: 30), let pattern = likePattern(tag) {
            q.filter(.sql(SQLQueryString("lower(\(ident: FeedbackItem.schema).tags) LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        q.search(try req.queryText("q"), in: ["summary", "detail"])
        return q
    }
}
