import Fluent
import Vapor
import VanguardCore

/// Orders, receivables, the price list and feedback as CSV or XLSX (issue 4: any list exports), with the list's filters and
/// the reader's scope: the delivery list a lead chases late orders with, and the ageing a finance
/// officer chases debts with (SAL-4, RSK-S2).
extension SalesExport {
    /// The orders list (`OrderList`, `late=true` for the late ones), by planned delivery.
    static func orders(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor), today = req.today
        let header = ["orderNumber", "customer", "amountYuan", "status", "plannedDelivery", "actualDelivery", "acceptedOn", "late"].map(req.t)
        return try await ListExport<SalesOrder>(name: "orders", sheet: req.t("navOrders"), header: header, rows: { db in
            try OrderList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$plannedDelivery).sort(\.$id)
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.map(\.customerId)), on: db)
            return rows.map { o -> [String] in
                let dto = OrderDTO(o, today: today)
                return [o.number, customers[o.customerId] ?? "", Money(fen: o.amountFen).yuanText, req.t("order_" + o.status), o.plannedDelivery,
                        o.actualDelivery ?? "", o.acceptedOn ?? "", dto.late ? req.t("yes") : ""]
            }
        }).response(req, format: format)
    }

    /// The receivables ageing (`CreditService.ageingReport`): each customer's outstanding by age
    /// bucket, as the page and `GET /api/v1/receivables/ageing` give it, then the total.
    static func ageing(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let report = try await CreditService.ageingReport(req, scope: AccessPolicy.salesScope(user.actor), customer: try req.queryUUID("customerId", strict: strict))
        let buckets = AgeingBucket.allCases.map(\.rawValue)
        func yuan(_ amount: Double?) -> String { Money(fen: Int64(((amount ?? 0) * 100).rounded())).yuanText }
        let header = (["customer"] + buckets.map { "bucket_" + $0 } + ["outstanding", "oldestOverdue"]).map(req.t)
        var body = report.customers.map { r in [r.customer] + buckets.map { yuan(r.buckets[$0]) } + [yuan(r.outstanding), String(r.oldestOverdueDays)] }
        if !report.customers.isEmpty {
            body.append([req.t("total")] + buckets.map { yuan(report.buckets[$0]) } + [yuan(report.outstanding), ""])
        }
        return try file(format, name: "receivables-\(report.asOf)", sheet: req.t("navReceivables"), header: header, rows: body)
    }

    /// The invoices list (`InvoiceList`) with its filters, by due date: each invoice with what is
    /// paid and owed today, for finance to chase or reconcile against the books. Each chunk's
    /// balances come from its customers' ledgers; the status filter drops the others.
    static func invoices(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor), today = req.today
        let wanted = try InvoiceList.status(req, strict: strict)
        @Sendable func yuan(_ amount: Double) -> String { Money(fen: Int64((amount * 100).rounded())).yuanText }
        let header = ["invoice", "customer", "orderNumber", "amountYuan", "issuedOn", "dueOn", "paidYuan", "outstanding", "daysPastDue", "status"].map(req.t)
        return try await ListExport<SalesInvoice>(name: "invoices-\(today)", sheet: req.t("invoices"), header: header, rows: { db in
            try InvoiceList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$dueOn).sort(\.$id)
        }, cells: { invoices, db in
            let balances = try await Ledger.balances(of: invoices, asOf: today, on: db)
            let kept = invoices.compactMap { i in balances[i.id!].flatMap { wanted == nil || $0.status == wanted ? (i, $0) : nil } }
            return try await InvoiceList.items(kept, on: db).map { r in
                [r.number, r.customer, r.order ?? "", yuan(r.amount), r.issuedOn, r.dueOn, yuan(r.paid), yuan(r.outstanding),
                 r.status == InvoiceStatus.overdue.rawValue ? String(r.daysPastDue) : "", req.t("invoice_" + r.status)]
            }
        }).response(req, format: format)
    }

    /// The price list (SAL-3), by code, with the list's search and filters: what a salesperson
    /// sends a customer or works a quote out from in a spreadsheet.
    static func products(req: Request, strict: Bool) async throws -> Response {
        try req.authorize(.read, .priceList)
        let format = try format(req, strict: strict)
        let header = ["productCode", "productName", "nameEn", "category", "unit", "listPriceYuan", "active", "description"].map(req.t)
        return try await ListExport<Product>(name: "price-list", sheet: req.t("navProducts"), header: header, rows: { db in
            try ProductList.filtered(req, on: db).sort(\.$code).sort(\.$id)
        }, cells: { rows, _ in
            rows.map { p in [p.code, p.name, p.nameEn, p.category, p.unit, Money(fen: p.listPriceFen).yuanText, req.t(p.active ? "active" : "inactive"), p.description] }
        }).response(req, format: format)
    }

    /// Feedback and market information (SAL-5) with the list's filters, by summary: what a
    /// department takes away to work through, with who recorded it and the answer so far.
    static func feedback(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let categories = try await FeedbackService.categories(req)
        let categoryNames = Dictionary(categories.map { ($0.key, $0.name[req.locale]) }, uniquingKeysWith: { a, _ in a })
        let departments = Dictionary(uniqueKeysWithValues: try await Department.query(on: req.db).withDeleted().all().map { ($0.id!, req.locale == .en ? $0.nameEn : $0.nameZh) })
        let header = ["feedbackSummary", "category", "sourceChannel", "tags", "customer", "routeTo", "status", "departmentResponse", "detail", "owner", "addedOn"].map(req.t)
        return try await ListExport<FeedbackItem>(name: "feedback", sheet: req.t("navFeedback"), header: header, rows: { db in
            try FeedbackList.filtered(req, scope: scope, categories: categories.map(\.key), strict: strict, on: db).sort(\.$summary).sort(\.$id)
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.compactMap(\.customerId)), on: db)
            let owners = try await SalesNames.members(rows.compactMap(\.ownerMemberId), on: db)
            return rows.map { f -> [String] in
                [f.summary, categoryNames[f.category] ?? f.category, req.t("feedbackSource_" + f.source), f.tags, f.customerId.flatMap { customers[$0] } ?? "",
                 f.departmentId.flatMap { departments[$0] } ?? "", req.t("feedback_" + f.status), f.response, f.detail,
                 f.ownerMemberId.flatMap { owners[$0] } ?? "", f.createdAt.map { CivilDate.on($0).description } ?? ""]
            }
        }).response(req, format: format)
    }
}
