import Fluent
import Vapor
import VanguardCore

/// A tailored proposal for a deal (SP-3): lines from the price list, discounts, service
/// commitments, validity; above the policy's discount line the lead approves it before it is sent (RSK-S1).
final class Quote: Model, @unchecked Sendable {
    static let schema = "quotes"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Parent(key: "opportunity_id") var opportunity: Opportunity
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "status") var status: String
    @Field(key: "valid_until") var validUntil: String
    @Field(key: "extra_discount_bp") var extraDiscountBP: Int64
    @Field(key: "service_terms") var serviceTerms: String
    @Field(key: "notes") var notes: String
    @Field(key: "subtotal_fen") var subtotalFen: Int64
    @Field(key: "discount_fen") var discountFen: Int64
    @Field(key: "net_fen") var netFen: Int64
    @Field(key: "effective_discount_bp") var effectiveDiscountBP: Int64
    @Field(key: "approval_needed") var approvalNeeded: Bool
    @OptionalField(key: "approval_reason") var approvalReason: String?
    @OptionalField(key: "approved_by") var approvedBy: UUID?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// One line of a quote, as it was written (a later price-list change does not alter it).
final class QuoteLineRecord: Model, @unchecked Sendable {
    static let schema = "quote_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "quote_id") var quote: Quote
    @Field(key: "position") var position: Int
    @OptionalField(key: "product_id") var productId: UUID?
    @Field(key: "product_code") var productCode: String
    @Field(key: "description") var description: String
    @Field(key: "unit") var unit: String
    @Field(key: "quantity_thousandths") var quantityThousandths: Int64
    @Field(key: "unit_price_fen") var unitPriceFen: Int64
    @Field(key: "discount_bp") var discountBP: Int64
    @Field(key: "net_fen") var netFen: Int64

    init() {}

    var rule: QuoteLine {
        QuoteLine(productCode: productCode, description: description, quantity: Quantity(thousandths: quantityThousandths),
                  unitPrice: Money(fen: unitPriceFen), discountPercent: Percent(basisPoints: discountBP))
    }
}

