import Foundation

/// Who is moving a campaign, as far as approval cares (MP-2, LEAD-3).
public struct CampaignActor: Sendable, Equatable {
    public var role: Role
    /// The actor owns the campaign.
    public var isOwner: Bool
    /// The actor is the group lead of the owner's group.
    public var leadsOwnersGroup: Bool

    public init(role: Role, isOwner: Bool = false, leadsOwnersGroup: Bool = false) {
        self.role = role
        self.isOwner = isOwner
        self.leadsOwnersGroup = leadsOwnersGroup
    }
}

/// What a campaign has, as far as its status rules care.
public struct CampaignFacts: Sendable, Equatable {
    public var plan: CampaignPlan
    public var actor: CampaignActor
    /// The written lessons of the evaluation (MP-4).
    public var lessons: String
    public var today: CivilDate

    public init(plan: CampaignPlan, actor: CampaignActor, lessons: String = "", today: CivilDate) {
        self.plan = plan
        self.actor = actor
        self.lessons = lessons
        self.today = today
    }
}

/// Why a campaign may not move, in words the planner can act on; `code` is stable for clients.
public struct CampaignMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var missing: [CampaignRequirement]
    public var message: String
}

/// The campaign rules (MKT-1, MP-2 … MP-4): plan checks, the approval rule and the status machine.
/// Approval: every plan is approved before it runs; the market group's lead may approve a budget
/// up to the threshold for the campaigns of the group they lead, the team lead approves any and
/// alone approves a budget above it; nobody but the team lead approves their own campaign.
public struct CampaignRules: Sendable, Equatable {
    public var types: Set<CampaignType>
    public var channels: Set<String>
    public var approvalThreshold: Money

    public init(types: Set<CampaignType> = Set(CampaignType.allCases), channels: Set<String>, approvalThreshold: Money) {
        self.types = types
        self.channels = channels
        self.approvalThreshold = approvalThreshold
    }

    public static let moves: [CampaignStatus: Set<CampaignStatus>] = [
        .draft: [.submitted],
        .submitted: [.approved, .draft],
        .approved: [.running, .draft],
        .running: [.finished],
        .finished: [.evaluated],
    ]

    /// Whether only the team lead may approve this budget: strictly above the threshold.
    public func needsLeadApproval(_ budget: Money) -> Bool { budget > approvalThreshold }

    /// Every problem with a plan's content at once, by field; a draft may still lack fields
    /// (see `missing`), but what it has must make sense.
    public func validate(_ plan: CampaignPlan) -> FieldErrors {
        var errors = FieldErrors()
        if plan.name.trimmingWhitespace().isEmpty { errors.add("name", "required", "Give the campaign a name.") }
        errors.check("name", Validators.maxLength(plan.name, 200, field: "name"))
        if !types.contains(plan.type) { errors.add("type", "typeNotOffered", "The policy does not offer \(plan.type.standardName.en) campaigns.") }
        if let goal = plan.goal, goal.target <= 0 {
            errors.add("goal.target", "notPositive", "A goal needs a target above zero (got \(goal.target)).")
        }
        if plan.budget.isNegative { errors.add("budget", "negative", "The budget cannot be negative (got \(plan.budget)).") }
        if let cpl = plan.plannedCostPerLead, cpl.fen <= 0 {
            errors.add("plannedCostPerLead", "notPositive", "A planned cost per lead is above zero (got \(cpl)).")
        }
        var seen = Set<String>()
        for (i, key) in plan.channels.enumerated() {
            if !channels.contains(key) {
                errors.add("channels[\(i)]", "unknownChannel", "\"\(key)\" is not one of the policy's channels: \(channels.sorted().joined(separator: ", ")).")
            } else if !seen.insert(key).inserted {
                errors.add("channels[\(i)]", "duplicate", "\"\(key)\" is listed twice.")
            }
        }
        if let start = plan.start, let end = plan.end, end < start {
            errors.add("end", "endBeforeStart", "The campaign ends (\(end)) before it starts (\(start)).")
        }
        return errors
    }

