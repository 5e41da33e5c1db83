import Fluent
import Vapor
import VanguardCore

struct DepartmentDTO: Content {
    var id: UUID
    var code: String
    var nameZh: String
    var nameEn: String
    var handles: String
    var handlesEn: String
    var contactName: String?
    var contactEmail: String?
    var version: Int
    var deletedAt: Date?

    init(_ d: Department) {
        id = d.id!; code = d.code; nameZh = d.nameZh; nameEn = d.nameEn; handles = d.handles; handlesEn = d.handlesEn
        contactName = d.contactName; contactEmail = d.contactEmail; version = d.version; deletedAt = d.deletedAt
    }
}

struct DepartmentInput: Content {
    var code: String?
    var nameZh: String?
    var nameEn: String?
    var handles: String?
    var handlesEn: String?
    var contactName: Patch<String> = .absent
    var contactEmail: Patch<String> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable { case code, nameZh, nameEn, handles, handlesEn, contactName, contactEmail }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeIfPresentNonNull(String.self, forKey: .code)
        nameZh = try c.decodeIfPresentNonNull(String.self, forKey: .nameZh)
        nameEn = try c.decodeIfPresentNonNull(String.self, forKey: .nameEn)
        handles = try c.decodeIfPresentNonNull(String.self, forKey: .handles)
        handlesEn = try c.decodeIfPresentNonNull(String.self, forKey: .handlesEn)
        contactName = try c.decodePatch(String.self, forKey: .contactName)
        contactEmail = try c.decodePatch(String.self, forKey: .contactEmail)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(code, forKey: .code)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        for (field, value) in [("code", code), ("nameZh", nameZh), ("nameEn", nameEn)] where creating || value != nil {
            e.check(field, Validators.required(value, field: field))
        }
        if let code, !code.isEmpty, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            e.add("code", "invalidKey", "Use letters, digits and hyphens only.")
        }
        e.check("code", Validators.maxLength(code, 40, field: "code"))
        e.check("nameZh", Validators.maxLength(nameZh, 100, field: "nameZh"))
        e.check("nameEn", Validators.maxLength(nameEn, 100, field: "nameEn"))
        e.check("handles", Validators.maxLength(handles, 1000, field: "handles"))
        e.check("handlesEn", Validators.maxLength(handlesEn, 1000, field: "handlesEn"))
        if case .value(let v) = contactName { e.check("contactName", Validators.maxLength(v, 100, field: "contactName")) }
        if case .value(let v) = contactEmail { e.check("contactEmail", Validators.email(v, field: "contactEmail")) }
        return e
    }
}

/// `/api/v1/departments`: the company's other departments the team hands work to (LEAD-2).
struct DepartmentsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let d = routes.grouped("departments")
        d.get(use: list)
        d.post(use: create)
        d.get(":id", use: show)
        d.patch(":id", use: update)
        d.delete(":id", use: delete)
        d.post(":id", "restore", use: restore)
        d.get(":id", "history", use: history)
    }

    func history(req: Request) async throws -> Response {
        try req.authorize(.read, .department)
        let id = try req.uuid("id", "department")
        guard try await Department.query(on: req.db).withDeleted().filter(\.$id == id).first() != nil else { throw Problem.notFound("department") }
        return try await AuditAPI.page(req, entityType: "department", entityId: id, hidden: [])
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .department)
        let list = try ListRequest.parse(req, sortable: ["code", "nameEn", "nameZh"], defaultSort: "code")
        let q = Department.query(on: req.db).search(try req.queryText("q"), in: ["code", "name_zh", "name_en", "handles", "handles_en"])
        let column = ["code": "code", "nameEn": "name_en", "nameZh": "name_zh"][list.sortField]!
        let rows = try await list.apply(to: q, column: column).all()
        return try await list.page(rows, value: { d in
            switch list.sortField { case "nameEn": d.nameEn; case "nameZh": d.nameZh; default: d.code }
        }, id: { $0.id }, map: DepartmentDTO.init).encodeResponse(for: req)
    }

    func show(req: Request) async throws -> Response {
        try req.authorize(.read, .department)
        let d = try await DepartmentService.find(req)
        return try DepartmentDTO(d).response(version: d.version)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .department)
        let d = try await DepartmentService.create(try req.decodeJSON(DepartmentInput.self), req: req)
        return try DepartmentDTO(d).created(at: "/api/v1/departments/\(d.id!)", version: d.version)
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .department)
        let d = try await DepartmentService.update(try await DepartmentService.find(req), try req.decodeJSON(DepartmentInput.self), req: req)
        return try DepartmentDTO(d).response(version: d.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.authorize(.delete, .department)
        try await DepartmentService.delete(try await DepartmentService.find(req), req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        try req.authorize(.restore, .department)
        let id = try req.uuid("id", "department")
        guard let d = try await Department.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("department") }
        try await DepartmentService.restore(d, req: req)
        return try DepartmentDTO(d).response(version: d.version)
    }
}

