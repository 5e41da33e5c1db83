import Foundation
import Testing
@testable import VanguardCore

/// Spend in any currency, the campaign evaluation and revenue attribution (MP-3, MP-4, MKT-4, MKT-5).
@Suite("Marketing spend, evaluation and attribution (MP-3, MP-4, MKT-4)")
struct MarketingEvaluationTests {
    let campaign = UUID()

    func yuan(_ y: Int64) -> Money { Money(yuan: y)! }

    @Test("MP-3: spend is in CNY by default; another currency counts at its rate, rounded half up to the fen")
    func currencies() throws {
        let day = civil("2026-03-05")
        #expect(SpendEntry(campaignId: campaign, date: day, amount: 1_234_56).cny == Money(fen: 1_234_56))
        let usd = SpendEntry(campaignId: campaign, date: day, currency: "USD", amount: 100_00, rate: ExchangeRate("7.1234"))
        #expect(usd.cny == Money(fen: 712_34), "100.00 USD × 7.1234")
        #expect(usd.problems().isEmpty)
        let half = SpendEntry(campaignId: campaign, date: day, currency: "USD", amount: 7, rate: ExchangeRate("7.5"))
        #expect(half.cny == Money(fen: 53), "0.07 USD × 7.5 = 0.525 CNY → 0.53")
        let yen = SpendEntry(campaignId: campaign, date: day, currency: "JPY", amount: 1000_00, rate: ExchangeRate("0.048"))
        #expect(yen.cny == Money(yuan: 48))
        #expect(try SpendEntry.totalCNY([usd, yen, SpendEntry(campaignId: campaign, date: day, cny: yuan(1000))]) == Money(fen: 1_760_34))
        #expect(ExchangeRate("7.1234567") == nil, "at most six decimals")
        #expect(ExchangeRate("-7") == nil)
        #expect(ExchangeRate("7.1234")?.description == "7.1234")
    }

    @Test("MP-3: spend in another currency without a positive rate, a bad code or a non-positive amount is refused by field")
    func badSpend() {
        let day = civil("2026-03-05")
        let noRate = SpendEntry(campaignId: campaign, date: day, currency: "USD", amount: 100_00)
        #expect(noRate.cny == nil)
        #expect(noRate.problems().first("rate")?.code == "required")
        #expect(noRate.problems().first("rate")?.message.contains("USD") == true)
        #expect(SpendEntry(campaignId: campaign, date: day, currency: "USD", amount: 100_00, rate: ExchangeRate(millionths: 0)).problems().first("rate")?.code == "notPositive")
        #expect(SpendEntry(campaignId: campaign, date: day, currency: "usd", amount: 100_00).problems().first("currency")?.code == "invalidCurrency")
        #expect(SpendEntry(campaignId: campaign, date: day, amount: 0).problems().first("amount")?.code == "notPositive")
        #expect(SpendEntry(campaignId: campaign, date: day, amount: -5_00).problems().first("amount")?.code == "notPositive")
        #expect(SpendEntry(campaignId: campaign, date: day, amount: 5_00).problems().isEmpty, "CNY needs no rate")
        let huge = SpendEntry(campaignId: campaign, date: day, currency: "USD", amount: .max / 2, rate: ExchangeRate("7.2"))
        #expect(huge.problems().first("amount")?.code == "tooLarge")
    }

    var march: CampaignResults {
        get throws {
            let spend = [SpendEntry(campaignId: campaign, date: civil("2026-03-05"), cny: yuan(20_000)),
                         SpendEntry(campaignId: campaign, date: civil("2026-03-20"), currency: "USD", amount: 1_000_00, rate: ExchangeRate("7.2")),
                         SpendEntry(campaignId: campaign, date: civil("2026-04-02"), cny: yuan(5_000))]
            let metrics = [MetricsRow(campaignId: campaign, channel: "baidu", day: civil("2026-03-05"), impressions: 10_000, clicks: 300, visits: 250, leads: 12, cost: yuan(1_500)),
                           MetricsRow(campaignId: campaign, channel: "wechat", day: civil("2026-03-31"), impressions: 20_000, clicks: 500, visits: 400, leads: 8, cost: yuan(2_500)),
                           MetricsRow(campaignId: campaign, channel: "baidu", day: civil("2026-04-01"), impressions: 5_000, clicks: 100, visits: 90, leads: 3, cost: yuan(600))]
            return try CampaignResults(budget: yuan(50_000), spend: spend, metrics: metrics, leads: 40, opportunities: 10, wins: 4,
                                       wonRevenue: yuan(120_000), period: civil("2026-03-01")...civil("2026-03-31"))
        }
    }

    @Test("MP-4: spend vs budget, cost per lead and per acquisition, conversion and ROI for a period")
    func evaluation() throws {
        let e = CampaignEvaluation(try march, goal: CampaignGoal(metric: .leads, target: 200))
        #expect(e.results.spend == yuan(27_200), "April's spend is outside March")
        #expect(e.results.impressions == 30_000 && e.results.platformCost == yuan(4_000))
        #expect(e.spendOfBudget == Percent(basisPoints: 5_440))
        #expect(e.costPerLead == yuan(680))
        #expect(e.costPerAcquisition == yuan(6_800))
        #expect(e.platformCostPerLead == yuan(200))
        #expect(e.clickThrough == Percent(basisPoints: 267), "800 ÷ 30,000 = 2.67%")
        #expect(e.leadToOpportunity == Percent(percent: 25))
        #expect(e.leadToWin == Percent(percent: 10))
        #expect(e.opportunityToWin == Percent(percent: 40))
        #expect(e.returnOnInvestment == Percent(basisPoints: 34_118), "(120,000 − 27,200) ÷ 27,200 = 341.18%")
        #expect(e.goalAttainment == Percent(percent: 20))
    }

