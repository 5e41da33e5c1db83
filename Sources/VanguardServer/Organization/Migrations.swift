import Fluent

enum OrganizationMigrations {
    static let all: [any Migration] = [
        CreateDepartment(), CreateTeamGroup(), CreateDuty(), CreateMember(),
    ]
    /// Organization changes that landed after every chapter's tables: appended, never reordered.
    static let later: [any Migration] = [AddMemberNameOrder(), RekeyNames.uncommon(Member.schema), RekeyNames.longS(Member.schema)]
}

/// The directory in pinyin order: adds `members.name_order`, fills it for the members on file,
/// and moves the name index onto it (`NameOrderColumn`).
struct AddMemberNameOrder: AsyncMigration {
    static let column = NameOrderColumn(table: Member.schema, indexes: [("members_name", ["name", "id"], "members_name_order", ["name_order", "id"])])

    func prepare(on database: any Database) async throws { try await Self.column.add(on: database) }

    func revert(on database: any Database) async throws { try await Self.column.remove(on: database) }
}

struct CreateDepartment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Department.schema)
            .id()
            .field("code", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("handles", .string, .required)
            .field("handles_en", .string, .required)
            .field("contact_name", .string)
            .field("contact_email", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Department.schema).delete()
    }
}

struct CreateTeamGroup: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TeamGroup.schema)
            .id()
            .field("key", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("mission_zh", .string, .required)
            .field("mission_en", .string, .required)
            .field("lead_member_id", .uuid)
            .field("sort_order", .int, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TeamGroup.schema).delete()
    }
}

struct CreateDuty: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Duty.schema)
            .id()
            .field("group_id", .uuid, .references(TeamGroup.schema, "id", onDelete: .cascade))
            .field("clause", .string, .required)
            .field("text_zh", .string, .required)
            .field("text_zh_hant", .string, .required)
            .field("text_en", .string, .required)
            .field("sort_order", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Duty.schema).delete()
    }
}

struct CreateMember: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Member.schema)
            .id()
            .field("employee_no", .string, .required)
            .field("name", .string, .required)
            .field("name_en", .string, .required)
            .field("email", .string, .required)
            .field("mobile", .string)
            .field("position", .string, .required)
            .field("grade", .string, .required)
            .field("hire_date", .string, .required)
            .field("supervisor_id", .uuid)
            .field("group_id", .uuid, .references(TeamGroup.schema, "id"))
            .field("status", .string, .required)
            .field("id_number", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "employee_no")
            .unique(on: "email")
            .create()
        try await database.index("members_name", on: Member.schema, ["name", "id"])
        try await database.index("members_group", on: Member.schema, ["group_id"])
        try await database.index("members_supervisor", on: Member.schema, ["supervisor_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Member.schema).delete()
    }
}
