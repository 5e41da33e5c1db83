import Fluent
import SQLKit

/// The risk chapter's tables. Migrations never change once landed: append new ones.
enum RiskMigrations {
    static let all: [any Migration] = [CreateRiskWarnings()]
}

struct CreateRiskWarnings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RiskWarningRecord.schema)
            .id()
            .field("dedupe_key", .string, .required)
            .field("rule_key", .string, .required)
            .field("clause", .string, .required)
            .field("severity", .string, .required)
            .field("subject_kind", .string, .required)
            .field("subject_id", .string, .required)
            .field("period", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("message_zh_hans", .string, .required)
            .field("message_zh_hant", .string, .required)
            .field("message_en", .string, .required)
            .field("measured_bp", .int64)
            .field("response_plan", .string, .required)
            .field("status", .string, .required)
            .field("raised_at", .datetime, .required)
            .field("raised_key", .string, .required)
            .field("acknowledged_by", .uuid)
            .field("acknowledged_at", .datetime)
            .field("resolved_by", .uuid)
            .field("resolved_at", .datetime)
            .field("resolution_note", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        // The list newest first (all, or by status), and an owner's open warnings.
        try await database.index("risk_warnings_raised", on: RiskWarningRecord.schema, ["raised_key", "id"])
        try await database.index("risk_warnings_status", on: RiskWarningRecord.schema, ["status", "raised_key", "id"])
        try await database.index("risk_warnings_owner", on: RiskWarningRecord.schema, ["owner_member_id", "status"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RiskWarningRecord.schema).delete()
    }
}
