import Foundation

/// Who is asking. Built once per request from the signed-in user and their member record.
public struct Actor: Sendable, Equatable {
    public var userId: UUID
    public var role: Role
    /// The member record linked to the user, if any (admins and HR may have none).
    public var memberId: UUID?
    /// The group the linked member belongs to.
    public var groupId: UUID?

    public init(userId: UUID, role: Role, memberId: UUID? = nil, groupId: UUID? = nil) {
        self.userId = userId
        self.role = role
        self.memberId = memberId
        self.groupId = groupId
    }
}

public enum Action: String, Sendable, CaseIterable {
    case read, create, update, delete, restore
}

/// What is being touched, with the facts about it the decision needs.
public enum Resource: Sendable, Equatable {
    case department
    case group
    /// A member record. `chain` is the member's supervisors, nearest first.
    case member(MemberFacts)
    /// Confidential personal data of a member (ID number…): HR, the person, their chain of command.
    case memberConfidential(MemberFacts)
    case user(id: UUID?)
    case auditTrail
    case policyPack
    case webhook
    /// A record owned by a member within a group (later chapters: customers, deals, tickets).
    case ownedRecord(owner: UUID?, group: UUID?, sharedWith: [UUID])
    /// A sales record (customer, contact, activity, opportunity…) and the customer it belongs to.
    case salesRecord(SalesFacts)
    /// The price list (SAL-3): everyone reads it; the lead and admins keep it.
    case priceList
    /// Approving a contract (RSK-S3): the team lead, admins, or the group lead of the contract owner's group.
    case contractApproval(SalesFacts)
    /// A customer's invoices, payments and credit assessments (RSK-S2): read like the customer;
    /// recorded by finance, the team lead and admins.
    case receivables(SalesFacts)
    /// Placing an order the credit rules refuse, with a reason (RSK-S2): the team lead alone.
    case creditOverride
    /// Sales targets (SAL-1, LEAD-1): the whole team sees them; the team lead and admins set them.
    case targets
    /// A service record (ticket, its updates and department tasks, a care task): the service group
    /// works them all; the customer's seller reads them and may log one (SVC-1, SVC-4).
    case serviceRecord(ServiceFacts)
    /// The service analysis (SVC-5): the service group, the lead, admins and executives.
    case serviceReport(serviceGroup: UUID?)
    /// One feedback item (SAL-5, CP-3): changed like the sales record it is; read also by the
    /// readers of the monthly feedback digest that lists it (the service group follows every
    /// department's answers).
    case feedbackItem(SalesFacts, serviceGroup: UUID?)
    /// A market-promotion record (research note, competitor, campaign, spend, metrics, partner,
    /// content post): the whole team reads them (LEAD-4: strategy is shared); the promotion group
    /// keeps them (MKT-1 … MKT-5); its group lead, the lead and admins remove them.
    case marketingRecord(MarketingFacts)
    /// A risk warning (RSK-M2): its owner, the lead, admins and executives see it; the owner,
    /// the owner's group lead, the lead and admins act on it.
    case riskWarning(MarketingFacts)
}

/// Whose a marketing record is: its owner and the group that runs promotion (the policy's
/// "promotion" group); `ownerGroup` is the owner's own group.
public struct MarketingFacts: Sendable, Equatable {
    public var owner: UUID?
    public var ownerGroup: UUID?
    public var promotionGroup: UUID?

    public init(owner: UUID? = nil, ownerGroup: UUID? = nil, promotionGroup: UUID?) {
        self.owner = owner
        self.ownerGroup = ownerGroup
        self.promotionGroup = promotionGroup
    }
}

/// Whose a service record is: the agent it is assigned to, the customer's owner and their group,
/// and the group that runs the service queues (the policy's "service" group).
public struct ServiceFacts: Sendable, Equatable {
    public var assignee: UUID?
    public var customerOwner: UUID?
    public var customerGroup: UUID?
    public var serviceGroup: UUID?

    public init(assignee: UUID?, customerOwner: UUID?, customerGroup: UUID?, serviceGroup: UUID?) {
        self.assignee = assignee
        self.customerOwner = customerOwner
        self.customerGroup = customerGroup
        self.serviceGroup = serviceGroup
    }
}

/// Who a sales record belongs to: its owner and their group, and the customer's owner and group
/// (a record about a customer is readable by whoever may read the customer).
public struct SalesFacts: Sendable, Equatable {
    public var owner: UUID?
    public var group: UUID?
    public var customerOwner: UUID?
    public var customerGroup: UUID?

    public init(owner: UUID?, group: UUID?, customerOwner: UUID? = nil, customerGroup: UUID? = nil) {
        self.owner = owner
        self.group = group
        self.customerOwner = customerOwner
        self.customerGroup = customerGroup
    }
}

/// Which rows of a list someone may read: all, those owned by a member or by anyone in a group, or none.
public enum RecordScope: Sendable, Equatable {
    case all
    case owners(member: UUID?, group: UUID?)
    case nothing
}

