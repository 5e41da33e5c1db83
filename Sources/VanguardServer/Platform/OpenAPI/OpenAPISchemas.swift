import VanguardCore

/// The component schemas of the OpenAPI document: what each endpoint sends and receives.
enum OpenAPISchemas {
    static func str(_ max: Int? = nil, min: Int? = nil, format: String? = nil, pattern: String? = nil, nullable: Bool = false) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", "string")]
        if let min { pairs.append(("minLength", .int(min))) }
        if let max { pairs.append(("maxLength", .int(max))) }
        if let format { pairs.append(("format", .string(format))) }
        if let pattern { pairs.append(("pattern", .string(pattern))) }
        if nullable { pairs.append(("nullable", true)) }
        return .object(pairs)
    }

    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let nullableUUID: JSONValue = ["type": "string", "format": "uuid", "nullable": true]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let int: JSONValue = ["type": "integer"]
    static let bool: JSONValue = ["type": "boolean"]
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static func enumeration(_ values: [String], nullable: Bool = false) -> JSONValue {
        // OpenAPI 3.0: a nullable enum must list null among its values, or validators refuse null.
        nullable ? ["type": "string", "enum": .array(values.map { .string($0) } + [.null]), "nullable": true]
                 : ["type": "string", "enum": .array(values.map { .string($0) })]
    }

    static func object(_ properties: [(String, JSONValue)], required: [String], closed: Bool = false) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", "object"), ("properties", .object(properties))]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        if closed { pairs.append(("additionalProperties", false)) }
        return .object(pairs)
    }

    static func page(_ item: String) -> JSONValue {
        object([("items", array(ref(item))), ("nextCursor", str())], required: ["items"])
    }

    static let mobilePattern = #"^(\+?86)?1[3-9][0-9]{9}$"#
    static let keyPattern = "^[A-Za-z0-9-]+$"
    static let localized: JSONValue = object([("zh-Hans", str()), ("zh-Hant", str()), ("en", str())], required: ["zh-Hans", "zh-Hant", "en"])

    static var all: JSONValue {
        let statuses = MemberStatus.allCases.map(\.rawValue)
        let roles = Role.allCases.map(\.rawValue)
        return [
            "Problem": object([
                ("type", str()), ("title", str()), ("status", int), ("detail", str()), ("instance", str()),
                ("errors", array(ref("FieldError"))), ("requestId", str()),
            ], required: ["type", "title", "status"]),
            "FieldError": object([("field", str()), ("code", str()), ("message", str())], required: ["field", "code", "message"]),
            "Health": object([("status", str()), ("database", str())], required: ["status", "database"]),
            "Member": object([
                ("id", uuid), ("employeeNo", str()), ("name", str()), ("nameEn", str()), ("email", str()), ("mobile", str()),
                ("position", str()), ("grade", str()), ("hireDate", str()), ("supervisorId", uuid), ("groupId", uuid),
                ("status", enumeration(statuses)), ("idNumber", str()), ("version", int),
                ("createdAt", dateTime), ("updatedAt", dateTime), ("deletedAt", dateTime),
            ], required: ["id", "employeeNo", "name", "nameEn", "email", "position", "grade", "hireDate", "status", "version"]),
            "MemberPage": page("Member"),
            "MemberCreate": object(memberInput(statuses), required: ["employeeNo", "name", "email", "position", "grade", "hireDate"], closed: true),
            "MemberPatch": object(memberInput(statuses), required: [], closed: true),
            "Duty": object([("clause", str()), ("text", localized)], required: ["clause", "text"]),
            "Group": object([
                ("id", uuid), ("key", str()), ("name", localized), ("mission", localized), ("leadMemberId", uuid),
                ("sortOrder", int), ("duties", array(ref("Duty"))), ("memberCount", int), ("version", int), ("deletedAt", dateTime),
            ], required: ["id", "key", "name", "mission", "sortOrder", "duties", "memberCount", "version"]),
            "GroupPage": page("Group"),
            "GroupCreate": object(groupInput, required: ["key", "nameZh", "nameEn"], closed: true),
            "GroupPatch": object(groupInput, required: [], closed: true),
            "Department": object([
                ("id", uuid), ("code", str()), ("nameZh", str()), ("nameEn", str()), ("handles", str()), ("handlesEn", str()),
                ("contactName", str()), ("contactEmail", str()), ("version", int), ("deletedAt", dateTime),
            ], required: ["id", "code", "nameZh", "nameEn", "handles", "handlesEn", "version"]),
            "DepartmentPage": page("Department"),
            "DepartmentCreate": object(departmentInput, required: ["code", "nameZh", "nameEn"], closed: true),
            "DepartmentPatch": object(departmentInput, required: [], closed: true),
            "User": object([
                ("id", uuid), ("email", str()), ("displayName", str()), ("role", enumeration(roles)), ("memberId", uuid),
                ("locale", str()), ("active", bool), ("lockedUntil", dateTime), ("version", int), ("createdAt", dateTime), ("deletedAt", dateTime),
            ], required: ["id", "email", "displayName", "role", "active", "version"]),
            "UserPage": page("User"),
            "UserCreate": object(userInput(roles), required: ["email", "displayName", "role", "password"], closed: true),
            "UserPatch": object(userInput(roles), required: [], closed: true),
            "TokenRequest": object([
                ("email", str(254, min: 1)), ("password", str(128, min: 1)), ("name", str(100)),
                ("expiresInDays", ["type": "integer", "minimum": 1, "maximum": 3650]),
            ], required: ["email", "password"]),
            "TokenCreated": object([("id", uuid), ("token", str()), ("name", str()), ("expiresAt", dateTime)], required: ["id", "token", "name"]),
            "Token": object([
                ("id", uuid), ("name", str()), ("prefix", str()), ("createdAt", dateTime), ("lastUsedAt", dateTime),
                ("expiresAt", dateTime), ("revokedAt", dateTime),
            ], required: ["id", "name", "prefix", "createdAt"]),
            "TokenPage": page("Token"),
            "PasswordChange": object([("currentPassword", str(128)), ("newPassword", str(128))], required: ["currentPassword", "newPassword"]),
            "AuditChange": object([("field", str()), ("before", str()), ("after", str())], required: ["field"]),
            "AuditEvent": object([
                ("id", uuid), ("occurredAt", dateTime), ("actorUserId", uuid), ("actorName", str()), ("action", str()),
                ("entityType", str()), ("entityId", uuid), ("entityLabel", str()), ("changes", array(ref("AuditChange"))), ("requestId", str()),
            ], required: ["id", "occurredAt", "actorName", "action", "entityType", "entityLabel", "changes"]),
            "AuditEventPage": page("AuditEvent"),
            "Notification": object([
                ("id", uuid), ("kind", str()), ("title", str()), ("body", str()), ("link", str()), ("createdAt", dateTime), ("readAt", dateTime),
            ], required: ["id", "kind", "title", "body", "createdAt"]),
            "NotificationPage": page("Notification"),
            "UnreadCount": object([("unread", int)], required: ["unread"]),
            "ImportReport": object([("rows", int), ("created", int), ("dryRun", bool), ("ignoredColumns", array(str()))],
                                   required: ["rows", "created", "dryRun", "ignoredColumns"]),
            "Webhook": object([
                ("id", uuid), ("name", str()), ("kind", enumeration(WebhookKind.allCases.map(\.rawValue))), ("url", str()),
                ("events", str()), ("active", bool), ("version", int),
            ], required: ["id", "name", "kind", "url", "events", "active", "version"]),
            "WebhookPage": page("Webhook"),
            "WebhookCreate": object(webhookInput, required: ["name", "kind", "url"], closed: true),
            "WebhookPatch": object(webhookInput, required: [], closed: true),
            "Policy": object([
                ("number", int), ("createdAt", dateTime), ("createdBy", str()), ("comment", str()), ("yaml", str()),
                ("pack", ["type": "object"]),
            ], required: ["number", "createdAt", "createdBy", "yaml", "pack"]),
            "PolicySave": object([("yaml", str(PolicyService.maxCharacters, min: 1)), ("comment", str(500))], required: ["yaml"], closed: true),
        ]
    }

    static func memberInput(_ statuses: [String]) -> [(String, JSONValue)] {
        [
            ("employeeNo", str(32, min: 1, pattern: #"\S"#)), ("name", str(100, min: 1, pattern: #"\S"#)), ("nameEn", str(100)),
            ("email", str(254, min: 3, format: "email")), ("mobile", str(20, pattern: mobilePattern, nullable: true)),
            ("position", str(100, min: 1, pattern: #"\S"#)), ("grade", str(20, min: 1, pattern: #"\S"#)), ("hireDate", str(format: "date")),
            ("supervisorId", nullableUUID), ("groupId", nullableUUID), ("status", enumeration(statuses)),
            ("idNumber", str(18, min: 18, pattern: "^[0-9]{17}[0-9Xx]$", nullable: true)),
        ]
    }

    static let groupInput: [(String, JSONValue)] = [
        ("key", str(40, min: 1, pattern: keyPattern)), ("nameZh", str(100, min: 1, pattern: #"\S"#)), ("nameEn", str(100, min: 1, pattern: #"\S"#)),
        ("missionZh", str(2000)), ("missionEn", str(2000)), ("leadMemberId", nullableUUID),
        ("sortOrder", ["type": "integer", "minimum": 0, "maximum": 1000]),
    ]

    static let departmentInput: [(String, JSONValue)] = [
        ("code", str(40, min: 1, pattern: keyPattern)), ("nameZh", str(100, min: 1, pattern: #"\S"#)), ("nameEn", str(100, min: 1, pattern: #"\S"#)),
        ("handles", str(1000)), ("handlesEn", str(1000)), ("contactName", str(100, nullable: true)), ("contactEmail", str(254, format: "email", nullable: true)),
    ]

    static func userInput(_ roles: [String]) -> [(String, JSONValue)] {
        [
            ("email", str(254, min: 3, format: "email")), ("displayName", str(100, min: 1, pattern: #"\S"#)), ("role", enumeration(roles)),
            ("password", str(128, min: 10)), ("memberId", nullableUUID), ("locale", enumeration(AppLocale.allCases.map(\.rawValue), nullable: true)),
            ("active", bool), ("unlock", bool),
        ]
    }

    static let webhookInput: [(String, JSONValue)] = [
        ("name", str(100, min: 1, pattern: #"\S"#)), ("kind", enumeration(WebhookKind.allCases.map(\.rawValue))),
        ("url", str(1000, min: 1, format: "uri")), ("events", str(500)), ("active", bool),
    ]
}
