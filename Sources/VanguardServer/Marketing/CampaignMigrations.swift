import Fluent
import SQLKit

/// The campaign half of the market-promotion chapter's tables. Migrations never change once
/// landed: append new ones.
enum CampaignMigrations {
    static let all: [any Migration] = [CreateCampaigns(), CreateCampaignMetrics(), CreateCampaignTouches(), CreateLeadFormBuckets(), CreateCampaignRollUps(), CreateContactEmailIndex()]
}

struct CreateCampaigns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Campaign.schema)
            .id()
            .field("code", .string, .required)
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("status", .string, .required)
            .field("goal_metric", .string)
            .field("goal_target", .int64)
            .field("goal_note", .string, .required)
            .field("audience", .string, .required)
            .field("channels", .string, .required)
            .field("content_plan", .string, .required)
            .field("budget_fen", .int64, .required)
            .field("planned_cpl_fen", .int64)
            .field("start_on", .string, .required)
            .field("end_on", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("lessons", .string, .required)
            .field("follow_up", .string, .required)
            .field("form_open", .bool, .required)
            .field("submitted_at", .datetime)
            .field("approved_at", .datetime)
            .field("approved_by", .uuid)
            .field("evaluated_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "code")
            .unique(on: "slug")
            .create()
        // The list: by start date, by status; the period evaluation finds campaigns by period.
        try await database.index("campaigns_start", on: Campaign.schema, ["start_on"])
        try await database.index("campaigns_status_start", on: Campaign.schema, ["status", "start_on"])
        try await database.index("campaigns_owner", on: Campaign.schema, ["owner_member_id"])

        try await database.schema(CampaignActivity.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("title", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("due_on", .string)
            .field("done_at", .datetime)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("campaign_activities_campaign", on: CampaignActivity.schema, ["campaign_id", "due_on"])

        try await database.schema(CampaignSpend.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("partner_id", .uuid, .references(Partner.schema, "id"))
            .field("spent_on", .string, .required)
            .field("currency", .string, .required)
            .field("amount", .int64, .required)
            .field("rate", .string)
            .field("cny_fen", .int64, .required)
            .field("note", .string, .required)
            .field("created_by", .uuid)
            .field("version", .int, .required)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("campaign_spend_campaign", on: CampaignSpend.schema, ["campaign_id", "spent_on"])
        try await database.index("campaign_spend_partner", on: CampaignSpend.schema, ["partner_id", "spent_on"])
    }

    func revert(on database: any Database) async throws {
        for table in [CampaignSpend.schema, CampaignActivity.schema, Campaign.schema] { try await database.schema(table).delete() }
    }
}

/// One row per campaign, channel and day (MP-3); a day typed or imported again replaces it.
struct CreateCampaignMetrics: AsyncMigration {
    static let table = "campaign_metrics"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("channel", .string, .required)
            .field("day", .string, .required)
            .field("impressions", .int64, .required)
            .field("clicks", .int64, .required)
            .field("visits", .int64, .required)
            .field("leads", .int64, .required)
            .field("cost_fen", .int64, .required)
            .compositeIdentifier(over: "campaign_id", "channel", "day")
            .create()
        // The period evaluation sums every campaign's days in a period.
        try await database.index("campaign_metrics_day", on: Self.table, ["day", "campaign_id"])
    }

    func revert(on database: any Database) async throws { try await database.schema(Self.table).delete() }
}

struct CreateCampaignTouches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CampaignTouch.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("contact_id", .uuid, .references(Contact.schema, "id"))
            .field("kind", .string, .required)
            .field("utm_source", .string)
            .field("at", .datetime, .required)
            .field("on_day", .string, .required)
            .field("privacy_notice_version", .string)
            .create()
        try await database.index("campaign_touches_campaign", on: CampaignTouch.schema, ["campaign_id", "on_day"])
        try await database.index("campaign_touches_customer", on: CampaignTouch.schema, ["customer_id", "at"])
        try await database.index("campaign_touches_day", on: CampaignTouch.schema, ["on_day", "campaign_id"])

        try await database.schema(CampaignCredit.schema)
            .id()
            .field("opportunity_id", .uuid, .required, .references(Opportunity.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("first_campaign_id", .uuid, .references(Campaign.schema, "id"))
            .field("last_campaign_id", .uuid, .references(Campaign.schema, "id"))
            .field("amount_fen", .int64, .required)
            .field("won_at", .datetime, .required)
            .field("won_on", .string, .required)
            .unique(on: "opportunity_id")
            .create()
        try await database.index("campaign_credits_first", on: CampaignCredit.schema, ["first_campaign_id", "won_on"])
        try await database.index("campaign_credits_last", on: CampaignCredit.schema, ["last_campaign_id", "won_on"])
        try await database.index("campaign_credits_won", on: CampaignCredit.schema, ["won_on"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CampaignCredit.schema).delete()
        try await database.schema(CampaignTouch.schema).delete()
    }
}

/// The public form's token buckets, one per client address (RateLimit): in the database so every
/// instance behind the load balancer counts the same posts.
struct CreateLeadFormBuckets: AsyncMigration {
    static let table = "lead_form_buckets"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("client_key", .string, .identifier(auto: false))
            .field("tokens", .int, .required)
            .field("refilled_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema(Self.table).delete() }
}

/// The roll-ups the period evaluation sums (issue 6's speed target): one row per campaign and
/// prospect (its first touch, whether the prospect has a deal, a won deal), and each campaign's
/// figures by month. Kept by the writes that change them; rebuilt by `CampaignRollUps.rebuild`.
struct CreateCampaignRollUps: AsyncMigration {
    static let leads = "campaign_leads", months = "campaign_metric_months"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.leads)
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("first_at", .datetime, .required)
            .field("first_day", .string, .required)
            .field("has_opportunity", .bool, .required)
            .field("has_won", .bool, .required)
            .compositeIdentifier(over: "campaign_id", "customer_id")
            .create()
        try await database.index("campaign_leads_day", on: Self.leads, ["first_day", "campaign_id", "has_opportunity", "has_won"])
        try await database.index("campaign_leads_campaign_day", on: Self.leads, ["campaign_id", "first_day"])
        try await database.index("campaign_leads_customer", on: Self.leads, ["customer_id"])
        try await database.schema(Self.months)
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, "id"))
            .field("month", .string, .required)
            .field("impressions", .int64, .required)
            .field("clicks", .int64, .required)
            .field("visits", .int64, .required)
            .field("leads", .int64, .required)
            .field("cost_fen", .int64, .required)
            .compositeIdentifier(over: "campaign_id", "month")
            .create()
        try await database.index("campaign_metric_months_month", on: Self.months, ["month", "campaign_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Self.months).delete()
        try await database.schema(Self.leads).delete()
    }
}

/// The lead form knows a returning visitor who gave only an e-mail by their contact's e-mail:
/// without an index that read every contact.
struct CreateContactEmailIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.index("contacts_email", on: Contact.schema, ["email"])
    }

    func revert(on database: any Database) async throws {
        try await (database as? any SQLDatabase)?.drop(index: "contacts_email").run()
    }
}
