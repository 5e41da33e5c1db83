import Fluent
import Vapor
import VanguardCore

struct TokenRequest: Content {
    var email: String
    var password: String
    var name: String?
    /// Days until the token expires; none means it lasts until revoked.
    var expiresInDays: Int?
}

struct TokenCreated: Content {
    var id: UUID
    var token: String
    var name: String
    var expiresAt: Date?
}

struct TokenDTO: Content {
    var id: UUID
    var name: String
    var prefix: String
    var createdAt: Date
    var lastUsedAt: Date?
    var expiresAt: Date?
    var revokedAt: Date?

    init(_ t: ApiToken) {
        id = t.id!; name = t.name; prefix = t.prefix; createdAt = t.createdAt
        lastUsedAt = t.lastUsedAt; expiresAt = t.expiresAt; revokedAt = t.revokedAt
    }
}

struct PasswordChange: Content {
    var currentPassword: String
    var newPassword: String
}

/// `/api/v1/auth`: tokens for API clients, and changing one's password.
struct AuthAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("auth", "token", use: token)
    }

    /// Routes that need a signed-in caller.
    struct Protected: RouteCollection {
        func boot(routes: any RoutesBuilder) throws {
            let auth = routes.grouped("auth")
            auth.get("tokens", use: tokens)
            auth.delete("tokens", ":id", use: revoke)
            auth.post("password", use: changePassword)
            routes.get("me", use: me)
        }

        func tokens(req: Request) async throws -> PageOf<TokenDTO> {
            let user = try req.requireUser()
            let rows = try await ApiToken.query(on: req.db).filter(\.$user.$id == user.actor.userId).sort(\.$createdAt, .descending).all()
            return PageOf(items: rows.map(TokenDTO.init), nextCursor: nil)
        }

        func revoke(req: Request) async throws -> HTTPStatus {
            let user = try req.requireUser()
            let id = try req.uuid("id", "token")
            guard let token = try await ApiToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.actor.userId).first() else {
                throw Problem.notFound("token")
            }
            try await AccountService.revoke(token, req: req)
            return .noContent
        }

        func changePassword(req: Request) async throws -> HTTPStatus {
            let user = try req.requireUser()
            let input = try req.decodeJSON(PasswordChange.self)
            try await AccountService.changePassword(user.user, current: input.currentPassword, new: input.newPassword, req: req)
            return .noContent
        }

        func me(req: Request) async throws -> UserDTO {
            UserDTO(try req.requireUser().user)
        }
    }

    func token(req: Request) async throws -> Response {
        let input = try req.decodeJSON(TokenRequest.self)
        var errors = FieldErrors()
        errors.check("email", Validators.required(input.email, field: "email"))
        errors.check("password", Validators.required(input.password, field: "password"))
        errors.check("name", Validators.maxLength(input.name, 100, field: "name"))
        if let days = input.expiresInDays, !(1...3650).contains(days) { errors.add("expiresInDays", "outOfRange", "From 1 to 3650 days.") }
        try errors.throwIfAny()
        switch try await SignIn.attempt(email: input.email, password: input.password, req: req) {
        case .wrong:
            throw Problem(.unauthorized, code: "bad-credentials", title: "E-mail or password is wrong.")
        case .locked(let until):
            throw Problem(.unauthorized, code: "locked", title: "Too many failed sign-ins.",
                          detail: "The account is locked until \(ISO8601DateFormatter().string(from: until)).")
        case .success(let user):
            let created = try await AccountService.issueToken(for: user, name: input.name ?? "API token",
                                                              expiresInDays: input.expiresInDays, req: req)
            return try await created.encodeResponse(status: .created, for: req)
        }
    }
}

/// Password changes and personal tokens, shared by the API and the account page.
enum AccountService {
    static func issueToken(for user: UserAccount, name: String, expiresInDays: Int?, req: Request) async throws -> TokenCreated {
        let secret = Secrets.token(prefix: "vg_")
        let expires = expiresInDays.map { req.now.addingTimeInterval(TimeInterval($0) * 86400) }
        let token = ApiToken(userId: try user.requireID(), name: name, tokenHash: Secrets.hash(secret),
                             prefix: String(secret.prefix(10)), now: req.now, expiresAt: expires)
        try await req.db.writeTransaction { db in
            try await token.create(on: db)
            try await Audit.note(.tokenCreated, "user", id: user.id, label: "\(user.email): \(name)", request: req, on: db,
                                 actorName: user.displayName, actorId: user.id)
        }
        return TokenCreated(id: token.id!, token: secret, name: name, expiresAt: expires)
    }

    static func revoke(_ token: ApiToken, req: Request) async throws {
        guard token.revokedAt == nil else { return }
        token.revokedAt = req.now
        try await req.db.writeTransaction { db in
            try await token.save(on: db)
            try await Audit.note(.tokenRevoked, "user", id: token.$user.id, label: token.name, request: req, on: db)
        }
    }

    static func changePassword(_ user: UserAccount, current: String, new: String, req: Request) async throws {
        guard (try? await req.password.async.verify(current, created: user.passwordHash)) == true else {
            throw Problem.invalid("currentPassword", "wrongPassword", "The current password is wrong.")
        }
        let rules = try await req.application.policy.current(on: req.db).effectiveSecurity.passwordRules
        if let problem = rules.check(new, email: user.email, field: "newPassword") { throw Problem.invalid([problem]) }
        user.passwordHash = try await req.password.async.hash(new)
        user.passwordChangedAt = req.now
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            // Other browsers signed in as this person are signed out.
            let keep = req.currentUser?.session?.id
            let others = WebSession.query(on: db).filter(\.$user.$id == user.id!)
            if let keep { others.filter(\.$id != keep) }
            try await others.delete()
            try await Audit.note(.passwordChanged, "user", id: user.id, label: user.email, request: req, on: db)
        }
    }
}
