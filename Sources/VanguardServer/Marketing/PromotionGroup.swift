import Fluent
import Foundation
import Vapor
import VanguardCore

/// The promotion group (the policy's group keyed "promotion") and the access facts of a
/// marketing record: the whole team reads, the promotion group and the record's owner keep it.
enum PromotionGroup {
    static func id(on db: any Database) async throws -> UUID? {
        try await TeamGroup.query(on: db).filter(\.$key == "promotion").first()?.id
    }

    static func facts(owner: UUID?, on db: any Database) async throws -> MarketingFacts {
        let ownerGroup = try await owner.asyncFlatMap { try await Member.find($0, on: db)?.$group.id }
        return MarketingFacts(owner: owner, ownerGroup: ownerGroup, promotionGroup: try await id(on: db))
    }

    /// An owner must be a current member of the team.
    static func checkOwner(_ owner: UUID?, on db: any Database) async throws {
        guard let owner else { return }
        if try await Member.find(owner, on: db) == nil { throw Problem.invalid("ownerId", "unknownMember", "No member with this id.") }
    }

    /// The members a form offers as owners, by name.
    static func ownerOptions(on db: any Database) async throws -> [(String, String)] {
        try await Member.query(on: db).filter(\.$status == "active").sort(\.$nameOrder).all().map { ($0.id!.uuidString, $0.name) }
    }
}