    /// What a plan still lacks before it can be submitted for approval.
    public static func missing(_ plan: CampaignPlan) -> [CampaignRequirement] {
        var missing: [CampaignRequirement] = []
        if plan.goal == nil { missing.append(.goal) }
        if plan.audience.trimmingWhitespace().isEmpty { missing.append(.audience) }
        if plan.channels.isEmpty { missing.append(.channels) }
        if plan.contentPlan.trimmingWhitespace().isEmpty { missing.append(.contentPlan) }
        if plan.budget.fen <= 0 { missing.append(.budget) }
        if plan.start == nil || plan.end == nil { missing.append(.period) }
        if plan.ownerId == nil { missing.append(.owner) }
        return missing
    }

    /// nil when the actor may approve the plan; otherwise why not.
    public func approvalRefusal(budget: Money, actor: CampaignActor) -> CampaignMoveRefusal? {
        if actor.role == .lead { return nil }
        if needsLeadApproval(budget) {
            return CampaignMoveRefusal(code: "leadApprovalRequired", missing: [],
                                       message: "A budget of \(budget) is above \(approvalThreshold); only the team lead approves it.")
        }
        guard actor.role == .groupLead, actor.leadsOwnersGroup else {
            return CampaignMoveRefusal(code: "approverNotAllowed", missing: [],
                                       message: "Only the team lead, or the lead of the owner's group, approves a campaign.")
        }
        if actor.isOwner {
            return CampaignMoveRefusal(code: "ownCampaign", missing: [], message: "Nobody approves their own campaign; ask the team lead.")
        }
        return nil
    }

    /// nil when the campaign may move from one status to the other; otherwise what stands in the way.
    public func refusal(from: CampaignStatus, to: CampaignStatus, facts: CampaignFacts) -> CampaignMoveRefusal? {
        if from == to { return nil }
        guard Self.moves[from]?.contains(to) == true else {
            return CampaignMoveRefusal(code: "moveNotAllowed", missing: [], message: "A campaign cannot go from \(from.name.en) to \(to.name.en).")
        }
        switch to {
        case .submitted:
            let missing = Self.missing(facts.plan)
            if !missing.isEmpty {
                return CampaignMoveRefusal(code: "planIncomplete", missing: missing,
                                           message: "Before it is submitted the plan needs: \(missing.map(\.rawValue).joined(separator: ", ")).")
            }
            let errors = validate(facts.plan)
            if !errors.isEmpty {
                return CampaignMoveRefusal(code: "planInvalid", missing: [],
                                           message: "Correct the plan first: \(errors.all.map(\.message).joined(separator: " "))")
            }
        case .approved:
            return approvalRefusal(budget: facts.plan.budget, actor: facts.actor)
        case .running:
            if let start = facts.plan.start, facts.today < start {
                return CampaignMoveRefusal(code: "notStarted", missing: [.period],
                                           message: "The campaign starts on \(start); change its period (and have it approved again) to start earlier.")
            }
        case .evaluated:
            if facts.lessons.trimmingWhitespace().isEmpty {
                return CampaignMoveRefusal(code: "lessonsRequired", missing: [.lessons], message: "Write down the lessons learned before the evaluation is closed.")
            }
        case .draft, .finished:
            break
        }
        return nil
    }

    /// The status after the plan is edited: a submitted or approved plan goes back to draft and is
    /// approved again; a running campaign keeps running unless its budget is raised, which would
    /// spend money nobody approved; nil when the edit is refused (and once finished: the record stands).
    public static func statusAfterEdit(_ status: CampaignStatus, budgetRaised: Bool) -> CampaignStatus? {
        switch status {
        case .draft, .submitted, .approved: .draft
        case .running: budgetRaised ? nil : .running
        case .finished, .evaluated: nil
        }
    }
}
