import Fluent
import Vapor
import VanguardCore

extension AdminPages {
    struct PolicyContext: Encodable {
        var form: FormView
        var number: Int
        var savedBy: String
        var savedAt: String
        var canEdit: Bool
        var yaml: String
    }

    /// The policy pack as YAML, editable by admins; each save is a new audited version.
    func policy(req: Request) async throws -> Response {
        try req.authorize(.read, .policyPack)
        guard let v = try await PolicyVersion.query(on: req.db).sort(\.$number, .descending).first() else { throw Problem.notFound("policy version") }
        return try await policyPage(req, current: v, yaml: v.yaml, comment: "", errors: [], formError: nil)
    }

    func savePolicy(req: Request) async throws -> Response {
        try req.authorize(.update, .policyPack)
        let yaml = (try? req.content.get(String.self, at: "yaml")) ?? ""
        let comment = req.formValue("comment") ?? ""
        guard let current = try await PolicyVersion.query(on: req.db).sort(\.$number, .descending).first() else { throw Problem.notFound("policy version") }
        return try await req.handleForm({ try await policyPage(req, current: current, yaml: yaml, comment: comment, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let sent = Int(req.formValue("number") ?? ""), sent != current.number { throw Problem.preconditionFailed }
            _ = try await PolicyService.save(yaml: yaml, comment: comment.isEmpty ? nil : comment, req: req)
            return req.redirect(to: "/admin/policy", flash: "policySaved")
        }
    }

    private func policyPage(_ req: Request, current: PolicyVersion, yaml: String, comment: String, errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        var form = FormView(id: "policy-form", action: "/admin/policy", fields: [
            FormField(name: "yaml", label: req.t("policyYaml"), type: "textarea", value: yaml, required: true, rows: 30, cssClass: "code"),
            FormField(name: "comment", label: req.t("changeComment"), value: comment),
            FormField(name: "number", label: "", type: "hidden", value: String(current.number)),
        ], submitLabel: req.t("savePolicy"), submitId: "save-policy")
        if !errors.isEmpty || formError != nil {
            // Problems inside the YAML (groups, security…) are shown beside the editor.
            let mapped = errors.map { e in e.field == "yaml" || form.fields.contains { $0.name == e.field } ? e : FieldError(field: "yaml", code: e.code, message: "\(e.field): \(e.message)") }
            form.show(mapped, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = (form.formError ?? "") + " " + formError }
        }
        let context = PolicyContext(form: form, number: current.number, savedBy: current.createdBy,
                                    savedAt: MemberPages.format(current.createdAt, req.locale), canEdit: req.allowed(.update, .policyPack), yaml: yaml)
        return try await req.page("Admin/policy", title: "navPolicy", section: "policy", context, status: status)
    }

    struct WebhookRow: Encodable {
        var id: UUID
        var name: String
        var kind: String
        var url: String
        var events: String
        var active: Bool
    }

    struct WebhooksContext: Encodable {
        var rows: [WebhookRow]
        var form: FormView
    }

    func webhooks(req: Request) async throws -> Response {
        try req.authorize(.read, .webhook)
        return try await webhooksPage(req, values: ["kind": "wecom", "events": "*"], errors: [], formError: nil)
    }

    func createWebhook(req: Request) async throws -> Response {
        try req.authorize(.create, .webhook)
        var values: [String: String] = [:]
        for key in ["name", "kind", "url", "events"] { values[key] = req.formValue(key) ?? "" }
        return try await req.handleForm({ try await webhooksPage(req, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            _ = try await WebhooksAPI.create(WebhookInput(name: values["name"], kind: values["kind"], url: values["url"],
                                                          events: values["events"], active: true), req: req)
            return req.redirect(to: "/admin/webhooks", flash: "webhookSaved")
        }
    }

    func deleteWebhook(req: Request) async throws -> Response {
        try req.authorize(.delete, .webhook)
        guard let w = try await Webhook.find(try req.uuid("id", "webhook"), on: req.db) else { throw Problem.notFound("webhook") }
        try await req.db.writeTransaction { db in
            try await w.delete(on: db)
            try await Audit.record(.delete, "webhook", id: w.id, label: w.name, before: WebhookDTO(w), after: Optional<WebhookDTO>.none, request: req, on: db)
        }
        return req.redirect(to: "/admin/webhooks", flash: "deletedToBin")
    }

    private func webhooksPage(_ req: Request, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        func v(_ k: String) -> String { values[k] ?? "" }
        var form = FormView(id: "webhook-form", action: "/admin/webhooks", fields: [
            FormField(name: "name", label: req.t("name"), value: v("name"), required: true),
            .select("kind", req.t("webhookKind"), value: v("kind"), options: WebhookKind.allCases.map { ($0.rawValue, req.t("webhook" + $0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst())) }, required: true),
            FormField(name: "url", label: req.t("webhookUrl"), type: "url", value: v("url"), required: true),
            FormField(name: "events", label: req.t("webhookEvents"), value: v("events"), hint: req.t("webhookEventsHint")),
        ], submitLabel: req.t("addWebhook"), submitId: "add-webhook", dirtyWarn: false)
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = (form.formError ?? "") + " " + formError }
        }
        let rows = try await Webhook.query(on: req.db).sort(\.$name).all().map {
            WebhookRow(id: $0.id!, name: $0.name, kind: $0.kind, url: $0.url, events: $0.events, active: $0.active)
        }
        return try await req.page("Admin/webhooks", title: "navWebhooks", section: "webhooks", WebhooksContext(rows: rows, form: form), status: status)
    }
}
