import Foundation

/// A competitor changed a product's price (MKT-2, LEAD-4): from a dated competitor event.
public struct CompetitorPriceChange: RiskFact, Equatable {
    public var eventId: UUID
    public var competitor: String
    public var product: String
    public var date: CivilDate
    public var oldPrice: Money
    public var newPrice: Money
    public var ownerId: UUID?

    public init(eventId: UUID, competitor: String, product: String, date: CivilDate, oldPrice: Money, newPrice: Money, ownerId: UUID? = nil) {
        self.eventId = eventId
        self.competitor = competitor
        self.product = product
        self.date = date
        self.oldPrice = oldPrice
        self.newPrice = newPrice
        self.ownerId = ownerId
    }
}

/// A campaign's figures so far, for the spend and cost-per-lead rules (MP-3).
public struct CampaignSpendFact: RiskFact, Equatable {
    public var campaignId: UUID
    public var name: String
    public var budget: Money
    public var spend: Money
    public var leads: Int64
    public var plannedCostPerLead: Money?
    /// The period the spend and leads cover ("2026-M03"); the cost-per-lead warning is about it.
    public var period: String
    public var ownerId: UUID?

    public init(campaignId: UUID, name: String, budget: Money, spend: Money, leads: Int64 = 0, plannedCostPerLead: Money? = nil,
                period: String, ownerId: UUID? = nil) {
        self.period = period
        self.campaignId = campaignId
        self.name = name
        self.budget = budget
        self.spend = spend
        self.leads = leads
        self.plannedCostPerLead = plannedCostPerLead
        self.ownerId = ownerId
    }
}

/// Leads of one subject (a campaign, a channel, the team) in a period and the periods before it.
public struct LeadVolumeFact: RiskFact, Equatable {
    public var subjectKind: String
    public var subjectId: String
    public var name: String
    public var period: String
    public var current: Int64
    /// The preceding periods' leads, the trailing average's base.
    public var trailing: [Int64]
    public var ownerId: UUID?

    public init(subjectKind: String, subjectId: String, name: String, period: String, current: Int64, trailing: [Int64], ownerId: UUID? = nil) {
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.name = name
        self.period = period
        self.current = current
        self.trailing = trailing
        self.ownerId = ownerId
    }
}

/// The four market rules of RSK-M2. Thresholds are strict: exactly at the threshold is no warning.
/// They compare exactly (a 10.001 % cut is above 10 %); the percentage shown is rounded.
public enum MarketRiskRules {
    public static let keys = ["competitorPriceCut", "campaignOverBudget", "costPerLeadOverPlan", "leadVolumeDrop"]

    /// An engine with the four rules and the pack's settings for them, by rule key.
    public static func engine(settings: [String: RiskRuleSetting] = [:], trailingPeriods: Int = 4) -> RiskEngine {
        var engine = RiskEngine()
        engine.register(CompetitorPriceCut(), setting: settings["competitorPriceCut"])
        engine.register(CampaignOverBudget(), setting: settings["campaignOverBudget"])
        engine.register(CostPerLeadOverPlan(), setting: settings["costPerLeadOverPlan"])
        engine.register(LeadVolumeDrop(trailingPeriods: trailingPeriods), setting: settings["leadVolumeDrop"])
        return engine
    }

    /// Whether `excess` is more than `threshold` of `base` (both positive), without rounding.
    static func above(_ excess: Decimal, of base: Decimal, _ threshold: Percent) -> Bool {
        base > 0 && excess * 10_000 > base * Decimal(threshold.basisPoints)
    }

    /// A competitor cut a price by more than the threshold.
    public struct CompetitorPriceCut: RiskRule {
        public let key = "competitorPriceCut"
        public let clause = "RSK-M2"
        public let standard = RiskRuleSetting(enabled: true, threshold: Percent(percent: 10), severity: .warning, criticalThreshold: Percent(percent: 20),
                                              responsePlan: LocalizedText(zhHans: "核实降价信息，评估对在谈商机的影响，必要时调整报价或促销策略。",
                                                                          zhHant: "核實降價信息，評估對在談商機的影響，必要時調整報價或促銷策略。",
                                                                          en: "Confirm the cut, assess the open deals it affects, and adjust quotes or promotions if needed."))
        public init() {}

        public func finding(_ f: CompetitorPriceChange, threshold: Percent) -> RiskFinding? {
            guard let drop = try? f.oldPrice - f.newPrice, above(Decimal(drop.fen), of: Decimal(f.oldPrice.fen), threshold),
                  let cut = Percent.share(drop, of: f.oldPrice) else { return nil }
            return RiskFinding(subjectKind: "competitorEvent", subjectId: f.eventId.uuidString, period: f.date.description, ownerId: f.ownerId, measured: cut,
                               message: LocalizedText(zhHans: "\(f.competitor)将\(f.product)的价格从\(f.oldPrice)降至\(f.newPrice)（降幅\(cut)，超过\(threshold)）。",
                                                      zhHant: "\(f.competitor)將\(f.product)的價格從\(f.oldPrice)降至\(f.newPrice)（降幅\(cut)，超過\(threshold)）。",
                                                      en: "\(f.competitor) cut the price of \(f.product) from \(f.oldPrice) to \(f.newPrice) (\(cut), more than \(threshold))."))
        }
    }

    /// A campaign spent more than its budget by over the threshold. Once per campaign.
    public struct CampaignOverBudget: RiskRule {
        public let key = "campaignOverBudget"
        public let clause = "RSK-M2"
        public let standard = RiskRuleSetting(enabled: true, threshold: .zero, severity: .warning, criticalThreshold: Percent(percent: 20),
                                              responsePlan: LocalizedText(zhHans: "暂停或缩减投放，查明超支原因；需追加预算的按审批流程重新提交。",
                                                                          zhHant: "暫停或縮減投放，查明超支原因；需追加預算的按審批流程重新提交。",
                                                                          en: "Pause or cut the spend and find out why; submit a budget increase for approval if it is needed."))
        public init() {}

