import Foundation
import Testing
@testable import VanguardCore

/// The `marketing:` section of the policy pack: optional parts, defaults and the admin's mistakes.
@Suite("Marketing policy pack section (MKT-1, MP-2, RSK-M2)")
struct MarketingPolicyTests {
    func decode(_ json: String) throws -> MarketingPolicy {
        try JSONDecoder().decode(MarketingPolicy.self, from: Data(json.utf8))
    }

    @Test("an empty section gives the standard rules, which have no problems")
    func defaults() throws {
        let policy = try decode("{}")
        #expect(policy.problems().isEmpty)
        #expect(policy.effectiveApprovalThreshold == Money(yuan: 50_000))
        #expect(policy.effectiveCampaignTypes.map(\.type) == CampaignType.allCases)
        #expect(policy.effectiveChannels.map(\.key).contains("xiaohongshu"))
        #expect(policy.effectiveRateLimit == RateLimit(capacity: 5, refillSeconds: 60))
        #expect(policy.effectivePrivacyNoticeVersion == "2026-01")
        #expect(policy.leadForm(campaignId: UUID()).privacyNoticeVersion == "2026-01")
        #expect(policy.effectiveTrailingPeriods == 4)
        #expect(policy.riskEngine.keys == MarketRiskRules.keys)
        #expect(policy.campaignRules.channels.contains("baidu"))
        let spelledOut = MarketingPolicy(campaignTypes: [CampaignTypeOption(type: .exhibition, name: LocalizedText(zhHans: "展览", en: "Trade fair"))],
                                         channels: [MarketingChannel(key: "douyin", name: LocalizedText(zhHans: "抖音", en: "Douyin"), online: true)],
                                         approvalThreshold: Money(fen: 30_000_50),
                                         risk: .init(rules: ["leadVolumeDrop": RiskRuleSetting(enabled: true, threshold: Percent(basisPoints: 2_550), severity: .info)],
                                                     trailingPeriods: 6),
                                         leadForm: .init(rateLimit: RateLimit(capacity: 10, refillSeconds: 30), privacyNoticeVersion: "v3"))
        #expect(spelledOut.problems().isEmpty)
        let roundTrip = try JSONDecoder().decode(MarketingPolicy.self, from: JSONEncoder().encode(spelledOut))
        #expect(roundTrip == spelledOut)
    }

    @Test("MP-2: the pack's types, channels, threshold (in yuan) and risk settings are what the rules use")
    func customised() throws {
        let policy = try decode("""
        {"campaignTypes": [{"type": "exhibition", "name": {"zh-Hans": "展览", "en": "Trade fair"}}, {"type": "content"}],
         "channels": [{"key": "bilibili", "name": {"zh-Hans": "哔哩哔哩", "zh-Hant": "嗶哩嗶哩", "en": "Bilibili"}, "online": true}],
         "approvalThreshold": "20000.50",
         "risk": {"rules": {"competitorPriceCut": {"threshold": 7.5, "severity": "critical"}}},
         "leadForm": {"rateLimit": {"capacity": 2, "refillSeconds": 120}}}
        """)
        #expect(policy.problems().isEmpty)
        let rules = policy.campaignRules
        #expect(rules.approvalThreshold == Money(fen: 20_000_50))
        #expect(rules.types == [.exhibition, .content])
        #expect(policy.effectiveCampaignTypes[0].effectiveName.en == "Trade fair")
        #expect(policy.effectiveCampaignTypes[1].effectiveName.zhHans == "内容营销")
        #expect(rules.validate(CampaignPlan(name: "x", type: .content, channels: ["wechat"])).first("channels[0]")?.code == "unknownChannel")
        #expect(rules.validate(CampaignPlan(name: "x", type: .onlineAds)).first("type")?.code == "typeNotOffered")
        #expect(policy.risk?.rules?["competitorPriceCut"]?.threshold == Percent(basisPoints: 750))
        #expect(policy.effectiveRateLimit.refillSeconds == 120)
        let cut = CompetitorPriceChange(eventId: UUID(), competitor: "华锐", product: "HR-200", date: civil("2026-03-12"),
                                        oldPrice: Money(yuan: 1_000)!, newPrice: Money(yuan: 920)!)
        #expect(policy.riskEngine.warnings([cut]).first?.severity == .critical, "8% is above the pack's 7.5%, and the pack makes it critical")
        #expect(MarketingPolicy().riskEngine.warnings([cut]).isEmpty, "the standard 10% is not reached")
        #expect(try decode(#"{"approvalThreshold": 80000}"#).effectiveApprovalThreshold == Money(yuan: 80_000))
    }

