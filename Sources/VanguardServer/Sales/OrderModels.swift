import Fluent
import SQLKit
import Vapor
import VanguardCore

/// An order placed under a signed contract (SP-5, SAL-4): planned and actual delivery, the
/// customer's acceptance, and the credit check it passed (or the lead's override of it, RSK-S2).
final class SalesOrder: Model, @unchecked Sendable {
    static let schema = "sales_orders"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "contract_id") var contractId: UUID
    @Field(key: "opportunity_id") var opportunityId: UUID
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "status") var status: String
    @Field(key: "planned_delivery") var plannedDelivery: String
    @OptionalField(key: "actual_delivery") var actualDelivery: String?
    @OptionalField(key: "accepted_on") var acceptedOn: String?
    @Field(key: "credit_decision") var creditDecision: String
    @OptionalField(key: "credit_override_reason") var creditOverrideReason: String?
    @Field(key: "notes") var notes: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// Where an order stands: open until delivered, then accepted by the customer; or cancelled.
enum OrderStatus: String, CaseIterable, Codable, Sendable {
    case open, delivered, accepted, cancelled

    /// The moves a user may make; acceptance needs the delivery first.
    static let moves: [OrderStatus: Set<OrderStatus>] = [.open: [.delivered, .cancelled], .delivered: [.accepted, .open]]
}

/// An after-sales request on an order (SP-6), kept with the order until the service chapter's
/// tickets take them over.
final class AfterSalesRequest: Model, @unchecked Sendable {
    static let schema = "after_sales_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "order_id") var orderId: UUID
    @Field(key: "description") var description: String
    @Field(key: "status") var status: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "created_by_name") var createdByName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// An invoice issued to a customer (RSK-S2): what is owed and by when.
final class SalesInvoice: Model, @unchecked Sendable {
    static let schema = "sales_invoices"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "order_id") var orderId: UUID?
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "issued_on") var issuedOn: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// Money received from a customer, applied to an invoice or to the oldest debts first.
final class SalesPayment: Model, @unchecked Sendable {
    static let schema = "sales_payments"

    @ID(key: .id) var id: UUID?
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "invoice_id") var invoiceId: UUID?
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "reference") var reference: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A customer's credit assessment (RSK-S2): the factors, the score, rating and limit the
/// policy's rules gave, and when it must be reviewed. The newest one counts.
final class CreditAssessmentRecord: Model, @unchecked Sendable {
    static let schema = "credit_assessments"

    @ID(key: .id) var id: UUID?
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "on_time_share") var onTimeShare: Double?
    @Field(key: "overdue_fen") var overdueFen: Int64
    @Field(key: "years_in_business") var yearsInBusiness: Int
    @Field(key: "registered_capital_fen") var registeredCapitalFen: Int64
    @Field(key: "industry_risk") var industryRisk: String
    @Field(key: "score") var score: Int
    @Field(key: "rating") var rating: String
    @Field(key: "limit_fen") var limitFen: Int64
    @Field(key: "assessed_on") var assessedOn: String
    @Field(key: "next_review") var nextReview: String
    @Field(key: "notes") var notes: String
    @OptionalField(key: "assessed_by") var assessedBy: UUID?
    @Field(key: "assessor_name") var assessorName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var rule: CreditAssessment? {
        guard let on = CivilDate(assessedOn), let next = CivilDate(nextReview), let rating = CreditRating(rawValue: rating) else { return nil }
        return CreditAssessment(points: CreditFactorValues(paymentHistory: 0, overdueAmount: 0, yearsInBusiness: 0, registeredCapital: 0, industryRisk: 0),
                                score: score, rating: rating, limit: Money(fen: limitFen), assessedOn: on, nextReview: next)
    }
}

struct CreateOrdersAndReceivables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SalesOrder.schema)
            .id()
            .field("number", .string, .required)
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id"))
            .field("opportunity_id", .uuid, .required, .references(Opportunity.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("amount_fen", .int64, .required)
            .field("status", .string, .required)
            .field("planned_delivery", .string, .required)
            .field("actual_delivery", .string)
            .field("accepted_on", .string)
            .field("credit_decision", .string, .required)
            .field("credit_override_reason", .string)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.index("orders_customer", on: SalesOrder.schema, ["customer_id", "status"])
        try await database.index("orders_delivery", on: SalesOrder.schema, ["status", "planned_delivery"])
        try await database.index("orders_contract", on: SalesOrder.schema, ["contract_id"])
        try await database.schema(AfterSalesRequest.schema)
            .id()
            .field("order_id", .uuid, .required, .references(SalesOrder.schema, "id"))
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .uuid)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("after_sales_order", on: AfterSalesRequest.schema, ["order_id"])
        try await database.schema(SalesInvoice.schema)
            .id()
            .field("number", .string, .required)
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("order_id", .uuid, .references(SalesOrder.schema, "id"))
            .field("amount_fen", .int64, .required)
            .field("issued_on", .string, .required)
            .field("due_on", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.index("invoices_customer", on: SalesInvoice.schema, ["customer_id", "due_on"])
        try await database.index("invoices_order", on: SalesInvoice.schema, ["order_id"])
        try await database.schema(SalesPayment.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("invoice_id", .uuid, .references(SalesInvoice.schema, "id"))
            .field("amount_fen", .int64, .required)
            .field("received_on", .string, .required)
            .field("reference", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await database.index("payments_customer", on: SalesPayment.schema, ["customer_id", "received_on"])
        try await database.schema(CreditAssessmentRecord.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("on_time_share", .double)
            .field("overdue_fen", .int64, .required)
            .field("years_in_business", .int, .required)
            .field("registered_capital_fen", .int64, .required)
            .field("industry_risk", .string, .required)
            .field("score", .int, .required)
            .field("rating", .string, .required)
            .field("limit_fen", .int64, .required)
            .field("assessed_on", .string, .required)
            .field("next_review", .string, .required)
            .field("notes", .string, .required)
            .field("assessed_by", .uuid)
            .field("assessor_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.index("credit_customer", on: CreditAssessmentRecord.schema, ["customer_id", "assessed_on"])
    }

    func revert(on database: any Database) async throws {
        for schema in [CreditAssessmentRecord.schema, SalesPayment.schema, SalesInvoice.schema, AfterSalesRequest.schema, SalesOrder.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// The invoices and payments lists across customers (finance's pages): by due date, issue date
/// or number, and payments newest first or by the invoice they paid, each a keyset walk on its
/// own index rather than a sort of every row.
struct ReceivablesListIndexes: AsyncMigration {
    static let indexes = [
        ("invoices_due", SalesInvoice.schema, ["due_on", "id"]), ("invoices_issued", SalesInvoice.schema, ["issued_on", "id"]),
        ("payments_received", SalesPayment.schema, ["received_on", "id"]), ("payments_invoice", SalesPayment.schema, ["invoice_id"]),
    ]

    func prepare(on database: any Database) async throws {
        for (name, table, columns) in Self.indexes { try await database.index(name, on: table, columns) }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, _, _) in Self.indexes { try await sql.drop(index: name).run() }
    }
}
