import Vapor
import VanguardCore

/// A period's targets as CSV or XLSX (SAL-1, LEAD-1, RSK-M3): the team, each group and each
/// person with target, won so far, attainment, weighted forecast and, once committed, the
/// forecast's accuracy, as the targets page shows them: the monthly report a lead sends on.
extension SalesExport {
    static func targets(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .targets)
        let format = try format(req, strict: strict)
        let period = try TargetService.period(req)
        let report = try await TargetService.report(period, req: req)
        func yuan(_ d: Double) -> String { Money(fen: Int64((d * 100).rounded())).yuanText }
        func percent(_ p: Double?) -> String { p.map { String(format: "%.1f%%", $0) } ?? "" }
        let header = ["targetLevel", "who", "target", "wonToDate", "attainment", "forecast", "committedForecast", "forecastAccuracy"].map(req.t)
        let body = report.lines.map { l -> [String] in
            [req.t("level_" + l.level), l.level == "team" ? req.t("wholeTeam") : l.name, yuan(l.target), yuan(l.actual), percent(l.attainmentPercent),
             yuan(l.forecast), l.committedForecast.map(yuan) ?? "", percent(l.forecastAccuracyPercent)]
        }
        return try file(format, name: "targets-\(period)", sheet: req.t("navTargets"), header: header, rows: body)
    }
}
