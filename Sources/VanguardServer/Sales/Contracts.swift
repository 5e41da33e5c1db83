import Fluent
import Vapor
import VanguardCore

/// A sales contract made from an accepted quote (SP-4), reviewed against the policy's checklist and
/// approved before it may be signed (RSK-S3).
final class Contract: Model, @unchecked Sendable {
    static let schema = "contracts"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Parent(key: "opportunity_id") var opportunity: Opportunity
    @Field(key: "customer_id") var customerId: UUID
    @Field(key: "quote_id") var quoteId: UUID
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "title") var title: String
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "payment_terms") var paymentTerms: String
    @Field(key: "delivery_terms") var deliveryTerms: String
    @Field(key: "status") var status: String
    @OptionalField(key: "signed_on") var signedOn: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// A reviewer's verdict on one checklist item; the latest mark per item counts.
final class ContractReviewMark: Model, @unchecked Sendable {
    static let schema = "contract_review_marks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @Field(key: "item_key") var itemKey: String
    @Field(key: "verdict") var verdict: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "reviewed_by") var reviewedBy: UUID?
    @Field(key: "reviewer_name") var reviewerName: String
    @Field(key: "reviewed_at") var reviewedAt: Date

    init() {}
}

/// One person's approval of a contract; approvals are cleared when the terms change.
final class ContractApproval: Model, @unchecked Sendable {
    static let schema = "contract_approvals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @Field(key: "user_id") var userId: UUID
    @Field(key: "approver_name") var approverName: String
    @Field(key: "note") var note: String
    @Field(key: "approved_at") var approvedAt: Date

    init() {}
}

/// The signed copy of a contract (PDF or a photo of it), kept with the contract.
final class ContractFile: Model, @unchecked Sendable {
    static let schema = "contract_files"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "data") var data: Data
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}
}

struct CreateContract: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Contract.schema)
            .id()
            .field("number", .string, .required)
            .field("opportunity_id", .uuid, .required, .references(Opportunity.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("quote_id", .uuid, .required, .references(Quote.schema, "id"))
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("title", .string, .required)
            .field("amount_fen", .int64, .required)
            .field("payment_terms", .string, .required)
            .field("delivery_terms", .string, .required)
            .field("status", .string, .required)
            .field("signed_on", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.index("contracts_opportunity", on: Contract.schema, ["opportunity_id", "status"])
        try await database.index("contracts_customer", on: Contract.schema, ["customer_id"])
        try await database.schema(ContractReviewMark.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("item_key", .string, .required)
            .field("verdict", .string, .required)
            .field("note", .string)
            .field("reviewed_by", .uuid)
            .field("reviewer_name", .string, .required)
            .field("reviewed_at", .datetime, .required)
            .unique(on: "contract_id", "item_key")
            .create()
        try await database.schema(ContractApproval.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required)
            .field("approver_name", .string, .required)
            .field("note", .string, .required)
            .field("approved_at", .datetime, .required)
            .unique(on: "contract_id", "user_id")
            .create()
        try await database.schema(ContractFile.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .uuid)
            .field("uploaded_at", .datetime, .required)
            .create()
        try await database.index("contract_files_contract", on: ContractFile.schema, ["contract_id"])
    }

    func revert(on database: any Database) async throws {
        for schema in [ContractFile.schema, ContractApproval.schema, ContractReviewMark.schema, Contract.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct ContractMarkDTO: Content, Equatable {
    var itemKey: String
    var name: String
    var required: Bool
    var verdict: String
    var note: String?
    var reviewer: String?
    var reviewedAt: Date?
}

struct ContractApprovalDTO: Content, Equatable {
    var userId: UUID
    var approver: String
    var note: String
    var approvedAt: Date
}

/// A contract as the API shows it, with its checklist, approvals and what still stands before signing.
struct ContractDTO: Content, Equatable {
    var id: UUID
    var number: String
    var opportunityId: UUID
    var customerId: UUID
    var quoteId: UUID
    var ownerId: UUID?
    var title: String
    var amount: Double
    var paymentTerms: String
    var deliveryTerms: String
    var status: String
    var signedOn: String?
    var checklist: [ContractMarkDTO]
    var reviewPassed: Bool
    var approvals: [ContractApprovalDTO]
    var approvalsNeeded: Int
    var signedFile: String?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
}

struct ContractInput: Content {
    var quoteId: UUID?
    var title: String?
    var paymentTerms: String?
    var deliveryTerms: String?
    var status: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case quoteId, title, paymentTerms, deliveryTerms, status }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        quoteId = try c.decodeIfPresentNonNull(UUID.self, forKey: .quoteId)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        paymentTerms = try c.decodeIfPresentNonNull(String.self, forKey: .paymentTerms)
        deliveryTerms = try c.decodeIfPresentNonNull(String.self, forKey: .deliveryTerms)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    var changesTerms: Bool { title != nil || paymentTerms != nil || deliveryTerms != nil }
}

struct ReviewInput: Content {
    struct Mark: Codable, Sendable {
        var itemKey: String
        var verdict: String
        var note: String?
    }
    var marks: [Mark]

    init(marks: [Mark]) { self.marks = marks }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["marks"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        marks = try c.decode([Mark].self, forKey: .marks)
    }
}

struct ApprovalInput: Content {
    var note: String?

    init(note: String?) { self.note = note }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["note"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}
