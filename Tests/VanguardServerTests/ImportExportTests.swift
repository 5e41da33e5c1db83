import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation
@testable import VanguardCore
@testable import VanguardServer

/// HR sets up a team from a spreadsheet: the file is read in whatever form Excel wrote it, every
/// problem is reported by row and column, and nothing is saved unless the whole file is right.
@Suite("Importing and exporting members (CSV and XLSX)")
struct ImportExportTests {
    static let header = "工号,姓名,英文名,邮箱,手机,职位,职级,入职日期,小组,直属上级,状态"

    @Test("a UTF-8 CSV with BOM and Chinese titles adds every member, supervisors within the file included, with history")
    func importsCSV() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = "\u{FEFF}" + Self.header + "\r\n"
                + "N001,钱多多,Qian Duoduo,qian@team.test,138 1234 5678,销售主管,M1,2025-02-03,销售组,T001,在职\r\n"
                + "N002,孙小美,Sun Xiaomei,sun@team.test,,销售代表,P2,2025/3/5,Sales,N001,probation\r\n"
                + ",,,,,,,,,,\r\n"
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, Data(csv.utf8), type: "text/csv")
            #expect(answer.status == .ok, "\(answer.body.string)")
            #expect(try answer.json(MemberImport.Report.self).created == 2)
            let qian = try #require(try await Member.query(on: world.db).filter(\.$employeeNo == "N001").first())
            let sun = try #require(try await Member.query(on: world.db).filter(\.$employeeNo == "N002").first())
            #expect(qian.supervisorId == team.lead.member, "supervisor named by an existing employee number")
            #expect(sun.supervisorId == qian.id, "supervisor added by the same file")
            #expect(qian.mobile == "13812345678")
            #expect(sun.hireDate == "2025-03-05")
            #expect(sun.status == "probation")
            #expect(sun.$group.id == team.groups["sales"])
            let events = try await AuditEvent.query(on: world.db).filter(\.$entityType == "member").filter(\.$action == "create").count()
            #expect(events == 2, "one history entry per member added")
            #expect(try await AuditEvent.query(on: world.db).filter(\.$action == "imported").count() == 1)
        }
    }

    @Test("a large CSV is read in pieces on every core, and the rows are exactly one reader's: quoted line breaks, CR LF, bare CR, stray quotes, empty lines")
    func csvReadInPieces() throws {
        let samples = [
            "a,b\n1,2\n3,4\n5,6\n7,8\n",
            "名称,备注\r\n\"上海,星辰\",\"两行\r\n的备注\"\r\n杭州,\"说\"\"好\"\"的\"\r\n\r\n深圳,x\r\n",
            "a;b\rc;d\re;\"f\rg\"\rh;i",
            "x,\"never closed\n1,2\n3,4\n",
            "x,ab\"c\n\"d\"e,f\n\"g\"\"\",\n,\n\n",
            "\"q\"\n\"q\"\r\"q\"",
        ]
        for text in samples {
            let delimiter: UnicodeScalar = text.hasPrefix("a;") ? ";" : ","
            let whole = try CSVPieces.read(text, delimiter: delimiter)
            for pieces in 2...6 {
                #expect(try CSVPieces.rows(text, delimiter: delimiter, pieces: pieces, minimumPieceBytes: 1) == whole, "\(pieces) pieces of \(text.debugDescription)")
            }
        }
        // Random texts made of the characters that matter.
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["a", "星", ",", "\"", "\"\"", "\n", "\r", "\r\n"]
        for _ in 0..<400 {
            let text = (0..<Int.random(in: 0...60, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let whole = try CSVPieces.read(text, delimiter: ",")
            #expect(try CSVPieces.rows(text, delimiter: ",", pieces: Int.random(in: 2...5, using: &generator), minimumPieceBytes: 1) == whole, "\(text.debugDescription)")
        }
        // A customer file is really cut: four pieces of a 1,000-row file, each starting a row.
        let file = "名称,电话\n" + (0..<1_000).map { "\"客户\($0),有限公司\",0571-\($0)\n" }.joined()
        let bytes = Array(file.utf8)
        let cuts = CSVPieces.rowStarts(bytes, delimiter: UInt8(ascii: ","), near: 4)
        #expect(cuts.count == 3 && cuts.allSatisfy { bytes[$0 - 1] == UInt8(ascii: "\n") && bytes[$0] == UInt8(ascii: "\"") })
        #expect(try CSVPieces.rows(file, delimiter: ",", pieces: 4, minimumPieceBytes: 1) == CSVPieces.read(file, delimiter: ","))
        // Reading stops past the limit, in one piece or several.
        for pieces in [1, 4] {
            #expect(throws: CSVPieces.TooManyRows.self) { try CSVPieces.rows(file, delimiter: ",", limit: 100, pieces: pieces, minimumPieceBytes: 1) }
        }
        #expect(try CSVPieces.rows(file, delimiter: ",", limit: 1_001, pieces: 4, minimumPieceBytes: 1).count == 1_001)
    }

    @Test("a CSV saved by Excel on Chinese Windows (GBK) reads as Chinese")
    func importsGBK() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = Self.header + "\n" + "N010,钱多多,,qian@team.test,,销售主管,M1,2025-02-03,客户服务组,,在职\n"
            let gbk = try #require(csv.data(using: ImportFile.gb18030))
            #expect(String(data: gbk, encoding: .utf8) == nil, "the test file really is not UTF-8")
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, gbk, type: "text/csv")
            #expect(answer.status == .ok, "\(answer.body.string)")
            let m = try #require(try await Member.query(on: world.db).filter(\.$employeeNo == "N010").first())
            #expect(m.name == "钱多多")
            #expect(m.$group.id == team.groups["service"])
        }
    }

    @Test("every bad row is named by row and column, and not one member is saved")
    func reportsEveryProblem() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let before = try await Member.query(on: world.db).count()
            let csv = Self.header + "\n"
                + "N020,好人,,good@team.test,,销售代表,P1,2025-01-01,销售组,,在职\n"
                + "N021,坏邮箱,,not-an-email,,销售代表,P1,2025-01-01,销售组,,在职\n"
                + "T001,重复工号,,dup@team.test,,销售代表,P1,2025-01-01,销售组,,在职\n"
                + "N023,=HYPERLINK(\"http://x\"),,f@team.test,,销售代表,P1,2025-01-01,销售组,,在职\n"
                + "N024,没小组,,g@team.test,,销售代表,P1,2025-02-30,火星组,N999,在职\n"
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, Data(csv.utf8), type: "text/csv")
            #expect(answer.status == .unprocessableEntity)
            #expect(answer.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let fields = Set(answer.problemFields)
            #expect(fields.isSuperset(of: ["rows[3].email", "rows[4].employeeNo", "rows[5].name", "rows[6].group", "rows[6].hireDate"]), "\(fields)")
            #expect(!fields.contains { $0.hasPrefix("rows[2].") }, "the good row has no problem")
            #expect(try await Member.query(on: world.db).count() == before, "all or nothing")
        }
    }

    @Test("a supervisor loop inside the file and a missing required column are refused")
    func loopsAndColumns() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let loop = Self.header + "\n"
                + "N030,甲,,a@team.test,,销售代表,P1,2025-01-01,,N031,在职\n"
                + "N031,乙,,b@team.test,,销售代表,P1,2025-01-01,,N030,在职\n"
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, Data(loop.utf8), type: "text/csv")
            #expect(answer.status == .unprocessableEntity)
            #expect(answer.problem?.errors?.contains { $0.code == "reportingCycle" } == true)

            let noEmail = "工号,姓名,职位,职级,入职日期\nN040,丙,销售代表,P1,2025-01-01\n"
            let missing = try await world.upload("/api/v1/members/import", token: team.hr.token, Data(noEmail.utf8), type: "text/csv")
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.problem?.errors?.first?.code == "missingColumn")
            #expect(missing.problem?.detail?.contains("email") == true)
        }
    }

    @Test("a dry run checks the file and saves nothing")
    func dryRun() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = Self.header + ",备注\nN050,丁,,d@team.test,,销售代表,P1,2025-01-01,,,在职,hello\n"
            let answer = try await world.upload("/api/v1/members/import?dryRun=true", token: team.hr.token, Data(csv.utf8), type: "text/csv")
            #expect(answer.status == .ok)
            let report = try answer.json(MemberImport.Report.self)
            #expect(report.rows == 1 && report.created == 0 && report.dryRun)
            #expect(report.ignoredColumns == ["备注"])
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo == "N050").count() == 0)
        }
    }

    @Test("the XLSX export opens as a workbook whose rows match the list, and imports back into an empty team")
    func xlsxRoundTrip() async throws {
        var exported = Data()
        try await withApp { world in
            let team = try await world.seedTeam()
            let answer = try await world.api(.GET, "/api/v1/members/export?format=xlsx", token: team.hr.token, headers: [("Accept-Language", "en")])
            #expect(answer.status == .ok)
            #expect(answer.headers.contentType == Response.xlsxType)
            exported = Data(buffer: answer.body)
            let table = try XLSXReader.table(from: exported)
            #expect(table.header.first == "Employee no.")
            #expect(table.rows.count == 5)
            #expect(table.rows.first { $0.first == "T003" }?[1] == "何静")
            #expect(table.rows.first { $0.first == "T003" }?[9] == "T002", "supervisor by employee number")
            #expect(!String(decoding: exported, as: UTF8.self).contains("11010519491231002X"))
        }
        try await withApp { world in
            let team = try await world.seedTeam()
            // Same people under new numbers and addresses: the file's own supervisor links must hold.
            var table = try XLSXReader.table(from: exported)
            table.rows = table.rows.map { r in var r = r; r[0] = "X" + r[0]; r[3] = "x." + r[3]; if !r[9].isEmpty { r[9] = "X" + r[9] }; return r }
            let xlsx = try XLSXWriter.workbook(sheet: "Members", header: table.header, rows: table.rows)
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, xlsx, type: Response.xlsxType.description)
            #expect(answer.status == .ok, "\(answer.body.string)")
            let rep = try #require(try await Member.query(on: world.db).filter(\.$employeeNo == "XT003").first())
            let repLead = try #require(try await Member.query(on: world.db).filter(\.$employeeNo == "XT002").first())
            #expect(rep.supervisorId == repLead.id)
        }
    }

    @Test("hostile or wrong files get a 4xx that says what is wrong", arguments: HostileFile.allCases)
    func hostileFiles(_ file: HostileFile) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let before = try await Member.query(on: world.db).count()
            let answer = try await world.upload("/api/v1/members/import", token: team.hr.token, try file.bytes(), type: file.contentType)
            #expect(answer.status == file.expected, "\(answer.body.string.prefix(300))")
            #expect(answer.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(try await Member.query(on: world.db).count() == before)
        }
    }

    @Test("only those who may add members (admin, lead, HR) may import them")
    func permissions() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = Self.header + "\nN060,戊,,e@team.test,,客服,P1,2025-01-01,客户服务组,,在职\n"
            let rep = try await world.upload("/api/v1/members/import", token: team.salesRep.token, Data(csv.utf8), type: "text/csv")
            #expect(rep.status == .forbidden)
            let otherGroup = try await world.upload("/api/v1/members/import", token: team.salesLead.token, Data(csv.utf8), type: "text/csv")
            #expect(otherGroup.status == .forbidden)
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo == "N060").count() == 0)
        }
    }

    @Test("on the web, the problems are listed by row and column beside the form, and a good file lands in the list")
    func webImport() async throws {
        try await withApp { world in
            _ = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn("hr@team.test")
            let page = try await web.get("/members/import")
            #expect(page.status == .ok)
            let bad = Self.header + "\nN070,己,,bad-email,,销售代表,P1,2025-01-01,销售组,,在职\n"
            let refused = try await web.upload("/members/import", file: Data(bad.utf8), filename: "team.csv", fields: [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"import-problems\""))
            #expect(refused.body.string.contains("<td>2</td><td>E-mail</td>"))
            let good = Self.header + "\nN071,庚,,g71@team.test,,销售代表,P1,2025-01-01,销售组,,在职\n"
            let accepted = try await web.upload("/members/import", file: Data(good.utf8), filename: "team.csv", fields: [:])
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers.first(name: .location) == "/members")
            #expect(try await Member.query(on: world.db).filter(\.$employeeNo == "N071").count() == 1)
        }
    }
}

