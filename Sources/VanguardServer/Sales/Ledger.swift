import Fluent
import Vapor
import VanguardCore

/// A customer's account as the credit rules see it (RSK-S2): invoices and payments aged at a
/// date, what is ordered but not yet invoiced, and the newest credit assessment.
enum Ledger {
    static func ageing(customer: UUID, asOf: CivilDate, on db: any Database) async throws -> ReceivablesAgeing {
        let invoices = try await SalesInvoice.query(on: db).filter(\.$customerId == customer).all()
        let payments = try await SalesPayment.query(on: db).filter(\.$customerId == customer).all()
        return try ageing(invoices: invoices, payments: payments, asOf: asOf)
    }

    static func ageing(invoices: [SalesInvoice], payments: [SalesPayment], asOf: CivilDate) throws -> ReceivablesAgeing {
        let (i, p) = rules(invoices: invoices, payments: payments)
        return try Receivables.ageing(invoices: i, payments: p, asOf: asOf)
    }

    /// The stored invoices and payments as the receivables rules read them.
    static func rules(invoices: [SalesInvoice], payments: [SalesPayment]) -> ([Invoice], [Payment]) {
        let numbers = Dictionary(uniqueKeysWithValues: invoices.map { ($0.id!, $0.number) })
        return (invoices.compactMap { i in
                    guard let issued = CivilDate(i.issuedOn), let due = CivilDate(i.dueOn) else { return nil }
                    return Invoice(number: i.number, amount: Money(fen: i.amountFen), issued: issued, due: due)
                },
                payments.compactMap { p in
                    guard let date = CivilDate(p.receivedOn) else { return nil }
                    return Payment(amount: Money(fen: p.amountFen), date: date, appliedTo: p.invoiceId.flatMap { numbers[$0] })
                })
    }

    /// Each invoice's balance on `asOf`, by invoice id, from its customer's whole ledger: a payment
    /// not applied to an invoice pays that customer's oldest debts first, so one invoice's balance
    /// depends on the others.
    static func balances(of invoices: [SalesInvoice], asOf: CivilDate, on db: any Database) async throws -> [UUID: InvoiceBalance] {
        let customers = Array(Set(invoices.map(\.customerId)))
        guard !customers.isEmpty else { return [:] }
        let all = Dictionary(grouping: try await SalesInvoice.query(on: db).filter(\.$customerId ~~ customers).all(), by: \.customerId)
        let paid = Dictionary(grouping: try await SalesPayment.query(on: db).filter(\.$customerId ~~ customers).all(), by: \.customerId)
        var result: [UUID: InvoiceBalance] = [:]
        for customer in customers {
            let theirs = all[customer] ?? []
            let (i, p) = rules(invoices: theirs, payments: paid[customer] ?? [])
            let byNumber = try Receivables.balances(invoices: i, payments: p, asOf: asOf)
            for invoice in theirs { result[invoice.id!] = byNumber[invoice.number] }
        }
        return result
    }

    /// Orders placed but not yet (fully) invoiced: they are exposure too.
    static func uninvoiced(customer: UUID, on db: any Database) async throws -> Money {
        let orders = try await SalesOrder.query(on: db).filter(\.$customerId == customer).filter(\.$status != OrderStatus.cancelled.rawValue).all()
        guard !orders.isEmpty else { return .zero }
        let invoiced = Dictionary(grouping: try await SalesInvoice.query(on: db).filter(\.$orderId ~~ orders.compactMap(\.id)).all(), by: { $0.orderId! })
        return Money(fen: orders.reduce(0) { sum, o in sum + max(0, o.amountFen - (invoiced[o.id!] ?? []).reduce(0) { $0 + $1.amountFen }) })
    }

    static func latestAssessment(customer: UUID, on db: any Database) async throws -> CreditAssessmentRecord? {
        try await CreditAssessmentRecord.query(on: db).filter(\.$customerId == customer)
            .sort(\.$assessedOn, .descending).sort(\.$createdAt, .descending).first()
    }

    /// The credit check for a new order (RSK-S2), with the lead's override when given.
    static func creditCheck(customer: UUID, orderAmount: Money, override: String?, today: CivilDate, policy: CreditPolicy,
                            on db: any Database) async throws -> CreditCheckResult {
        let ageing = try await ageing(customer: customer, asOf: today, on: db)
        let facts = OrderCreditFacts(ageing: ageing, uninvoicedOrders: try await uninvoiced(customer: customer, on: db), orderAmount: orderAmount,
                                     assessment: try await latestAssessment(customer: customer, on: db)?.rule, today: today)
        return CreditRules.checkOrder(facts, override: override.map(CreditOverride.init(reason:)), policy: policy)
    }

    /// What is past due now (the "overdue amount" credit factor).
    static func overdue(_ a: ReceivablesAgeing) -> Money {
        Money(fen: a.invoices.filter { $0.daysPastDue > 0 }.reduce(0) { $0 + $1.outstanding.fen })
    }
}
