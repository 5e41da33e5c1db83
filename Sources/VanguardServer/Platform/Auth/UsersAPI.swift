import Fluent
import Vapor
import VanguardCore

struct UserDTO: Content {
    var id: UUID
    var email: String
    var displayName: String
    var role: String
    var memberId: UUID?
    var locale: String?
    var active: Bool
    var lockedUntil: Date?
    var version: Int
    var createdAt: Date?
    var deletedAt: Date?

    init(_ u: UserAccount) {
        id = u.id!; email = u.email; displayName = u.displayName; role = u.role; memberId = u.memberId
        locale = u.locale; active = u.active; lockedUntil = u.lockedUntil; version = u.version
        createdAt = u.createdAt; deletedAt = u.deletedAt
    }
}

struct UserInput: Content {
    var email: String?
    var displayName: String?
    var role: String?
    var password: String?
    var memberId: Patch<UUID> = .absent
    var locale: Patch<String> = .absent
    var active: Bool?
    /// Clears a lock-out.
    var unlock: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case email, displayName, role, password, memberId, locale, active, unlock }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        email = try c.decodeIfPresentNonNull(String.self, forKey: .email)
        displayName = try c.decodeIfPresentNonNull(String.self, forKey: .displayName)
        role = try c.decodeIfPresentNonNull(String.self, forKey: .role)
        password = try c.decodeIfPresentNonNull(String.self, forKey: .password)
        memberId = try c.decodePatch(UUID.self, forKey: .memberId)
        locale = try c.decodePatch(String.self, forKey: .locale)
        active = try c.decodeIfPresentNonNull(Bool.self, forKey: .active)
        unlock = try c.decodeIfPresentNonNull(Bool.self, forKey: .unlock)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(email, forKey: .email)
    }

    func validate(creating: Bool, rules: PasswordRules) -> FieldErrors {
        var e = FieldErrors()
        for (field, value) in [("email", email), ("displayName", displayName), ("role", role)] where creating || value != nil {
            e.check(field, Validators.required(value, field: field))
        }
        if creating { e.check("password", Validators.required(password, field: "password")) }
        if let email, !email.isEmpty { e.check("email", Validators.email(email)) }
        e.check("displayName", Validators.maxLength(displayName, 100, field: "displayName"))
        if let role, !role.isEmpty, Role(rawValue: role) == nil {
            e.add("role", "invalidChoice", "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let password, !password.isEmpty, let problem = rules.check(password, email: email) { e.check("password", problem) }
        if case .value(let l) = locale, AppLocale(rawValue: l) == nil {
            e.add("locale", "invalidChoice", "One of: zh-Hans, zh-Hant, en.")
        }
        return e
    }
}

/// `/api/v1/users`: accounts and their roles. Admins only (a person reads themselves at `/api/v1/me`).
struct UsersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.get(":id", use: show)
        users.patch(":id", use: update)
        users.delete(":id", use: delete)
        users.post(":id", "restore", use: restore)
        users.get(":id", "history", use: history)
    }

    func history(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.read, .user(id: id))
        guard try await UserAccount.query(on: req.db).withDeleted().filter(\.$id == id).first() != nil else { throw Problem.notFound("user") }
        return try await AuditAPI.page(req, entityType: "user", entityId: id, hidden: ["passwordHash"])
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .user(id: nil))
        let list = try ListRequest.parse(req, sortable: ["email", "displayName"], defaultSort: "email")
        let q = UserAccount.query(on: req.db).search(try req.queryText("q"), in: ["email", "display_name"])
        if let role = try req.queryChoice("role", from: Role.allCases.map(\.rawValue)) { q.filter(\.$role == role) }
        let rows = try await list.apply(to: q, column: list.sortField == "email" ? "email" : "display_name").all()
        return try await list.page(rows, value: { list.sortField == "email" ? $0.email : $0.displayName }, id: { $0.id }, map: UserDTO.init)
            .encodeResponse(for: req)
    }

    func show(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.read, .user(id: id))
        guard let u = try await UserAccount.find(id, on: req.db) else { throw Problem.notFound("user") }
        return try UserDTO(u).response(version: u.version)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .user(id: nil))
        let u = try await UserService.create(try req.decodeJSON(UserInput.self), req: req)
        return try UserDTO(u).created(at: "/api/v1/users/\(u.id!)", version: u.version)
    }

    func update(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.update, .user(id: id))
        guard let u = try await UserAccount.find(id, on: req.db) else { throw Problem.notFound("user") }
        let updated = try await UserService.update(u, try req.decodeJSON(UserInput.self), req: req)
        return try UserDTO(updated).response(version: updated.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let id = try req.uuid("id", "user")
        let me = try req.authorize(.delete, .user(id: id))
        guard let u = try await UserAccount.find(id, on: req.db) else { throw Problem.notFound("user") }
        if id == me.actor.userId { throw Problem.conflict(nil, "self-delete", "You cannot delete your own account.") }
        try ETag.check(req, version: u.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(UserAccount.schema, id: u.id, u.version)
            try await u.delete(on: db)
            try await WebSession.query(on: db).filter(\.$user.$id == id).delete()
            try await Audit.record(.delete, "user", id: u.id, label: u.email, before: UserDTO(u), after: Optional<UserDTO>.none, request: req, on: db)
        }
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.restore, .user(id: id))
        guard let u = try await UserAccount.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("user") }
        try await UserService.restore(u, req: req)
        return try UserDTO(u).response(version: u.version)
    }
}

