import Foundation

/// One day's figures of a campaign on one channel (MKT-3, MP-3), typed in or imported from an ad
/// platform's export. `leads` are the platform's count; the team's own leads are the prospects.
public struct MetricsRow: Sendable, Codable, Equatable {
    public var campaignId: UUID
    public var channel: String
    public var day: CivilDate
    public var impressions: Int64
    public var clicks: Int64
    public var visits: Int64
    public var leads: Int64
    public var cost: Money

    public init(campaignId: UUID, channel: String, day: CivilDate, impressions: Int64 = 0, clicks: Int64 = 0,
                visits: Int64 = 0, leads: Int64 = 0, cost: Money = .zero) {
        self.campaignId = campaignId
        self.channel = channel
        self.day = day
        self.impressions = impressions
        self.clicks = clicks
        self.visits = visits
        self.leads = leads
        self.cost = cost
    }
}

/// What a campaign (or many) came to over a stretch of time: the inputs of an evaluation.
/// Spend is the booked spend entries in CNY; the platforms' own cost is kept apart in
/// `platformCost`, since an agency's invoice usually covers the same clicks.
public struct CampaignResults: Sendable, Equatable {
    public var budget: Money
    public var spend: Money
    public var impressions: Int64 = 0
    public var clicks: Int64 = 0
    public var visits: Int64 = 0
    public var platformLeads: Int64 = 0
    public var platformCost: Money = .zero
    /// Prospects attributed to the campaign, those that became opportunities, those won.
    public var leads: Int64
    public var opportunities: Int64
    public var wins: Int64
    public var wonRevenue: Money

    /// Sums the entries and rows that fall in `period` (all of them when nil); the counts and the
    /// revenue are the caller's, already for that period. Throws `MoneyOverflow` for absurd sums.
    public init(budget: Money, spend: [SpendEntry], metrics: [MetricsRow], leads: Int64, opportunities: Int64, wins: Int64,
                wonRevenue: Money, period: ClosedRange<CivilDate>? = nil) throws {
        let inPeriod = { (day: CivilDate) in period?.contains(day) ?? true }
        self.budget = budget
        self.spend = try SpendEntry.totalCNY(spend.filter { inPeriod($0.date) })
        for row in metrics where inPeriod(row.day) {
            impressions += row.impressions
            clicks += row.clicks
            visits += row.visits
            platformLeads += row.leads
            platformCost = try platformCost + row.cost
        }
        self.leads = leads
        self.opportunities = opportunities
        self.wins = wins
        self.wonRevenue = wonRevenue
    }

    /// Many campaigns' results as one, for a period's roll-up.
    public static func total(_ all: [CampaignResults]) throws -> CampaignResults {
        var sum = try CampaignResults(budget: .zero, spend: [], metrics: [], leads: 0, opportunities: 0, wins: 0, wonRevenue: .zero)
        for r in all {
            sum.budget = try sum.budget + r.budget
            sum.spend = try sum.spend + r.spend
            sum.impressions += r.impressions
            sum.clicks += r.clicks
            sum.visits += r.visits
            sum.platformLeads += r.platformLeads
            sum.platformCost = try sum.platformCost + r.platformCost
            sum.leads += r.leads
            sum.opportunities += r.opportunities
            sum.wins += r.wins
            sum.wonRevenue = try sum.wonRevenue + r.wonRevenue
        }
        return sum
    }
}

/// A campaign's evaluation (MP-4): spend against budget, cost per lead and per acquisition,
/// conversion, ROI and the goal's attainment. A figure whose denominator is zero is nil, shown as
/// "—": no leads means no cost per lead, not a cost of zero or infinity.
public struct CampaignEvaluation: Sendable, Equatable {
    public var results: CampaignResults
    /// Spend ÷ budget.
    public var spendOfBudget: Percent?
    /// Spend ÷ leads, and spend ÷ wins (cost per acquisition), rounded half up to the fen.
    public var costPerLead: Money?
    public var costPerAcquisition: Money?
    /// The platforms' cost ÷ their leads, to compare channels.
    public var platformCostPerLead: Money?
    /// Clicks ÷ impressions.
    public var clickThrough: Percent?
    public var leadToOpportunity: Percent?
    public var leadToWin: Percent?
    public var opportunityToWin: Percent?
    /// (won revenue − spend) ÷ spend; negative when the campaign lost money.
    public var returnOnInvestment: Percent?
    /// The goal metric's actual ÷ its target.
    public var goalAttainment: Percent?

    public init(_ r: CampaignResults, goal: CampaignGoal? = nil) {
        results = r
        spendOfBudget = Percent.share(r.spend, of: r.budget)
        costPerLead = r.spend.scaled(by: 1, dividedBy: r.leads)
        costPerAcquisition = r.spend.scaled(by: 1, dividedBy: r.wins)
        platformCostPerLead = r.platformCost.scaled(by: 1, dividedBy: r.platformLeads)
        clickThrough = Percent.ratio(r.clicks, r.impressions)
        leadToOpportunity = Percent.ratio(r.opportunities, r.leads)
        leadToWin = Percent.ratio(r.wins, r.leads)
        opportunityToWin = Percent.ratio(r.wins, r.opportunities)
        returnOnInvestment = (try? r.wonRevenue - r.spend).flatMap { Percent.share($0, of: r.spend) }
        if let goal {
            goalAttainment = Percent.ratio(Self.actual(goal.metric, in: r), goal.target)
        }
    }

    /// The evaluation of many campaigns together (a period's roll-up): the sums' ratios, never
    /// an average of ratios, so a small campaign does not weigh as much as a large one.
    public static func rollUp(_ all: [CampaignResults]) throws -> CampaignEvaluation {
        CampaignEvaluation(try CampaignResults.total(all))
    }

    static func actual(_ metric: GoalMetric, in r: CampaignResults) -> Int64 {
        switch metric {
        case .impressions: r.impressions
        case .clicks: r.clicks
        case .visits: r.visits
        case .leads: r.leads
        case .opportunities: r.opportunities
        case .wins: r.wins
        case .revenue: r.wonRevenue.fen
        }
    }
}

extension Percent {
    /// `part` as a share of `whole` counts, rounded half up to the basis point; nil when `whole`
    /// is not positive or the figures do not fit.
    public static func ratio(_ part: Int64, _ whole: Int64) -> Percent? {
        share(Money(fen: part), of: Money(fen: whole))
    }
}
