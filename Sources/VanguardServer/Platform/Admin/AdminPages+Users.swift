import Fluent
import Vapor
import VanguardCore

extension AdminPages {
    struct UserRow: Encodable {
        var id: UUID
        var email: String
        var name: String
        var role: String
        var roleLabel: String
        var active: Bool
        var locked: Bool
        var member: String
    }

    struct UsersContext: Encodable {
        var rows: [UserRow]
        var q: String
    }

    struct UserFormContext: Encodable {
        var form: FormView
        var heading: String
    }

    func users(req: Request) async throws -> Response {
        try req.authorize(.read, .user(id: nil))
        let q = req.query[String.self, at: "q"] ?? ""
        let rows = try await UserAccount.query(on: req.db).search(q, in: ["email", "display_name"]).sort(\.$email).limit(500).all()
        let members = try await Member.query(on: req.db).filter(\.$id ~~ Set(rows.compactMap(\.memberId))).all()
        let context = UsersContext(rows: rows.map { u in
            UserRow(id: u.id!, email: u.email, name: u.displayName, role: u.role, roleLabel: req.t(Request.roleKey(u.appRole)),
                    active: u.active, locked: (u.lockedUntil ?? .distantPast) > req.now,
                    member: members.first { $0.id == u.memberId }?.name ?? "—")
        }, q: q)
        return try await req.page("Admin/users", title: "navUsers", section: "users", context)
    }

    func newUser(req: Request) async throws -> Response {
        try req.authorize(.create, .user(id: nil))
        return try await userForm(req, user: nil, values: ["role": "member", "active": "true"], errors: [], formError: nil)
    }

    func editUser(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.update, .user(id: id))
        guard let u = try await UserAccount.find(id, on: req.db) else { throw Problem.notFound("user") }
        return try await userForm(req, user: u, values: ["email": u.email, "displayName": u.displayName, "role": u.role,
                                                          "memberId": u.memberId?.uuidString ?? "", "active": u.active ? "true" : "",
                                                          "version": String(u.version)], errors: [], formError: nil)
    }

    func createUser(req: Request) async throws -> Response {
        try req.authorize(.create, .user(id: nil))
        let values = postedUser(req)
        return try await req.handleForm({ try await userForm(req, user: nil, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            _ = try await UserService.create(try userInput(values, creating: true), req: req)
            return req.redirect(to: "/admin/users", flash: "userSaved")
        }
    }

    func updateUser(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.update, .user(id: id))
        guard let u = try await UserAccount.find(id, on: req.db) else { throw Problem.notFound("user") }
        let values = postedUser(req)
        return try await req.handleForm({ try await userForm(req, user: u, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let v = Int(values["version"] ?? ""), v != u.version { throw Problem.preconditionFailed }
            _ = try await UserService.update(u, try userInput(values, creating: false), req: req)
            return req.redirect(to: "/admin/users", flash: "userSaved")
        }
    }

    func userHistory(req: Request) async throws -> Response {
        let id = try req.uuid("id", "user")
        try req.authorize(.read, .user(id: id))
        guard let u = try await UserAccount.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("user") }
        return try await HistoryPage.render(req, entityType: "user", id: id, heading: "\(req.t("history")): \(u.email)",
                                            backHref: "/admin/users", section: "users")
    }

    private func postedUser(_ req: Request) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["email", "displayName", "role", "memberId", "password", "active", "unlock", "version"] {
            values[key] = key == "password" ? ((try? req.content.get(String.self, at: key)) ?? "") : (req.formValue(key) ?? "")
        }
        return values
    }

    private func userInput(_ v: [String: String], creating: Bool) throws -> UserInput {
        var input = UserInput()
        input.email = v["email"]
        input.displayName = v["displayName"]
        input.role = v["role"]
        input.password = (v["password"] ?? "").isEmpty ? (creating ? "" : nil) : v["password"]
        input.active = v["active"] == "true"
        input.unlock = v["unlock"] == "true"
        let member = v["memberId"] ?? ""
        if member.isEmpty { input.memberId = .null } else if let id = UUID(uuidString: member) { input.memberId = .value(id) }
        else { throw Problem.invalid("memberId", "invalidChoice", "Choose from the list.") }
        return input
    }

    private func userForm(_ req: Request, user: UserAccount?, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        func v(_ k: String) -> String { values[k] ?? "" }
        let members = try await Member.query(on: req.db).sort(\.$employeeNo).all()
        var fields = [
            FormField(name: "email", label: req.t("email"), type: "email", value: v("email"), required: true),
            FormField(name: "displayName", label: req.t("displayName"), value: v("displayName"), required: true),
            .select("role", req.t("role"), value: v("role"), options: Role.allCases.map { ($0.rawValue, req.t(Request.roleKey($0))) }, required: true),
            .select("memberId", req.t("linkedMember"), value: v("memberId"),
                    options: [("", req.t("noMember"))] + members.map { ($0.id!.uuidString, "\($0.name) (\($0.employeeNo))") }),
            FormField(name: "password", label: user == nil ? req.t("password") : req.t("newPasswordOptional"), type: "password",
                      required: user == nil, hint: req.t("passwordHint"), autocomplete: "new-password"),
            FormField(name: "active", label: req.t("active"), type: "checkbox", checked: v("active") == "true"),
        ]
        if let user, (user.lockedUntil ?? .distantPast) > req.now {
            fields.append(FormField(name: "unlock", label: req.t("unlock"), type: "checkbox"))
        }
        fields.append(FormField(name: "version", label: "", type: "hidden", value: v("version")))
        var form = FormView(id: "user-form", action: user.map { "/admin/users/\($0.id!)" } ?? "/admin/users", fields: fields,
                            submitLabel: req.t("save"), cancelHref: "/admin/users")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = (form.formError ?? "") + " " + formError }
        }
        let heading = user.map { "\(req.t("edit")): \($0.email)" } ?? req.t("newUser")
        return try await req.page("Admin/user-form", title: heading, section: "users", UserFormContext(form: form, heading: heading), status: status)
    }
}
