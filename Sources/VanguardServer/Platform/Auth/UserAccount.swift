import Fluent
import Foundation
import Vapor
import VanguardCore

/// A person who can sign in. Linked to a member record when they belong to the team.
final class UserAccount: Model, ListedProperties, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @OptionalField(key: "member_id") var memberId: UUID?
    @OptionalField(key: "locale") var locale: String?
    @Field(key: "active") var active: Bool
    @Field(key: "failed_sign_ins") var failedSignIns: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $email, $displayName, $passwordHash, $role, $memberId, $locale, $active, $failedSignIns, $lockedUntil, $passwordChangedAt, $version, $createdAt, $updatedAt, $deletedAt] }

    init() {}

    init(email: String, displayName: String, passwordHash: String, role: Role, memberId: UUID? = nil) {
        self.email = email.lowercased()
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.memberId = memberId
        self.active = true
        self.failedSignIns = 0
        self.version = 1
    }

    var appRole: Role { Role(rawValue: role) ?? .member }
}

struct CreateUserAccount: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserAccount.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("member_id", .uuid)
            .field("locale", .string)
            .field("active", .bool, .required)
            .field("failed_sign_ins", .int, .required)
            .field("locked_until", .datetime)
            .field("password_changed_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserAccount.schema).delete()
    }
}