enum UserService {
    static func create(_ input: UserInput, req: Request) async throws -> UserAccount {
        let rules = try await req.application.policy.current(on: req.db).effectiveSecurity.passwordRules
        try input.validate(creating: true, rules: rules).throwIfAny()
        let hash = try await req.password.async.hash(input.password!)
        let u = UserAccount(email: input.email!, displayName: input.displayName!, passwordHash: hash, role: Role(rawValue: input.role!)!)
        u.memberId = input.memberId.applied(to: nil)
        u.locale = input.locale.applied(to: nil)
        if let active = input.active { u.active = active }
        return try await req.db.writeTransaction { db in
            try await check(u, on: db)
            try await u.create(on: db)
            try await Audit.record(.create, "user", id: u.id, label: u.email, before: Optional<UserDTO>.none, after: UserDTO(u), request: req, on: db)
            return u
        }
    }

    static func update(_ u: UserAccount, _ input: UserInput, req: Request) async throws -> UserAccount {
        let rules = try await req.application.policy.current(on: req.db).effectiveSecurity.passwordRules
        try input.validate(creating: false, rules: rules).throwIfAny()
        try ETag.check(req, version: u.version)
        let me = try req.requireUser()
        if u.id == me.actor.userId, let role = input.role, role != u.role {
            throw Problem.conflict("role", "self-demotion", "You cannot change your own role; ask another admin.")
        }
        if u.id == me.actor.userId, input.active == false {
            throw Problem.conflict("active", "self-deactivate", "You cannot deactivate your own account.")
        }
        let before = UserDTO(u)
        if let v = input.email { u.email = v.lowercased().trimmingCharacters(in: .whitespaces) }
        if let v = input.displayName { u.displayName = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.role { u.role = v }
        if input.memberId.given { u.memberId = input.memberId.applied(to: u.memberId) }
        if input.locale.given { u.locale = input.locale.applied(to: u.locale) }
        if let v = input.active { u.active = v }
        if input.unlock == true { u.lockedUntil = nil; u.failedSignIns = 0 }
        if let p = input.password, !p.isEmpty {
            u.passwordHash = try await req.password.async.hash(p)
            u.passwordChangedAt = req.now
        }
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(UserAccount.schema, id: u.id, u.version)
            try await check(u, on: db)
            guard u.hasChanges else { return u }
            u.version += 1
            try await u.save(on: db)
            if !u.active || input.password != nil {
                try await WebSession.query(on: db).filter(\.$user.$id == u.id!).delete()
            }
            try await Audit.record(.update, "user", id: u.id, label: u.email, before: before, after: UserDTO(u), request: req, on: db)
            return u
        }
    }

    static func restore(_ u: UserAccount, req: Request) async throws {
        guard u.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This user is not deleted.") }
        try await req.db.writeTransaction { db in
            try await check(u, on: db)
            try await u.restore(on: db)
            u.version += 1
            try await u.save(on: db)
            try await Audit.record(.restore, "user", id: u.id, label: u.email, before: Optional<UserDTO>.none, after: UserDTO(u), request: req, on: db)
        }
    }

    private static func check(_ u: UserAccount, on db: any Database) async throws {
        var q = UserAccount.query(on: db).withDeleted().filter(\.$email == u.email)
        if let id = u.id { q = q.filter(\.$id != id) }
        if try await q.first() != nil { throw Problem.conflict("email", "duplicate", "Another account already uses \(u.email).") }
        if let memberId = u.memberId {
            if try await Member.find(memberId, on: db) == nil {
                throw Problem.invalid("memberId", "unknownMember", "No member with this id.")
            }
            var linked = UserAccount.query(on: db).filter(\.$memberId == memberId)
            if let id = u.id { linked = linked.filter(\.$id != id) }
            if try await linked.first() != nil {
                throw Problem.conflict("memberId", "duplicate", "Another account is already linked to this member.")
            }
        }
    }
}
