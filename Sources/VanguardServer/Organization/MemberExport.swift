import Fluent
import Vapor
import VanguardCore

/// The member directory as CSV, with the list's filters. Confidential fields are never exported.
enum MemberExport {
    static let limit = 100_000

    static func csv(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .member(MemberFacts(id: nil, groupId: nil)))
        let members = try await MemberDirectory.rows(req, strict: strict, sortColumn: "employee_no", descending: false, after: nil, limit: limit).map(\.dto)
        let groups = try await TeamGroup.query(on: req.db).withDeleted().all()
        let names = Dictionary(uniqueKeysWithValues: try await Member.query(on: req.db).withDeleted().field(\.$id).field(\.$name).all().map { ($0.id!, $0.name) })
        let locale = req.locale
        var csv = CSVWriter(header: ["employeeNo", "memberName", "nameEn", "email", "mobile", "position", "grade", "hireDate", "group", "supervisor", "status"].map(req.t))
        for m in members {
            let group = groups.first { $0.id == m.groupId }.map { LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale] } ?? ""
            csv.append([m.employeeNo, m.name, m.nameEn, m.email, m.mobile ?? "", m.position, m.grade, m.hireDate, group,
                        m.supervisorId.flatMap { names[$0] } ?? "", req.t(statusKey(m.status))])
        }
        let response = Response(status: .ok, body: .init(string: csv.text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"members.csv\"")
        return response
    }
}
