import Fluent
import Vapor
import VanguardCore

/// The signed-in person for this request, with the facts the access policy needs.
struct CurrentUser: Authenticatable, @unchecked Sendable {
    let user: UserAccount
    let actor: Actor
    let session: WebSession?

    static func load(_ user: UserAccount, session: WebSession?, on db: any Database) async throws -> CurrentUser {
        var groupId: UUID?
        if let memberId = user.memberId {
            groupId = try await Member.query(on: db).filter(\.$id == memberId).field(\.$id).field(\.$group.$id).first()?.$group.id
        }
        let actor = Actor(userId: try user.requireID(), role: user.appRole, memberId: user.memberId, groupId: groupId)
        return CurrentUser(user: user, actor: actor, session: session)
    }
}

extension Request {
    var currentUser: CurrentUser? { auth.get(CurrentUser.self) }

    /// The signed-in person, or 401.
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw Problem.unauthorized }
        return user
    }

    /// Asks the access policy; a refusal becomes 403 with the policy's reason.
    @discardableResult
    func authorize(_ action: Action, _ resource: Resource) throws -> CurrentUser {
        let user = try requireUser()
        if case .deny(let reason) = AccessPolicy.decide(user.actor, action, resource) {
            throw Problem.forbidden(reason)
        }
        return user
    }

    func allowed(_ action: Action, _ resource: Resource) -> Bool {
        guard let user = currentUser else { return false }
        return AccessPolicy.decide(user.actor, action, resource).isAllowed
    }
}
