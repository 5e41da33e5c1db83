import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation
@testable import VanguardCore
@testable import VanguardServer

/// The service analysis as a file (SVC-5: "SVG charts, CSV/XLSX export").
@Suite("Service: the report as CSV and XLSX (SVC-5)")
struct ServiceReportExportTests {
    /// The CSV's sections by title: each one's header and rows (RFC 4180 quoting undone).
    static func sections(_ body: ByteBuffer) -> [String: [[String]]] {
        var text = String(buffer: body)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var result: [String: [[String]]] = [:]
        for block in text.components(separatedBy: "\r\n\r\n") {
            let lines = block.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            guard let title = lines.first else { continue }
            result[title] = lines.dropFirst().map(cells)
        }
        return result
    }

    static func cells(_ line: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, previous: Character?
        for ch in line {
            switch ch {
            case "\"" where quoted: quoted = false
            case "\"": if previous == "\"" { cell.append("\"") }; quoted = true
            case "," where !quoted: cells.append(cell); cell = ""
            default: cell.append(ch)
            }
            previous = ch
        }
        return cells + [cell]
    }

    @Test("the CSV has a section per table of the report holding the JSON report's figures, with formula-like names neutralised")
    func csv() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await ServiceTests.reportQuarter(world, team, customer: "=1+2 贸易")
            let en = [("Accept-Language", "en")]
            let r = try await world.api(.GET, "/api/v1/reports/service?period=2026-Q3", token: team.lead.token, headers: en).json(ServiceReport.self)
            #expect(r.opened == 4 && r.firstResponse.medianMinutes == 30 && r.repeatComplainers.count == 1)
            let file = try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3&format=csv", token: team.lead.token, headers: en)
            #expect(file.status == .ok && file.headers.contentType?.subType == "csv")
            #expect(file.headers.first(name: .contentDisposition) == "attachment; filename=\"service-report-2026-Q3.csv\"")
            let s = Self.sections(file.body)
            #expect(s.count == 8)
            #expect(s["By type"] == [["Type", "Tickets"]] + r.byType.map { [$0.name, String($0.count)] })
            #expect(s["By type"]?.contains(["Complaint", "3"]) == true)
            #expect(s["By channel"] == [["Channel", "Tickets"]] + r.byChannel.map { [$0.name, String($0.count)] })
            #expect(s["Response and resolution times"] == [["Measure", "Count", "Median (minutes)", "90th percentile (minutes)"],
                                                          ["First response", "\(r.firstResponse.count)", "\(r.firstResponse.medianMinutes!)", "\(r.firstResponse.p90Minutes!)"],
                                                          ["Resolution", "\(r.resolution.count)", "\(r.resolution.medianMinutes!)", "\(r.resolution.p90Minutes!)"]])
            #expect(s["SLA attainment"] == [["Measure", "Within target (%)"], ["First response", "50"], ["Resolution", "100"]])
            #expect(r.responseAttainmentPercent == 50 && r.resolutionAttainmentPercent == 100)
            #expect(s["Satisfaction"] == [["Score", "Answers"]] + r.satisfactionDistribution.enumerated().map { ["\($0.offset + 1)", "\($0.element)"] }
                                          + [["Answers", "\(r.satisfactionCount)"], ["Average score", "4"]])
            #expect(s["Top causes"] == [["Cause", "Tickets"]] + r.topCauses.map { [$0.name, String($0.count)] })
            #expect(s["Repeat complainers"] == [["Customer", "Complaints"], ["'=1+2 贸易", "3"]], "a name that looks like a formula stays text")
            let d = try #require(r.departments.first)
            #expect(s["Department turnaround"] == [["Department", "Answered", "Median hours", "Open, overdue"], [d.name, "1", "2", "0"]])
            #expect(d.answered == 1 && d.medianHours == 2)

            let chinese = try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3", token: team.lead.token, headers: [("Accept-Language", "zh-Hans")])
            #expect(Self.sections(chinese.body)["按类型"]?.first == ["类型", "工单数"])
        }
    }

    @Test("the XLSX opens as a workbook with a sheet per table, figures as numbers and names as text, never formulas")
    func xlsx() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await ServiceTests.reportQuarter(world, team, customer: "=1+2 贸易")
            let file = try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3&format=xlsx", token: team.executive.token, headers: [("Accept-Language", "en")])
            #expect(file.status == .ok && file.headers.contentType == Response.xlsxType)
            let archive = try Archive(data: Data(buffer: file.body), accessMode: .read)
            func part(_ path: String) throws -> String {
                let entry = try #require(archive[path])
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                return String(decoding: data, as: UTF8.self)
            }
            let workbook = try part("xl/workbook.xml")
            #expect(workbook.components(separatedBy: "<sheet ").count - 1 == 8)
            #expect(workbook.contains("name=\"By type\"") && workbook.contains("name=\"Department turnaround\""))
            let byType = try part("xl/worksheets/sheet1.xml")
            #expect(byType.contains("<t xml:space=\"preserve\">Complaint</t></is></c><c r=\"B3\"><v>3</v></c>"))
            let times = try part("xl/worksheets/sheet3.xml")
            #expect(times.contains("<v>30</v>") && times.contains("<v>90</v>") && times.contains("<v>100</v>") && times.contains("<v>105</v>"))
            let complainers = try part("xl/worksheets/sheet7.xml")
            #expect(complainers.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">=1+2 贸易</t>") && complainers.contains("<v>3</v>"))
            for i in 1...8 { #expect(try !part("xl/worksheets/sheet\(i).xml").contains("<f>")) }
        }
    }

    @Test("the export has the report's own permission and links on the report page")
    func access() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            #expect(try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3", token: team.salesRep.token).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3", token: team.serviceAgent.token).status == .ok)
            let bad = try await world.api(.GET, "/api/v1/reports/service/export?period=2026-Q3&format=pdf", token: team.lead.token)
            #expect(bad.status == .badRequest && bad.problemFields == ["format"])
            let web = WebClient(world)
            try await web.signIn("lead@team.test")
            #expect(try await web.get("/reports/service?period=2026-Q3").status == .ok)
            #expect(web.lastBody.contains("href=\"/reports/service/export?period=2026-Q3&amp;format=xlsx\""))
            let csv = try await web.get("/reports/service/export?period=2026-Q3&format=csv")
            #expect(csv.status == .ok && Self.sections(csv.body)["By type"]?.first == ["Type", "Tickets"])
        }
    }
}