struct CreateQuote: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Quote.schema)
            .id()
            .field("number", .string, .required)
            .field("opportunity_id", .uuid, .required, .references(Opportunity.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("status", .string, .required)
            .field("valid_until", .string, .required)
            .field("extra_discount_bp", .int64, .required)
            .field("service_terms", .string, .required)
            .field("notes", .string, .required)
            .field("subtotal_fen", .int64, .required)
            .field("discount_fen", .int64, .required)
            .field("net_fen", .int64, .required)
            .field("effective_discount_bp", .int64, .required)
            .field("approval_needed", .bool, .required)
            .field("approval_reason", .string)
            .field("approved_by", .uuid)
            .field("approved_at", .datetime)
            .field("sent_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.index("quotes_opportunity", on: Quote.schema, ["opportunity_id", "status"])
        try await database.index("quotes_customer", on: Quote.schema, ["customer_id"])
        try await database.index("quotes_status", on: Quote.schema, ["status", "valid_until"])
        try await database.schema(QuoteLineRecord.schema)
            .id()
            .field("quote_id", .uuid, .required, .references(Quote.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("product_id", .uuid)
            .field("product_code", .string, .required)
            .field("description", .string, .required)
            .field("unit", .string, .required)
            .field("quantity_thousandths", .int64, .required)
            .field("unit_price_fen", .int64, .required)
            .field("discount_bp", .int64, .required)
            .field("net_fen", .int64, .required)
            .create()
        try await database.index("quote_lines_quote", on: QuoteLineRecord.schema, ["quote_id", "position"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QuoteLineRecord.schema).delete()
        try await database.schema(Quote.schema).delete()
    }
}

struct QuoteLineDTO: Content, Equatable {
    var productId: UUID?
    var productCode: String
    var description: String
    var unit: String
    var quantity: String
    var unitPrice: Double
    var discountPercent: Double
    var net: Double

    init(_ l: QuoteLineRecord) {
        productId = l.productId; productCode = l.productCode; description = l.description; unit = l.unit
        quantity = Quantity(thousandths: l.quantityThousandths).description; unitPrice = YuanInput.yuan(l.unitPriceFen)
        discountPercent = Double(l.discountBP) / 100; net = YuanInput.yuan(l.netFen)
    }
}

/// A quote as the API shows it: amounts in yuan, percentages as numbers of percent.
struct QuoteDTO: Content, Equatable {
    var id: UUID
    var number: String
    var opportunityId: UUID
    var customerId: UUID
    var ownerId: UUID?
    var status: String
    var validUntil: String
    var extraDiscountPercent: Double
    var serviceTerms: String
    var notes: String
    var lines: [QuoteLineDTO]
    var subtotal: Double
    var discount: Double
    var net: Double
    var effectiveDiscountPercent: Double
    var approvalNeeded: Bool
    var approvalReason: String?
    var approvedAt: Date?
    var sentAt: Date?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    init(_ q: Quote, lines: [QuoteLineRecord]) {
        id = q.id!; number = q.number; opportunityId = q.$opportunity.id; customerId = q.customerId; ownerId = q.ownerMemberId
        status = q.status; validUntil = q.validUntil; extraDiscountPercent = Double(q.extraDiscountBP) / 100
        serviceTerms = q.serviceTerms; notes = q.notes; self.lines = lines.sorted { $0.position < $1.position }.map(QuoteLineDTO.init)
        subtotal = YuanInput.yuan(q.subtotalFen); discount = YuanInput.yuan(q.discountFen); net = YuanInput.yuan(q.netFen)
        effectiveDiscountPercent = Double(q.effectiveDiscountBP) / 100; approvalNeeded = q.approvalNeeded; approvalReason = q.approvalReason
        approvedAt = q.approvedAt; sentAt = q.sentAt; version = q.version; createdAt = q.createdAt; updatedAt = q.updatedAt
    }
}

struct QuoteLineInput: Codable, Sendable {
    var productId: UUID?
    var productCode: String?
    var description: String?
    var unit: String?
    var quantity: String?
    var unitPrice: Double?
    var discountPercent: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case productId, productCode, description, unit, quantity, unitPrice, discountPercent }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        productId = try c.decodeIfPresent(UUID.self, forKey: .productId)
        productCode = try c.decodeIfPresent(String.self, forKey: .productCode)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        // A quantity may be sent as a number (3, 2.5) or as text ("2.5").
        if let text = try? c.decodeIfPresent(String.self, forKey: .quantity) { quantity = text }
        else if let number = try c.decodeIfPresent(Double.self, forKey: .quantity) { quantity = number.isFinite ? String(number) : "x" }
        unitPrice = try c.decodeIfPresent(Double.self, forKey: .unitPrice)
        discountPercent = try c.decodeIfPresent(Double.self, forKey: .discountPercent)
    }
}

struct QuoteInput: Content {
    var opportunityId: UUID?
    var validUntil: String?
    var lines: [QuoteLineInput]?
    var extraDiscountPercent: Double?
    var serviceTerms: String?
    var notes: String?
    var status: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case opportunityId, validUntil, lines, extraDiscountPercent, serviceTerms, notes, status }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opportunityId = try c.decodeIfPresentNonNull(UUID.self, forKey: .opportunityId)
        validUntil = try c.decodeIfPresentNonNull(String.self, forKey: .validUntil)
        lines = try c.decodeIfPresentNonNull([QuoteLineInput].self, forKey: .lines)
        extraDiscountPercent = try c.decodeIfPresentNonNull(Double.self, forKey: .extraDiscountPercent)
        serviceTerms = try c.decodeIfPresentNonNull(String.self, forKey: .serviceTerms)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(validUntil, forKey: .validUntil)
    }

    var changesContent: Bool { validUntil != nil || lines != nil || extraDiscountPercent != nil || serviceTerms != nil || notes != nil }
}
