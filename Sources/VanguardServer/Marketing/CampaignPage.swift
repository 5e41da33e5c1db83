import Fluent
import Foundation
import Vapor
import VanguardCore

/// One campaign's page (MP-2 … MP-4): the plan beside its results, the status moves this person
/// may make, activities, spend, daily figures, the leads it brought, and the lessons.
extension CampaignPages {
    struct Move: Encodable {
        var to: String
        var label: String
        var primary: Bool
    }

    struct Figure: Encodable {
        var label: String
        var value: String
        var plan: String?
        var id: String
        var warn: Bool
    }

    struct ActivityRow: Encodable {
        var id: UUID
        var title: String
        var owner: String
        var dueOn: String
        var done: Bool
        var overdue: Bool
    }

    struct SpendRow: Encodable {
        var spentOn: String
        var amount: String
        var cny: String
        var note: String
    }

    struct LeadRow: Encodable {
        var customerId: UUID
        var name: String
        var contact: String
        var source: String
        var at: String
    }

    struct DetailContext: Encodable {
        var id: UUID
        var code: String
        var name: String
        var type: String
        var status: String
        var statusName: String
        var goal: String
        var audience: String
        var channels: [String]
        var contentPlan: String
        var budget: String
        var period: String
        var owner: String
        var formUrl: String
        var formOpen: Bool
        /// Not yet approved: the form opens on approval.
        var formPending: Bool
        var needsLeadApproval: Bool
        var approval: String?
        var moves: [Move]
        var canEdit: Bool
        var version: Int
        var figures: [Figure]
        var model: String
        var charts: [BarChart]
        var channelRows: [CampaignEvaluationDTO.Channel]
        var activities: [ActivityRow]
        var spend: [SpendRow]
        var leads: [LeadRow]
        var lessons: String
        var followUp: String
        var today: String
        var currencies: [String]
        /// Who the spend was with (MKT-5): the partners on file.
        var partners: [FormField.Option]
    }

    func show(req: Request) async throws -> Response { try await detail(req, try await CampaignService.find(req), status: .ok) }

