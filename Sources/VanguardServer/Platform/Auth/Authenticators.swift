import Fluent
import Vapor
import VanguardCore

/// Web sign-in: the `vg_session` cookie names a row in `web_sessions`. Sessions idle longer than
/// the policy's limit are ended.
struct SessionAuthenticator: AsyncMiddleware {
    static let cookieName = "vg_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[Self.cookieName]?.string, !token.isEmpty {
            try await authenticate(token: token, request: request)
        }
        return try await next.respond(to: request)
    }

    private func authenticate(token: String, request: Request) async throws {
        guard let session = try await WebSession.query(on: request.db)
            .filter(\.$tokenHash == Secrets.hash(token)).with(\.$user).first() else { return }
        let now = request.now
        let idle = TimeInterval(try await request.application.policy.current(on: request.db).effectiveSecurity.sessionIdleMinutes * 60)
        let user = session.user
        guard now.timeIntervalSince(session.lastSeenAt) <= idle, user.active, user.deletedAt == nil else {
            try await request.db.writeTransaction { db in try await session.delete(on: db) }
            request.storage[SessionExpiredKey.self] = true
            return
        }
        // Touch at most once a minute: idle tracking without a write per request.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await request.db.writeTransaction { db in try await session.save(on: db) }
        }
        request.auth.login(try await CurrentUser.load(user, session: session, on: request.db))
    }
}

struct SessionExpiredKey: StorageKey { typealias Value = Bool }

/// API sign-in: `Authorization: Bearer <token>` names a personal token.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            let now = request.now
            let hash = Secrets.hash(bearer.token)
            let cache = request.application.tokenCache
            var match: AuthLookup.BearerMatch?
            if let cached = cache.get(hash, now: now) {
                match = cached.match
                match?.user = cached.user.account()
            } else if let found = try await AuthLookup.bearer(tokenHash: hash, on: request.db) {
                match = found
                cache.put(hash, .init(match: found, user: UserSnapshot(found.user), fetchedAt: now))
            }
            guard var match,
                  match.revokedAt == nil,
                  match.expiresAt.map({ $0 > now }) ?? true,
                  match.user.active, match.user.deletedAt == nil else {
                throw Problem(.unauthorized, code: "invalid-token", title: "The token is not valid.",
                              detail: "It may have been revoked or have expired. Create a new one with POST /api/v1/auth/token.")
            }
            // Record use at most once a minute: no write per request.
            if match.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                let tokenId = match.tokenId
                try await request.db.writeTransaction { db in
                    try await ApiToken.query(on: db).filter(\.$id == tokenId).set(\.$lastUsedAt, to: now).update()
                }
                match.lastUsedAt = now
                cache.put(hash, .init(match: match, user: UserSnapshot(match.user), fetchedAt: now))
            }
            let user = match.user
            let actor = Actor(userId: user.id!, role: user.appRole, memberId: user.memberId, groupId: user.memberId == nil ? nil : match.groupId)
            request.auth.login(CurrentUser(user: user, actor: actor, session: nil))
        }
        return try await next.respond(to: request)
    }
}

/// Routes behind this need a signed-in person: 401 for the API, a redirect to sign-in on the web.
struct RequireSignIn: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        _ = try request.requireUser()
        return try await next.respond(to: request)
    }
}