enum HostileFile: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case empty, renamedPNG, oldExcel, tooLarge, zipBomb, xxe, notAWorkbook, headerOnly, millionsOfLines

    var testDescription: String { rawValue }

    var expected: HTTPStatus {
        switch self {
        case .renamedPNG, .oldExcel: .unsupportedMediaType
        case .tooLarge: .payloadTooLarge
        default: .unprocessableEntity
        }
    }

    var contentType: String { self == .zipBomb || self == .xxe || self == .notAWorkbook ? Response.xlsxType.description : "text/csv" }

    func bytes() throws -> Data {
        switch self {
        case .empty: return Data()
        case .renamedPNG: return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array(repeating: 0, count: 100))
        case .oldExcel: return Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504))
        case .tooLarge: return Data(repeating: 0x41, count: 11 * 1024 * 1024)
        case .headerOnly: return Data("工号,姓名,邮箱,职位,职级,入职日期\n".utf8)
        case .millionsOfLines: return Data("工号,姓名\n".utf8) + Data(repeating: 0x0A, count: 9 * 1024 * 1024)
        case .zipBomb:
            // 60 MB of one repeated byte deflates to a few dozen kilobytes.
            return try zip(["[Content_Types].xml": Data("<Types/>".utf8),
                            "xl/worksheets/sheet1.xml": Data(repeating: 0x20, count: 60 * 1024 * 1024)])
        case .xxe:
            let sheet = """
                <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
                <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>
                """
            return try zip(["xl/worksheets/sheet1.xml": Data(sheet.utf8)])
        case .notAWorkbook: return try zip(["readme.txt": Data("hello".utf8)])
        }
    }

    private func zip(_ entries: [String: Data]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, data) in entries.sorted(by: { $0.key < $1.key }) {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }
}

extension TestWorld {
    /// Sends a file as the raw body, as `curl --data-binary @file` does.
    func upload(_ path: String, token: String, _ data: Data, type: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: type)
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: data))
    }
}

extension WebClient {
    /// Posts a multipart form with one file, as a browser's file input does.
    func upload(_ path: String, file: Data, filename: String, fields: [String: String]) async throws -> TestingHTTPResponse {
        let boundary = "----vanguard-test-boundary"
        var body = Data()
        var all = fields
        all["_csrf"] = all["_csrf"] ?? csrf ?? ""
        for (name, value) in all {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send(.POST, path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}
