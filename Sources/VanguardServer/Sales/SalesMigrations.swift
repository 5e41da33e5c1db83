import Fluent

/// The sales chapter's tables. Migrations never change once landed: append new ones.
enum SalesMigrations {
    static let all: [any Migration] = [CreateCustomer(), CreateContact(), CreateSalesActivity(), CreateOpportunity(), CreateStageChange(),
                                       CreateProduct(), CreateQuote(), CreateContract(),
                                       CreateOrdersAndReceivables(), CreateTargets(), CreateFeedback(),
                                       AddCustomerSearch(), CreateStageDays(), AddStageTotals()]
}

struct CreateCustomer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Customer.schema)
            .id()
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("kind", .string, .required)
            .field("uscc", .string)
            .field("industry", .string)
            .field("region", .string, .required)
            .field("size", .string)
            .field("source", .string, .required)
            .field("status", .string, .required)
            .field("expected_annual_yuan", .int64, .required)
            .field("score", .int, .required)
            .field("class", .string, .required)
            .field("phone", .string)
            .field("phone_key", .string)
            .field("email", .string)
            .field("address", .string, .required)
            .field("notes", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("merged_into_id", .uuid)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("customers_name", on: Customer.schema, ["name", "id"])
        try await database.index("customers_name_key", on: Customer.schema, ["name_key"])
        try await database.index("customers_uscc", on: Customer.schema, ["uscc"])
        try await database.index("customers_phone_key", on: Customer.schema, ["phone_key"])
        try await database.index("customers_owner", on: Customer.schema, ["owner_member_id", "name", "id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Customer.schema).delete()
    }
}

struct CreateContact: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Contact.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("name", .string, .required)
            .field("title", .string, .required)
            .field("mobile", .string)
            .field("phone_key", .string)
            .field("email", .string)
            .field("wechat", .string)
            .field("birthday", .string)
            .field("birthday_calendar", .string, .required)
            .field("is_primary", .bool, .required)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("contacts_customer", on: Contact.schema, ["customer_id"])
        try await database.index("contacts_phone_key", on: Contact.schema, ["phone_key"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Contact.schema).delete()
    }
}

struct CreateSalesActivity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SalesActivity.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("contact_id", .uuid)
            .field("opportunity_id", .uuid)
            .field("kind", .string, .required)
            .field("occurred_on", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("summary", .string, .required)
            .field("needs", .string, .required)
            .field("next_step", .string, .required)
            .field("next_step_on", .string)
            .field("next_step_done_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("activities_customer", on: SalesActivity.schema, ["customer_id", "occurred_on"])
        try await database.index("activities_owner_next", on: SalesActivity.schema, ["owner_member_id", "next_step_on"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SalesActivity.schema).delete()
    }
}

struct CreateOpportunity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Opportunity.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id"))
            .field("title", .string, .required)
            .field("owner_member_id", .uuid, .references(Member.schema, "id"))
            .field("stage", .string, .required)
            .field("amount_fen", .int64, .required)
            .field("probability", .int)
            .field("expected_close", .string)
            .field("needs", .string, .required)
            .field("loss_reason", .string)
            .field("source", .string, .required)
            .field("stage_changed_at", .datetime, .required)
            .field("closed_on", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("opportunities_owner_stage", on: Opportunity.schema, ["owner_member_id", "stage"])
        try await database.index("opportunities_customer", on: Opportunity.schema, ["customer_id"])
        try await database.index("opportunities_close", on: Opportunity.schema, ["expected_close"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Opportunity.schema).delete()
    }
}

struct CreateStageChange: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StageChange.schema)
            .id()
            .field("opportunity_id", .uuid, .required, .references(Opportunity.schema, "id"))
            .field("from_stage", .string)
            .field("to_stage", .string, .required)
            .field("changed_at", .datetime, .required)
            .field("changed_by", .uuid)
            .field("amount_fen", .int64, .required)
            .create()
        try await database.index("stage_changes_opportunity", on: StageChange.schema, ["opportunity_id", "changed_at"])
        try await database.index("stage_changes_time", on: StageChange.schema, ["changed_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StageChange.schema).delete()
    }
}
