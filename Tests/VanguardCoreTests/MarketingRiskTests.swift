import Foundation
import Testing
@testable import VanguardCore

/// A sales-chapter fact and rule, written only in this test, to show the engine takes new kinds
/// of rules without changing.
struct OverdueInvoiceFact: RiskFact {
    var invoice: String
    var overdueDays: Int
}

struct OverdueInvoiceRule: RiskRule {
    let key = "invoiceOverdue"
    let clause = "RSK-S2"
    let standard = RiskRuleSetting(threshold: Percent(percent: 30), severity: .info)
    func finding(_ f: OverdueInvoiceFact, threshold: Percent) -> RiskFinding? {
        guard Int64(f.overdueDays) * 100 > threshold.basisPoints else { return nil }
        return RiskFinding(subjectKind: "invoice", subjectId: f.invoice, period: "open", ownerId: nil, measured: nil,
                           message: LocalizedText(zhHans: "逾期", en: "Overdue"))
    }
}

/// Market-risk early warnings from the policy's rules (RSK-M2, LEAD-4, MKT-2).
@Suite("Marketing risk warnings (RSK-M2, LEAD-4)")
struct MarketingRiskTests {
    let engine = MarketRiskRules.engine()
    let owner = UUID()
    let event = UUID()
    let campaign = UUID()

    func yuan(_ y: Int64) -> Money { Money(yuan: y)! }

    func priceCut(to newPrice: Money, old: Money? = nil) -> CompetitorPriceChange {
        CompetitorPriceChange(eventId: event, competitor: "华锐科技", product: "HR-200 控制器", date: civil("2026-03-12"),
                              oldPrice: old ?? yuan(1_000), newPrice: newPrice, ownerId: owner)
    }

    @Test("RSK-M2: a competitor price cut over 10% warns the owner with the response plan; over 20% is critical; exactly 10% is not a warning")
    func competitorPriceCut() throws {
        let w = try #require(engine.warnings([priceCut(to: yuan(880))]).first)
        #expect(w.ruleKey == "competitorPriceCut" && w.clause == "RSK-M2")
        #expect(w.severity == .warning)
        #expect(w.ownerId == owner)
        #expect(w.measured == Percent(percent: 12))
        #expect(w.message.en == "华锐科技 cut the price of HR-200 控制器 from ¥1,000.00 to ¥880.00 (12%, more than 10%).")
        #expect(w.message.zhHans.contains("降幅12%"))
        #expect(w.message.zhHant.contains("超過10%"))
        #expect(w.responsePlan?.zhHans.hasPrefix("核实降价信息") == true)
        #expect(w.dedupeKey == "competitorPriceCut|competitorEvent:\(event.uuidString)|2026-03-12")
        #expect(engine.warnings([priceCut(to: yuan(900))]).isEmpty, "exactly 10%")
        #expect(engine.warnings([priceCut(to: Money(fen: 899_99))]).count == 1, "10.001% is above 10%, though shown rounded")
        #expect(engine.warnings([priceCut(to: yuan(750))]).first?.severity == .critical)
        #expect(engine.warnings([priceCut(to: yuan(1_200))]).isEmpty, "a price rise")
        #expect(engine.warnings([priceCut(to: yuan(0), old: .zero)]).isEmpty, "no old price, nothing to compare")
    }

    @Test("RSK-M2: spend over budget warns once per campaign; 20% over is critical")
    func overBudget() {
        let fact = { (spend: Money) in CampaignSpendFact(campaignId: self.campaign, name: "春季推广", budget: self.yuan(10_000), spend: spend, period: "2026-M03", ownerId: self.owner) }
        #expect(engine.warnings([fact(yuan(10_000))]).isEmpty, "spent exactly the budget")
        let w = engine.warnings([fact(Money(fen: 10_000_01))])
        #expect(w.map(\.ruleKey) == ["campaignOverBudget"], "one fen over is over")
        #expect(w.first?.period == "campaign")
        #expect(engine.warnings([fact(yuan(12_500))]).first?.severity == .critical)
        #expect(engine.warnings([fact(yuan(12_000))]).first?.severity == .warning, "exactly 20% over is not yet critical")
        let noBudget = CampaignSpendFact(campaignId: campaign, name: "x", budget: .zero, spend: yuan(1), period: "2026-M03")
        #expect(engine.warnings([noBudget]).first?.measured == nil)
    }