    @Test("MP-4: a zero denominator gives no figure (nil), never 0 or infinity; a loss is a negative ROI")
    func zeroDenominators() throws {
        let empty = CampaignEvaluation(try CampaignResults(budget: .zero, spend: [], metrics: [], leads: 0, opportunities: 0, wins: 0, wonRevenue: .zero))
        #expect(empty.spendOfBudget == nil && empty.costPerLead == nil && empty.costPerAcquisition == nil && empty.platformCostPerLead == nil)
        #expect(empty.clickThrough == nil && empty.leadToOpportunity == nil && empty.leadToWin == nil && empty.opportunityToWin == nil)
        #expect(empty.returnOnInvestment == nil && empty.goalAttainment == nil)
        let spentNoLeads = CampaignEvaluation(try CampaignResults(budget: yuan(1_000), spend: [SpendEntry(campaignId: campaign, date: civil("2026-03-01"), cny: yuan(1_000))],
                                                                  metrics: [], leads: 0, opportunities: 0, wins: 0, wonRevenue: .zero))
        #expect(spentNoLeads.costPerLead == nil)
        #expect(spentNoLeads.returnOnInvestment == Percent(percent: -100))
        let free = CampaignEvaluation(try CampaignResults(budget: yuan(1_000), spend: [], metrics: [], leads: 5, opportunities: 0, wins: 0, wonRevenue: .zero))
        #expect(free.costPerLead == .zero, "leads at no cost do cost zero")
        #expect(free.leadToOpportunity == .zero)
    }

    @Test("MP-4: a period's roll-up divides the sums, so a small campaign does not weigh like a large one")
    func rollUp() throws {
        let a = try CampaignResults(budget: yuan(10_000), spend: [SpendEntry(campaignId: campaign, date: civil("2026-03-01"), cny: yuan(10_000))],
                                    metrics: [], leads: 100, opportunities: 20, wins: 5, wonRevenue: yuan(50_000))
        let b = try CampaignResults(budget: yuan(90_000), spend: [SpendEntry(campaignId: UUID(), date: civil("2026-03-02"), cny: yuan(9_000))],
                                    metrics: [], leads: 1, opportunities: 1, wins: 0, wonRevenue: .zero)
        let total = try CampaignEvaluation.rollUp([a, b, try march])
        #expect(total.results.spend == yuan(46_200))
        #expect(total.results.leads == 141)
        let two = try CampaignEvaluation.rollUp([a, b])
        #expect(two.costPerLead == Money(fen: 18_812), "19,000 ÷ 101, not the average of ¥100 and ¥9,000")
        #expect(two.spendOfBudget == Percent(percent: 19))
        #expect(try CampaignEvaluation.rollUp([]).costPerLead == nil)
    }

    let c1 = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
    let c2 = UUID(uuidString: "00000000-0000-0000-0000-000000000002")!
    let c3 = UUID(uuidString: "00000000-0000-0000-0000-000000000003")!

    @Test("MKT-4: won revenue goes wholly to the first and to the last campaign that touched the prospect before the win")
    func attribution() throws {
        let won = chinaTime("2026-04-01 10:00")
        let deal = WonDeal(amount: yuan(100_000), wonAt: won, touches: [
            Touch(campaignId: c2, utmSource: "wechat", at: chinaTime("2026-03-10 09:00")),
            Touch(campaignId: nil, utmSource: "baidu", at: chinaTime("2026-02-20 09:00")),
            Touch(campaignId: c1, utmSource: "baidu", at: chinaTime("2026-03-01 09:00")),
            Touch(campaignId: c3, at: chinaTime("2026-04-10 09:00")),
        ])
        #expect(Attribution.firstTouch(deal) == c1, "the bare UTM touch earns no campaign credit")
        #expect(Attribution.lastTouch(deal) == c2, "c3 came after the win")
        let direct = WonDeal(amount: yuan(50_000), wonAt: won, touches: [Touch(campaignId: nil, utmSource: "direct", at: chinaTime("2026-03-01 09:00"))])
        let tie = WonDeal(amount: yuan(30_000), wonAt: won, touches: [Touch(campaignId: c2, at: chinaTime("2026-03-05 09:00")),
                                                                       Touch(campaignId: c1, at: chinaTime("2026-03-05 09:00"))])
        let none = WonDeal(amount: yuan(20_000), wonAt: won, touches: [])
        let credit = try Attribution.credit([deal, direct, tie, none])
        #expect(credit.firstTouch == [c1: yuan(130_000)])
        #expect(credit.lastTouch == [c2: yuan(100_000), c1: yuan(30_000)])
        #expect(credit.unattributed == yuan(70_000))
        let tieReversed = WonDeal(amount: tie.amount, wonAt: won, touches: tie.touches.reversed())
        #expect(Attribution.firstTouch(tieReversed) == c1 && Attribution.lastTouch(tieReversed) == c1, "a tie does not depend on row order")
        let atWin = WonDeal(amount: yuan(1), wonAt: won, touches: [Touch(campaignId: c3, at: won)])
        #expect(Attribution.lastTouch(atWin) == c3, "a touch at the very moment of the win counts")
    }
}
