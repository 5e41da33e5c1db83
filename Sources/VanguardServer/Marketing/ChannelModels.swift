import Fluent
import Foundation

/// One of the team's accounts on an online channel (MKT-3): the WeChat official account, the
/// Weibo or Douyin account, the website. `channel` is a key from the policy pack's channels.
final class ChannelAccount: Model, @unchecked Sendable {
    static let schema = "channel_accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @Field(key: "name") var name: String
    @Field(key: "handle") var handle: String
    @OptionalField(key: "url") var url: String?
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    /// Entered by hand from the platform; nil until someone does.
    @OptionalField(key: "followers") var followers: Int?
    @Field(key: "active") var active: Bool
    @Field(key: "notes") var notes: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}
