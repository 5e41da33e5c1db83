import Foundation
import Testing
@testable import VanguardCore
@testable import VanguardServer

/// The shipped policy pack's `marketing:` section (MKT-1, MP-2, RSK-M2), read by the server's own YAML reader.
@Suite("Marketing section of the shipped policy pack (MKT-1, MP-2, RSK-M2)")
struct MarketingPolicyPackTests {
    @Test("default.yaml's marketing section decodes, has no problems and spells out the standard values")
    func shippedSection() throws {
        let yaml = try String(contentsOfFile: repositoryRoot + "policy/default.yaml", encoding: .utf8)
        let pack = try PolicyStore.parse(yaml)
        let marketing = try #require(pack.marketing)
        #expect(marketing.problems().isEmpty)
        #expect(marketing.effectiveCampaignTypes.map(\.type) == CampaignType.allCases)
        #expect(marketing.effectiveCampaignTypes.map(\.effectiveName) == CampaignType.allCases.map(\.standardName))
        #expect(marketing.effectiveChannels == MarketingChannel.standard)
        #expect(marketing.effectiveApprovalThreshold == MarketingPolicy.standardApprovalThreshold)
        #expect(marketing.effectiveRateLimit == .standard)
        #expect(marketing.effectivePrivacyNoticeVersion == MarketingPolicy.standardPrivacyNoticeVersion)
        #expect(marketing.effectiveTrailingPeriods == MarketingPolicy.standardTrailingPeriods)
        let rules = try #require(marketing.risk?.rules)
        #expect(rules.keys.sorted() == MarketRiskRules.keys.sorted())
        let standards: [String: RiskRuleSetting] = [
            "competitorPriceCut": MarketRiskRules.CompetitorPriceCut().standard, "campaignOverBudget": MarketRiskRules.CampaignOverBudget().standard,
            "costPerLeadOverPlan": MarketRiskRules.CostPerLeadOverPlan().standard, "leadVolumeDrop": MarketRiskRules.LeadVolumeDrop().standard,
        ]
        for (key, setting) in rules {
            #expect(setting.over(standards[key]!) == standards[key]!, "\(key) in the YAML is the rule's standard")
            #expect(setting.responsePlan.map { !$0.zhHans.isEmpty && !$0.zhHant.isEmpty && !$0.en.isEmpty } == true, "\(key)")
        }
    }
}
