import Fluent
import Vapor
import VanguardCore

/// The member directory as CSV (default) or XLSX (`format=xlsx`), with the list's filters.
/// Confidential fields are never exported. The column titles are the ones the importer reads.
enum MemberExport {
    static let limit = 100_000

    static func download(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .member(MemberFacts(id: nil, groupId: nil)))
        let format = try req.queryChoice("format", from: ["csv", "xlsx"], strict: strict) ?? "csv"
        let members = try await MemberDirectory.rows(req, strict: strict, sortColumn: "employee_no", descending: false, after: nil, limit: limit).map(\.dto)
        let (header, rows) = try await sheet(members, locale: req.locale, translations: req.application.translations, on: req.db)
        if format == "xlsx" {
            return .download(try XLSXWriter.workbook(sheet: req.t("navMembers"), header: header, rows: rows), type: Response.xlsxType, filename: "members.xlsx")
        }
        return .download(Data(csv(header, rows).utf8), type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), filename: "members.csv")
    }

    /// Column titles in the reader's language and one row per member, as the importer reads them.
    static func sheet(_ members: [MemberDTO], locale: AppLocale, translations: Translations, on db: any Database) async throws -> (header: [String], rows: [[String]]) {
        let groups = try await TeamGroup.query(on: db).withDeleted().all()
        let employeeNos = Dictionary(uniqueKeysWithValues: try await Member.query(on: db).withDeleted().field(\.$id).field(\.$employeeNo).all().map { ($0.id!, $0.employeeNo) })
        let t = { (key: String) in translations.text(key, locale) }
        let header = ["employeeNo", "memberName", "nameEn", "email", "mobile", "position", "grade", "hireDate", "group", "supervisor", "status"].map(t)
        let rows = members.map { m in
            let group = groups.first { $0.id == m.groupId }.map { LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale] } ?? ""
            // The supervisor by employee number: names repeat, numbers do not, and the importer reads either.
            return [m.employeeNo, m.name, m.nameEn, m.email, m.mobile ?? "", m.position, m.grade, m.hireDate, group,
                    m.supervisorId.flatMap { employeeNos[$0] } ?? "", t(statusKey(m.status))]
        }
        return (header, rows)
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        var csv = CSVWriter(header: header)
        for row in rows { csv.append(row) }
        return csv.text
    }
}
