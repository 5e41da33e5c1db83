import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Money received (RSK-S2), newest first: the journal finance reconciles against the bank, with
/// the invoice each payment was applied to, or none when it paid the oldest debts first.
enum PaymentList {
    /// Payments of the customers the reader may see, with the list's filters: `customerId`,
    /// `invoiceId`, and `q`, a fragment of the reference (a bank slip's number).
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<SalesPayment> {
        let q = SalesPayment.query(on: db ?? req.db).customerInSalesScope(scope)
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let v = try req.queryUUID("invoiceId", strict: strict) { q.filter(\.$invoiceId == v) }
        if let pattern = likePattern(try req.queryText("q", max: 100)) {
            q.filter(.sql(SQLQueryString("lower(\(ident: SalesPayment.schema).reference) LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        return q
    }

    /// A shown payment with the names a person reads: the customer, the invoice's number, who recorded it.
    struct Row: Encodable {
        var id: UUID
        var receivedOn: String
        var customerId: UUID
        var customer: String
        var amount: Money
        var invoice: String?
        var reference: String
        var recordedBy: String
    }

    static func rows(_ payments: [SalesPayment], on db: any Database) async throws -> [Row] {
        let customers = try await SalesNames.customers(Set(payments.map(\.customerId)), on: db)
        let invoiceIds = Array(Set(payments.compactMap(\.invoiceId)))
        let invoices = invoiceIds.isEmpty ? [:]
            : Dictionary(uniqueKeysWithValues: try await SalesInvoice.query(on: db).filter(\.$id ~~ invoiceIds).all().map { ($0.id!, $0.number) })
        let userIds = Array(Set(payments.compactMap(\.createdBy)))
        let users = userIds.isEmpty ? [:]
            : Dictionary(uniqueKeysWithValues: try await UserAccount.query(on: db).filter(\.$id ~~ userIds).all().map { ($0.id!, $0.displayName) })
        return payments.map { p in
            Row(id: p.id!, receivedOn: p.receivedOn, customerId: p.customerId, customer: customers[p.customerId] ?? "—", amount: Money(fen: p.amountFen),
                invoice: p.invoiceId.flatMap { invoices[$0] }, reference: p.reference, recordedBy: p.createdBy.flatMap { users[$0] } ?? "—")
        }
    }
}

extension SalesExport {
    /// The payments list with its filters, newest first, as CSV or XLSX.
    static func payments(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["receivedOn", "customer", "amountYuan", "appliedTo", "reference", "recordedBy"].map(req.t)
        let oldestFirst = req.t("oldestDebtsFirst")
        return try await ListExport<SalesPayment>(name: "payments", sheet: req.t("payments"), header: header, rows: { db in
            try PaymentList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$receivedOn, .descending).sort(\.$id, .descending)
        }, cells: { payments, db in
            try await PaymentList.rows(payments, on: db).map { r in
                [r.receivedOn, r.customer, r.amount.yuanText, r.invoice ?? oldestFirst, r.reference, r.recordedBy]
            }
        }).response(req, format: format)
    }
}