public struct MemberFacts: Sendable, Equatable {
    public var id: UUID?
    public var groupId: UUID?
    public var chain: [UUID]

    public init(id: UUID?, groupId: UUID?, chain: [UUID] = []) {
        self.id = id
        self.groupId = groupId
        self.chain = chain
    }
}

public enum Decision: Sendable, Equatable {
    case allow
    case deny(String)

    public var isAllowed: Bool { self == .allow }
}

/// The one place that decides who may do what. Every route asks it; no handler decides alone.
public enum AccessPolicy {
    public static func decide(_ actor: Actor, _ action: Action, _ resource: Resource) -> Decision {
        let allowed: Bool
        switch resource {
        case .department, .group:
            allowed = action == .read || [.admin, .lead].contains(actor.role)
        case .member(let facts):
            allowed = canTouchMember(actor, action, facts)
        case .memberConfidential(let facts):
            allowed = action == .read && canSeeConfidential(actor, facts)
        case .user(let id):
            allowed = actor.role == .admin || (action == .read && id == actor.userId)
        case .auditTrail:
            allowed = action == .read && [.admin, .lead, .executive].contains(actor.role)
        case .policyPack:
            allowed = action == .read || (action == .update && actor.role == .admin)
        case .webhook:
            allowed = actor.role == .admin
        case .ownedRecord(let owner, let group, let shared):
            allowed = canTouchOwned(actor, action, owner: owner, group: group, shared: shared)
        case .salesRecord(let facts):
            allowed = canTouchSales(actor, action, facts)
        case .priceList:
            allowed = action == .read || [.admin, .lead].contains(actor.role)
        case .receivables(let f):
            allowed = action == .read ? canTouchSales(actor, .read, f) : [.admin, .lead, .finance].contains(actor.role)
        case .creditOverride:
            allowed = actor.role == .lead
        case .targets:
            allowed = action == .read || [.admin, .lead].contains(actor.role)
        case .contractApproval(let f):
            allowed = [.admin, .lead].contains(actor.role) || (actor.role == .groupLead && f.group != nil && f.group == actor.groupId)
        case .serviceRecord(let f):
            allowed = canTouchService(actor, action, f)
        case .serviceReport(let serviceGroup):
            allowed = Self.readsServiceReport(actor, action, serviceGroup: serviceGroup)
        case .feedbackItem(let f, let serviceGroup):
            allowed = canTouchSales(actor, action, f) || Self.readsServiceReport(actor, action, serviceGroup: serviceGroup)
        case .marketingRecord(let f):
            allowed = canTouchMarketing(actor, action, f)
        case .riskWarning(let f):
            allowed = canTouchWarning(actor, action, f)
        }
        return allowed ? .allow : .deny(reason(actor, action, resource))
    }

    /// The member directory (names, positions, groups, reporting lines) is open to the whole team;
    /// changing it is HR's and the lead's job, and a group lead keeps their own group's records,
    /// except their own (their grade and position are set by HR or the lead, not by themselves).
    private static func canTouchMember(_ actor: Actor, _ action: Action, _ facts: MemberFacts) -> Bool {
        switch action {
        case .read:
            return true
        case .create, .delete, .restore:
            return [.admin, .lead, .hr].contains(actor.role)
        case .update:
            if [.admin, .lead, .hr].contains(actor.role) { return true }
            return actor.role == .groupLead && actor.groupId != nil && actor.groupId == facts.groupId
                && (facts.id == nil || facts.id != actor.memberId)
        }
    }

    /// Salaries, reviews and personal data are confidential to HR, the person and their chain of command.
    public static func canSeeConfidential(_ actor: Actor, _ facts: MemberFacts) -> Bool {
        if actor.role == .hr { return true }
        guard let me = actor.memberId else { return false }
        return facts.id == me || facts.chain.contains(me)
    }

    private static func canTouchOwned(_ actor: Actor, _ action: Action, owner: UUID?, group: UUID?, shared: [UUID]) -> Bool {
        let mine = owner != nil && owner == actor.memberId
        let inMyGroup = group != nil && group == actor.groupId
        switch actor.role {
        case .admin, .lead: return true
        case .executive: return action == .read
        case .groupLead: return mine || inMyGroup || (action == .read && shared.contains { $0 == actor.memberId })
        case .member: return mine || (action == .read && actor.memberId.map(shared.contains) == true)
        case .hr, .finance: return action == .read && (mine || actor.memberId.map(shared.contains) == true)
        }
    }

    /// The service analysis and the feedback digest: read by the service group, the lead, admins and executives.
    private static func readsServiceReport(_ actor: Actor, _ action: Action, serviceGroup: UUID?) -> Bool {
        action == .read && ([.admin, .lead, .executive].contains(actor.role) || (serviceGroup != nil && actor.groupId == serviceGroup))
    }

