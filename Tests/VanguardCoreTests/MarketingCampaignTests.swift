import Foundation
import Testing
@testable import VanguardCore

/// Campaign plans, their approval and their status machine (MKT-1, MKT-4, MP-2 … MP-4).
@Suite("Marketing campaigns (MKT-1, MP-2, MP-3, MP-4)")
struct MarketingCampaignTests {
    let rules = CampaignRules(channels: Set(MarketingChannel.standard.map(\.key)), approvalThreshold: Money(yuan: 50_000)!)
    let owner = UUID()
    let today = civil("2026-03-16")

    var plan: CampaignPlan {
        CampaignPlan(name: "春季新品发布会", type: .productLaunch, goal: CampaignGoal(metric: .leads, target: 200),
                     audience: "华东地区制造业采购负责人", channels: ["wechat", "offline"], contentPlan: "预热推文三篇、现场演示、会后回访",
                     budget: Money(yuan: 50_000)!, start: civil("2026-04-01"), end: civil("2026-04-30"), ownerId: owner)
    }

    func facts(_ plan: CampaignPlan, _ actor: CampaignActor = CampaignActor(role: .lead), lessons: String = "") -> CampaignFacts {
        CampaignFacts(plan: plan, actor: actor, lessons: lessons, today: today)
    }

