/// The policy as configuration (`policy/default.yaml`): groups, duties, departments, security
/// thresholds. Later chapters add their own sections. Decoded from YAML by the server.
public struct PolicyPack: Sendable, Codable, Equatable {
    public struct Clause: Sendable, Codable, Equatable {
        public var clause: String
        public var text: LocalizedText
    }

    public struct Team: Sendable, Codable, Equatable {
        public var name: LocalizedText
        public var mission: LocalizedText?
        public var principles: [Clause]?
    }

    public struct Lead: Sendable, Codable, Equatable {
        public var title: LocalizedText
        public var duties: [Clause]
    }

    public struct Group: Sendable, Codable, Equatable {
        public var key: String
        public var name: LocalizedText
        public var mission: LocalizedText
        public var duties: [Clause]
    }

    public struct Department: Sendable, Codable, Equatable {
        public var code: String
        public var name: LocalizedText
        public var handles: LocalizedText?
    }

    public struct Security: Sendable, Codable, Equatable {
        public var passwordMinLength: Int
        public var passwordMinCharacterClasses: Int
        public var lockoutThreshold: Int
        public var lockoutMinutes: Int
        public var sessionIdleMinutes: Int

        public static let defaults = Security(passwordMinLength: 10, passwordMinCharacterClasses: 3,
                                              lockoutThreshold: 5, lockoutMinutes: 15, sessionIdleMinutes: 30)
        public var passwordRules: PasswordRules {
            PasswordRules(minLength: passwordMinLength, minCharacterClasses: passwordMinCharacterClasses)
        }
    }

    public struct RoleInfo: Sendable, Codable, Equatable {
        public var key: String
        public var name: LocalizedText
        public var description: LocalizedText?
    }

    public var version: Int
    public var team: Team
    public var lead: Lead
    public var groups: [Group]
    public var departments: [Department]
    public var security: Security?
    public var roles: [RoleInfo]?
    public var sales: SalesPolicy?
    public var service: ServicePolicy?
    public var marketing: MarketingPolicy?

    public var effectiveSecurity: Security { security ?? .defaults }
    public var effectiveSales: SalesPolicy { sales ?? SalesPolicy() }
    public var effectiveService: ServicePolicy { service ?? ServicePolicy() }
    public var effectiveMarketing: MarketingPolicy { marketing ?? MarketingPolicy() }

    /// Checks the pack an admin is about to save: what would break the organisation if accepted.
    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if groups.isEmpty { errors.append(.init(field: "groups", code: "required", message: "The team needs at least one group.")) }
        let keys = groups.map(\.key)
        if Set(keys).count != keys.count { errors.append(.init(field: "groups", code: "duplicate", message: "Group keys must be unique.")) }
        let codes = departments.map(\.code)
        if Set(codes).count != codes.count { errors.append(.init(field: "departments", code: "duplicate", message: "Department codes must be unique.")) }
        if let s = security {
            if s.passwordMinLength < 8 { errors.append(.init(field: "security.passwordMinLength", code: "tooSmall", message: "Passwords shorter than 8 characters are not allowed.")) }
            if s.lockoutThreshold < 1 { errors.append(.init(field: "security.lockoutThreshold", code: "tooSmall", message: "Must be at least 1.")) }
            if s.sessionIdleMinutes < 1 { errors.append(.init(field: "security.sessionIdleMinutes", code: "tooSmall", message: "Must be at least 1.")) }
        }
        if let sales { errors += sales.problems() }
        if let service { errors += service.problems() }
        if let marketing { errors += marketing.problems() }
        return errors
    }
}
