import Fluent
import Vapor
import VanguardCore

/// One's own account: change password, personal API tokens.
struct AccountPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("account")
        a.get(use: show)
        a.post("password", use: changePassword)
        a.post("tokens", use: createToken)
        a.post("tokens", ":id", "revoke", use: revokeToken)
    }

    struct TokenRow: Encodable {
        var id: UUID
        var name: String
        var prefix: String
        var created: String
        var lastUsed: String
        var expires: String
        var revoked: Bool
    }

    struct Context: Encodable {
        var email: String
        var role: String
        var form: FormView
        var tokenForm: FormView
        var tokens: [TokenRow]
        var newToken: String?
    }

    func show(req: Request) async throws -> Response {
        try await page(req, passwordErrors: [], tokenErrors: [], newToken: nil)
    }

    func page(_ req: Request, passwordErrors: [FieldError], tokenErrors: [FieldError], tokenName: String = "", newToken: String?, status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let locale = req.locale
        var form = FormView(id: "password-form", action: "/account/password", fields: [
            FormField(name: "currentPassword", label: req.t("currentPassword"), type: "password", required: true, autocomplete: "current-password"),
            FormField(name: "newPassword", label: req.t("newPassword"), type: "password", required: true, hint: req.t("passwordHint"), autocomplete: "new-password"),
        ], submitLabel: req.t("changePassword"), submitId: "change-password", dirtyWarn: false)
        if !passwordErrors.isEmpty { form.show(passwordErrors, locale: locale, translations: req.application.translations) }
        var tokenForm = FormView(id: "token-form", action: "/account/tokens", fields: [
            FormField(name: "name", label: req.t("tokenName"), value: tokenName, required: true),
            FormField(name: "expiresInDays", label: req.t("expiresInDays"), type: "number", hint: req.t("expiresHint")),
        ], submitLabel: req.t("createToken"), submitId: "create-token", dirtyWarn: false)
        if !tokenErrors.isEmpty { tokenForm.show(tokenErrors, locale: locale, translations: req.application.translations) }
        let tokens = try await ApiToken.query(on: req.db).filter(\.$user.$id == user.actor.userId).sort(\.$createdAt, .descending).all()
        let fmt = { (d: Date?) in d.map { MemberPages.format($0, locale) } ?? "—" }
        let context = Context(email: user.user.email, role: req.t(Request.roleKey(user.actor.role)), form: form, tokenForm: tokenForm,
                              tokens: tokens.map { TokenRow(id: $0.id!, name: $0.name, prefix: $0.prefix, created: fmt($0.createdAt),
                                                            lastUsed: fmt($0.lastUsedAt), expires: fmt($0.expiresAt), revoked: $0.revokedAt != nil) },
                              newToken: newToken)
        return try await req.page("Platform/account", title: "account", section: "account", context, status: status)
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let current = (try? req.content.get(String.self, at: "currentPassword")) ?? ""
        let new = (try? req.content.get(String.self, at: "newPassword")) ?? ""
        do {
            try await AccountService.changePassword(user.user, current: current, new: new, req: req)
        } catch let p as Problem where p.status == .unprocessableEntity {
            return try await page(req, passwordErrors: p.errors, tokenErrors: [], newToken: nil, status: .unprocessableEntity)
        }
        return req.redirect(to: "/account", flash: "passwordChanged")
    }

    func createToken(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let name = req.formValue("name") ?? ""
        let daysRaw = req.formValue("expiresInDays") ?? ""
        var errors = FieldErrors()
        errors.check("name", Validators.required(name, field: "name") ?? Validators.maxLength(name, 100, field: "name"))
        var days: Int?
        if !daysRaw.isEmpty {
            if let d = Int(daysRaw), (1...3650).contains(d) { days = d } else { errors.add("expiresInDays", "outOfRange", "From 1 to 3650 days.") }
        }
        if !errors.isEmpty {
            return try await page(req, passwordErrors: [], tokenErrors: errors.all, tokenName: name, newToken: nil, status: .unprocessableEntity)
        }
        let created = try await AccountService.issueToken(for: user.user, name: name, expiresInDays: days, req: req)
        return try await page(req, passwordErrors: [], tokenErrors: [], newToken: created.token, status: .created)
    }

    func revokeToken(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id = try req.uuid("id", "token")
        guard let token = try await ApiToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.actor.userId).first() else {
            throw Problem.notFound("token")
        }
        try await AccountService.revoke(token, req: req)
        return req.redirect(to: "/account", flash: "tokenRevoked")
    }
}
