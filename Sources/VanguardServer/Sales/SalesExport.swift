import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Sales lists as CSV (default) or XLSX (`format=xlsx`), with the list's filters and the reader's
/// scope, whole however long (`ListExport`). The customer export's column titles are the ones the
/// importer reads, so it imports again.
enum SalesExport {
    /// The file asked for: `format=csv` (the default) or `xlsx`.
    static func format(_ req: Request, strict: Bool) throws -> String {
        try req.queryChoice("format", from: ["csv", "xlsx"], strict: strict) ?? "csv"
    }

    static func customers(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let owners = Dictionary(uniqueKeysWithValues: try await Member.query(on: req.db).withDeleted().field(\.$id).field(\.$employeeNo).all().map { ($0.id!, $0.employeeNo) })
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        let industries = Dictionary(uniqueKeysWithValues: sales.effectiveIndustries.map { ($0.key, $0.name[req.locale]) })
        let header = ["customerName", "customerKind", "uscc", "industry", "region", "customerSize", "sourceChannel", "status", "expectedAnnualYuan",
                      "phone", "email", "address", "notes", "owner", "contactName", "contactTitle", "mobile", "contactEmail", "customerClass", "score"].map(req.t)
        return try await ListExport<Customer>(name: "customers", sheet: req.t("navCustomers"), header: header, rows: { db in
            let q = Customer.query(on: db).inSalesScope(scope)
            try CustomerList.filter(q, req, strict: strict)
            return q.sort(\.$nameOrder).sort(\.$id)
        }, cells: { rows, db in
            let primary = Dictionary(grouping: try await contacts(for: rows.compactMap(\.id), on: db), by: { $0.$customer.id }).mapValues { $0.first! }
            return rows.map { c -> [String] in
                let p = primary[c.id!]
                return [c.name, req.t("kind_" + c.kind), c.uscc ?? "", c.industry.flatMap { industries[$0] } ?? "", c.region, c.size.map { req.t("size_" + $0) } ?? "",
                        req.t("source_" + c.source), req.t("customer_" + c.status), String(c.expectedAnnualYuan), c.phone ?? "", c.email ?? "", c.address, c.notes,
                        c.ownerMemberId.flatMap { owners[$0] } ?? "", p?.name ?? "", p?.title ?? "", p?.mobile ?? "", p?.email ?? "", c.customerClass, String(c.score)]
            }
        }).response(req, format: format)
    }

    static func opportunities(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let pipeline = try await OpportunityService.pipeline(req)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["dealTitle", "customer", "stage", "amountYuan", "probability", "expectedClose", "owner", "customerNeeds", "lossReason"].map(req.t)
        return try await ListExport<Opportunity>(name: "opportunities", sheet: req.t("navPipeline"), header: header, rows: { db in
            // The API list's default order, deals without a close date last.
            ListRequest.whole(by: "expectedClose")
                .sortedEmptyLast(from: try OpportunityList.filtered(req, scope: scope, pipeline: pipeline, strict: strict, on: db), column: "expected_close")
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.map(\.$customer.id)), on: db)
            let owners = try await SalesNames.members(rows.compactMap(\.ownerMemberId), on: db)
            return rows.map { o -> [String] in
                let dto = OpportunityDTO(o, pipeline: pipeline)
                return [o.title, customers[o.$customer.id] ?? "", pipeline.stage(o.stage)?.name[req.locale] ?? o.stage, Money(fen: o.amountFen).yuanText,
                        String(dto.probability), o.expectedClose ?? "", o.ownerMemberId.flatMap { owners[$0] } ?? "", o.needs, o.lossReason ?? ""]
            }
        }).response(req, format: format)
    }

    /// The contacts list (`ContactList`): each contact with its customer, in pinyin order of name.
    static func contactsList(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["contactName", "customer", "contactTitle", "mobile", "contactEmail", "wechat", "birthday", "primaryContact"].map(req.t)
        return try await ListExport<Contact>(name: "contacts", sheet: req.t("contacts"), header: header, rows: { db in
            try ContactList.filtered(req, scope: scope, on: db).sort(\.$nameOrder).sort(\.$id)
        }, cells: { rows, db in
            let customers = try await ContactList.customerNames(rows, on: db)
            return rows.map { c -> [String] in
                [c.name, customers[c.$customer.id] ?? "", c.title, c.mobile ?? "", c.email ?? "", c.wechat ?? "", ContactPages.birthday(c, req), c.isPrimary ? req.t("yes") : ""]
            }
        }).response(req, format: format)
    }

    /// The customers' contacts, each customer's primary one first, then by name.
    static func contacts(for customers: [UUID], on db: any Database) async throws -> [Contact] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var all: [Contact] = []
        for chunk in customers.chunked(500) {
            all += try await ModelRows.all(Contact.self, on: sql) {
                $0.where("customer_id", .in, SQLBind.group(chunk)).where("deleted_at", .is, SQLLiteral.null).orderBy("is_primary", .descending).orderBy("name")
            }
        }
        return all
    }

    /// A report worked out in memory (the receivables ageing, a period's targets) as a file.
    static func file(_ format: String, name: String, sheet: String, header: [String], rows: [[String]]) throws -> Response {
        if format == "xlsx" {
            return .download(try XLSXWriter.workbook(sheet: sheet, header: header, rows: rows), type: Response.xlsxType, filename: "\(name).xlsx")
        }
        return .download(Data(MemberExport.csv(header, rows).utf8), type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), filename: "\(name).csv")
    }
}

