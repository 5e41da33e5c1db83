import Fluent
import Foundation
import VanguardCore

/// An ad agency, media outlet, event organiser or other firm the promotion group works with (MKT-5).
final class Partner: Model, @unchecked Sendable {
    static let schema = "partners"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "uscc") var uscc: String?
    @OptionalField(key: "website") var website: String?
    @Field(key: "notes") var notes: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var partnerKind: PartnerKind { PartnerKind(rawValue: kind) ?? .other }
}

/// A person at a partner: who to call about the work.
final class PartnerContact: Model, @unchecked Sendable {
    static let schema = "partner_contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerId: UUID
    @Field(key: "name") var name: String
    @Field(key: "title") var title: String
    @OptionalField(key: "mobile") var mobile: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// One piece of work with a partner: what, when, the agreed amount, and once finished, how well
/// it went (a rating 1–5 with a comment). `campaign_id` names a campaign without a foreign key:
/// the campaigns table belongs to another part of the chapter.
final class PartnerEngagement: Model, @unchecked Sendable {
    static let schema = "partner_engagements"

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerId: UUID
    @Field(key: "title") var title: String
    @OptionalField(key: "campaign_id") var campaignId: UUID?
    @Field(key: "start_on") var startOn: String
    @OptionalField(key: "end_on") var endOn: String?
    @Field(key: "agreed_amount_fen") var agreedAmountFen: Int64
    @Field(key: "status") var status: String
    @OptionalField(key: "rating") var rating: Int?
    @Field(key: "rating_comment") var ratingComment: String
    @Field(key: "notes") var notes: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var engagementStatus: EngagementStatus { EngagementStatus(rawValue: status) ?? .planned }
}
