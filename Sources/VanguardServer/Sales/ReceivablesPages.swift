import Fluent
import Vapor
import VanguardCore

/// Receivables on the web (RSK-S2): the ageing, the invoices with what is paid and owed on each,
/// and finance's forms for invoices and payments. A refused form comes back with each message
/// beside its field and what was typed kept.
struct ReceivablesPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("receivables")
        r.get(use: receivables)
        r.get("export", use: { try await SalesExport.ageing(req: $0, strict: false) })
        r.post("invoices", use: recordInvoice)
        r.post("payments", use: recordPayment)
        r.get("invoices", use: invoices)
        r.get("invoices", "export", use: { try await SalesExport.invoices(req: $0, strict: false) })
        r.post("invoices", ":id", "payments", use: payInvoice)
        r.get("payments", use: payments)
        r.get("payments", "export", use: { try await SalesExport.payments(req: $0, strict: false) })
    }

    /// A hand-drawn ledger form's state: the values typed and the message for each field.
    struct LedgerForm: Encodable {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        var formError: String?
        var open = false
    }

    static func canRecord(_ req: Request) -> Bool { req.allowed(.create, .receivables(SalesFacts(owner: nil, group: nil))) }

    /// Places a refusal's messages beside the form's fields; the rest, and a summary, on top.
    static func failed(_ errors: [FieldError], detail: String?, values: [String: String], fields: [String], req: Request) -> LedgerForm {
        let placed = PlacedErrors(errors, on: fields.contains) { req.application.translations.message($0, req.locale) }
        return LedgerForm(values: values, errors: placed.byField,
                          formError: ([req.t("formHasErrors")] + placed.unplaced + [detail].compactMap { $0 }).joined(separator: " "), open: true)
    }

    // MARK: the ageing

    struct AgeingContext: Encodable {
        var ageing: AgeingDTO
        var rows: [AgeingRow]
        var charts: [BarChart]
        var total: String
        var canRecord: Bool
        var customers: [FormField.Option]
        var invoice: LedgerForm
        var payment: LedgerForm
    }
    struct AgeingRow: Encodable { var customerId: UUID; var customer: String; var cells: [String]; var outstanding: String; var oldest: String; var danger: Bool }

    /// Days past due of the oldest debt; a dash for a customer whose invoices are not yet due (not "0",
    /// which means due today).
    static func oldestOverdue(_ r: AgeingDTO.Row) -> String {
        (r.outstanding - (r.buckets[AgeingBucket.current.rawValue] ?? 0)) > 0.005 ? String(r.oldestOverdueDays) : "—"
    }

    func receivables(req: Request) async throws -> Response {
        try await ageingPage(req, invoice: LedgerForm(), payment: LedgerForm(), status: .ok)
    }

    private func ageingPage(_ req: Request, invoice: LedgerForm, payment: LedgerForm, status: HTTPStatus) async throws -> Response {
        let user = try req.requireUser()
        let scope = AccessPolicy.salesScope(user.actor)
        let ageing = try await CreditService.ageingReport(req, scope: scope, customer: nil)
        let order = AgeingBucket.allCases
        func money(_ d: Double) -> String { SalesNames.yuan(Int64((d * 100).rounded())) }
        let chart = BarChart(title: req.t("ageingChart"), items: order.map { (req.t("bucket_" + $0.rawValue), ageing.buckets[$0.rawValue] ?? 0, "bucket-" + $0.rawValue) },
                             format: { money($0) })
        let canRecord = Self.canRecord(req)
        var customers = canRecord ? try await Customer.query(on: req.db).customerScopeForLedger(scope).sort(\.$nameOrder).limit(1000).all() : []
        // A customer found by typing (picker.js) beyond the first thousand stays chosen after a refusal.
        for raw in [invoice.values["customerId"], payment.values["customerId"]] {
            if let id = raw.flatMap(UUID.init(uuidString:)), !customers.contains(where: { $0.id == id }),
               let c = try await Customer.query(on: req.db).customerScopeForLedger(scope).filter(\.$id == id).first() { customers.insert(c, at: 0) }
        }
        return try await req.page("Sales/receivables", title: "navReceivables", section: "receivables", AgeingContext(
            ageing: ageing,
            rows: ageing.customers.map { r in AgeingRow(customerId: r.customerId, customer: r.customer, cells: order.map { money(r.buckets[$0.rawValue] ?? 0) },
                                                       outstanding: money(r.outstanding), oldest: Self.oldestOverdue(r), danger: r.oldestOverdueDays > 90) },
            charts: [chart], total: money(ageing.outstanding), canRecord: canRecord,
            customers: customers.map { FormField.Option(value: $0.id!.uuidString, label: $0.name, selected: false) },
            invoice: invoice, payment: payment), status: status)
    }

    static let invoiceFields = ["customerId", "number", "amount", "issuedOn", "dueOn"]
    static let paymentFields = ["customerId", "amount", "receivedOn", "reference"]

    func recordInvoice(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let v = SalesNames.posted(req, Self.invoiceFields)
        return try await req.handleForm({ errors, detail in
            try await ageingPage(req, invoice: Self.failed(errors, detail: detail, values: v, fields: Self.invoiceFields, req: req), payment: LedgerForm(),
                                 status: .unprocessableEntity)
        }) {
            _ = try await ReceivablesAPI.invoice(.init(customerId: UUID(uuidString: v["customerId"] ?? ""), orderId: nil, number: v["number"],
                                                       amount: try Self.typed(amount: v["amount"], dates: ["issuedOn": v["issuedOn"], "dueOn": v["dueOn"]]),
                                                       issuedOn: v["issuedOn"] ?? "", dueOn: v["dueOn"] ?? ""), req: req)
            return req.redirect(to: "/receivables", flash: "ledgerSaved")
        }
    }

    func recordPayment(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let v = SalesNames.posted(req, Self.paymentFields)
        return try await req.handleForm({ errors, detail in
            try await ageingPage(req, invoice: LedgerForm(), payment: Self.failed(errors, detail: detail, values: v, fields: Self.paymentFields, req: req),
                                 status: .unprocessableEntity)
        }) {
            _ = try await ReceivablesAPI.payment(.init(customerId: UUID(uuidString: v["customerId"] ?? ""), invoiceId: nil, amount: try Self.typed(amount: v["amount"], dates: ["receivedOn": v["receivedOn"]]),
                                                       receivedOn: v["receivedOn"] ?? "", reference: v["reference"]), req: req)
            return req.redirect(to: "/receivables", flash: "ledgerSaved")
        }
    }

    /// The form's own checks, all at once so every message shows together: the amount as typed in
    /// yuan (with or without thousands separators), the dates as the date picker sends them.
    static func typed(amount raw: String?, dates: [String: String?]) throws -> Double {
        var e = FieldErrors()
        let amount = Money.parse(raw ?? "")
        if amount == nil { e.add("amount", "wrongType", "Enter an amount in yuan, like 12000.50.") }
        for (field, value) in dates where CivilDate(value ?? "") == nil { e.add(field, "invalidDate", "Use a real date as yyyy-MM-dd.") }
        try e.throwIfAny()
        return Double(amount?.fen ?? 0) / 100
    }

    // MARK: the invoices

    struct InvoiceRow: Encodable {
        var id: UUID
        var number: String
        var customerId: UUID
        var customer: String
        var orderId: UUID?
        var order: String
        var amount: String
        var issuedOn: String
        var dueOn: String
        var paid: String
        var outstanding: String
        var daysPastDue: String
        var status: String
        var statusLabel: String
        var canPay: Bool
        var payment: LedgerForm
    }

    struct InvoicesContext: Encodable {
        var rows: [InvoiceRow]
        var statusOptions: [FormField.Option]
        var q: String
        var customerId: String
        var customer: String?
        var filtered: Bool
        var nextHref: String?
        var exportHref: String
        var exportXlsxHref: String
        /// The page's own query, kept by each row's payment form so a refusal shows the same page.
        var listQuery: String
    }

    static func listQuery(_ req: Request) -> [String: String] {
        ["status", "q", "customerId", "sort"].reduce(into: [:]) { $0[$1] = req.queryString($1) ?? "" }
    }

    func invoices(req: Request) async throws -> Response {
        try await invoicesPage(req, failed: nil, status: .ok)
    }

    private func invoicesPage(_ req: Request, failed: (invoice: UUID, form: LedgerForm)?, status: HTTPStatus) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: InvoiceList.sortable, defaultSort: "dueOn")
        let page = try await InvoiceList.page(req, list: list, scope: AccessPolicy.salesScope(user.actor), strict: false)
        let canRecord = Self.canRecord(req)
        let today = req.today.description
        func money(_ d: Double) -> String { SalesNames.yuan(Int64((d * 100).rounded())) }
        var rows = page.items.map { i in
            InvoiceRow(id: i.id, number: i.number, customerId: i.customerId, customer: i.customer, orderId: i.orderId, order: i.order ?? "",
                       amount: money(i.amount), issuedOn: i.issuedOn, dueOn: i.dueOn, paid: money(i.paid), outstanding: money(i.outstanding),
                       daysPastDue: i.status == InvoiceStatus.overdue.rawValue ? String(i.daysPastDue) : "—", status: i.status, statusLabel: req.t("invoice_" + i.status),
                       canPay: canRecord && i.outstanding > 0,
                       payment: LedgerForm(values: ["amount": Money(fen: Int64((i.outstanding * 100).rounded())).yuanText, "receivedOn": today, "reference": ""]))
        }
        if let failed, let i = rows.firstIndex(where: { $0.id == failed.invoice }) { rows[i].payment = failed.form }
        let current = req.queryString("status") ?? "", q = req.queryString("q") ?? "", customerId = req.queryString("customerId") ?? ""
        var customer: String?
        if let id = UUID(uuidString: customerId) { customer = try await SalesNames.customers([id], on: req.db)[id] }
        let filters = Self.listQuery(req)
        return try await req.page("Sales/invoices", title: "invoices", section: "receivables", InvoicesContext(
            rows: rows, statusOptions: SalesNames.statusOptions(req, InvoiceStatus.allCases.map(\.rawValue), labelPrefix: "invoice_", current: current),
            q: q, customerId: customerId, customer: customer, filtered: !current.isEmpty || !q.isEmpty || !customerId.isEmpty,
            nextHref: page.nextCursor.map { SalesNames.href("/receivables/invoices", filters.merging(["cursor": $0]) { $1 }) },
            exportHref: SalesNames.href("/receivables/invoices/export", filters.filter { $0.key != "sort" }),
            exportXlsxHref: SalesNames.href("/receivables/invoices/export", filters.filter { $0.key != "sort" }.merging(["format": "xlsx"]) { $1 }),
            listQuery: SalesNames.href("", filters.merging(["cursor": req.queryString("cursor") ?? ""]) { $1 })), status: status)
    }

    /// Money received against one invoice, from its row on the invoices page.
    func payInvoice(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let invoice = try await SalesInvoice.find(id, on: req.db) else { throw Abort(.notFound) }
        let v = SalesNames.posted(req, ["amount", "receivedOn", "reference"])
        let back = SalesNames.href("/receivables/invoices", Self.listQuery(req).merging(["cursor": req.queryString("cursor") ?? ""]) { $1 })
        return try await req.handleForm({ errors, detail in
            try await invoicesPage(req, failed: (id, Self.failed(errors, detail: detail, values: v, fields: ["amount", "receivedOn", "reference"], req: req)),
                                   status: .unprocessableEntity)
        }) {
            _ = try await ReceivablesAPI.payment(.init(customerId: invoice.customerId, invoiceId: invoice.id,
                                                       amount: try Self.typed(amount: v["amount"], dates: ["receivedOn": v["receivedOn"]]),
                                                       receivedOn: v["receivedOn"] ?? "", reference: v["reference"]), req: req)
            return req.redirect(to: back, flash: "ledgerSaved")
        }
    }

    // MARK: the payments

    struct PaymentRow: Encodable {
        var receivedOn: String
        var customerId: UUID
        var customer: String
        var amount: String
        var invoice: String?
        var reference: String
        var recordedBy: String
    }

    struct PaymentsContext: Encodable {
        var rows: [PaymentRow]
        var q: String
        var customerId: String
        var customer: String?
        var nextHref: String?
        var exportHref: String
        var exportXlsxHref: String
    }

    func payments(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["receivedOn"], defaultSort: "-receivedOn")
        let rows = try await list.apply(to: try PaymentList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: false), column: "received_on").all()
        let (shown, next) = list.cut(rows, value: \.receivedOn, id: { $0.id })
        let q = req.queryString("q") ?? "", customerId = req.queryString("customerId") ?? ""
        var customer: String?
        if let id = UUID(uuidString: customerId) { customer = try await SalesNames.customers([id], on: req.db)[id] }
        let filters = ["q": q, "customerId": customerId]
        return try await req.page("Sales/payments", title: "payments", section: "receivables", PaymentsContext(
            rows: try await PaymentList.rows(shown, on: req.db).map { r in
                PaymentRow(receivedOn: r.receivedOn, customerId: r.customerId, customer: r.customer, amount: SalesNames.yuan(r.amount.fen), invoice: r.invoice,
                           reference: r.reference.isEmpty ? "—" : r.reference, recordedBy: r.recordedBy)
            },
            q: q, customerId: customerId, customer: customer,
            nextHref: next.map { SalesNames.href("/receivables/payments", filters.merging(["cursor": $0]) { $1 }) },
            exportHref: SalesNames.href("/receivables/payments/export", filters),
            exportXlsxHref: SalesNames.href("/receivables/payments/export", filters.merging(["format": "xlsx"]) { $1 })))
    }
}