    func detail(_ req: Request, _ c: Campaign, status: HTTPStatus) async throws -> Response {
        let facts = try await CampaignService.facts(c, on: req.db)
        try req.authorize(.read, .marketingRecord(facts))
        let policy = try await CampaignService.policy(req)
        let model = try CampaignEvaluationService.model(req)
        let e = try await CampaignEvaluationService.evaluate(c, period: nil, model: model, req: req)
        let activities = try await CampaignActivity.query(on: req.db).filter(\.$campaignId == c.id!).sort(\.$dueOn).all()
        let spend = try await CampaignSpend.query(on: req.db).filter(\.$campaignId == c.id!).sort(\.$spentOn, .descending).limit(200).all()
        let leads = try await CampaignLeads.recent(c.id!, limit: 50, on: req.db)
        let partners = try await Partner.query(on: req.db).sort(\.$name).limit(500).all()
        let partnerNames = Dictionary(partners.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let names = try await SalesNames.members(([c.ownerMemberId] + activities.map(\.ownerMemberId)).compactMap { $0 }, on: req.db)
        let canEdit = req.allowed(.update, .marketingRecord(facts))
        let money = { (d: Double) in SalesNames.yuan(Int64((d * 100).rounded())) }
        let pct = { (d: Double?) in d.map { String(format: "%.1f%%", $0) } ?? "—" }
        let rules = policy.campaignRules
        let actor = try await CampaignService.actor(req, owner: c.ownerMemberId, on: req.db)
        // Only the moves this person may make now; the refusal's reason is shown when they try anyway via the API.
        let moves: [Move] = canEdit ? (CampaignRules.moves[c.campaignStatus] ?? []).sorted { $0.rawValue < $1.rawValue }.compactMap { to in
            if to == .approved, rules.approvalRefusal(budget: c.plan.budget, actor: actor) != nil { return nil }
            if to == .evaluated, c.lessons.trimmingWhitespace().isEmpty { return nil }
            return Move(to: to.rawValue, label: req.t("campaignMove_" + to.rawValue), primary: to != .draft)
        } : []
        let goal: String = {
            guard let m = c.goalMetric.flatMap(GoalMetric.init(rawValue:)), let target = c.goalTarget else { return "—" }
            let amount = m == .revenue ? "¥" + SalesNames.yuan(target) : String(target)
            return "\(req.t("goal_" + m.rawValue)) \(amount)" + (c.goalNote.isEmpty ? "" : " · \(c.goalNote)")
        }()
        let goalActual: String? = {
            guard let m = c.goalMetric.flatMap(GoalMetric.init(rawValue:)) else { return nil }
            switch m {
            case .impressions: return String(e.impressions)
            case .clicks: return String(e.clicks)
            case .visits: return String(e.visits)
            case .leads: return String(e.leads)
            case .opportunities: return String(e.opportunities)
            case .wins: return String(e.wins)
            case .revenue: return "¥" + money(e.wonRevenue)
            }
        }()
        let figures = [
            Figure(label: req.t("spendOfBudget"), value: "¥" + money(e.spend), plan: "¥" + money(e.budget) + " · " + pct(e.spendOfBudget), id: "fig-spend",
                   warn: (e.spendOfBudget ?? 0) > 100),
            Figure(label: req.t("leads"), value: String(e.leads), plan: nil, id: "fig-leads", warn: false),
            Figure(label: req.t("costPerLead"), value: e.costPerLead.map { "¥" + money($0) } ?? "—", plan: e.plannedCostPerLead.map { req.t("plan") + " ¥" + money($0) },
                   id: "fig-cpl", warn: (e.costPerLead ?? 0) > (e.plannedCostPerLead ?? .infinity)),
            Figure(label: req.t("leadToOpportunity"), value: pct(e.leadToOpportunity), plan: "\(e.opportunities)", id: "fig-l2o", warn: false),
            Figure(label: req.t("wins"), value: String(e.wins), plan: pct(e.leadToWin), id: "fig-wins", warn: false),
            Figure(label: req.t("costPerAcquisition"), value: e.costPerAcquisition.map { "¥" + money($0) } ?? "—", plan: nil, id: "fig-cpa", warn: false),
            Figure(label: req.t("wonRevenue"), value: "¥" + money(e.wonRevenue), plan: req.t("attribution_" + model.rawValue), id: "fig-revenue", warn: false),
            Figure(label: req.t("roi"), value: pct(e.returnOnInvestment), plan: nil, id: "fig-roi", warn: (e.returnOnInvestment ?? 0) < 0),
            Figure(label: req.t("goalAttainment"), value: pct(e.goalAttainment), plan: goalActual, id: "fig-goal", warn: false),
            Figure(label: req.t("clickThrough"), value: pct(e.clickThrough), plan: "\(e.clicks) / \(e.impressions)", id: "fig-ctr", warn: false),
        ]
        var charts: [BarChart] = []
        if !e.weeks.isEmpty {
            charts.append(BarChart(title: req.t("leadsByWeek"), items: e.weeks.map { (String($0.week.dropFirst(5)), Double($0.leads), "bar-leads") }, format: { String(Int($0)) }))
            charts.append(BarChart(title: req.t("spendByWeek"), items: e.weeks.map { (String($0.week.dropFirst(5)), $0.spend, "bar-spend") }, format: { $0 == 0 ? "" : money($0) }))
        }
        return try await req.page("Marketing/campaign", title: "navCampaigns", section: "campaigns", DetailContext(
            id: c.id!, code: c.code, name: c.name, type: Self.typeName(c.type, policy, req.locale), status: c.status, statusName: c.campaignStatus.name[req.locale],
            goal: goal, audience: c.audience, channels: c.channelKeys.map { k in policy.effectiveChannels.first { $0.key == k }?.name[req.locale] ?? k },
            contentPlan: c.contentPlan, budget: SalesNames.yuan(c.budgetFen), period: Self.period(c), owner: c.ownerMemberId.flatMap { names[$0] } ?? "—",
            formUrl: "/forms/\(c.slug)", formOpen: LeadCapture.isOpen(c), formPending: [.draft, .submitted].contains(c.campaignStatus), needsLeadApproval: rules.needsLeadApproval(c.plan.budget),
            approval: c.approvedAt.map { _ in req.t("campaignApproved") }, moves: moves, canEdit: canEdit, version: c.version,
            figures: figures, model: model.rawValue, charts: charts, channelRows: e.byChannel,
            activities: activities.map { a in
                ActivityRow(id: a.id!, title: a.title, owner: a.ownerMemberId.flatMap { names[$0] } ?? "—", dueOn: a.dueOn ?? "—", done: a.doneAt != nil,
                            overdue: a.doneAt == nil && (a.dueOn.map { $0 < req.today.description } ?? false))
            },
            spend: spend.map { s in
                SpendRow(spentOn: s.spentOn, amount: "\(s.currency) \(SalesNames.yuan(s.amount))" + (s.rate.map { " × \($0)" } ?? ""), cny: SalesNames.yuan(s.cnyFen),
                         note: [s.partnerId.flatMap { partnerNames[$0] }, s.note.isEmpty ? nil : s.note].compactMap { $0 }.joined(separator: " · "))
            },
            leads: leads.map { l in
                LeadRow(customerId: l.customerId, name: l.customerName, contact: l.contactName ?? "", source: l.utmSource ?? "—", at: MemberPages.format(l.at, req.locale))
            },
            lessons: c.lessons, followUp: c.followUp, today: req.today.description, currencies: ["CNY", "USD", "EUR", "HKD", "JPY", "GBP"],
            partners: [FormField.Option(value: "", label: "—", selected: true)] + partners.map { FormField.Option(value: $0.id!.uuidString, label: $0.name, selected: false) }),
            status: status)
    }

    /// A status button: the move goes through the same rules as the API; a refusal comes back as a flash.
    func move(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        var input = CampaignInput()
        input.status = req.formValue("status")
        return try await flashOnProblem(req, c) {
            _ = try await CampaignService.save(c, input, creating: false, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)", flash: "campaignMoved")
        }
    }

    func lessons(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        var input = CampaignInput()
        input.lessons = req.formValue("lessons") ?? ""
        input.followUp = req.formValue("followUp") ?? ""
        if req.formValue("evaluate") == "true" { input.status = CampaignStatus.evaluated.rawValue }
        return try await flashOnProblem(req, c) {
            _ = try await CampaignService.save(c, input, creating: false, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)#lessons", flash: "campaignSaved")
        }
    }

    func addActivity(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        var input = CampaignActivityInput()
        input.title = req.formValue("title")
        if let d = req.formValue("dueOn"), !d.isEmpty { input.dueOn = .value(d) }
        if let o = req.formValue("ownerId").flatMap(UUID.init(uuidString:)) { input.ownerId = .value(o) }
        return try await flashOnProblem(req, c) {
            let a = CampaignActivity()
            a.campaignId = c.id!; a.notes = ""; a.version = 1
            _ = try await CampaignService.saveActivity(a, input, campaign: c, creating: true, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)#activities", flash: "campaignActivitySaved")
        }
    }

    func activityDone(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        guard let a = try await CampaignActivity.query(on: req.db).filter(\.$id == (try req.uuid("activityId", "activity"))).filter(\.$campaignId == c.id!).first()
        else { throw Problem.notFound("activity") }
        var input = CampaignActivityInput()
        input.done = a.doneAt == nil
        _ = try await CampaignService.saveActivity(a, input, campaign: c, creating: false, req: req)
        return req.redirect(to: "/market/campaigns/\(c.id!)#activities", flash: "campaignActivitySaved")
    }

    func addSpend(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        var input = CampaignSpendInput()
        input.spentOn = req.formValue("spentOn"); input.currency = req.formValue("currency"); input.rate = req.formValue("rate")
        input.note = req.formValue("note")
        input.partnerId = req.formValue("partnerId").flatMap(UUID.init(uuidString:))
        if let raw = req.formValue("amount"), !raw.isEmpty { input.amount = Double(raw.replacingOccurrences(of: ",", with: "")) ?? .nan }
        return try await flashOnProblem(req, c) {
            _ = try await CampaignService.addSpend(input, to: c, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)#spend", flash: "spendSaved")
        }
    }

    func importMetrics(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try await flashOnProblem(req, c) {
            let r = try await CampaignMetrics.importFile(try ImportFile.table(from: try req.uploadedFile()), campaign: c, req: req)
            return req.redirect(to: "/market/campaigns/\(c.id!)#metrics", flash: req.t("metricsImported").replacingOccurrences(of: "{rows}", with: String(r.rows)))
        }
    }

    /// Small forms on the campaign page answer a refusal with the reasons at the top of the page.
    private func flashOnProblem(_ req: Request, _ c: Campaign, _ action: () async throws -> Response) async throws -> Response {
        do {
            return try await action()
        } catch let p as Problem where [.unprocessableEntity, .conflict, .preconditionFailed, .badRequest, .payloadTooLarge, .unsupportedMediaType].contains(p.status) {
            let reasons = p.errors.isEmpty ? (p.detail ?? p.title) : p.errors.prefix(8).map(\.message).joined(separator: " ")
            return req.redirect(to: "/market/campaigns/\(c.id!)", flash: reasons, kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/market/campaigns/\(c.id!)", flash: e.all.prefix(8).map(\.message).joined(separator: " "), kind: "error")
        }
    }
}
