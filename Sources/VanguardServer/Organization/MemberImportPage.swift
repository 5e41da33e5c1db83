import Vapor
import VanguardCore

/// `/members/import`: upload a CSV or XLSX file, check it, and add its members (the same rules
/// as `POST /api/v1/members/import`). Problems are listed by row and column under the form.
enum MemberImportPage {
    struct Context: Encodable {
        var problems: [ProblemRow]
        var fileError: String?
        var checked: Report?
        var dryRun: Bool
        var columns: String

        /// Row problems go to the table, problems with the file as a whole beside the file field.
        func showing(_ p: Problem) -> Context {
            var c = self
            c.problems = p.errors.filter { $0.field.hasPrefix("rows[") }.map(MemberImportPage.row)
            let fileErrors = p.errors.filter { !$0.field.hasPrefix("rows[") }
            c.fileError = fileErrors.isEmpty ? (c.problems.isEmpty ? p.detail ?? p.title : nil) : fileErrors.map(\.message).joined(separator: " ")
            return c
        }
    }

    struct ProblemRow: Encodable {
        var row: String
        var column: String
        var message: String
    }

    struct Report: Encodable {
        var rows: Int
        var ignoredColumns: String
    }

    static func form(req: Request) async throws -> Response {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        return try await render(req, Context(problems: [], fileError: nil, checked: nil, dryRun: true, columns: columns(req)))
    }

    static func submit(req: Request) async throws -> Response {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        struct Options: Content { var dryRun: String? }
        let dryRun = (try? req.content.decode(Options.self).dryRun) == "true"
        var context = Context(problems: [], fileError: nil, checked: nil, dryRun: dryRun, columns: columns(req))
        do {
            let table = try ImportFile.table(from: try req.uploadedFile())
            let report = try await MemberImport.run(table, dryRun: dryRun, includeConfidential: true, translations: req.application.translations,
                                                    source: .request(req), on: req.db) { m in
                try req.authorize(.create, .member(MemberFacts(id: nil, groupId: m.$group.id)))
            }
            if !dryRun { return req.redirect(to: "/members", flash: "membersImported") }
            context.checked = Report(rows: report.rows, ignoredColumns: report.ignoredColumns.joined(separator: ", "))
            return try await render(req, context)
        } catch let p as Problem where p.status.code >= 400 && p.status.code < 500 && p.status != .forbidden {
            return try await render(req, context.showing(p), status: p.status)
        } catch let e as FieldErrors {
            return try await render(req, context.showing(e.problem), status: .unprocessableEntity)
        }
    }

    /// `rows[12].email` → row 12, the email column's title in the reader's language.
    fileprivate static func row(_ e: FieldError) -> ProblemRow {
        let inside = e.field.dropFirst("rows[".count)
        let row = String(inside.prefix { $0 != "]" })
        let field = String(inside.drop { $0 != "." }.dropFirst())
        let message = e.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? e.message
        return ProblemRow(row: row, column: field, message: message)
    }

    private static func columns(_ req: Request) -> String {
        MemberImport.fields.map { req.t($0.titleKey) }.joined(separator: req.locale == .en ? ", " : "、")
    }

    private static func render(_ req: Request, _ context: Context, status: HTTPStatus = .ok) async throws -> Response {
        var context = context
        context.problems = context.problems.map { p in
            var p = p
            if let f = MemberImport.fields.first(where: { $0.field == p.column }) { p.column = req.t(f.titleKey) }
            return p
        }
        return try await req.page("Organization/member-import", title: "importMembers", section: "members", context, status: status)
    }
}
