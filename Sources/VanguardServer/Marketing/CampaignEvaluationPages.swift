import Foundation
import Vapor
import VanguardCore

/// The period evaluation (MP-4): every campaign of a month, quarter or year beside the plan, the
/// roll-up, a chart of spend and won revenue, and the same table as CSV or XLSX.
struct CampaignEvaluationPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("market", "evaluation", use: show)
        routes.get("market", "evaluation", "export", use: { try await CampaignEvaluationExport.file(req: $0, strict: false) })
    }

    struct Line: Encodable {
        var id: UUID?
        var code: String
        var name: String
        var status: String
        var budget: String
        var spend: String
        var spendOfBudget: String
        var leads: Int64
        var costPerLead: String
        var opportunities: Int64
        var wins: Int64
        var revenue: String
        var roi: String
        var overBudget: Bool
        var losing: Bool
    }

    struct Context: Encodable {
        var period: String
        var periods: [SalesReportPages.PeriodOption]
        var model: String
        var total: Line
        var lines: [Line]
        var charts: [BarChart]
        var exportCSV: String
        var exportXLSX: String
    }

    func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.read, .marketingRecord(MarketingFacts(owner: user.actor.memberId, promotionGroup: nil)))
        let period = try TargetService.period(req)
        let model = try CampaignEvaluationService.model(req)
        let r = try await CampaignEvaluationService.period(period, model: model, req: req)
        let money = { (d: Double) in SalesNames.yuan(Int64((d * 100).rounded())) }
        let pct = { (d: Double?) in d.map { String(format: "%.1f%%", $0) } ?? "—" }
        func line(_ e: CampaignEvaluationDTO, id: UUID?, code: String, name: String, status: String) -> Line {
            Line(id: id, code: code, name: name, status: status, budget: money(e.budget), spend: money(e.spend), spendOfBudget: pct(e.spendOfBudget),
                 leads: e.leads, costPerLead: e.costPerLead.map(money) ?? "—", opportunities: e.opportunities, wins: e.wins,
                 revenue: money(e.wonRevenue), roi: pct(e.returnOnInvestment), overBudget: (e.spendOfBudget ?? 0) > 100, losing: (e.returnOnInvestment ?? 0) < 0)
        }
        let lines = r.campaigns.map { line($0.evaluation, id: $0.campaignId, code: $0.code, name: $0.name, status: CampaignStatus(rawValue: $0.status)?.name[req.locale] ?? $0.status) }
        let top = r.campaigns.sorted { $0.evaluation.spend > $1.evaluation.spend }.prefix(8)
        var charts: [BarChart] = []
        if !top.isEmpty {
            charts.append(BarChart(title: req.t("spendByCampaign"), items: top.map { ($0.code, $0.evaluation.spend, "bar-spend") }, format: { money($0) }))
            charts.append(BarChart(title: req.t("revenueByCampaign"), items: top.map { ($0.code, $0.evaluation.wonRevenue, "bar-revenue") }, format: { money($0) }))
        }
        let query = ["period": period.description, "model": model.rawValue]
        return try await req.page("Marketing/evaluation", title: "navCampaignEvaluation", section: "campaign-evaluation", Context(
            period: period.description, periods: SalesReportPages.periods(req, current: period), model: model.rawValue,
            total: line(r.total, id: nil, code: "", name: req.t("total"), status: ""), lines: lines, charts: charts,
            exportCSV: SalesNames.href("/market/evaluation/export", query.merging(["format": "csv"]) { a, _ in a }),
            exportXLSX: SalesNames.href("/market/evaluation/export", query.merging(["format": "xlsx"]) { a, _ in a })))
    }
}

/// The period evaluation as a file, one row per campaign and a total row; numbers as numbers.
enum CampaignEvaluationExport {
    static func file(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.read, .marketingRecord(MarketingFacts(owner: user.actor.memberId, promotionGroup: nil)))
        let format = try req.queryChoice("format", from: ["csv", "xlsx"], strict: strict) ?? "csv"
        let r = try await CampaignEvaluationService.period(try TargetService.period(req), model: try CampaignEvaluationService.model(req), req: req)
        let t = req.t
        let n = { (v: Double?) in ServiceReportExport.number(v) }
        func row(_ code: String, _ name: String, _ e: CampaignEvaluationDTO) -> [String] {
            [code, name, n(e.budget), n(e.spend), n(e.spendOfBudget), String(e.leads), n(e.costPerLead), String(e.opportunities), String(e.wins),
             n(e.costPerAcquisition), n(e.wonRevenue), n(e.returnOnInvestment), String(e.impressions), String(e.clicks), n(e.platformCost)]
        }
        let sheet = XLSXWriter.Sheet(
            name: t("navCampaignEvaluation"),
            header: [t("campaignCode"), t("campaignName"), t("budgetYuan"), t("spendYuan"), t("spendOfBudget"), t("leads"), t("costPerLead"),
                     t("opportunities"), t("wins"), t("costPerAcquisition"), t("wonRevenue"), t("roi"), t("impressions"), t("clicks"), t("platformCost")],
            rows: r.campaigns.map { row($0.code, $0.name, $0.evaluation) } + [row("", t("total"), r.total)],
            figures: Set(2...14))
        let name = "campaign-evaluation-\(r.period)"
        if format == "xlsx" { return .download(try XLSXWriter.workbook([sheet]), type: Response.xlsxType, filename: "\(name).xlsx") }
        return .download(Data(ServiceReportExport.csv([sheet]).utf8), type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), filename: "\(name).csv")
    }
}

/// `GET /api/v1/campaign-evaluation/export?period=…&format=csv|xlsx`.
struct CampaignEvaluationExportAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("campaign-evaluation", "export", use: { try await CampaignEvaluationExport.file(req: $0, strict: true) })
    }
}
