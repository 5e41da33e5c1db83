import Fluent
import Foundation
import Vapor

/// One entry of the append-only history (G-5): who did what to which record, and the record
/// before and after. Never updated or deleted by the application.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "actor_user_id") var actorUserId: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityId: UUID?
    @Field(key: "entity_label") var entityLabel: String
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @OptionalField(key: "request_id") var requestId: String?
    @OptionalField(key: "ip") var ip: String?

    init() {}
}

struct CreateAuditEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .uuid)
            .field("entity_label", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .field("request_id", .string)
            .field("ip", .string)
            .create()
        try await database.index("audit_events_entity", on: AuditEvent.schema, ["entity_type", "entity_id", "occurred_at"])
        try await database.index("audit_events_time", on: AuditEvent.schema, ["occurred_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
