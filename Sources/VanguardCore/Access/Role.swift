/// The application roles named by the platform issue. A user has exactly one.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin, lead, groupLead, member, hr, finance, executive

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
