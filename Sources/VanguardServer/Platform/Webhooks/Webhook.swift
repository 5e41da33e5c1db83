import Fluent
import Foundation
import Vapor

/// An outbound webhook an admin configured: a WeCom, DingTalk or Feishu group bot, or plain JSON.
final class Webhook: Model, @unchecked Sendable {
    static let schema = "webhooks"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "url") var url: String
    /// Notification kinds to forward, comma-separated; `*` forwards all.
    @Field(key: "events") var events: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    func forwards(_ kind: String) -> Bool {
        let list = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return list.contains("*") || list.contains(kind)
    }
}

/// One message waiting for, or done with, delivery to one webhook. Claimed by one worker at a time.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "webhook_id") var webhookId: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "link") var link: String?
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "delivered_at") var deliveredAt: Date?

    init() {}
}

struct CreateWebhook: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Webhook.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.schema(WebhookDelivery.schema)
            .id()
            .field("webhook_id", .uuid, .required, .references(Webhook.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .create()
        try await database.index("webhook_deliveries_due", on: WebhookDelivery.schema, ["status", "next_attempt_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebhookDelivery.schema).delete()
        try await database.schema(Webhook.schema).delete()
    }
}
