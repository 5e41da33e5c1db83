import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Campaigns (MKT-1, MKT-4, MP-2 … MP-4): planning, the approval rule, the status machine,
/// activities and spend. Every write and its history entry are one transaction.
enum CampaignService {
    static func policy(_ req: Request) async throws -> MarketingPolicy {
        try await req.application.policy.current(on: req.db).effectiveMarketing
    }

    static func facts(_ c: Campaign, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: c.ownerMemberId, on: db)
    }

    /// A record naming a campaign (a post, an engagement) names one that exists.
    static func requireCampaign(_ id: UUID?, on db: any Database) async throws {
        guard let id else { return }
        if try await Campaign.query(on: db).withDeleted().filter(\.$id == id).first() == nil {
            throw Problem.invalid("campaignId", "unknownCampaign", "No campaign with this id.")
        }
    }

    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Campaign {
        let id = try req.uuid("id", "campaign")
        var q = Campaign.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let c = try await q.first() else { throw Problem.notFound("campaign") }
        return c
    }

    static func new(owner: UUID?, now: Date) -> Campaign {
        let c = Campaign()
        // Five random hex digits, not the id's first five: ids are time-ordered, so those repeat.
        let suffix = String(UInt32.random(in: 0..<0x10_0000) | 0x10_0000, radix: 16, uppercase: true).dropFirst()
        let code = "C" + CivilDate.on(now).description.replacingOccurrences(of: "-", with: "").dropFirst(2).prefix(4) + "-" + suffix
        c.code = code
        c.slug = code.lowercased()
        c.status = CampaignStatus.draft.rawValue
        c.name = ""; c.type = CampaignType.content.rawValue
        c.goalNote = ""; c.audience = ""; c.channels = ""; c.contentPlan = ""; c.lessons = ""; c.followUp = ""
        c.budgetFen = 0
        c.startText = ""; c.endText = ""
        c.ownerMemberId = owner
        c.formOpen = true
        c.createdAt = now
        c.version = 1
        return c
    }

    /// Who is moving the campaign, as the approval rule sees them.
    static func actor(_ req: Request, owner: UUID?, on db: any Database) async throws -> CampaignActor {
        let a = try req.requireUser().actor
        let ownerGroup = try await owner.asyncFlatMap { try await Member.find($0, on: db)?.$group.id }
        return CampaignActor(role: a.role, isOwner: owner != nil && owner == a.memberId,
                             leadsOwnersGroup: a.role == .groupLead && ownerGroup != nil && ownerGroup == a.groupId)
    }

    /// Creates or changes a campaign and, when asked, moves it: the plan's rules first (every
    /// problem at once, by field), then the edit's effect on the status (an approved plan that
    /// changes is approved again), then the move, checked by the status machine and the approval rule.
    static func save(_ c: Campaign, _ input: CampaignInput, creating: Bool, req: Request) async throws -> Campaign {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: c.version) }
        let policy = try await policy(req)
        let rules = policy.campaignRules
        let before = creating ? nil : CampaignDTO(c, locale: .en, policy: policy)
        let budgetBefore = c.budgetFen
        let planBefore = c.plan
        if let v = input.name { c.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.type { c.type = v }
        if input.goalMetric.given { c.goalMetric = input.goalMetric.applied(to: c.goalMetric).flatMap { $0.isEmpty ? nil : $0 } }
        if input.goalTarget.given { c.goalTarget = input.goalTarget.applied(to: c.goalTarget) }
        if c.goalMetric == nil { c.goalTarget = nil }
        if let v = input.goalNote { c.goalNote = v }
        if let v = input.audience { c.audience = v }
        if let v = input.channels {
            // In the policy's order, so the same choice is the same plan however it was sent.
            let order = Dictionary(policy.effectiveChannels.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
            let keys = v.map { $0.trimmingCharacters(in: .whitespaces) }.enumerated()
                .sorted { (order[$0.element] ?? Int.max, $0.offset) < (order[$1.element] ?? Int.max, $1.offset) }.map(\.element)
            c.channels = keys.joined(separator: ",")
        }
        if let v = input.contentPlan { c.contentPlan = v }
        if let v = input.budget { c.budgetFen = CampaignInput.fen(v) }
        if input.plannedCostPerLead.given { c.plannedCostPerLeadFen = input.plannedCostPerLead.applied(to: nil).map(CampaignInput.fen) }
        if input.startOn.given { c.startOn = input.startOn.applied(to: c.startOn).flatMap { $0.isEmpty ? nil : $0 } }
        if input.endOn.given { c.endOn = input.endOn.applied(to: c.endOn).flatMap { $0.isEmpty ? nil : $0 } }
        if input.ownerId.given { c.ownerMemberId = input.ownerId.applied(to: c.ownerMemberId) }
        if let v = input.slug { c.slug = v }
        if let v = input.formOpen { c.formOpen = v }
        if let v = input.lessons { c.lessons = v }
        if let v = input.followUp { c.followUp = v }
        // The plan's rules name the plan's fields; the API names them as they are sent.
        let apiField = ["end": "endOn", "start": "startOn", "goal.target": "goalTarget"]
        var errors = FieldErrors()
        for e in rules.validate(c.plan).all { errors.add(apiField[e.field] ?? e.field, e.code, e.message) }
        if c.goalMetric != nil && c.goalTarget == nil { errors.add("goalTarget", "required", "A goal needs a target.") }
        try errors.throwIfAny()

        // Editing the plan itself (not lessons or the form switch) sends an approved plan back for approval.
        if !creating, c.plan != planBefore {
            guard let after = CampaignRules.statusAfterEdit(c.campaignStatus, budgetRaised: c.budgetFen > budgetBefore) else {
                let running = c.campaignStatus == .running
                let message = running ? "A running campaign's budget cannot be raised: nobody approved the extra money. Finish it, or plan a follow-up campaign."
                                      : "A \(c.campaignStatus.name.en.lowercased()) campaign's plan is part of the record; write what changed in the lessons."
                throw Problem(.conflict, code: "campaign-plan-locked", title: "This plan can no longer be changed.", detail: message,
                              errors: [FieldError(field: running ? "budget" : "status", code: running ? "budgetRaisedWhileRunning" : "planLocked", message: message)])
            }
            if after != c.campaignStatus { c.status = after.rawValue; c.approvedAt = nil; c.approvedBy = nil }
        }
        let target = input.status.flatMap(CampaignStatus.init(rawValue:))
        let today = req.today, now = req.now
        let actor = try await actor(req, owner: c.ownerMemberId, on: req.db)
        let userId = req.currentUser?.actor.userId
        if let target, target != c.campaignStatus {
            let facts = CampaignFacts(plan: c.plan, actor: actor, lessons: c.lessons, today: today)
            if let refusal = rules.refusal(from: c.campaignStatus, to: target, facts: facts) {
                throw Problem(.conflict, code: "campaign-move-refused", title: "This campaign cannot move to \(target.rawValue).", detail: refusal.message,
                              errors: [FieldError(field: "status", code: refusal.code, message: refusal.message)]
                                  + refusal.missing.map { FieldError(field: $0.rawValue, code: "required", message: refusal.message) })
            }
            c.status = target.rawValue
            switch target {
            case .submitted: c.submittedAt = now
            case .approved: c.approvedAt = now; c.approvedBy = userId
            case .evaluated: c.evaluatedAt = now
            case .draft: c.approvedAt = nil; c.approvedBy = nil
            case .running, .finished: break
            }
        }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(Campaign.schema, id: c.id, c.version) }
            if let owner = c.ownerMemberId, try await Member.find(owner, on: db) == nil {
                throw Problem.invalid("ownerId", "unknownMember", "No member with this id.")
            }
            if try await Campaign.query(on: db).withDeleted().filter(\.$slug == c.slug).filter(\.$id != c.id ?? UUID.timeOrdered()).first() != nil {
                throw Problem.conflict("slug", "duplicate", "Another campaign's form already uses /forms/\(c.slug); choose another address.")
            }
            if creating { c.id = UUID.timeOrdered() } else {
                guard c.hasChanges else { return c }
                c.version += 1
            }
            if creating { try await c.create(on: db) } else { try await c.save(on: db) }
            try await Audit.record(creating ? .create : .update, "campaign", id: c.id, label: "\(c.code) \(c.name)",
                                   before: before, after: CampaignDTO(c, locale: .en, policy: policy), request: req, on: db)
            return c
        }
    }

    static func delete(_ c: Campaign, req: Request) async throws {
        try ETag.check(req, version: c.version)
        let policy = try await policy(req)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Campaign.schema, id: c.id, c.version)
            try await c.delete(on: db)
            try await Audit.record(.delete, "campaign", id: c.id, label: "\(c.code) \(c.name)",
                                   before: CampaignDTO(c, locale: .en, policy: policy), after: Optional<CampaignDTO>.none, request: req, on: db)
        }
    }

    // MARK: Activities (MP-3)

    static func saveActivity(_ a: CampaignActivity, _ input: CampaignActivityInput, campaign: Campaign, creating: Bool, req: Request) async throws -> CampaignActivity {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: a.version) }
        let before = creating ? nil : CampaignActivityDTO(a)
        if let v = input.title { a.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.ownerId.given { a.ownerMemberId = input.ownerId.applied(to: a.ownerMemberId) }
        if input.dueOn.given { a.dueOn = input.dueOn.applied(to: a.dueOn).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.notes { a.notes = v }
        if let done = input.done { a.doneAt = done ? (a.doneAt ?? req.now) : nil }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(CampaignActivity.schema, id: a.id, a.version) }
            if let owner = a.ownerMemberId, try await Member.find(owner, on: db) == nil {
                throw Problem.invalid("ownerId", "unknownMember", "No member with this id.")
            }
            if creating { a.id = UUID.timeOrdered(); try await a.create(on: db) } else {
                guard a.hasChanges else { return a }
                a.version += 1
                try await a.save(on: db)
            }
            try await Audit.record(creating ? .create : .update, "campaignActivity", id: a.id, label: "\(campaign.code) \(a.title)",
                                   before: before, after: CampaignActivityDTO(a), request: req, on: db)
            return a
        }
    }

    // MARK: Spend (MP-3, MKT-5)

    /// Books spend: the CNY figure is fixed now from the entry's own rate. Spend is booked while
    /// the campaign runs and after it (invoices arrive late); never on a plan nobody approved.
    static func addSpend(_ input: CampaignSpendInput, to c: Campaign, req: Request) async throws -> CampaignSpend {
        let entry: SpendEntry
        switch input.entry(campaignId: c.id!) {
        case .success(let e): entry = e
        case .failure(let errors): throw Problem.invalid(errors.all)
        }
        guard [.approved, .running, .finished].contains(c.campaignStatus) else {
            throw Problem.conflict("campaignId", "campaignNotApproved",
                                   "Spend is booked on an approved campaign; this one is \(c.campaignStatus.name.en.lowercased()).")
        }
        let s = CampaignSpend()
        s.id = UUID.timeOrdered(); s.campaignId = c.id!; s.partnerId = entry.partnerId; s.spentOn = entry.date.description; s.currency = entry.currency
        s.amount = entry.amount; s.rate = entry.isHomeCurrency ? nil : entry.rate?.description; s.cnyFen = entry.cny?.fen ?? 0
        s.note = entry.note; s.createdBy = req.currentUser?.actor.userId; s.version = 1
        // RSK-M2 at once: with this entry, is the campaign over budget, or its leads too dear?
        let (spend, leads) = try await CampaignSpendSource.sums([c.id!], on: req.db as! any SQLDatabase)
        let fact = CampaignSpendSource.fact(c, spendFen: (spend[c.id!] ?? 0) + s.cnyFen, leads: leads[c.id!] ?? 0, today: req.today)
        let plan = try await RiskScan.prepare(try await policy(req).riskEngine.warnings([fact]), on: req.db)
        return try await req.db.writeTransaction { db in
            if let partner = s.partnerId, try await Partner.find(partner, on: db) == nil {
                throw Problem.invalid("partnerId", "unknownPartner", "No partner with this id.")
            }
            try await s.create(on: db)
            _ = try await RiskScan.raise(plan, at: req.now, on: db)
            try await Audit.record(.create, "campaignSpend", id: s.id, label: "\(c.code) \(s.currency) \(YuanInput.yuan(s.amount))",
                                   before: Optional<CampaignSpendDTO>.none, after: CampaignSpendDTO(s), request: req, on: db)
            return s
        }
    }

    static func removeSpend(_ s: CampaignSpend, campaign c: Campaign, req: Request) async throws {
        try await req.db.writeTransaction { db in
            try await s.delete(on: db)
            try await Audit.record(.delete, "campaignSpend", id: s.id, label: "\(c.code) \(s.currency) \(YuanInput.yuan(s.amount))",
                                   before: CampaignSpendDTO(s), after: Optional<CampaignSpendDTO>.none, request: req, on: db)
        }
    }
}
