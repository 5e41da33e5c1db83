import Fluent
import Foundation
import Vapor
import VanguardCore

/// A market research note (MKT-2, MP-1): what was learnt, from which sources, tagged for search;
/// optionally about one competitor.
final class ResearchNote: Model, @unchecked Sendable {
    static let schema = "research_notes"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "observed_on") var observedOn: String
    /// One source a line: a URL, a report, a conversation.
    @Field(key: "sources") var sources: String
    @Field(key: "findings") var findings: String
    /// As `ResearchTags.stored` writes them (",价格战,华东,"), lower-cased for the tag filter.
    @Field(key: "tags_key") var tagsKey: String
    /// As typed, comma-separated, for showing.
    @Field(key: "tags") var tags: String
    @OptionalField(key: "competitor_id") var competitorId: UUID?
    @OptionalField(key: "author_member_id") var authorMemberId: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var tagList: [String] { tags.isEmpty ? [] : tags.components(separatedBy: ",") }
    var sourceList: [String] { sources.isEmpty ? [] : sources.components(separatedBy: "\n") }
}

/// A competitor the team watches (MKT-2, LEAD-4), with the member who follows it.
final class Competitor: Model, @unchecked Sendable {
    static let schema = "competitors"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "website") var website: String
    @Field(key: "segment") var segment: String
    @Field(key: "notes") var notes: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// A competitor's product and its current price (in fen, CNY), kept by price-change events.
final class CompetitorProduct: Model, @unchecked Sendable {
    static let schema = "competitor_products"

    @ID(key: .id) var id: UUID?
    @Field(key: "competitor_id") var competitorId: UUID
    @Field(key: "name") var name: String
    @Field(key: "price_fen") var priceFen: Int64
    @Field(key: "currency") var currency: String
    /// The date of the price-change event that set the price, so an older event recorded late
    /// does not overwrite a newer price.
    @OptionalField(key: "price_on") var priceOn: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// A dated competitor event (MKT-2, RSK-M1): a price change (with the product and both prices),
/// a launch, a campaign, news; with its source.
final class CompetitorEvent: Model, @unchecked Sendable {
    static let schema = "competitor_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "competitor_id") var competitorId: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "occurred_on") var occurredOn: String
    @Field(key: "title") var title: String
    @Field(key: "details") var details: String
    @Field(key: "source_url") var sourceUrl: String
    @OptionalField(key: "product_id") var productId: UUID?
    @Field(key: "product_name") var productName: String
    @OptionalField(key: "old_price_fen") var oldPriceFen: Int64?
    @OptionalField(key: "new_price_fen") var newPriceFen: Int64?
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var eventKind: CompetitorEventKind { CompetitorEventKind(rawValue: kind) ?? .news }
}
