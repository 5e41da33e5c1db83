import Foundation

/// Reporting lines (ORG-1): who reports to whom. A member may never end up supervising themselves,
/// directly or through a chain.
public struct ReportingLines: Sendable {
    /// member id → supervisor id
    public var supervisorOf: [UUID: UUID]

    public init(supervisorOf: [UUID: UUID]) {
        self.supervisorOf = supervisorOf
    }

    /// The chain of command above a member, nearest first. Stops on a cycle already in the data.
    public func chain(above member: UUID) -> [UUID] {
        var result: [UUID] = []
        var seen: Set<UUID> = [member]
        var current = supervisorOf[member]
        while let next = current, seen.insert(next).inserted {
            result.append(next)
            current = supervisorOf[next]
        }
        return result
    }

    /// Whether making `supervisor` the supervisor of `member` would close a loop.
    public func wouldCreateCycle(member: UUID, supervisor: UUID?) -> Bool {
        guard let supervisor else { return false }
        if supervisor == member { return true }
        return chain(above: supervisor).contains(member)
    }

    /// Direct and indirect reports of a member.
    public func reports(of member: UUID) -> Set<UUID> {
        Set(supervisorOf.keys.filter { chain(above: $0).contains(member) })
    }
}
