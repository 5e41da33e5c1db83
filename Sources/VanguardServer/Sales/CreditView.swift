import Fluent
import Vapor
import VanguardCore

/// The credit card on a customer's page (RSK-S2): the newest assessment, what the customer owes
/// and has on order, each invoice with what is paid and still owed, and the form finance and the
/// lead use to assess again.
struct CreditView: Encodable {
    /// One invoice as the ageing sees it today: payments applied, days past due while owed.
    struct InvoiceLine: Encodable { var number: String; var issuedOn: String; var dueOn: String; var amount: String; var paid: String; var outstanding: String; var daysPastDue: String; var late: Bool }

    var rating: String?
    var score: Int?
    var limit: String?
    var nextReview: String?
    var valid: Bool
    var outstanding: String
    var uninvoiced: String
    var oldestOverdueDays: Int
    var invoices: [InvoiceLine]
    var canAssess: Bool
    var risks: [FormField.Option]

    static func load(_ c: Customer, facts: SalesFacts, req: Request) async throws -> CreditView {
        let today = req.today
        let latest = try await Ledger.latestAssessment(customer: c.id!, on: req.db)
        let ageing = try await Ledger.ageing(customer: c.id!, asOf: today, on: req.db)
        return CreditView(rating: latest?.rating, score: latest?.score, limit: latest.map { SalesNames.yuan($0.limitFen) }, nextReview: latest?.nextReview,
                          valid: latest?.rule?.isValid(on: today) ?? false, outstanding: SalesNames.yuan(ageing.totalOutstanding.fen),
                          uninvoiced: SalesNames.yuan(try await Ledger.uninvoiced(customer: c.id!, on: req.db).fen), oldestOverdueDays: ageing.oldestOverdueDays,
                          invoices: ageing.invoices.sorted { ($0.invoice.due, $0.invoice.number) > ($1.invoice.due, $1.invoice.number) }.map { b in
                              let owed = b.outstanding.fen > 0 && b.daysPastDue >= 0
                              return InvoiceLine(number: b.invoice.number, issuedOn: b.invoice.issued.description, dueOn: b.invoice.due.description,
                                                 amount: SalesNames.yuan(b.invoice.amount.fen), paid: SalesNames.yuan(b.paid.fen), outstanding: SalesNames.yuan(b.outstanding.fen),
                                                 daysPastDue: owed ? String(b.daysPastDue) : "—", late: owed && b.daysPastDue > 0)
                          },
                          canAssess: req.allowed(.create, .receivables(facts)),
                          risks: IndustryRisk.allCases.map { FormField.Option(value: $0.rawValue, label: req.t("risk_" + $0.rawValue), selected: $0 == .medium) })
    }
}
