import Fluent
import Foundation
import Vapor

/// A saved version of the policy pack. The newest row is in force; older ones stay as history.
final class PolicyVersion: Model, @unchecked Sendable {
    static let schema = "policy_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: Int
    @Field(key: "yaml") var yaml: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "comment") var comment: String?

    init() {}

    init(number: Int, yaml: String, createdAt: Date, createdBy: String, comment: String?) {
        self.number = number
        self.yaml = yaml
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.comment = comment
    }
}

struct CreatePolicyVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PolicyVersion.schema)
            .id()
            .field("number", .int, .required)
            .field("yaml", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("comment", .string)
            .unique(on: "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PolicyVersion.schema).delete()
    }
}
