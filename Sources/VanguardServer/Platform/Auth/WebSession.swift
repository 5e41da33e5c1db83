import Fluent
import Foundation
import Vapor

/// A browser session, kept in the database so any instance can serve any request.
/// Only a hash of the cookie value is stored.
final class WebSession: Model, ListedProperties, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: UserAccount
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "ip") var ip: String?
    @OptionalField(key: "user_agent") var userAgent: String?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $tokenHash, $user, $csrfToken, $createdAt, $lastSeenAt, $ip, $userAgent] }

    init() {}

    init(tokenHash: String, userId: UUID, csrfToken: String, now: Date, ip: String?, userAgent: String?) {
        self.tokenHash = tokenHash
        self.$user.id = userId
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
        self.ip = ip
        self.userAgent = userAgent.map { String($0.prefix(300)) }
    }
}

struct CreateWebSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(UserAccount.schema, "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string)
            .field("user_agent", .string)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSession.schema).delete()
    }
}
