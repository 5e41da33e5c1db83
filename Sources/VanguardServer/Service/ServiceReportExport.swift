import Foundation
import Vapor
import VanguardCore

/// The service analysis (SVC-5) as a file: CSV with one titled section per table of the report,
/// or XLSX with one sheet per table, headers in the reader's language. The figures are the
/// report's own (`ServiceReports.report`); cells are written by the platform's CSV and XLSX
/// writers, which never let a cell become a formula.
enum ServiceReportExport {
    static func file(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: req.db)))
        let format = try req.queryChoice("format", from: ["csv", "xlsx"], strict: strict) ?? "csv"
        let report = try await ServiceReports.report(try TargetService.period(req), req: req)
        let tables = sheets(report, req)
        let name = "service-report-\(report.period)"
        if format == "xlsx" {
            return .download(try XLSXWriter.workbook(tables), type: Response.xlsxType, filename: "\(name).xlsx")
        }
        return .download(Data(csv(tables).utf8), type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), filename: "\(name).csv")
    }

    /// One table per figure of the report, in the order the report page shows them.
    static func sheets(_ r: ServiceReport, _ req: Request) -> [XLSXWriter.Sheet] {
        let t = req.t
        func counts(_ title: String, _ key: String, _ rows: [ServiceReport.Count]) -> XLSXWriter.Sheet {
            XLSXWriter.Sheet(name: t(title), header: [t(key), t("exportTickets")], rows: rows.map { [$0.name, String($0.count)] }, figures: [1])
        }
        func times(_ key: String, _ x: ServiceReport.Times) -> [String] {
            [t(key), String(x.count), number(x.medianMinutes), number(x.p90Minutes)]
        }
        return [
            counts("ticketsByType", "ticketType", r.byType),
            counts("ticketsByChannel", "ticketChannel", r.byChannel),
            .init(name: t("serviceTimes"), header: [t("exportMeasure"), t("exportCount"), t("exportMedianMinutes"), t("exportP90Minutes")],
                  rows: [times("firstResponse", r.firstResponse), times("resolution", r.resolution)], figures: [1, 2, 3]),
            .init(name: t("slaAttainment"), header: [t("exportMeasure"), t("exportMetPercent")],
                  rows: [[t("firstResponse"), number(r.responseAttainmentPercent)], [t("resolution"), number(r.resolutionAttainmentPercent)]], figures: [1]),
            .init(name: t("satisfaction"), header: [t("score"), t("exportAnswers")],
                  rows: r.satisfactionDistribution.enumerated().map { [String($0.offset + 1), String($0.element)] }
                      + [[t("exportAnswers"), String(r.satisfactionCount)], [t("exportAverageScore"), number(r.satisfactionAverage)]], figures: [0, 1]),
            counts("topCauses", "cause", r.topCauses),
            .init(name: t("repeatComplainers"), header: [t("customer"), t("exportComplaints")],
                  rows: r.repeatComplainers.map { [$0.name, String($0.complaints)] }, figures: [1]),
            .init(name: t("departmentTurnaround"), header: [t("department"), t("answeredTasks"), t("medianHours"), t("openOverdue")],
                  rows: r.departments.map { [$0.name, String($0.answered), number($0.medianHours), String($0.openOverdue)] }, figures: [1, 2, 3]),
        ]
    }

    /// Each table under its title, a blank line between tables.
    static func csv(_ sheets: [XLSXWriter.Sheet]) -> String {
        var out = CSVWriter(header: [sheets.first?.name ?? ""])
        for (i, sheet) in sheets.enumerated() {
            if i > 0 { out.append([]); out.append([sheet.name]) }
            out.append(sheet.header)
            for row in sheet.rows { out.append(row) }
        }
        return out.text
    }

    /// A figure as a plain decimal ("" when there is none), never in exponent notation.
    static func number(_ value: Int?) -> String { value.map { String($0) } ?? "" }
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }
}

/// `GET /api/v1/reports/service/export?period=…&format=csv|xlsx`.
struct ServiceReportExportAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "service", "export", use: { try await ServiceReportExport.file(req: $0, strict: true) })
    }
}

/// `/reports/service/export`: the same file from the report page's links.
struct ServiceReportExportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "service", "export", use: { try await ServiceReportExport.file(req: $0, strict: false) })
    }
}
