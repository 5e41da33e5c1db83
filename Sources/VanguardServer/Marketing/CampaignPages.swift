import Fluent
import Foundation
import Vapor
import VanguardCore

/// Campaigns on the web (MKT-1, MKT-4, MP-2 … MP-4): the list, the plan form, and the campaign
/// page where it is approved, run, measured and evaluated.
struct CampaignPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let m = routes.grouped("market", "campaigns")
        m.get(use: list)
        m.get("new", use: newForm)
        m.post(use: create)
        m.get(":id", use: show)
        m.get(":id", "edit", use: editForm)
        m.post(":id", use: update)
        m.post(":id", "status", use: move)
        m.post(":id", "activities", use: addActivity)
        m.post(":id", "activities", ":activityId", "done", use: activityDone)
        m.post(":id", "spend", use: addSpend)
        m.post(":id", "lessons", use: lessons)
        m.on(.POST, ":id", "metrics", body: .collect(maxSize: ImportFile.maxBodySize), use: importMetrics)
    }

    struct Row: Encodable {
        var id: UUID
        var code: String
        var name: String
        var type: String
        var status: String
        var statusName: String
        var period: String
        var budget: String
        var owner: String
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var statusOptions: [FormField.Option]
        var typeOptions: [FormField.Option]
        var canCreate: Bool
        var nextHref: String?
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let policy = try await CampaignService.policy(req)
        let (list, rows) = try await CampaignList.page(req, strict: false)
        let (shown, next) = list.cut(rows, value: { CampaignList.sortValue($0, list.sortField) }, id: { $0.id })
        let owners = try await SalesNames.members(shown.compactMap(\.ownerMemberId), on: req.db)
        let status = req.queryString("status") ?? "", type = req.queryString("type") ?? ""
        let facts = try await PromotionGroup.facts(owner: user.actor.memberId, on: req.db)
        return try await req.page("Marketing/campaigns", title: "navCampaigns", section: "campaigns", ListContext(
            rows: shown.map { c in
                Row(id: c.id!, code: c.code, name: c.name, type: Self.typeName(c.type, policy, req.locale), status: c.status,
                    statusName: c.campaignStatus.name[req.locale], period: Self.period(c), budget: SalesNames.yuan(c.budgetFen),
                    owner: c.ownerMemberId.flatMap { owners[$0] } ?? "—")
            },
            q: req.queryString("q") ?? "",
            statusOptions: [FormField.Option(value: "", label: req.t("allStatuses"), selected: status.isEmpty)]
                + CampaignStatus.allCases.map { FormField.Option(value: $0.rawValue, label: $0.name[req.locale], selected: $0.rawValue == status) },
            typeOptions: [FormField.Option(value: "", label: req.t("allCampaignTypes"), selected: type.isEmpty)]
                + policy.effectiveCampaignTypes.map { FormField.Option(value: $0.type.rawValue, label: $0.effectiveName[req.locale], selected: $0.type.rawValue == type) },
            canCreate: req.allowed(.create, .marketingRecord(facts)),
            nextHref: next.map { SalesNames.href("/market/campaigns", ["cursor": $0, "status": status, "type": type, "q": req.queryString("q") ?? ""]) }))
    }

    static func typeName(_ type: String, _ policy: MarketingPolicy, _ locale: AppLocale) -> String {
        policy.effectiveCampaignTypes.first { $0.type.rawValue == type }?.effectiveName[locale] ?? type
    }

    static func period(_ c: Campaign) -> String {
        switch (c.startOn, c.endOn) {
        case (nil, nil): "—"
        case let (s, e): "\(s ?? "…") – \(e ?? "…")"
        }
    }

    // MARK: The plan form

    static let formKeys = ["name", "type", "goalMetric", "goalTarget", "goalNote", "audience", "channels", "contentPlan", "budget",
                           "plannedCostPerLead", "startOn", "endOn", "ownerId", "slug"]

    struct FormContext: Encodable {
        var form: FormView
        var title: String
        var channels: [FormField.Option]
        var channelsError: String?
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: user.actor.memberId, on: req.db)))
        return try await form(req, nil, values: ["ownerId": user.actor.memberId?.uuidString ?? "", "type": CampaignType.exhibition.rawValue], channels: [], errors: [], status: .ok)
    }

    func editForm(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let v: [String: String] = [
            "name": c.name, "type": c.type, "goalMetric": c.goalMetric ?? "", "goalTarget": c.goalTarget.map { c.goalMetric == GoalMetric.revenue.rawValue ? Self.yuanField($0) : String($0) } ?? "",
            "goalNote": c.goalNote, "audience": c.audience, "contentPlan": c.contentPlan, "budget": Self.yuanField(c.budgetFen),
            "plannedCostPerLead": c.plannedCostPerLeadFen.map(Self.yuanField) ?? "", "startOn": c.startOn ?? "", "endOn": c.endOn ?? "",
            "ownerId": c.ownerMemberId?.uuidString ?? "", "slug": c.slug,
        ]
        return try await form(req, c, values: v, channels: c.channelKeys, errors: [], status: .ok)
    }

    static func yuanField(_ fen: Int64) -> String { String(format: "%.2f", Double(fen) / 100) }

    private func form(_ req: Request, _ c: Campaign?, values v: [String: String], channels: [String], errors: [FieldError], status: HTTPStatus) async throws -> Response {
        let policy = try await CampaignService.policy(req)
        let members = try await Member.query(on: req.db).sort(\.$nameOrder).all()
        var form = FormView(id: "campaign-form", action: c.map { "/market/campaigns/\($0.id!)" } ?? "/market/campaigns", fields: [
            FormField(name: "name", label: req.t("campaignName"), value: v["name"] ?? "", required: true),
            .select("type", req.t("campaignType"), value: v["type"], options: policy.effectiveCampaignTypes.map { ($0.type.rawValue, $0.effectiveName[req.locale]) }, required: true),
            .select("goalMetric", req.t("goalMetric"), value: v["goalMetric"], options: [("", "—")] + GoalMetric.allCases.map { ($0.rawValue, req.t("goal_" + $0.rawValue)) }),
            FormField(name: "goalTarget", label: req.t("goalTarget"), type: "text", value: v["goalTarget"] ?? "", hint: req.t("goalTargetHint")),
            FormField(name: "goalNote", label: req.t("goalNote"), value: v["goalNote"] ?? ""),
            FormField(name: "audience", label: req.t("audience"), type: "textarea", value: v["audience"] ?? "", rows: 2),
            FormField(name: "contentPlan", label: req.t("contentPlan"), type: "textarea", value: v["contentPlan"] ?? "", rows: 4),
            FormField(name: "budget", label: req.t("budgetYuan"), value: v["budget"] ?? "", hint: req.t("budgetHint").replacingOccurrences(of: "{threshold}", with: SalesNames.yuan(policy.effectiveApprovalThreshold.fen))),
            FormField(name: "plannedCostPerLead", label: req.t("plannedCostPerLead"), value: v["plannedCostPerLead"] ?? "", hint: req.t("plannedCostPerLeadHint")),
            FormField(name: "startOn", label: req.t("startOn"), type: "date", value: v["startOn"] ?? ""),
            FormField(name: "endOn", label: req.t("endOn"), type: "date", value: v["endOn"] ?? ""),
            .select("ownerId", req.t("owner"), value: v["ownerId"], options: [("", "—")] + members.map { ($0.id!.uuidString, $0.name) }),
            FormField(name: "slug", label: req.t("formAddress"), value: v["slug"] ?? "", hint: req.t("formAddressHint")),
        ], submitLabel: req.t("save"), cancelHref: c.map { "/market/campaigns/\($0.id!)" } ?? "/market/campaigns")
        var channelsError: String?
        if !errors.isEmpty {
            form.show(errors.filter { !$0.field.hasPrefix("channels") }, locale: req.locale, translations: req.application.translations)
            channelsError = errors.first { $0.field.hasPrefix("channels") }?.message
            if channelsError != nil && form.formError == nil { form.formError = req.t("formHasErrors") }
        }
        return try await req.page("Marketing/campaign-form", title: c == nil ? "newCampaign" : "editCampaign", section: "campaigns", FormContext(
            form: form, title: c?.name ?? req.t("newCampaign"),
            channels: policy.effectiveChannels.map { FormField.Option(value: $0.key, label: $0.name[req.locale], selected: channels.contains($0.key)) },
            channelsError: channelsError), status: status)
    }

    /// The posted plan as the API's input; a figure that is not a number is reported by field.
    static func input(_ req: Request, _ v: [String: String]) throws -> CampaignInput {
        var input = CampaignInput()
        var errors = FieldErrors()
        func number(_ key: String) -> Double? {
            guard let raw = v[key], !raw.isEmpty else { return nil }
            guard let d = Double(raw.replacingOccurrences(of: ",", with: "")) else { errors.add(key, "notANumber", "Not a number."); return nil }
            return d
        }
        input.name = v["name"]; input.type = v["type"]
        input.goalMetric = (v["goalMetric"] ?? "").isEmpty ? .null : .value(v["goalMetric"]!)
        if let target = number("goalTarget") {
            input.goalTarget = .value(v["goalMetric"] == GoalMetric.revenue.rawValue ? Int64((target * 100).rounded()) : Int64(target.rounded()))
        } else { input.goalTarget = .null }
        input.goalNote = v["goalNote"]; input.audience = v["audience"]; input.contentPlan = v["contentPlan"]
        input.budget = number("budget") ?? 0
        input.plannedCostPerLead = number("plannedCostPerLead").map { .value($0) } ?? .null
        input.startOn = (v["startOn"] ?? "").isEmpty ? .null : .value(v["startOn"]!)
        input.endOn = (v["endOn"] ?? "").isEmpty ? .null : .value(v["endOn"]!)
        input.ownerId = (v["ownerId"]).flatMap(UUID.init(uuidString:)).map { .value($0) } ?? .null
        if let slug = v["slug"], !slug.isEmpty { input.slug = slug.lowercased() }
        input.channels = (try? req.content.get([String].self, at: "channels")) ?? []
        try errors.throwIfAny()
        return input
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: user.actor.memberId, on: req.db)))
        let v = SalesNames.posted(req, Self.formKeys)
        let channels = (try? req.content.get([String].self, at: "channels")) ?? []
        return try await req.handleForm({ errors, detail in
            try await form(req, nil, values: v, channels: channels, errors: errors + (detail.map { [FieldError(field: "", code: "", message: $0)] } ?? []), status: .unprocessableEntity)
        }) {
            let c = try await CampaignService.save(CampaignService.new(owner: user.actor.memberId, now: req.now), try Self.input(req, v), creating: true, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)", flash: "campaignSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, Self.formKeys + ["version"])
        let channels = (try? req.content.get([String].self, at: "channels")) ?? []
        return try await req.handleForm({ errors, detail in
            try await form(req, c, values: v, channels: channels, errors: errors + (detail.map { [FieldError(field: "", code: "", message: $0)] } ?? []), status: .unprocessableEntity)
        }) {
            var input = try Self.input(req, v)
            if input.slug == nil { input.slug = c.slug }
            _ = try await CampaignService.save(c, input, creating: false, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)", flash: "campaignSaved")
        }
    }
}
