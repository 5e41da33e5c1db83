import Fluent
import SQLKit

/// The market-promotion chapter's partners, channel accounts and content calendar (MKT-3, MKT-5).
/// Migrations never change once landed: append new ones.
enum MarketingPartnerMigrations {
    static let all: [any Migration] = [CreatePartners(), CreateChannelAccounts(), CreateContentPosts()]
}

struct CreatePartners: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Partner.schema)
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("uscc", .string)
            .field("website", .string)
            .field("notes", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("partners_name", on: Partner.schema, ["name", "id"])
        try await database.index("partners_kind_name", on: Partner.schema, ["kind", "name", "id"])

        try await database.schema(PartnerContact.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("name", .string, .required)
            .field("title", .string, .required)
            .field("mobile", .string)
            .field("email", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("partner_contacts_partner", on: PartnerContact.schema, ["partner_id", "name"])

        // campaign_id without a foreign key: the campaigns table is created by another migration list.
        try await database.schema(PartnerEngagement.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("title", .string, .required)
            .field("campaign_id", .uuid)
            .field("start_on", .string, .required)
            .field("end_on", .string)
            .field("agreed_amount_fen", .int64, .required)
            .field("status", .string, .required)
            .field("rating", .int)
            .field("rating_comment", .string, .required)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("partner_engagements_partner", on: PartnerEngagement.schema, ["partner_id", "start_on"])
        try await database.index("partner_engagements_campaign", on: PartnerEngagement.schema, ["campaign_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PartnerEngagement.schema).delete()
        try await database.schema(PartnerContact.schema).delete()
        try await database.schema(Partner.schema).delete()
    }
}

struct CreateChannelAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChannelAccount.schema)
            .id()
            .field("channel", .string, .required)
            .field("name", .string, .required)
            .field("handle", .string, .required)
            .field("url", .string)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("followers", .int)
            .field("active", .bool, .required)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("channel_accounts_name", on: ChannelAccount.schema, ["name", "id"])
        try await database.index("channel_accounts_channel", on: ChannelAccount.schema, ["channel", "name", "id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChannelAccount.schema).delete()
    }
}

struct CreateContentPosts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContentPost.schema)
            .id()
            .field("title", .string, .required)
            .field("channel_account_id", .uuid, .references(ChannelAccount.schema, "id"))
            .field("campaign_id", .uuid)
            .field("body", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("status", .string, .required)
            .field("scheduled_at", .datetime)
            .field("published_at", .datetime)
            .field("calendar_key", .string, .required)
            .field("link", .string)
            .field("views", .int)
            .field("likes", .int)
            .field("comments", .int)
            .field("shares", .int)
            .field("clicks", .int)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        // The month view (a range of calendar_key), the list by status or account in calendar order.
        try await database.index("content_posts_calendar", on: ContentPost.schema, ["calendar_key", "id"])
        try await database.index("content_posts_status", on: ContentPost.schema, ["status", "calendar_key", "id"])
        try await database.index("content_posts_account", on: ContentPost.schema, ["channel_account_id", "calendar_key", "id"])
        try await database.index("content_posts_campaign", on: ContentPost.schema, ["campaign_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContentPost.schema).delete()
    }
}
