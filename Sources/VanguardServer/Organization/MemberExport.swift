import Fluent
import Vapor
import VanguardCore

/// The member directory as CSV (default) or XLSX (`format=xlsx`), with the list's filters, by
/// employee number, however many (`ListExport`). Confidential fields are never exported. The
/// column titles are the ones the importer reads.
enum MemberExport {
    static func download(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .member(MemberFacts(id: nil, groupId: nil)))
        let format = try req.queryChoice("format", from: ["csv", "xlsx"], strict: strict) ?? "csv"
        let locale = req.locale, translations = req.application.translations
        return try await ListExport<Member>(name: "members", sheet: req.t("navMembers"), header: header(locale, translations), order: .sql({ sql in
            try MemberDirectory.query(req, strict: strict, on: sql, sortColumn: "employee_no", descending: false, after: nil).column("id")
        }), cells: { members, db in
            try await sheet(members.map { MemberDTO($0, showConfidential: false) }, locale: locale, translations: translations, on: db).rows
        }).response(req, format: format)
    }

    /// Column titles in the reader's language, as the importer reads them.
    static func header(_ locale: AppLocale, _ translations: Translations) -> [String] {
        ["employeeNo", "memberName", "nameEn", "email", "mobile", "position", "grade", "hireDate", "group", "supervisor", "status"].map { translations.text($0, locale) }
    }

    /// Column titles and one row per member, as the importer reads them.
    static func sheet(_ members: [MemberDTO], locale: AppLocale, translations: Translations, on db: any Database) async throws -> (header: [String], rows: [[String]]) {
        let groups = try await TeamGroup.query(on: db).withDeleted().all()
        let supervisors = Set(members.compactMap(\.supervisorId))
        let employeeNos = supervisors.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Member.query(on: db).withDeleted()
            .filter(\.$id ~~ supervisors).field(\.$id).field(\.$employeeNo).all().map { ($0.id!, $0.employeeNo) })
        let t = { (key: String) in translations.text(key, locale) }
        let header = header(locale, translations)
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
