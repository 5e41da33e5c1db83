import Fluent
import Foundation

/// One `Idempotency-Key` a client sent with a write. The row is inserted inside the write's own
/// transaction (by `Audit`, which every write calls), so it exists exactly when the write was
/// committed; the answer is stored right after, to be replayed to a retry.
final class IdempotencyKey: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "key") var key: String
    /// Method, path and a digest of the body: the same key with another request is refused.
    @Field(key: "fingerprint") var fingerprint: String
    @OptionalField(key: "status") var status: Int?
    @OptionalField(key: "content_type") var contentType: String?
    @OptionalField(key: "location") var location: String?
    @OptionalField(key: "etag") var etag: String?
    @OptionalField(key: "body") var body: String?
    /// The first record the write touched, for an answer when the stored one was lost to a crash.
    @OptionalField(key: "entity_type") var entityType: String?
    @OptionalField(key: "entity_id") var entityId: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateIdempotencyKey: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(IdempotencyKey.schema)
            .id()
            .field("user_id", .uuid, .required)
            .field("key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("status", .int)
            .field("content_type", .string)
            .field("location", .string)
            .field("etag", .string)
            .field("body", .string)
            .field("entity_type", .string)
            .field("entity_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key")
            .create()
        try await db.index("idempotency_keys_created", on: IdempotencyKey.schema, ["created_at"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema(IdempotencyKey.schema).delete()
    }
}
