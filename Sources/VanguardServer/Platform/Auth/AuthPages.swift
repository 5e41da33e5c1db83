import Fluent
import Vapor
import VanguardCore

/// Sign-in, sign-out, first-admin set-up and the language switch.
struct AuthPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginForm)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("setup", use: setupForm)
        routes.post("setup", use: setup)
        routes.post("locale", use: switchLocale)
    }

    struct LoginContext: Encodable {
        var form: FormView
        var demoHint: String?
    }

    func loginPage(_ req: Request, email: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let next = req.query[String.self, at: "next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil }
        var form = FormView(id: "login-form", action: "/login" + (next.map { "?next=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""),
                            fields: [
                                FormField(name: "email", label: req.t("email"), type: "email", value: email, required: true, autocomplete: "username"),
                                FormField(name: "password", label: req.t("password"), type: "password", required: true, autocomplete: "current-password"),
                            ], submitLabel: req.t("signIn"), submitId: "sign-in", dirtyWarn: false)
        form.formError = error
        if req.storage[SessionExpiredKey.self] == true, error == nil { form.formError = req.t("sessionExpired") }
        let hint = req.application.settings.loadDemo ? req.t("demoHint") : nil
        return try await req.page("Platform/login", title: "signIn", section: "", LoginContext(form: form, demoHint: hint), status: status)
    }

    func loginForm(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: "/org") }
        return try await loginPage(req, email: "", error: nil)
    }

    func login(req: Request) async throws -> Response {
        let email = req.formValue("email") ?? ""
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        guard !email.isEmpty, !password.isEmpty else {
            return try await loginPage(req, email: email, error: req.t("authMissing"), status: .unprocessableEntity)
        }
        switch try await SignIn.attempt(email: email, password: password, req: req) {
        case .wrong:
            return try await loginPage(req, email: email, error: req.t("authWrong"), status: .unauthorized)
        case .locked(let until):
            return try await loginPage(req, email: email, error: SignIn.lockedMessage(until, req: req), status: .unauthorized)
        case .success(let user):
            // End any session this browser had, then start a new one with a new id.
            if let old = req.currentUser?.session { try await req.db.writeTransaction { db in try await old.delete(on: db) } }
            let (token, _) = try await SignIn.startSession(for: user, req: req)
            let next = req.query[String.self, at: "next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/org"
            let response = req.redirect(to: next, redirectType: .normal)
            response.cookies[SessionAuthenticator.cookieName] = SignIn.sessionCookie(token, req: req)
            response.cookies[CSRFMiddleware.cookieName] = .expired
            return response
        }
    }

    func logout(req: Request) async throws -> Response {
        if let current = req.currentUser, let session = current.session {
            try await req.db.writeTransaction { db in
                try await session.delete(on: db)
                try await Audit.note(.signOut, "user", id: current.actor.userId, label: current.user.email, request: req, on: db)
            }
        }
        let response = req.redirect(to: "/login", redirectType: .normal)
        response.cookies[SessionAuthenticator.cookieName] = .expired
        return response
    }

    struct SetupContext: Encodable {
        var form: FormView
    }

    func setupFields(_ req: Request, email: String, name: String) -> [FormField] {
        [
            FormField(name: "email", label: req.t("email"), type: "email", value: email, required: true, autocomplete: "username"),
            FormField(name: "displayName", label: req.t("displayName"), value: name, required: true),
            FormField(name: "password", label: req.t("password"), type: "password", required: true, hint: req.t("passwordHint"), autocomplete: "new-password"),
        ]
    }

    func validSetupToken(_ req: Request) async throws -> SetupToken {
        guard let token = req.query[String.self, at: "token"],
              let row = try await SetupToken.query(on: req.db).filter(\.$tokenHash == Secrets.hash(token)).first(),
              row.usedAt == nil, row.expiresAt > req.now,
              try await UserAccount.query(on: req.db).withDeleted().count() == 0 else {
            throw Problem(.notFound, code: "setup-link-invalid", title: "This set-up link is not valid.",
                          detail: "It has been used or has expired. Restart the server to print a new one.")
        }
        return row
    }

    func setupForm(req: Request) async throws -> Response {
        _ = try await validSetupToken(req)
        let form = FormView(id: "setup-form", action: "/setup?token=\(req.query[String.self, at: "token"] ?? "")",
                            fields: setupFields(req, email: "", name: ""), submitLabel: req.t("createAdmin"), submitId: "create-admin")
        return try await req.page("Platform/setup", title: "setupTitle", section: "", SetupContext(form: form))
    }

    func setup(req: Request) async throws -> Response {
        let row = try await validSetupToken(req)
        let email = req.formValue("email") ?? "", name = req.formValue("displayName") ?? ""
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        var form = FormView(id: "setup-form", action: "/setup?token=\(req.query[String.self, at: "token"] ?? "")",
                            fields: setupFields(req, email: email, name: name), submitLabel: req.t("createAdmin"), submitId: "create-admin")
        let rules = try await req.application.policy.current(on: req.db).effectiveSecurity.passwordRules
        var errors = FieldErrors()
        errors.check("email", Validators.required(email, field: "email") ?? Validators.email(email))
        errors.check("displayName", Validators.required(name, field: "displayName"))
        errors.check("password", rules.check(password, email: email))
        if !errors.isEmpty {
            form.show(errors.all, locale: req.locale, translations: req.application.translations)
            return try await req.page("Platform/setup", title: "setupTitle", section: "", SetupContext(form: form), status: .unprocessableEntity)
        }
        let user = UserAccount(email: email, displayName: name, passwordHash: try await req.password.async.hash(password), role: .admin)
        try await req.db.writeTransaction { db in
            row.usedAt = req.now
            try await row.save(on: db)
            try await user.create(on: db)
            try await Audit.note(.setup, "user", id: user.id, label: email, request: req, on: db, actorName: name, actorId: user.id)
        }
        let (token, _) = try await SignIn.startSession(for: user, req: req)
        let response = req.redirect(to: "/org", flash: "setupDone")
        response.cookies[SessionAuthenticator.cookieName] = SignIn.sessionCookie(token, req: req)
        return response
    }

    func switchLocale(req: Request) async throws -> Response {
        guard let raw = req.formValue("locale"), let locale = AppLocale(rawValue: raw) else {
            throw Problem.invalid("locale", "invalidChoice", "One of: zh-Hans, zh-Hant, en.")
        }
        if let user = req.currentUser?.user {
            user.locale = locale.rawValue
            try await req.db.writeTransaction { db in try await user.save(on: db) }
        }
        let back = req.headers.first(name: .referer).flatMap { URI(string: $0).path.isEmpty ? nil : URI(string: $0) }
        var target = back.map { $0.path + ($0.query.map { "?" + $0 } ?? "") } ?? "/"
        if !target.hasPrefix("/") || target.hasPrefix("//") { target = "/" }
        let response = req.redirect(to: target, redirectType: .normal)
        response.cookies[Request.localeCookie] = HTTPCookies.Value(string: locale.rawValue, maxAge: 365 * 86400, path: "/",
                                                                  isSecure: req.application.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return response
    }
}
