import Fluent
import SQLKit

/// The market research tables (issue 6, item 1). Migrations never change once landed: append new ones.
enum MarketingResearchMigrations {
    static let all: [any Migration] = [CreateMarketResearch()]
}

struct CreateMarketResearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Competitor.schema)
            .id()
            .field("name", .string, .required)
            .field("website", .string, .required)
            .field("segment", .string, .required)
            .field("notes", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "name")
            .create()
        try await database.index("competitors_name", on: Competitor.schema, ["name", "id"])

        try await database.schema(CompetitorProduct.schema)
            .id()
            .field("competitor_id", .uuid, .required, .references(Competitor.schema, "id"))
            .field("name", .string, .required)
            .field("price_fen", .int64, .required)
            .field("currency", .string, .required)
            .field("price_on", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "competitor_id", "name")
            .create()

        try await database.schema(CompetitorEvent.schema)
            .id()
            .field("competitor_id", .uuid, .required, .references(Competitor.schema, "id"))
            .field("kind", .string, .required)
            .field("occurred_on", .string, .required)
            .field("title", .string, .required)
            .field("details", .string, .required)
            .field("source_url", .string, .required)
            .field("product_id", .uuid, .references(CompetitorProduct.schema, "id"))
            .field("product_name", .string, .required)
            .field("old_price_fen", .int64)
            .field("new_price_fen", .int64)
            .field("recorded_by", .uuid)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        // The timeline per competitor, the list by date, and the risk scan's recent price changes.
        try await database.index("competitor_events_timeline", on: CompetitorEvent.schema, ["competitor_id", "occurred_on", "id"])
        try await database.index("competitor_events_date", on: CompetitorEvent.schema, ["occurred_on", "id"])
        try await database.index("competitor_events_kind", on: CompetitorEvent.schema, ["kind", "occurred_on"])

        try await database.schema(ResearchNote.schema)
            .id()
            .field("title", .string, .required)
            .field("observed_on", .string, .required)
            .field("sources", .string, .required)
            .field("findings", .string, .required)
            .field("tags_key", .string, .required)
            .field("tags", .string, .required)
            .field("competitor_id", .uuid, .references(Competitor.schema, "id"))
            .field("author_member_id", .uuid, .references(Member.schema, "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("research_notes_observed", on: ResearchNote.schema, ["observed_on", "id"])
        try await database.index("research_notes_title", on: ResearchNote.schema, ["title", "id"])
        try await database.index("research_notes_competitor", on: ResearchNote.schema, ["competitor_id", "observed_on"])
    }

    func revert(on database: any Database) async throws {
        for schema in [ResearchNote.schema, CompetitorEvent.schema, CompetitorProduct.schema, Competitor.schema] {
            try await database.schema(schema).delete()
        }
    }
}
