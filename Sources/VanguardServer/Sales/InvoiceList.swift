import Fluent
import SQLKit
import Vapor
import VanguardCore

/// An invoice with what has been paid against it and what is still owed today (RSK-S2): the
/// invoices list's item in the API, on the page and in the export.
struct InvoiceBalanceDTO: Content, Equatable {
    var id: UUID
    var number: String
    var customerId: UUID
    var customer: String
    var orderId: UUID?
    var order: String?
    var amount: Double
    var issuedOn: String
    var dueOn: String
    var paid: Double
    var outstanding: Double
    /// Today − the due date; negative while the invoice is not yet due.
    var daysPastDue: Int
    var status: String
    var createdAt: Date?
}

/// The invoices list (RSK-S2): what finance works through to chase debts, with each invoice's
/// balance from its customer's ledger.
enum InvoiceList {
    static let sortable = ["dueOn", "issuedOn", "number"]

    static func column(_ sort: String) -> String {
        switch sort { case "issuedOn": "issued_on"; case "number": "number"; default: "due_on" }
    }

    static func value(_ i: SalesInvoice, sort: String) -> String {
        switch sort { case "issuedOn": i.issuedOn; case "number": i.number; default: i.dueOn }
    }

    /// Invoices of the customers the reader may see, with the list's filters: `customerId`,
    /// `orderId`, and `q`, a fragment of the invoice number.
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<SalesInvoice> {
        let q = SalesInvoice.query(on: db ?? req.db).customerInSalesScope(scope)
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let v = try req.queryUUID("orderId", strict: strict) { q.filter(\.$orderId == v) }
        if let pattern = likePattern(try req.queryText("q", max: 40)) {
            q.filter(.sql(SQLQueryString("lower(\(ident: SalesInvoice.schema).number) LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        return q
    }

    /// `status=open|overdue|paid`: a filter on the balance, which no column holds.
    static func status(_ req: Request, strict: Bool) throws -> InvoiceStatus? {
        try req.queryChoice("status", from: InvoiceStatus.allCases.map(\.rawValue), strict: strict).flatMap(InvoiceStatus.init(rawValue:))
    }

    /// One page in the list's order. With a status filter the rows are read in batches, each
    /// batch's balances worked out, until the page is full or the list ends; the cursor is the
    /// last row shown, as on any list.
    static func page(_ req: Request, list: ListRequest, scope: RecordScope, strict: Bool) async throws -> PageOf<InvoiceBalanceDTO> {
        let wanted = try status(req, strict: strict)
        let today = req.today
        let batch = wanted == nil ? list.limit + 1 : max(4 * list.limit, 100)
        var reading = list
        var kept: [(SalesInvoice, InvoiceBalance)] = []
        while kept.count <= list.limit {
            let rows = try await reading.sorted(from: try filtered(req, scope: scope, strict: strict), column: column(list.sortField)).limit(batch).all()
            let balances = try await Ledger.balances(of: rows, asOf: today, on: req.db)
            for row in rows {
                guard let b = balances[row.id!], wanted == nil || b.status == wanted else { continue }
                kept.append((row, b))
                if kept.count > list.limit { break }
            }
            guard rows.count == batch, let last = rows.last else { break }
            reading.after = (value(last, sort: list.sortField), last.id!)
        }
        let (shown, next) = list.cut(kept, value: { value($0.0, sort: list.sortField) }, id: { $0.0.id })
        return PageOf(items: try await items(shown, on: req.db), nextCursor: next)
    }

    static func items(_ rows: [(SalesInvoice, InvoiceBalance)], on db: any Database) async throws -> [InvoiceBalanceDTO] {
        let customers = try await SalesNames.customers(Set(rows.map(\.0.customerId)), on: db)
        let orderIds = Array(Set(rows.compactMap(\.0.orderId)))
        let orders = orderIds.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await SalesOrder.query(on: db).filter(\.$id ~~ orderIds).all().map { ($0.id!, $0.number) })
        return rows.map { i, b in
            InvoiceBalanceDTO(id: i.id!, number: i.number, customerId: i.customerId, customer: customers[i.customerId] ?? "—", orderId: i.orderId,
                              order: i.orderId.flatMap { orders[$0] }, amount: YuanInput.yuan(i.amountFen), issuedOn: i.issuedOn, dueOn: i.dueOn,
                              paid: YuanInput.yuan(b.paid.fen), outstanding: YuanInput.yuan(b.outstanding.fen), daysPastDue: b.daysPastDue,
                              status: b.status.rawValue, createdAt: i.createdAt)
        }
    }
}