/// `/customers/import`: upload a CSV or XLSX of customers, check it, then add them all or none.
enum CustomerImportPage {
    struct Context: Encodable {
        var problems: [MemberImportPage.ProblemRow]
        var fileError: String?
        var checked: String?
        var dryRun: Bool
        var columns: String
        /// How many customers a progress-shown import added (the page says so instead of redirecting).
        var imported: Int? = nil
    }

    static func form(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        return try await render(req, Context(problems: [], fileError: nil, checked: nil, dryRun: true, columns: columns(req)))
    }

    static func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        struct Options: Content { var dryRun: String? }
        let dryRun = (try? req.content.decode(Options.self).dryRun) == "true"
        if req.headers.first(name: progressHeader) == "lines" { return streamed(req, dryRun: dryRun) }
        return try await outcome(req, dryRun: dryRun, progress: nil)
    }

    /// The page's script asks for progress with this header (the form without script posts as usual).
    static let progressHeader = "X-Import-Progress"

    /// Progress shown for large files (issue 4, item 11): the answer streams a line per step,
    /// "check 500 20000", "write 0 19850", then "html" and the page to show. It travels on the
    /// request's own connection, so it works whichever instance serves it, and writes nothing
    /// to the database but the import.
    static func streamed(_ req: Request, dryRun: Bool) -> Response {
        let (lines, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            let work = Task { () -> String in
                defer { continuation.finish() }
                do {
                    return try await outcome(req, dryRun: dryRun, progress: { phase, done, total in continuation.yield("\(phase) \(done) \(total)\n") }).body.string ?? ""
                } catch {
                    // What the page would have shown as an error page, beside the file instead.
                    let context = Context(problems: [], fileError: (error as? Problem)?.detail ?? "\(error)", checked: nil, dryRun: dryRun, columns: columns(req))
                    return (try? await render(req, context, status: .internalServerError))?.body.string ?? ""
                }
            }
            for await line in lines { try await writer.write(.buffer(ByteBuffer(string: line))) }
            try await writer.write(.buffer(ByteBuffer(string: "html\n" + (await work.value))))
            try await writer.write(.end)
        }))
    }

    static func outcome(_ req: Request, dryRun: Bool, progress: CustomerImport.Progress?) async throws -> Response {
        var context = Context(problems: [], fileError: nil, checked: nil, dryRun: dryRun, columns: columns(req))
        do {
            let report = try await CustomerImport.run(try ImportFile.table(from: try req.uploadedFile()), dryRun: dryRun, req: req, progress: progress)
            if !dryRun, progress != nil {
                context.imported = report.created
                return try await render(req, context)
            }
            if !dryRun { return req.redirect(to: "/customers", flash: "customersImported") }
            context.checked = "\(report.rows)" + (report.ignoredColumns.isEmpty ? "" : ". \(req.t("importIgnoredColumns")): \(report.ignoredColumns.joined(separator: ", "))")
            return try await render(req, context)
        } catch let p as Problem where p.status.code >= 400 && p.status.code < 500 && p.status != .forbidden {
            context.problems = p.errors.filter { $0.field.hasPrefix("rows[") }.map(row)
            let fileErrors = p.errors.filter { !$0.field.hasPrefix("rows[") }
            context.fileError = fileErrors.isEmpty ? (context.problems.isEmpty ? p.detail ?? p.title : nil) : fileErrors.map(\.message).joined(separator: " ")
            return try await render(req, context, status: p.status)
        } catch let e as FieldErrors {
            context.problems = e.all.map(row)
            return try await render(req, context, status: .unprocessableEntity)
        }
    }

    static func row(_ e: FieldError) -> MemberImportPage.ProblemRow {
        let inside = e.field.dropFirst("rows[".count)
        let field = String(inside.drop { $0 != "." }.dropFirst())
        return MemberImportPage.ProblemRow(row: String(inside.prefix { $0 != "]" }),
                                           column: CustomerImport.fields.first { $0.field == field }.map { $0.titleKey } ?? field,
                                           message: e.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? e.message)
    }

    static func columns(_ req: Request) -> String {
        CustomerImport.fields.map { req.t($0.titleKey) }.joined(separator: req.locale == .en ? ", " : "、")
    }

    static func render(_ req: Request, _ context: Context, status: HTTPStatus = .ok) async throws -> Response {
        var context = context
        context.problems = context.problems.map { var p = $0; p.column = req.t(p.column); return p }
        return try await req.page("Sales/customer-import", title: "importCustomers", section: "customers", context, status: status)
    }
}
