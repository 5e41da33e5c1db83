import Fluent
import Foundation
import Vapor

/// A company or person the team sells to, from first prospect on (SP-1, SAL-2): the customer file.
final class Customer: Model, ListedProperties, @unchecked Sendable {
    static let schema = "customers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The name without legal-form words, spaces or punctuation: duplicates are found by it.
    @Field(key: "name_key") var nameKey: String
    /// What the list sorts by: the name's pinyin (`PinyinOrder`), kept by `NameOrderKeeper`.
    @Field(key: "name_order") var nameOrder: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "uscc") var uscc: String?
    @OptionalField(key: "industry") var industry: String?
    @Field(key: "region") var region: String
    @OptionalField(key: "size") var size: String?
    @Field(key: "source") var source: String
    @Field(key: "status") var status: String
    @Field(key: "expected_annual_yuan") var expectedAnnualYuan: Int64
    @Field(key: "score") var score: Int
    @Field(key: "class") var customerClass: String
    @OptionalField(key: "phone") var phone: String?
    /// Digits of the phone, +86 removed: duplicates and search by phone use it.
    @OptionalField(key: "phone_key") var phoneKey: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "address") var address: String
    @Field(key: "notes") var notes: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    /// Set when this record was merged into another; the survivor keeps its history.
    @OptionalField(key: "merged_into_id") var mergedIntoId: UUID?
    /// Name, phone and credit code as two-character tokens, for the search index (`CustomerSearch`).
    @Field(key: "search_text") var searchText: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $name, $nameKey, $nameOrder, $kind, $uscc, $industry, $region, $size, $source, $status, $expectedAnnualYuan, $score, $customerClass, $phone, $phoneKey, $email, $address, $notes, $ownerMemberId, $mergedIntoId, $searchText, $version, $createdAt, $updatedAt, $deletedAt] }

    init() { searchText = ""; nameOrder = "" }
}

/// A person at a customer the team deals with: phone, e-mail, WeChat, birthday (SP-1, CP-4).
final class Contact: Model, ListedProperties, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "name") var name: String
    @Field(key: "title") var title: String
    @OptionalField(key: "mobile") var mobile: String?
    @OptionalField(key: "phone_key") var phoneKey: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "wechat") var wechat: String?
    /// yyyy-MM-dd; for a lunar birthday the month and day are lunar.
    @OptionalField(key: "birthday") var birthday: String?
    @Field(key: "birthday_calendar") var birthdayCalendar: String
    @Field(key: "is_primary") var isPrimary: Bool
    @Field(key: "notes") var notes: String
    /// The name's pinyin sort key (`PinyinOrder`), kept by `NameOrderKeeper`.
    @Field(key: "name_order") var nameOrder: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $customer, $name, $title, $mobile, $phoneKey, $email, $wechat, $birthday, $birthdayCalendar, $isPrimary, $notes, $nameOrder, $version, $createdAt, $updatedAt, $deletedAt] }

    init() { nameOrder = "" }
}

/// A call, visit, trade-show meeting or e-mail with a customer: what was learned, the next step
/// and when (SP-2, SAL-2). "My day" is built from the next steps.
final class SalesActivity: Model, ListedProperties, @unchecked Sendable {
    static let schema = "sales_activities"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @OptionalField(key: "contact_id") var contactId: UUID?
    @OptionalField(key: "opportunity_id") var opportunityId: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "occurred_on") var occurredOn: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "summary") var summary: String
    @Field(key: "needs") var needs: String
    @Field(key: "next_step") var nextStep: String
    @OptionalField(key: "next_step_on") var nextStepOn: String?
    @OptionalField(key: "next_step_done_at") var nextStepDoneAt: Date?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $customer, $contactId, $opportunityId, $kind, $occurredOn, $ownerMemberId, $summary, $needs, $nextStep, $nextStepOn, $nextStepDoneAt, $version, $createdAt, $updatedAt, $deletedAt] }

    init() {}
}

/// A deal in the pipeline (SAL-3, SP-1 … SP-4): its stage, amount, chance and expected close.
final class Opportunity: Model, ListedProperties, @unchecked Sendable {
    static let schema = "opportunities"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "title") var title: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "stage") var stage: String
    @Field(key: "amount_fen") var amountFen: Int64
    /// Set when the salesperson's judgement differs from the stage's usual chance.
    @OptionalField(key: "probability") var probability: Int?
    @OptionalField(key: "expected_close") var expectedClose: String?
    @Field(key: "needs") var needs: String
    @OptionalField(key: "loss_reason") var lossReason: String?
    @Field(key: "source") var source: String
    @Field(key: "stage_changed_at") var stageChangedAt: Date
    @OptionalField(key: "closed_on") var closedOn: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $customer, $title, $ownerMemberId, $stage, $amountFen, $probability, $expectedClose, $needs, $lossReason, $source, $stageChangedAt, $closedOn, $version, $createdAt, $updatedAt, $deletedAt] }

    init() {}
}

/// One move of a deal between stages: the funnel, win rates and cycle time by stage come from these.
final class StageChange: Model, @unchecked Sendable {
    static let schema = "opportunity_stage_changes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "opportunity_id") var opportunity: Opportunity
    @OptionalField(key: "from_stage") var fromStage: String?
    @Field(key: "to_stage") var toStage: String
    @Field(key: "changed_at") var changedAt: Date
    @OptionalField(key: "changed_by") var changedBy: UUID?
    @Field(key: "amount_fen") var amountFen: Int64

    init() {}
}