    @Test("an unknown type, severity or amount in the pack is refused when read")
    func badValues() {
        #expect(throws: DecodingError.self) { try decode(#"{"campaignTypes": [{"type": "billboard"}]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"risk": {"rules": {"leadVolumeDrop": {"severity": "panic"}}}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"approvalThreshold": "fifty thousand"}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"risk": {"rules": {"leadVolumeDrop": {"threshold": 12.345}}}}"#) }
    }

    @Test("mistakes across the section are reported with their paths, also through the whole policy pack")
    func problems() throws {
        let policy = MarketingPolicy(
            campaignTypes: [CampaignTypeOption(type: .content), CampaignTypeOption(type: .content)],
            channels: [MarketingChannel(key: "wechat", name: .init(zhHans: "微信", en: "WeChat")), MarketingChannel(key: "wechat", name: .init(zhHans: "微信", en: "WeChat")),
                       MarketingChannel(key: " ", name: .init(zhHans: "空", en: "Blank"))],
            approvalThreshold: Money(fen: -1),
            risk: .init(rules: ["competitorPriceCut": RiskRuleSetting(threshold: Percent(percent: 30), criticalThreshold: Percent(percent: 20)),
                                "leadVolumeDrop": RiskRuleSetting(threshold: Percent(percent: -5)),
                                "weatherAlert": RiskRuleSetting()],
                        trailingPeriods: 0),
            leadForm: .init(rateLimit: RateLimit(capacity: 0, refillSeconds: 0), privacyNoticeVersion: " "))
        let expected: Set<String> = [
            "marketing.campaignTypes[1].type duplicate", "marketing.channels[1].key duplicate", "marketing.channels[2].key required",
            "marketing.approvalThreshold negative", "marketing.risk.rules.competitorPriceCut.criticalThreshold belowThreshold",
            "marketing.risk.rules.leadVolumeDrop.threshold negative", "marketing.risk.rules.weatherAlert unknownRule",
            "marketing.risk.trailingPeriods tooSmall", "marketing.leadForm.rateLimit.capacity tooSmall",
            "marketing.leadForm.rateLimit.refillSeconds tooSmall", "marketing.leadForm.privacyNoticeVersion required",
        ]
        #expect(Set(policy.problems().map { "\($0.field) \($0.code)" }) == expected)
        #expect(MarketingPolicy(campaignTypes: [], channels: []).problems().map(\.field) == ["marketing.campaignTypes", "marketing.channels"])

        var pack = try JSONDecoder().decode(PolicyPack.self, from: Data("""
        {"version": 1, "team": {"name": {"zh-Hans": "营销团队"}}, "lead": {"title": {"zh-Hans": "负责人"}, "duties": []},
         "groups": [{"key": "market", "name": {"zh-Hans": "市场推广组"}, "mission": {"zh-Hans": "推广"}, "duties": []}],
         "departments": [],
         "marketing": {"approvalThreshold": -100}}
        """.utf8))
        #expect(pack.problems().map(\.field) == ["marketing.approvalThreshold"])
        pack.marketing = nil
        #expect(pack.problems().isEmpty)
        #expect(pack.effectiveMarketing.effectiveApprovalThreshold == Money(yuan: 50_000))
    }
}