        public func finding(_ f: CampaignSpendFact, threshold: Percent) -> RiskFinding? {
            guard f.spend > f.budget, let excess = try? f.spend - f.budget else { return nil }
            // No budget at all: any spend is over it, and there is no percentage to show.
            if f.budget.fen > 0 && !above(Decimal(excess.fen), of: Decimal(f.budget.fen), threshold) { return nil }
            let over = Percent.share(excess, of: f.budget)
            let figure = over.map { "\($0)" } ?? "—"
            return RiskFinding(subjectKind: "campaign", subjectId: f.campaignId.uuidString, period: "campaign", ownerId: f.ownerId, measured: over,
                               message: LocalizedText(zhHans: "活动“\(f.name)”已花费\(f.spend)，超出预算\(f.budget)（超支\(figure)）。",
                                                      zhHant: "活動「\(f.name)」已花費\(f.spend)，超出預算\(f.budget)（超支\(figure)）。",
                                                      en: "Campaign \"\(f.name)\" has spent \(f.spend), over its budget of \(f.budget) (\(figure) over)."))
        }
    }

    /// A campaign's cost per lead is above its plan by more than the threshold. Without any lead
    /// the spend so far is the least a first lead will have cost, and is held against the plan.
    public struct CostPerLeadOverPlan: RiskRule {
        public let key = "costPerLeadOverPlan"
        public let clause = "RSK-M2"
        public let standard = RiskRuleSetting(enabled: true, threshold: Percent(percent: 20), severity: .warning, criticalThreshold: Percent(percent: 50),
                                              responsePlan: LocalizedText(zhHans: "检查渠道、受众和落地页，将预算转向线索成本低的渠道。",
                                                                          zhHant: "檢查渠道、受眾和落地頁，將預算轉向線索成本低的渠道。",
                                                                          en: "Review channels, audience and landing page; move budget to the channels with cheaper leads."))
        public init() {}

        public func finding(_ f: CampaignSpendFact, threshold: Percent) -> RiskFinding? {
            guard let plan = f.plannedCostPerLead, plan.fen > 0 else { return nil }
            // actual − plan = (spend − plan × leads) ÷ leads, compared with plan × threshold.
            let leads = Decimal(max(f.leads, 1))
            guard above(Decimal(f.spend.fen) - Decimal(plan.fen) * leads, of: Decimal(plan.fen) * leads, threshold) else { return nil }
            let actual = f.spend.scaled(by: 1, dividedBy: f.leads)
            let over = actual.flatMap { a in (try? a - plan).flatMap { Percent.share($0, of: plan) } }
            let actualText = actual.map { "\($0)" } ?? "—"
            return RiskFinding(subjectKind: "campaign", subjectId: f.campaignId.uuidString, period: f.period, ownerId: f.ownerId, measured: over,
                               message: LocalizedText(zhHans: "活动“\(f.name)”每条线索成本\(actualText)，计划\(plan)；已花费\(f.spend)，线索\(f.leads)条。",
                                                      zhHant: "活動「\(f.name)」每條線索成本\(actualText)，計劃\(plan)；已花費\(f.spend)，線索\(f.leads)條。",
                                                      en: "Campaign \"\(f.name)\": cost per lead \(actualText) against a plan of \(plan); \(f.spend) spent for \(f.leads) leads."))
        }
    }

    /// Leads fell by more than the threshold against the trailing average of earlier periods.
    public struct LeadVolumeDrop: RiskRule {
        public let key = "leadVolumeDrop"
        public let clause = "RSK-M2"
        /// Fewer earlier periods than this make no average worth warning on.
        public var trailingPeriods: Int
        public let standard = RiskRuleSetting(enabled: true, threshold: Percent(percent: 30), severity: .warning, criticalThreshold: Percent(percent: 50),
                                              responsePlan: LocalizedText(zhHans: "分析线索下降的渠道和原因（市场、竞争、投放），调整推广计划。",
                                                                          zhHant: "分析線索下降的渠道和原因（市場、競爭、投放），調整推廣計劃。",
                                                                          en: "Find which channels lost leads and why (market, competitors, spend), and adjust the promotion plan."))
        public init(trailingPeriods: Int = 4) { self.trailingPeriods = trailingPeriods }

        public func finding(_ f: LeadVolumeFact, threshold: Percent) -> RiskFinding? {
            let base = f.trailing.suffix(trailingPeriods)
            guard base.count >= trailingPeriods, base.count > 0 else { return nil }
            let sum = base.reduce(0, +)
            // (average − current) ÷ average, kept in whole numbers: (sum − current × n) ÷ sum.
            let fall = Decimal(sum) - Decimal(f.current) * Decimal(base.count)
            guard above(fall, of: Decimal(sum), threshold), let drop = Percent.ratio(sum - f.current * Int64(base.count), sum) else { return nil }
            let average = Money.divideRoundingHalfUp(sum, by: Int64(base.count))
            return RiskFinding(subjectKind: f.subjectKind, subjectId: f.subjectId, period: f.period, ownerId: f.ownerId, measured: drop,
                               message: LocalizedText(zhHans: "\(f.name)在\(f.period)的线索为\(f.current)条，比前\(base.count)期平均\(average)条下降\(drop)。",
                                                      zhHant: "\(f.name)在\(f.period)的線索為\(f.current)條，比前\(base.count)期平均\(average)條下降\(drop)。",
                                                      en: "\(f.name) had \(f.current) leads in \(f.period), \(drop) below the average of \(average) over the previous \(base.count) periods."))
        }
    }
}