    /// Sales records belong to their owner, their group lead, the lead and admins. Executives and
    /// finance read them all (finance follows receivables and credit, RSK-S2). A record about a
    /// customer can be read by whoever may read that customer.
    private static func canTouchSales(_ actor: Actor, _ action: Action, _ f: SalesFacts) -> Bool {
        if action == .read, [.executive, .finance].contains(actor.role) { return true }
        if canTouchOwned(actor, action, owner: f.owner, group: f.group, shared: []) { return true }
        guard action == .read, f.customerOwner != nil || f.customerGroup != nil else { return false }
        return canTouchOwned(actor, .read, owner: f.customerOwner, group: f.customerGroup, shared: [])
    }

    /// The service group runs every ticket and care task (its lead alone deletes); the agent a
    /// record is assigned to works it; the customer's seller and their group lead read it and may
    /// log one for their customer. Executives read everything.
    private static func canTouchService(_ actor: Actor, _ action: Action, _ f: ServiceFacts) -> Bool {
        if [.admin, .lead].contains(actor.role) { return true }
        if actor.role == .executive { return action == .read }
        let inService = f.serviceGroup != nil && actor.groupId == f.serviceGroup
        if inService { return (action != .delete && action != .restore) || actor.role == .groupLead }
        if f.assignee != nil && f.assignee == actor.memberId { return action == .read || action == .update }
        guard action == .read || action == .create, actor.memberId != nil else { return false }
        return canTouchOwned(actor, .read, owner: f.customerOwner, group: f.customerGroup, shared: [])
            && [.member, .groupLead].contains(actor.role)
    }

    /// Marketing records are the team's shared knowledge: everyone reads them. The promotion group
    /// and a record's owner keep them; removing is for the promotion group's lead, the lead and admins.
    private static func canTouchMarketing(_ actor: Actor, _ action: Action, _ f: MarketingFacts) -> Bool {
        if action == .read || [.admin, .lead].contains(actor.role) { return true }
        let inPromotion = f.promotionGroup != nil && actor.groupId == f.promotionGroup
        switch action {
        case .read: return true
        case .create: return inPromotion
        case .update: return inPromotion || (f.owner != nil && f.owner == actor.memberId)
        case .delete, .restore: return inPromotion && actor.role == .groupLead
        }
    }

    /// A warning is for its owner and those above them; executives read them all.
    private static func canTouchWarning(_ actor: Actor, _ action: Action, _ f: MarketingFacts) -> Bool {
        if [.admin, .lead].contains(actor.role) { return action != .create }
        if actor.role == .executive { return action == .read }
        let mine = f.owner != nil && f.owner == actor.memberId
        let leadsOwner = actor.role == .groupLead && f.ownerGroup != nil && f.ownerGroup == actor.groupId
        return (mine || leadsOwner) && (action == .read || action == .update)
    }

    /// The rows of a service list someone may read, matching `decide(_, .read, .serviceRecord)`:
    /// everything for the service group; otherwise records assigned to the reader or about
    /// customers in their sales scope.
    public static func serviceScope(_ actor: Actor, serviceGroup: UUID?) -> RecordScope {
        if [.admin, .lead, .executive].contains(actor.role) { return .all }
        if serviceGroup != nil && actor.groupId == serviceGroup { return .all }
        switch actor.role {
        case .groupLead: return .owners(member: actor.memberId, group: actor.groupId)
        case .member: return actor.memberId.map { .owners(member: $0, group: nil) } ?? .nothing
        default: return .nothing
        }
    }

    /// The rows of a sales list someone may read, matching `decide(_, .read, .salesRecord)`: a
    /// list shows a row when its owner (or its customer's owner) is in scope.
    public static func salesScope(_ actor: Actor) -> RecordScope {
        switch actor.role {
        case .admin, .lead, .executive, .finance: return .all
        case .groupLead: return .owners(member: actor.memberId, group: actor.groupId)
        case .member, .hr: return actor.memberId.map { .owners(member: $0, group: nil) } ?? .nothing
        }
    }

    private static func reason(_ actor: Actor, _ action: Action, _ resource: Resource) -> String {
        "The role \(actor.role.rawValue) may not \(action.rawValue) this \(resource.kindName)."
    }
}

extension Resource {
    public var kindName: String {
        switch self {
        case .department: "department"
        case .group: "group"
        case .member: "member"
        case .memberConfidential: "member's confidential data"
        case .user: "user account"
        case .auditTrail: "audit trail"
        case .policyPack: "policy pack"
        case .webhook: "webhook"
        case .ownedRecord: "record"
        case .salesRecord: "sales record"
        case .priceList: "price list"
        case .contractApproval: "contract approval"
        case .receivables: "customer's receivables"
        case .creditOverride: "credit override"
        case .targets: "sales targets"
        case .serviceRecord: "service record"
        case .serviceReport: "service report"
        case .feedbackItem: "feedback item"
        case .marketingRecord: "marketing record"
        case .riskWarning: "risk warning"
        }
    }
}
