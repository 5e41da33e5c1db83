import Fluent
import Foundation
import Vapor
import VanguardCore

/// `/api/v1/campaigns/{id}/metrics`, `…/evaluation`, `…/leads`, `/api/v1/campaign-metrics/import`
/// and `/api/v1/campaign-evaluation`: what campaigns spent and brought in (MP-3, MP-4, MKT-4).
struct CampaignResultsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("campaigns", ":id")
        c.get("metrics", use: metrics)
        c.post("metrics", use: addMetrics)
        c.on(.POST, "metrics", "import", body: .collect(maxSize: ImportFile.maxBodySize), use: importOne)
        c.get("evaluation", use: evaluation)
        c.get("leads", use: leads)
        routes.on(.POST, "campaign-metrics", "import", body: .collect(maxSize: ImportFile.maxBodySize), use: importMany)
        routes.get("campaign-evaluation", use: period)
    }

    func readable(_ req: Request) async throws -> Campaign {
        let c = try await CampaignService.find(req)
        try req.authorize(.read, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return c
    }

    func metrics(req: Request) async throws -> [CampaignMetrics.RowDTO] {
        let c = try await readable(req)
        let channel = try req.queryText("channel", max: 50)
        return try await CampaignMetrics.rows(c.id!, from: try CampaignList.day(req, "from", strict: true), to: try CampaignList.day(req, "to", strict: true),
                                              channel: channel, on: req.db)
    }

    func addMetrics(req: Request) async throws -> CampaignMetrics.Report {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        let input = try req.decodeJSON(MetricsInput.self)
        guard !input.rows.isEmpty, input.rows.count <= 5000 else { throw Problem.invalid("rows", "outOfRange", "Send from 1 to 5,000 days at once.") }
        let outcome = CampaignMetrics.check(input.table, campaigns: [c], defaultCampaign: c.id, policy: try await CampaignService.policy(req))
        // The table's row numbers count its header; the API's rows start at 0.
        let errors = outcome.errors.all.map { e -> FieldError in
            guard e.field.hasPrefix("rows["), let close = e.field.firstIndex(of: "]"), let n = Int(e.field.dropFirst(5).prefix(upTo: close)) else { return e }
            return FieldError(field: "rows[\(n - 2)]" + e.field[e.field.index(after: close)...], code: e.code, message: e.message)
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
        try await CampaignMetrics.write(outcome.rows, label: "\(outcome.rows.count) days of figures for \(c.code)", req: req)
        return CampaignMetrics.Report(rows: outcome.rows.count, campaigns: 1, dryRun: false, ignoredColumns: [])
    }

    func importOne(req: Request) async throws -> CampaignMetrics.Report {
        let c = try await CampaignService.find(req)
        try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        return try await CampaignMetrics.importFile(try ImportFile.table(from: try req.uploadedFile()), campaign: c, dryRun: try req.queryBool("dryRun") ?? false, req: req)
    }

    func importMany(req: Request) async throws -> CampaignMetrics.Report {
        // Who may write figures at all; each campaign in the file is checked again once read.
        let user = try req.requireUser()
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: user.actor.memberId, on: req.db)))
        return try await CampaignMetrics.importFile(try ImportFile.table(from: try req.uploadedFile()), campaign: nil, dryRun: try req.queryBool("dryRun") ?? false, req: req)
    }

    /// The whole campaign by default; `from`/`to` narrow it to a stretch of days.
    func evaluation(req: Request) async throws -> CampaignEvaluationDTO {
        let c = try await readable(req)
        let from = try CampaignList.day(req, "from", strict: true), to = try CampaignList.day(req, "to", strict: true)
        var period: ClosedRange<CivilDate>?
        if from != nil || to != nil {
            let lower = from ?? CivilDate(year: 2000, month: 1, day: 1)!, upper = to ?? CivilDate(year: 9999, month: 12, day: 31)!
            guard lower <= upper else { throw Request.queryProblem("to", "endBeforeStart", "The end (\(upper)) is before the start (\(lower)).") }
            period = lower...upper
        }
        return try await CampaignEvaluationService.evaluate(c, period: period, model: try CampaignEvaluationService.model(req), req: req)
    }

    func period(req: Request) async throws -> PeriodEvaluationDTO {
        let user = try req.requireUser()
        try req.authorize(.read, .marketingRecord(MarketingFacts(owner: user.actor.memberId, promotionGroup: nil)))
        return try await CampaignEvaluationService.period(try TargetService.period(req), model: try CampaignEvaluationService.model(req), req: req)
    }

    struct LeadDTO: Content, Equatable {
        var customerId: UUID
        var customerName: String
        var contactName: String?
        var kind: String
        var utmSource: String?
        var at: Date
        var status: String
    }

    /// The prospects the campaign brought in, newest first (at most 500).
    func leads(req: Request) async throws -> [LeadDTO] {
        let c = try await readable(req)
        return try await CampaignLeads.recent(c.id!, limit: 500, on: req.db)
    }
}

enum CampaignLeads {
    static func recent(_ campaign: UUID, limit: Int, on db: any Database) async throws -> [CampaignResultsAPI.LeadDTO] {
        let touches = try await CampaignTouch.query(on: db).filter(\.$campaignId == campaign).sort(\.$at, .descending).limit(limit).all()
        let customers = try await Customer.query(on: db).withDeleted().filter(\.$id ~~ Set(touches.map(\.customerId))).all()
        let contacts = try await Contact.query(on: db).withDeleted().filter(\.$id ~~ Set(touches.compactMap(\.contactId))).all()
        let byCustomer = Dictionary(customers.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let byContact = Dictionary(contacts.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return touches.map { t in
            .init(customerId: t.customerId, customerName: byCustomer[t.customerId]?.name ?? "—", contactName: t.contactId.flatMap { byContact[$0]?.name },
                  kind: t.kind, utmSource: t.utmSource, at: t.at, status: byCustomer[t.customerId]?.status ?? "")
        }
    }
}
