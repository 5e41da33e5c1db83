import Fluent
import Vapor
import VanguardCore

/// Feedback on the web (SAL-5): capture it, route it to a department, record the response.
struct FeedbackPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("feedback", use: list)
        routes.get("feedback", "export", use: { try await SalesExport.feedback(req: $0, strict: false) })
        routes.post("feedback", use: create)
        routes.post("feedback", ":id", use: update)
        routes.get("feedback", ":id", use: one)
    }

    struct Row: Encodable {
        var id: UUID
        var summary: String
        var detail: String
        var category: String
        var source: String
        var tags: [String]
        var status: String
        var statusLabel: String
        var department: String
        var departmentId: String
        var response: String
        var customer: String
        var version: Int
        var canEdit: Bool
    }

    struct Context: Encodable {
        var rows: [Row]
        var form: FormView
        var departments: [FormField.Option]
        var statusOptions: [FormField.Option]
        var status: String
        var nextHref: String?
        /// One item shown alone (`GET /feedback/{id}`, linked from the digest), without the form.
        var single: Bool = false
        var canAdd: Bool = true
    }

    func list(req: Request) async throws -> Response { try await page(req, values: [:], errors: [], status: .ok) }

    /// One item, as the monthly digest links to it: its readers include the service group (CP-3).
    func one(req: Request) async throws -> Response {
        let f = try await FeedbackService.find(req)
        try req.authorize(.read, .feedbackItem(try await FeedbackService.facts(f, on: req.db), serviceGroup: try await TicketService.serviceGroup(on: req.db)))
        return try await page(req, values: [:], errors: [], status: .ok, only: f)
    }

    private func page(_ req: Request, values v: [String: String], errors: [FieldError], status: HTTPStatus, only: FeedbackItem? = nil) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["summary"], defaultSort: "summary")
        let categories = try await FeedbackService.categories(req)
        let categoryNames = Dictionary(categories.map { ($0.key, $0.name[req.locale]) }, uniquingKeysWith: { a, _ in a })
        let rows = if let only { [only] } else {
            try await list.apply(to: try FeedbackList.filtered(req, scope: AccessPolicy.salesScope(user.actor), categories: categories.map(\.key), strict: false),
                                 column: "summary").all()
        }
        let departments = try await Department.query(on: req.db).sort(\.$code).all()
        let customers = try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(rows.compactMap(\.customerId))).all()
        let (shown, nextCursor) = list.cut(rows, value: \.summary, id: { $0.id })
        var mapped: [Row] = []
        for f in shown {
            let facts = try await FeedbackService.facts(f, on: req.db)
            mapped.append(Row(id: f.id!, summary: f.summary, detail: f.detail, category: categoryNames[f.category] ?? f.category, source: req.t("feedbackSource_" + f.source),
                              tags: f.tags.split(separator: ",").map(String.init), status: f.status, statusLabel: req.t("feedback_" + f.status),
                              department: f.departmentId.flatMap { id in departments.first { $0.id == id }.map { req.locale == .en ? $0.nameEn : $0.nameZh } } ?? "—",
                              departmentId: f.departmentId?.uuidString ?? "", response: f.response,
                              customer: f.customerId.flatMap { id in customers.first { $0.id == id }?.name } ?? "—", version: f.version,
                              canEdit: req.allowed(.update, .salesRecord(facts))))
        }
        let departmentOptions = [FormField.Option(value: "", label: "—", selected: false)]
            + departments.map { FormField.Option(value: $0.id!.uuidString, label: req.locale == .en ? $0.nameEn : $0.nameZh, selected: false) }
        var form = FormView(id: "feedback-form", action: "/feedback", fields: [
            FormField(name: "summary", label: req.t("feedbackSummary"), value: v["summary"] ?? "", required: true),
            .select("category", req.t("category"), value: v["category"] ?? categories.first?.key, options: categories.map { ($0.key, $0.name[req.locale]) }, required: true),
            .select("source", req.t("sourceChannel"), value: v["source"] ?? "sales", options: FeedbackSource.allCases.map { ($0.rawValue, req.t("feedbackSource_" + $0.rawValue)) }),
            .select("departmentId", req.t("routeTo"), value: v["departmentId"], options: departmentOptions.map { ($0.value, $0.label) }),
            FormField(name: "tags", label: req.t("tags"), value: v["tags"] ?? "", hint: req.t("tagsHint")),
            FormField(name: "detail", label: req.t("detail"), type: "textarea", value: v["detail"] ?? "", rows: 3),
        ], submitLabel: req.t("addFeedback"), submitId: "add-feedback", dirtyWarn: false)
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        let current = req.queryString("status") ?? ""
        return try await req.page("Sales/feedback", title: "navFeedback", section: "feedback", Context(
            rows: mapped, form: form, departments: departmentOptions,
            statusOptions: SalesNames.statusOptions(req, FeedbackStatus.allCases.map(\.rawValue), labelPrefix: "feedback_", current: current),
            status: current, nextHref: nextCursor.map { SalesNames.href("/feedback", ["cursor": $0, "status": current]) }, single: only != nil,
            canAdd: only == nil && req.allowed(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))), status: status)
    }

    static func tags(_ raw: String?) -> [String]? {
        guard let raw, !raw.isEmpty else { return [] }
        return raw.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map(String.init).filter { !$0.isEmpty }
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, ["summary", "category", "source", "departmentId", "tags", "detail"])
        return try await req.handleForm({ errors, _ in try await page(req, values: v, errors: errors, status: .unprocessableEntity) }) {
            var input = FeedbackInput()
            input.summary = v["summary"]; input.category = v["category"]; input.source = v["source"]; input.detail = v["detail"]; input.tags = Self.tags(v["tags"])
            if let raw = v["departmentId"], let id = UUID(uuidString: raw) { input.departmentId = .value(id) }
            _ = try await FeedbackService.save(FeedbackService.new(owner: user.actor.memberId, at: req.now), input, creating: true, req: req)
            return req.redirect(to: "/feedback", flash: "feedbackSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        let f = try await FeedbackService.find(req)
        try req.authorize(.update, .salesRecord(try await FeedbackService.facts(f, on: req.db)))
        var input = FeedbackInput()
        if let raw = req.formValue("departmentId") { input.departmentId = raw.isEmpty ? .null : UUID(uuidString: raw).map { .value($0) } ?? .absent }
        if let r = req.formValue("response"), !r.isEmpty { input.response = r }
        if let s = req.formValue("status"), !s.isEmpty { input.status = s }
        do {
            _ = try await FeedbackService.save(f, input, creating: false, req: req)
        } catch let p as Problem where p.status == .unprocessableEntity || p.status == .conflict {
            return req.redirect(to: "/feedback", flash: p.errors.map(\.message).joined(separator: " "), kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/feedback", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/feedback", flash: "feedbackSaved")
    }
}
