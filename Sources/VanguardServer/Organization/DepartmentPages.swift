import Fluent
import Vapor
import VanguardCore

/// The company's other departments on the web (LEAD-2): list, add, change, delete.
struct DepartmentPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let d = routes.grouped("departments")
        d.get(use: list)
        d.get("new", use: newForm)
        d.post(use: create)
        d.get(":id", "edit", use: editForm)
        d.post(":id", use: update)
        d.post(":id", "delete", use: delete)
        d.get(":id", "history", use: history)
    }

    func history(req: Request) async throws -> Response {
        try req.authorize(.read, .department)
        let id = try req.uuid("id", "department")
        guard let d = try await Department.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("department") }
        return try await HistoryPage.render(req, entityType: "department", id: id, heading: "\(req.t("history")): \(req.locale == .en ? d.nameEn : d.nameZh)",
                                            backHref: "/departments", section: "departments")
    }

    struct Row: Encodable {
        var id: UUID
        var code: String
        var name: String
        var otherName: String
        var handles: String
        var contact: String
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var canEdit: Bool
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .department)
        let q = req.query[String.self, at: "q"] ?? ""
        let rows = try await Department.query(on: req.db).search(q, in: ["code", "name_zh", "name_en", "handles", "handles_en"]).sort(\.$code).all()
        let en = req.locale == .en
        let context = ListContext(rows: rows.map {
            Row(id: $0.id!, code: $0.code, name: en ? $0.nameEn : $0.nameZh, otherName: en ? $0.nameZh : $0.nameEn,
                handles: en && !$0.handlesEn.isEmpty ? $0.handlesEn : $0.handles,
                contact: [$0.contactName, $0.contactEmail].compactMap { $0 }.joined(separator: " · "))
        }, q: q, canEdit: req.allowed(.update, .department))
        return try await req.page("Organization/departments", title: "navDepartments", section: "departments", context)
    }

    struct FormContext: Encodable {
        var form: FormView
        var heading: String
        var deleteAction: String?
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(.create, .department)
        return try await formPage(req, department: nil, values: [:], errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        try req.authorize(.update, .department)
        let d = try await DepartmentService.find(req)
        return try await formPage(req, department: d, values: Self.values(d), errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .department)
        let values = Self.posted(req)
        return try await req.handleForm({ try await formPage(req, department: nil, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            _ = try await DepartmentService.create(Self.input(values), req: req)
            return req.redirect(to: "/departments", flash: "departmentSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .department)
        let d = try await DepartmentService.find(req)
        let values = Self.posted(req)
        return try await req.handleForm({ try await formPage(req, department: d, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let v = Int(values["version"] ?? ""), v != d.version { throw Problem.preconditionFailed }
            _ = try await DepartmentService.update(d, Self.input(values), req: req)
            return req.redirect(to: "/departments", flash: "departmentSaved")
        }
    }

    func delete(req: Request) async throws -> Response {
        try req.authorize(.delete, .department)
        try await DepartmentService.delete(try await DepartmentService.find(req), req: req)
        return req.redirect(to: "/departments", flash: "deletedToBin")
    }

    private func formPage(_ req: Request, department: Department?, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        func v(_ k: String) -> String { values[k] ?? "" }
        var form = FormView(id: "department-form", action: department.map { "/departments/\($0.id!)" } ?? "/departments", fields: [
            FormField(name: "code", label: req.t("code"), value: v("code"), required: true, hint: req.t("codeHint")),
            FormField(name: "nameZh", label: req.t("nameZh"), value: v("nameZh"), required: true),
            FormField(name: "nameEn", label: req.t("nameEnLabel"), value: v("nameEn"), required: true),
            FormField(name: "handles", label: req.t("handlesZh"), type: "textarea", value: v("handles")),
            FormField(name: "handlesEn", label: req.t("handlesEn"), type: "textarea", value: v("handlesEn")),
            FormField(name: "contactName", label: req.t("contactName"), value: v("contactName")),
            FormField(name: "contactEmail", label: req.t("contactEmail"), type: "email", value: v("contactEmail")),
            FormField(name: "version", label: "", type: "hidden", value: v("version")),
        ], submitLabel: req.t("save"), cancelHref: "/departments")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = (form.formError ?? "") + " " + formError }
        }
        let heading = department.map { "\(req.t("edit")): \($0.nameZh)" } ?? req.t("newDepartment")
        return try await req.page("Organization/department-form", title: heading, section: "departments",
                                  FormContext(form: form, heading: heading, deleteAction: department.map { "/departments/\($0.id!)/delete" }), status: status)
    }

    static func values(_ d: Department) -> [String: String] {
        ["code": d.code, "nameZh": d.nameZh, "nameEn": d.nameEn, "handles": d.handles, "handlesEn": d.handlesEn, "contactName": d.contactName ?? "",
         "contactEmail": d.contactEmail ?? "", "version": String(d.version)]
    }

    static func posted(_ req: Request) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["code", "nameZh", "nameEn", "handles", "handlesEn", "contactName", "contactEmail", "version"] { values[key] = req.formValue(key) ?? "" }
        return values
    }

    static func input(_ v: [String: String]) -> DepartmentInput {
        var input = DepartmentInput()
        input.code = v["code"]
        input.nameZh = v["nameZh"]
        input.nameEn = v["nameEn"]
        input.handles = v["handles"] ?? ""
        input.handlesEn = v["handlesEn"] ?? ""
        // An emptied field on the form clears the value.
        input.contactName = (v["contactName"] ?? "").isEmpty ? .null : .value(v["contactName"]!)
        input.contactEmail = (v["contactEmail"] ?? "").isEmpty ? .null : .value(v["contactEmail"]!)
        return input
    }
}
