import Fluent
import Vapor
import VanguardCore

/// Adding and changing groups on the web (ORG-1: "more can be added").
struct GroupPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let g = routes.grouped("groups")
        g.get("new", use: newForm)
        g.post(use: create)
        g.get(":id", "edit", use: editForm)
        g.post(":id", use: update)
        g.post(":id", "delete", use: delete)
        g.get(":id", "history", use: history)
    }

    func history(req: Request) async throws -> Response {
        try req.authorize(.read, .group)
        let id = try req.uuid("id", "group")
        guard let g = try await TeamGroup.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("group") }
        return try await HistoryPage.render(req, entityType: "group", id: id, heading: "\(req.t("history")): \(req.locale == .en ? g.nameEn : g.nameZh)",
                                            backHref: "/org", section: "org")
    }

    struct FormContext: Encodable {
        var form: FormView
        var heading: String
        var deleteAction: String?
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(.create, .group)
        return try await formPage(req, group: nil, values: [:], errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        try req.authorize(.update, .group)
        let g = try await GroupService.find(req)
        return try await formPage(req, group: g, values: Self.values(g), errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .group)
        let values = Self.posted(req)
        return try await req.handleForm({ try await formPage(req, group: nil, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            _ = try await GroupService.create(try Self.input(values), req: req)
            return req.redirect(to: "/org", flash: "groupSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .group)
        let g = try await GroupService.find(req)
        let values = Self.posted(req)
        return try await req.handleForm({ try await formPage(req, group: g, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let v = Int(values["version"] ?? ""), v != g.version { throw Problem.preconditionFailed }
            _ = try await GroupService.update(g, try Self.input(values), req: req)
            return req.redirect(to: "/org", flash: "groupSaved")
        }
    }

    func delete(req: Request) async throws -> Response {
        try req.authorize(.delete, .group)
        let g = try await GroupService.find(req)
        do {
            try await GroupService.delete(g, req: req)
        } catch let p as Problem where p.status == .conflict {
            return req.redirect(to: "/groups/\(g.id!)/edit", flash: p.detail ?? p.title, kind: "error")
        }
        return req.redirect(to: "/org", flash: "deletedToBin")
    }

    private func formPage(_ req: Request, group: TeamGroup?, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        func v(_ k: String) -> String { values[k] ?? "" }
        let people = try await Member.query(on: req.db).sort(\.$employeeNo).all()
        var form = FormView(id: "group-form", action: group.map { "/groups/\($0.id!)" } ?? "/groups", fields: [
            FormField(name: "key", label: req.t("code"), value: v("key"), required: true, hint: req.t("codeHint")),
            FormField(name: "nameZh", label: req.t("nameZh"), value: v("nameZh"), required: true),
            FormField(name: "nameEn", label: req.t("nameEnLabel"), value: v("nameEn"), required: true),
            FormField(name: "missionZh", label: req.t("missionZh"), type: "textarea", value: v("missionZh")),
            FormField(name: "missionEn", label: req.t("missionEn"), type: "textarea", value: v("missionEn")),
            .select("leadMemberId", req.t("groupLead"), value: v("leadMemberId"),
                    options: [("", req.t("noLeadChosen"))] + people.map { ($0.id!.uuidString, "\($0.name) (\($0.employeeNo))") }),
            FormField(name: "sortOrder", label: req.t("sortOrder"), type: "number", value: v("sortOrder")),
            FormField(name: "version", label: "", type: "hidden", value: v("version")),
        ], submitLabel: req.t("save"), cancelHref: "/org")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = (form.formError ?? "") + " " + formError }
        }
        let heading = group.map { "\(req.t("edit")): \($0.nameZh)" } ?? req.t("newGroup")
        return try await req.page("Organization/group-form", title: heading, section: "org",
                                  FormContext(form: form, heading: heading, deleteAction: group.map { "/groups/\($0.id!)/delete" }), status: status)
    }

    static func values(_ g: TeamGroup) -> [String: String] {
        ["key": g.key, "nameZh": g.nameZh, "nameEn": g.nameEn, "missionZh": g.missionZh, "missionEn": g.missionEn,
         "leadMemberId": g.leadMemberId?.uuidString ?? "", "sortOrder": String(g.sortOrder), "version": String(g.version)]
    }

    static func posted(_ req: Request) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["key", "nameZh", "nameEn", "missionZh", "missionEn", "leadMemberId", "sortOrder", "version"] { values[key] = req.formValue(key) ?? "" }
        return values
    }

    static func input(_ v: [String: String]) throws -> GroupInput {
        var input = GroupInput()
        var errors = FieldErrors()
        input.key = v["key"]
        input.nameZh = v["nameZh"]
        input.nameEn = v["nameEn"]
        input.missionZh = v["missionZh"] ?? ""
        input.missionEn = v["missionEn"] ?? ""
        let lead = v["leadMemberId"] ?? ""
        if lead.isEmpty { input.leadMemberId = .null } else if let id = UUID(uuidString: lead) { input.leadMemberId = .value(id) } else { errors.add("leadMemberId", "invalidChoice", "Choose from the list.") }
        let sort = v["sortOrder"] ?? ""
        if !sort.isEmpty { if let n = Int(sort) { input.sortOrder = n } else { errors.add("sortOrder", "wrongType", "Enter a whole number.") } }
        try errors.throwIfAny()
        return input
    }
}