    @Test("MP-2: a complete plan goes draft → submitted → approved → running → finished → evaluated")
    func happyPath() {
        var p = plan
        p.start = today
        let path: [CampaignStatus] = [.draft, .submitted, .approved, .running, .finished, .evaluated]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(rules.refusal(from: from, to: to, facts: facts(p, lessons: "微信预热带来六成线索，下次加大投入。")) == nil, "\(from) → \(to)")
        }
    }

    @Test("MP-2: moves outside the machine are refused with a stable code")
    func illegalMoves() {
        for (from, to) in [(CampaignStatus.draft, CampaignStatus.approved), (.draft, .running), (.submitted, .running),
                           (.running, .draft), (.finished, .running), (.evaluated, .draft), (.running, .evaluated)] {
            #expect(rules.refusal(from: from, to: to, facts: facts(plan, lessons: "x"))?.code == "moveNotAllowed", "\(from) → \(to)")
        }
        #expect(rules.refusal(from: .submitted, to: .draft, facts: facts(plan)) == nil, "the approver sends it back")
        #expect(rules.refusal(from: .approved, to: .draft, facts: facts(plan)) == nil, "re-planned before it runs")
    }

    @Test("MP-2: submission names every missing plan field")
    func submissionNeedsPlan() {
        let bare = CampaignPlan(name: "草稿", type: .content)
        let refused = rules.refusal(from: .draft, to: .submitted, facts: facts(bare))
        #expect(refused?.code == "planIncomplete")
        #expect(refused?.missing == [.goal, .audience, .channels, .contentPlan, .budget, .period, .owner])
        var noBudget = plan
        noBudget.budget = .zero
        #expect(rules.refusal(from: .draft, to: .submitted, facts: facts(noBudget))?.missing == [.budget], "zero budget cannot be submitted")
        var backwards = plan
        backwards.end = civil("2026-03-01")
        let invalid = rules.refusal(from: .draft, to: .submitted, facts: facts(backwards))
        #expect(invalid?.code == "planInvalid")
        #expect(invalid?.message.contains("before it starts") == true)
    }

    @Test("MP-2: plan checks return every field error: end before start, negative budget, goal target, unknown or repeated channel, type not offered")
    func validation() {
        var bad = plan
        bad.name = "  "
        bad.end = civil("2026-03-31")
        bad.budget = Money(fen: -1)
        bad.goal = CampaignGoal(metric: .leads, target: 0)
        bad.channels = ["wechat", "tiktok", "wechat"]
        bad.plannedCostPerLead = .zero
        let errors = rules.validate(bad).all.map { "\($0.field) \($0.code)" }
        #expect(Set(errors) == ["name required", "end endBeforeStart", "budget negative", "goal.target notPositive",
                                "channels[1] unknownChannel", "channels[2] duplicate", "plannedCostPerLead notPositive"])
        #expect(rules.validate(plan).isEmpty)
        var draft = CampaignPlan(name: "只有名字", type: .content)
        #expect(rules.validate(draft).isEmpty, "a draft may lack fields; only what it has is checked")
        draft.start = civil("2026-04-01")
        draft.end = civil("2026-04-01")
        #expect(rules.validate(draft).isEmpty, "a one-day campaign ends the day it starts")
        let onlyEvents = CampaignRules(types: [.offlineEvent], channels: ["offline"], approvalThreshold: .zero)
        #expect(onlyEvents.validate(CampaignPlan(name: "x", type: .onlineAds)).first("type")?.code == "typeNotOffered")
    }

    @Test("MP-2: above ¥50,000.00 only the team lead approves; at the threshold the owner's group lead may, never for their own campaign")
    func approval() {
        var big = plan
        big.budget = Money(fen: 50_000_01)
        let groupLead = CampaignActor(role: .groupLead, leadsOwnersGroup: true)
        #expect(rules.needsLeadApproval(big.budget))
        #expect(!rules.needsLeadApproval(plan.budget), "exactly at the threshold")
        let refused = rules.refusal(from: .submitted, to: .approved, facts: facts(big, groupLead))
        #expect(refused?.code == "leadApprovalRequired")
        #expect(refused?.message.contains("¥50,000.01") == true)
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(big, CampaignActor(role: .lead))) == nil)
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, groupLead)) == nil)
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, CampaignActor(role: .groupLead)))?.code == "approverNotAllowed",
                "another group's lead")
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, CampaignActor(role: .member, isOwner: true)))?.code == "approverNotAllowed")
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, CampaignActor(role: .executive)))?.code == "approverNotAllowed")
        let own = CampaignActor(role: .groupLead, isOwner: true, leadsOwnersGroup: true)
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, own))?.code == "ownCampaign")
        #expect(rules.refusal(from: .submitted, to: .approved, facts: facts(plan, CampaignActor(role: .lead, isOwner: true))) == nil)
    }

    @Test("MP-3: a campaign runs from its start date; MP-4: the evaluation needs written lessons")
    func runningAndEvaluation() {
        let early = rules.refusal(from: .approved, to: .running, facts: facts(plan))
        #expect(early?.code == "notStarted")
        #expect(early?.message.contains("2026-04-01") == true)
        let noLessons = rules.refusal(from: .finished, to: .evaluated, facts: facts(plan, lessons: " \n"))
        #expect(noLessons?.code == "lessonsRequired")
        #expect(noLessons?.missing == [.lessons])
    }

    @Test("MP-2: editing a submitted or approved plan sends it back for approval; a running campaign's budget is not raised by an edit")
    func editing() {
        #expect(CampaignRules.statusAfterEdit(.approved, budgetRaised: false) == .draft)
        #expect(CampaignRules.statusAfterEdit(.submitted, budgetRaised: true) == .draft)
        #expect(CampaignRules.statusAfterEdit(.running, budgetRaised: false) == .running)
        #expect(CampaignRules.statusAfterEdit(.running, budgetRaised: true) == nil)
        #expect(CampaignRules.statusAfterEdit(.evaluated, budgetRaised: false) == nil)
    }

    @Test("MP-2: the planned cost per lead is stated or the budget over a leads goal")
    func plannedCostPerLead() {
        #expect(plan.effectivePlannedCostPerLead == Money(yuan: 250))
        var stated = plan
        stated.plannedCostPerLead = Money(yuan: 180)
        #expect(stated.effectivePlannedCostPerLead == Money(yuan: 180))
        var revenueGoal = plan
        revenueGoal.goal = CampaignGoal(metric: .revenue, target: 1_000_000_00)
        #expect(revenueGoal.effectivePlannedCostPerLead == nil)
        #expect(CampaignType.allCases.count == 7)
        #expect(CampaignType.exhibition.standardName[.zhHant] == "展會")
    }
}
