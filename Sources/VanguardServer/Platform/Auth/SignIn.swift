import Fluent
import Vapor
import VanguardCore

/// Checking a password, with lock-out after repeated failures (policy pack `security`).
/// The same rule serves the web form and `POST /api/v1/auth/token`.
enum SignIn {
    enum Outcome {
        case success(UserAccount)
        case wrong
        case locked(until: Date)
    }

    static func attempt(email: String, password: String, req: Request) async throws -> Outcome {
        let security = try await req.application.policy.current(on: req.db).effectiveSecurity
        let now = req.now
        guard let user = try await UserAccount.query(on: req.db).filter(\.$email == email.lowercased().trimmingCharacters(in: .whitespaces)).first(),
              user.active else {
            // Hash anyway, so an unknown e-mail takes as long to refuse as a wrong password.
            _ = try? await req.password.async.hash(password)
            return .wrong
        }
        if let until = user.lockedUntil, until > now {
            return .locked(until: until)
        }
        let ok = (try? await req.password.async.verify(password, created: user.passwordHash)) ?? false
        if ok {
            user.failedSignIns = 0
            user.lockedUntil = nil
            try await req.db.writeTransaction { db in try await user.save(on: db) }
            return .success(user)
        }
        user.failedSignIns += 1
        var outcome = Outcome.wrong
        if user.failedSignIns >= security.lockoutThreshold {
            user.lockedUntil = now.addingTimeInterval(TimeInterval(security.lockoutMinutes * 60))
            user.failedSignIns = 0
            outcome = .locked(until: user.lockedUntil!)
        }
        let lockedOut: Bool
        if case .locked = outcome { lockedOut = true } else { lockedOut = false }
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            try await Audit.note(.signInFailed, "user", id: user.id, label: user.email, request: req, on: db, actorName: user.displayName, actorId: user.id)
            if lockedOut {
                try await Audit.note(.lockedOut, "user", id: user.id, label: user.email, request: req, on: db, actorName: user.displayName, actorId: user.id)
            }
        }
        return outcome
    }

    /// Starts a browser session: a new random id every sign-in (never reusing one from before).
    static func startSession(for user: UserAccount, req: Request) async throws -> (token: String, session: WebSession) {
        let token = Secrets.token()
        let session = WebSession(tokenHash: Secrets.hash(token), userId: try user.requireID(), csrfToken: Secrets.token(),
                                 now: req.now, ip: req.remoteAddress?.ipAddress, userAgent: req.headers.first(name: .userAgent))
        try await req.db.writeTransaction { db in
            try await session.create(on: db)
            try await Audit.note(.signIn, "user", id: user.id, label: user.email, request: req, on: db, actorName: user.displayName, actorId: user.id)
        }
        return (token, session)
    }

    static func sessionCookie(_ token: String, req: Request) -> HTTPCookies.Value {
        req.cookie(token, maxAge: nil)
    }

    static func lockedMessage(_ until: Date, req: Request) -> String {
        let minutes = max(1, Int(ceil(until.timeIntervalSince(req.now) / 60)))
        return req.t("authLocked").replacingOccurrences(of: "{minutes}", with: String(minutes))
    }
}
