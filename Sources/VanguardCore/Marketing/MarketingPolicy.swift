import Foundation

/// A campaign type the policy offers, with its name if the company calls it otherwise.
public struct CampaignTypeOption: Sendable, Codable, Equatable {
    public var type: CampaignType
    public var name: LocalizedText?

    public init(type: CampaignType, name: LocalizedText? = nil) {
        self.type = type
        self.name = name
    }

    public var effectiveName: LocalizedText { name ?? type.standardName }
}

/// An amount the pack writes in yuan (50000 or "50000.00"), not in fen.
public struct YuanAmount: Sendable, Codable, Equatable {
    public var money: Money
    public init(_ money: Money) { self.money = money }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try (try? c.decode(Int64.self)).map(String.init) ?? c.decode(String.self)
        guard let money = Money.parse(text, allowNegative: true) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected an amount in yuan, e.g. 50000 or \"50000.00\"."))
        }
        self.money = money
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(money.yuanText)
    }
}

/// The market-promotion chapter's part of the policy pack (`marketing:`): campaign types and
/// channels, the budget above which the team lead approves, the market-risk rules, and the
/// public lead form. Every part is optional in the YAML; what is left out falls back to the
/// standard rules.
public struct MarketingPolicy: Sendable, Codable, Equatable {
    public struct RiskPolicy: Sendable, Codable, Equatable {
        /// By rule key: threshold (%), severity, critical threshold, response plan, enabled.
        public var rules: [String: RiskRuleSetting]?
        /// Earlier periods the lead-volume rule averages.
        public var trailingPeriods: Int?

        public init(rules: [String: RiskRuleSetting]? = nil, trailingPeriods: Int? = nil) {
            self.rules = rules
            self.trailingPeriods = trailingPeriods
        }
    }

    public struct LeadFormPolicy: Sendable, Codable, Equatable {
        public var rateLimit: RateLimit?
        /// Recorded with every consent, so it is known which notice a person agreed to.
        public var privacyNoticeVersion: String?

        public init(rateLimit: RateLimit? = nil, privacyNoticeVersion: String? = nil) {
            self.rateLimit = rateLimit
            self.privacyNoticeVersion = privacyNoticeVersion
        }
    }

    public var campaignTypes: [CampaignTypeOption]?
    public var channels: [MarketingChannel]?
    public var approvalThreshold: YuanAmount?
    public var risk: RiskPolicy?
    public var leadForm: LeadFormPolicy?

    public init(campaignTypes: [CampaignTypeOption]? = nil, channels: [MarketingChannel]? = nil, approvalThreshold: Money? = nil,
                risk: RiskPolicy? = nil, leadForm: LeadFormPolicy? = nil) {
        self.campaignTypes = campaignTypes
        self.channels = channels
        self.approvalThreshold = approvalThreshold.map(YuanAmount.init)
        self.risk = risk
        self.leadForm = leadForm
    }

    /// ¥50,000.00: above it only the team lead approves a campaign.
    public static let standardApprovalThreshold = Money(fen: 50_000_00)
    public static let standardTrailingPeriods = 4
    public static let standardPrivacyNoticeVersion = "2026-01"

    public var effectiveCampaignTypes: [CampaignTypeOption] { campaignTypes ?? CampaignType.allCases.map { CampaignTypeOption(type: $0) } }
    public var effectiveChannels: [MarketingChannel] { channels ?? MarketingChannel.standard }
    public var effectiveApprovalThreshold: Money { approvalThreshold?.money ?? Self.standardApprovalThreshold }
    public var effectiveTrailingPeriods: Int { risk?.trailingPeriods ?? Self.standardTrailingPeriods }
    public var effectiveRateLimit: RateLimit { leadForm?.rateLimit ?? .standard }
    public var effectivePrivacyNoticeVersion: String { leadForm?.privacyNoticeVersion ?? Self.standardPrivacyNoticeVersion }

    public var campaignRules: CampaignRules {
        CampaignRules(types: Set(effectiveCampaignTypes.map(\.type)), channels: Set(effectiveChannels.map(\.key)), approvalThreshold: effectiveApprovalThreshold)
    }

    public func leadForm(campaignId: UUID) -> LeadForm { LeadForm(campaignId: campaignId, privacyNoticeVersion: effectivePrivacyNoticeVersion) }

    /// The four market rules with the pack's settings.
    public var riskEngine: RiskEngine {
        MarketRiskRules.engine(settings: risk?.rules ?? [:], trailingPeriods: effectiveTrailingPeriods)
    }

    /// What would break the marketing rules if the pack were saved, by field path.
    public func problems() -> [FieldError] {
        var errors = FieldErrors()
        if let campaignTypes {
            if campaignTypes.isEmpty { errors.add("marketing.campaignTypes", "required", "Offer at least one campaign type.") }
            var seen = Set<CampaignType>()
            for (i, t) in campaignTypes.enumerated() where !seen.insert(t.type).inserted {
                errors.add("marketing.campaignTypes[\(i)].type", "duplicate", "\"\(t.type.rawValue)\" is listed twice.")
            }
        }
        if let channels {
            if channels.isEmpty { errors.add("marketing.channels", "required", "Give at least one channel.") }
            var seen = Set<String>()
            for (i, c) in channels.enumerated() {
                if c.key.trimmingWhitespace().isEmpty { errors.add("marketing.channels[\(i)].key", "required", "Give a key.") }
                else if !seen.insert(c.key).inserted { errors.add("marketing.channels[\(i)].key", "duplicate", "\"\(c.key)\" is listed twice.") }
            }
        }
        if let t = approvalThreshold?.money, t.isNegative {
            errors.add("marketing.approvalThreshold", "negative", "Give 0 (the lead approves every campaign) or more yuan.")
        }
        for (key, setting) in (risk?.rules ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !MarketRiskRules.keys.contains(key) {
                errors.add("marketing.risk.rules.\(key)", "unknownRule", "No market rule is called \"\(key)\"; the rules are \(MarketRiskRules.keys.joined(separator: ", ")).")
            }
            for e in setting.problems(field: "marketing.risk.rules.\(key)") { errors.add(e.field, e.code, e.message) }
        }
        if let n = risk?.trailingPeriods, n < 1 {
            errors.add("marketing.risk.trailingPeriods", "tooSmall", "Average over at least one earlier period.")
        }
        for e in leadForm?.rateLimit?.problems(field: "marketing.leadForm.rateLimit") ?? [] { errors.add(e.field, e.code, e.message) }
        if let v = leadForm?.privacyNoticeVersion, v.trimmingWhitespace().isEmpty {
            errors.add("marketing.leadForm.privacyNoticeVersion", "required", "Name the privacy notice's version, e.g. 2026-01.")
        }
        return errors.all
    }
}
