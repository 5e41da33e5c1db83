import Fluent
import Foundation
import VanguardCore

/// A post on the content calendar (MKT-3): from idea to published, on a channel account, with
/// its link and, once out, its figures. `calendar_key` is the instant the calendar places it by
/// (published, else scheduled) as sortable UTC text, "9999…" while it has no time; kept on every
/// save, so the month view is one index range and the list pages by keyset.
final class ContentPost: Model, @unchecked Sendable {
    static let schema = "content_posts"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @OptionalField(key: "channel_account_id") var channelAccountId: UUID?
    @OptionalField(key: "campaign_id") var campaignId: UUID?
    @Field(key: "body") var body: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "status") var status: String
    @OptionalField(key: "scheduled_at") var scheduledAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Field(key: "calendar_key") var calendarKey: String
    @OptionalField(key: "link") var link: String?
    @OptionalField(key: "views") var views: Int?
    @OptionalField(key: "likes") var likes: Int?
    @OptionalField(key: "comments") var comments: Int?
    @OptionalField(key: "shares") var shares: Int?
    @OptionalField(key: "clicks") var clicks: Int?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    static let unscheduled = "9999-12-31T23:59:59Z"

    static func key(_ instant: Date?) -> String {
        guard let instant else { return unscheduled }
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: instant)
    }

    /// The instant the calendar shows the post at.
    var calendarAt: Date? { publishedAt ?? scheduledAt }

    var postStatus: PostStatus { PostStatus(rawValue: status) ?? .idea }

    var figures: PostFigures {
        get { PostFigures(views: views, likes: likes, comments: comments, shares: shares, clicks: clicks) }
        set { views = newValue.views; likes = newValue.likes; comments = newValue.comments; shares = newValue.shares; clicks = newValue.clicks }
    }
}