enum DepartmentService {
    static func find(_ req: Request) async throws -> Department {
        guard let d = try await Department.find(try req.uuid("id", "department"), on: req.db) else { throw Problem.notFound("department") }
        return d
    }

    static func create(_ input: DepartmentInput, req: Request) async throws -> Department {
        try input.validate(creating: true).throwIfAny()
        let d = Department()
        d.version = 1
        d.handles = ""
        d.handlesEn = ""
        apply(input, to: d)
        return try await req.db.writeTransaction { db in
            try await checkUnique(d, on: db)
            try await d.create(on: db)
            try await Audit.record(.create, "department", id: d.id, label: d.nameEn, before: Optional<DepartmentDTO>.none, after: DepartmentDTO(d), request: req, on: db)
            return d
        }
    }

    static func update(_ d: Department, _ input: DepartmentInput, req: Request) async throws -> Department {
        try input.validate(creating: false).throwIfAny()
        try ETag.check(req, version: d.version)
        let before = DepartmentDTO(d)
        apply(input, to: d)
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Department.schema, id: d.id, d.version)
            try await checkUnique(d, on: db)
            guard d.hasChanges else { return d }
            d.version += 1
            try await d.save(on: db)
            try await Audit.record(.update, "department", id: d.id, label: d.nameEn, before: before, after: DepartmentDTO(d), request: req, on: db)
            return d
        }
    }

    static func delete(_ d: Department, req: Request) async throws {
        try ETag.check(req, version: d.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Department.schema, id: d.id, d.version)
            try await d.delete(on: db)
            try await Audit.record(.delete, "department", id: d.id, label: d.nameEn, before: DepartmentDTO(d), after: Optional<DepartmentDTO>.none, request: req, on: db)
        }
    }

    static func restore(_ d: Department, req: Request) async throws {
        guard d.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This department is not deleted.") }
        try await req.db.writeTransaction { db in
            try await checkUnique(d, on: db)
            try await d.restore(on: db)
            d.version += 1
            try await d.save(on: db)
            try await Audit.record(.restore, "department", id: d.id, label: d.nameEn, before: Optional<DepartmentDTO>.none, after: DepartmentDTO(d), request: req, on: db)
        }
    }

    private static func apply(_ input: DepartmentInput, to d: Department) {
        if let v = input.code { d.code = v.trimmingCharacters(in: .whitespaces).lowercased() }
        if let v = input.nameZh { d.nameZh = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.nameEn { d.nameEn = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.handles { d.handles = v }
        if let v = input.handlesEn { d.handlesEn = v }
        if input.contactName.given { d.contactName = input.contactName.applied(to: d.contactName).flatMap { $0.isEmpty ? nil : $0 } }
        if input.contactEmail.given { d.contactEmail = input.contactEmail.applied(to: d.contactEmail).flatMap { $0.isEmpty ? nil : $0.lowercased() } }
    }

    private static func checkUnique(_ d: Department, on db: any Database) async throws {
        var q = Department.query(on: db).withDeleted().filter(\.$code == d.code)
        if let id = d.id { q = q.filter(\.$id != id) }
        if try await q.first() != nil { throw Problem.conflict("code", "duplicate", "Another department already uses the code \(d.code).") }
    }
}
