import Fluent
import FluentSQL
import SQLKit
import Vapor
import VanguardCore

/// `/api/v1/customers`: the customer file (SP-1, SAL-2).
struct CustomersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let customers = routes.grouped("customers")
        customers.get(use: list)
        customers.get("duplicates", use: duplicates)
        customers.get("export", use: { try await SalesExport.customers(req: $0, strict: true) })
        customers.on(.POST, "import", body: .collect(maxSize: ImportFile.maxBodySize), use: { req in
            let user = try req.requireUser()
            try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
            return try await CustomerImport.run(try ImportFile.table(from: try req.uploadedFile()), dryRun: try req.queryBool("dryRun") ?? false, req: req)
        })
        customers.post(use: create)
        customers.get(":id", use: show)
        customers.patch(":id", use: update)
        customers.delete(":id", use: delete)
        customers.post(":id", "restore", use: restore)
        customers.post(":id", "merge", use: merge)
        customers.get(":id", "history", use: history)
    }

    static let sortable = ["name", "score", "class"]

    func list(req: Request) async throws -> PageOf<CustomerDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: Self.sortable, defaultSort: "name")
        let rows = try await CustomerList.query(req, scope: AccessPolicy.salesScope(user.actor), list: list, strict: true)
        return list.page(rows, value: { CustomerList.sortValue($0, list.sortField) }, id: { $0.id }, map: CustomerDTO.init)
    }

    struct DuplicateDTO: Content {
        var customer: CustomerDTO?
        var id: UUID
        var name: String
        var reasons: [String]
    }

    /// `GET /api/v1/customers/duplicates?name=&uscc=&phone=`: who this might already be, before saving.
    /// Records the caller may not read are named only by id, so the check leaks nothing.
    func duplicates(req: Request) async throws -> [DuplicateDTO] {
        _ = try req.requireUser()
        guard let name = try req.queryText("name") else { throw Request.queryProblem("name", "required", "Give the name to check.") }
        let found = try await CustomerService.duplicates(name: name, uscc: try req.queryText("uscc", max: 18), phone: try req.queryText("phone", max: 40),
                                                         excluding: try req.queryUUID("excludeId"), on: req.db)
        var answer: [DuplicateDTO] = []
        for (c, reasons) in found.prefix(20) {
            let readable = req.allowed(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
            answer.append(DuplicateDTO(customer: readable ? CustomerDTO(c) : nil, id: c.id!, name: readable ? c.name : "", reasons: reasons.map(\.rawValue)))
        }
        return answer
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeJSON(CustomerInput.self)
        let owner = input.ownerId.applied(to: user.actor.memberId)
        try req.authorize(.create, .salesRecord(SalesFacts(owner: owner, group: try await CustomerService.groupOf(owner, on: req.db))))
        let c = try await CustomerService.create(input, allowDuplicates: try req.queryBool("allowDuplicates") ?? false, req: req)
        return try CustomerDTO(c).created(at: "/api/v1/customers/\(c.id!)", version: c.version)
    }

    func show(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        return try CustomerDTO(c).response(version: c.version)
    }

    func update(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.update, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        let input = try req.decodeJSON(CustomerInput.self)
        if case .value(let owner) = input.ownerId {
            // Handing a customer to someone needs the right over the new owner's records too.
            try req.authorize(.update, .salesRecord(SalesFacts(owner: owner, group: try await CustomerService.groupOf(owner, on: req.db))))
        }
        let updated = try await CustomerService.update(c, input, req: req)
        return try CustomerDTO(updated).response(version: updated.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let c = try await CustomerService.find(req)
        try req.authorize(.delete, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        try await CustomerService.delete(c, req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req, withDeleted: true)
        try req.authorize(.restore, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        guard c.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This customer is not deleted.") }
        guard c.mergedIntoId == nil else { throw Problem.conflict(nil, "merged", "This customer was merged into another record; open that one.") }
        try await CustomerService.restore(c, req: req)
        return try CustomerDTO(c).response(version: c.version)
    }

    struct MergeInput: Content {
        var duplicateId: UUID

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowed: ["duplicateId"])
            let c = try decoder.container(keyedBy: CodingKeys.self)
            duplicateId = try c.decode(UUID.self, forKey: .duplicateId)
        }
    }

    /// `POST /api/v1/customers/{id}/merge` `{"duplicateId": …}`: the duplicate is folded into this customer.
    func merge(req: Request) async throws -> Response {
        let survivor = try await CustomerService.find(req)
        try req.authorize(.update, .salesRecord(try await CustomerService.facts(survivor, on: req.db)))
        let input = try req.decodeJSON(MergeInput.self)
        guard let duplicate = try await Customer.find(input.duplicateId, on: req.db) else {
            throw Problem.invalid("duplicateId", "unknownCustomer", "No customer with this id.")
        }
        try req.authorize(.delete, .salesRecord(try await CustomerService.facts(duplicate, on: req.db)))
        let merged = try await CustomerService.merge(duplicate, into: survivor, req: req)
        return try CustomerDTO(merged).response(version: merged.version)
    }

    func history(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req, withDeleted: true)
        try req.authorize(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        return try await AuditAPI.page(req, entityType: "customer", entityId: c.id!, hidden: [])
    }
}

/// The customer list's query, shared by the API, the page and the export: search by a name
/// fragment (Chinese or Latin), phone digits or credit code, filters, the reader's scope.
enum CustomerList {
    static func query(_ req: Request, scope: RecordScope, list: ListRequest, strict: Bool) async throws -> [Customer] {
        if let text = try req.queryText("q"), let rows = try await CommonFragmentWalk.page(text, req: req, scope: scope, list: list, strict: strict) {
            return rows
        }
        let q = Customer.query(on: req.db).inSalesScope(scope)
        try filter(q, req, strict: strict)
        let column = ["name": "name_order", "score": "score", "class": "class"][list.sortField]!
        let bind: (String) -> DatabaseQuery.Value = list.sortField == "score" ? { .bind(Int($0) ?? 0) } : { .bind($0) }
        return try await list.apply(to: q, column: column, bind: bind).all()
    }

    /// How a name fragment is looked for: through the search index, or row by row without it
    /// (`CommonFragmentWalk`), or through the index for the names not starting with it
    /// (`NamePrefixSplit`, PostgreSQL).
    enum NameMatch { case index, rowByRow, indexNotStarting }

    static func filter(_ q: QueryBuilder<Customer>, _ req: Request, strict: Bool, nameMatch: NameMatch = .index) throws {
        if let text = try req.queryText("q") {
            let digits = phoneDigits(text)
            let dialect = (req.db as? any SQLDatabase)?.dialect.name ?? "sqlite"
            // Digits alone: the name's index query is the phone's, so one serves both (PostgreSQL
            // ran it twice, 80–310 ms each, bench data set).
            let nameWithPhone = nameMatch == .index && digits != nil && CustomerSearch.normalized(text) == digits
            q.group(.or) { or in
                if !nameWithPhone {
                    // The index finds the candidates; the name's own test keeps only names holding the fragment itself.
                    if nameMatch != .rowByRow, let indexed = CustomerSearch.condition(text, dialect: dialect, notStarting: nameMatch == .indexNotStarting),
                       let holds = nameHolds(text, dialect: dialect) {
                        or.filter(.sql(indexed + SQLQueryString(" AND ") + holds))
                    } else if let holds = nameHolds(text, dialect: dialect, single: true) {
                        // PostgreSQL: one run as `strpos`, the same test as LIKE, which its planner
                        // expects one name in thousands to pass and so sorts the window rather than walk it in order.
                        or.filter(.sql(holds))
                    }
                }
                if let digits, let condition = phoneCondition(digits, dialect: dialect, name: nameWithPhone ? nameHolds(text, dialect: dialect) : nil) {
                    or.filter(.sql(condition))
                }
                // A credit code: letters and digits, with a digit among them; a range on the index, not a scan.
                if looksLikeCode(text) {
                    let code = text.uppercased()
                    or.filter(.sql(SQLQueryString("(\(ident: Customer.schema).uscc >= \(bind: code) AND \(ident: Customer.schema).uscc < \(bind: code + "\u{7F}"))")))
                }
            }
        }
        if let v = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == v) }
        if let v = try req.queryText("class", max: 10) { q.filter(\.$customerClass == v) }
        if let v = try req.queryChoice("status", from: CustomerStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        if let v = try req.queryChoice("source", from: SourceChannel.allCases.map(\.rawValue), strict: strict) { q.filter(\.$source == v) }
        if let v = try req.queryChoice("kind", from: CustomerKind.allCases.map(\.rawValue), strict: strict) { q.filter(\.$kind == v) }
        if let v = try req.queryText("industry", max: 50) { q.filter(\.$industry == v) }
        if let v = try req.queryText("region", max: 100) { q.filter(\.$region == v) }
    }

    /// Customers whose phone or a live contact's holds `digits`: the search index finds the
    /// customers holding the digits' four-digit groups (`CustomerSearch.document` has their own
    /// phone's and every contact's), then the digits themselves are checked. A contact's phone
    /// had no index that finds digits inside a number: its search read every contact (0.14–0.24 s
    /// at 0.9–1.9 M contacts), and digit pairs are in most numbers (45–310 ms).
    /// `name`: a name's test (`nameHolds`) as well: the index holds the groups of names' digits too.
    static func phoneCondition(_ digits: String, dialect: String, name: SQLQueryString? = nil) -> SQLQueryString? {
        guard let pattern = likePattern(digits),
              let indexed = CustomerSearch.digitsCondition(digits, dialect: dialect) else { return nil }
        // PostgreSQL: `OFFSET 0` keeps the contacts' test per candidate, on their customer index. For
        // a few thousand candidates (four common digits) its planner otherwise read every contact
        // once into a hash (290 ms at 1.9 M contacts, instead of 20 ms).
        let fence = dialect == "postgresql" ? " OFFSET 0" : ""
        var held = SQLQueryString("\(ident: Customer.schema).phone_key LIKE \(bind: pattern) ESCAPE '\\' OR EXISTS (SELECT 1 FROM \(ident: Contact.schema) WHERE ")
            + SQLQueryString("\(ident: Contact.schema).customer_id = \(ident: Customer.schema).id AND \(ident: Contact.schema).phone_key LIKE \(bind: pattern) ESCAPE '\\' AND \(ident: Contact.schema).deleted_at IS NULL\(unsafeRaw: fence))")
        if let name { held = held + SQLQueryString(" OR ") + name }
        return indexed + SQLQueryString(" AND (") + held + SQLQueryString(")")
    }

    /// The `LIKE` pattern a name must match for a fragment: its runs of letters and digits in
    /// order, half-width and lower-case, anything between them. The search index leaves out
    /// punctuation and spaces and folds full-width forms, so the fragment's runs are what it
    /// found: 华为技术(深圳), typed with ASCII brackets, finds 华为技术（深圳）有限公司, which
    /// the text as typed does not match. A text of no letter or digit is matched as typed.
    static func namePattern(_ text: String) -> String? {
        let runs = nameRuns(text)
        return runs.isEmpty ? likePattern(text) : "%" + runs.joined(separator: "%") + "%"
    }

    /// The runs of letters and digits of `text`, half-width and lower-case (no `LIKE` wildcard among them).
    static func nameRuns(_ text: String) -> [String] {
        let half = String(String.UnicodeScalarView(text.unicodeScalars.map(DuplicateCustomers.halfWidth))).lowercased()
        var runs: [String] = [], run = String.UnicodeScalarView()
        for scalar in half.unicodeScalars {
            if TextSets.alphanumerics.contains(scalar) {
                run.append(scalar)
            } else if !run.isEmpty {
                runs.append(String(run))
                run = String.UnicodeScalarView()
            }
        }
        if !run.isEmpty { runs.append(String(run)) }
        return runs
    }

    /// The digits to look for in phones too, when the text is a phone number's: four digits or
    /// more, with only spaces, dashes, a plus and brackets besides. Full-width ones count, as a
    /// Chinese input method's full-width mode types them (phone keys hold ASCII digits).
    static func phoneDigits(_ text: String) -> String? {
        let half = String(String.UnicodeScalarView(text.unicodeScalars.map(DuplicateCustomers.halfWidth)))
        guard half.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || " -+()".unicodeScalars.contains($0) }) else { return nil }
        let key = DuplicateCustomers.phoneKey(half)
        return key.utf8.count >= DigitGroups.length ? key : nil
    }

    /// The start of a credit code: searched in the codes too.
    static func looksLikeCode(_ text: String) -> Bool {
        let code = text.uppercased()
        return code.count >= 6 && code.count <= 18 && code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) && code.contains(where: \.isNumber)
    }

    static func sortValue(_ c: Customer, _ field: String) -> String {
        switch field { case "score": String(c.score); case "class": c.customerClass; default: c.nameOrder }
    }
}