    @Test("RSK-M2: cost per lead over plan by more than 20%; spend without leads counts as the cost of the first lead")
    func costPerLead() {
        let fact = { (spend: Money, leads: Int64) in
            CampaignSpendFact(campaignId: self.campaign, name: "春季推广", budget: self.yuan(100_000), spend: spend, leads: leads,
                              plannedCostPerLead: self.yuan(250), period: "2026-M03", ownerId: self.owner)
        }
        #expect(engine.warnings([fact(yuan(12_000), 40)]).isEmpty, "¥300 a lead is exactly 20% over")
        let w = engine.warnings([fact(yuan(12_000), 39)])
        #expect(w.map(\.ruleKey) == ["costPerLeadOverPlan"])
        #expect(w.first?.measured == Percent(basisPoints: 2_308), "¥307.69 against ¥250")
        #expect(w.first?.period == "2026-M03")
        #expect(w.first?.message.en.contains("cost per lead ¥307.69 against a plan of ¥250.00") == true)
        #expect(engine.warnings([fact(yuan(12_000), 30)]).first?.severity == .critical)
        #expect(engine.warnings([fact(yuan(300), 0)]).isEmpty)
        let none = engine.warnings([fact(yuan(301), 0)])
        #expect(none.first?.measured == nil && none.first?.message.en.contains("cost per lead —") == true)
        let unplanned = CampaignSpendFact(campaignId: campaign, name: "x", budget: yuan(100_000), spend: yuan(9_000), leads: 1, period: "2026-M03")
        #expect(engine.warnings([unplanned]).isEmpty, "no plan, nothing to compare")
    }

    @Test("RSK-M2: leads down more than 30% against the average of the four periods before")
    func leadVolume() {
        let fact = { (current: Int64, trailing: [Int64]) in
            LeadVolumeFact(subjectKind: "channel", subjectId: "baidu", name: "百度", period: "2026-W11", current: current, trailing: trailing)
        }
        #expect(engine.warnings([fact(70, [100, 120, 80, 100])]).isEmpty, "exactly 30% down")
        let w = engine.warnings([fact(69, [100, 120, 80, 100])])
        #expect(w.first?.measured == Percent(percent: 31))
        #expect(w.first?.message.en == "百度 had 69 leads in 2026-W11, 31% below the average of 100 over the previous 4 periods.")
        #expect(engine.warnings([fact(40, [500, 100, 120, 80, 100])]).first?.severity == .critical, "only the last four periods count")
        #expect(engine.warnings([fact(0, [100, 120, 80])]).isEmpty, "too few periods for an average")
        #expect(engine.warnings([fact(0, [0, 0, 0, 0])]).isEmpty)
        #expect(engine.warnings([fact(150, [100, 120, 80, 100])]).isEmpty)
    }

    @Test("RSK-M2: the same warning is not raised twice for a subject and period, and the most severe come first")
    func dedupeAndOrder() {
        let cut = priceCut(to: yuan(880))
        let first = engine.warnings([cut, cut])
        #expect(first.count == 1)
        #expect(engine.warnings([cut], alreadyRaised: Set(first.map(\.dedupeKey))).isEmpty)
        let drop = LeadVolumeFact(subjectKind: "team", subjectId: "market", name: "市场推广组", period: "2026-M03", current: 10, trailing: [100, 100, 100, 100])
        #expect(engine.warnings([cut, drop]).map(\.severity) == [.critical, .warning])
        let nextMonth = LeadVolumeFact(subjectKind: "team", subjectId: "market", name: "市场推广组", period: "2026-M04", current: 10, trailing: [100, 100, 100, 100])
        #expect(engine.warnings([nextMonth], alreadyRaised: Set(engine.warnings([drop]).map(\.dedupeKey))).count == 1, "a new period is a new warning")
    }

    @Test("RSK-M2: thresholds, severities, response plans and switching off come from the settings; other chapters' rules plug in unchanged")
    func policySettingsAndNewRules() throws {
        let engine = MarketRiskRules.engine(settings: [
            "competitorPriceCut": RiskRuleSetting(threshold: Percent(percent: 5), severity: .critical, responsePlan: LocalizedText(zhHans: "立即上报", en: "Report at once")),
            "leadVolumeDrop": RiskRuleSetting(enabled: false),
        ], trailingPeriods: 2)
        let w = try #require(engine.warnings([priceCut(to: yuan(940))]).first)
        #expect(w.severity == .critical && w.responsePlan?.en == "Report at once")
        #expect(engine.warnings([LeadVolumeFact(subjectKind: "team", subjectId: "m", name: "m", period: "p", current: 0, trailing: [9, 9])]).isEmpty)
        let twoPeriods = MarketRiskRules.engine(trailingPeriods: 2)
        #expect(twoPeriods.warnings([LeadVolumeFact(subjectKind: "team", subjectId: "m", name: "m", period: "p", current: 0, trailing: [9, 9])]).count == 1)
        var mixed = MarketRiskRules.engine()
        mixed.register(OverdueInvoiceRule(), setting: nil)
        let raised = mixed.warnings([OverdueInvoiceFact(invoice: "INV-7", overdueDays: 45), priceCut(to: yuan(880))])
        #expect(Set(raised.map(\.ruleKey)) == ["invoiceOverdue", "competitorPriceCut"])
        #expect(raised.last?.severity == .info && raised.last?.clause == "RSK-S2")
        #expect(mixed.keys.contains("invoiceOverdue"))
    }
}
