import Foundation

/// What kind of promotion a campaign is (MKT-1, MKT-4): the seven kinds. The policy pack
/// may rename them or offer only some (`MarketingPolicy.campaignTypes`).
public enum CampaignType: String, Sendable, Codable, CaseIterable {
    case onlineAds, offlineEvent, publicRelations, promotion, productLaunch, exhibition, content

    public var standardName: LocalizedText {
        switch self {
        case .onlineAds: LocalizedText(zhHans: "线上广告", zhHant: "線上廣告", en: "Online ads")
        case .offlineEvent: LocalizedText(zhHans: "线下活动", zhHant: "線下活動", en: "Offline event")
        case .publicRelations: LocalizedText(zhHans: "公关", zhHant: "公關", en: "PR")
        case .promotion: LocalizedText(zhHans: "促销", zhHant: "促銷", en: "Promotion")
        case .productLaunch: LocalizedText(zhHans: "新品发布", zhHant: "新品發佈", en: "Product launch")
        case .exhibition: LocalizedText(zhHans: "展会", zhHant: "展會", en: "Exhibition")
        case .content: LocalizedText(zhHans: "内容营销", zhHant: "內容行銷", en: "Content")
        }
    }
}

/// A campaign's life (MP-2 … MP-4): planned, submitted, approved, run, finished, then evaluated
/// with its lessons.
public enum CampaignStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted, approved, running, finished, evaluated

    public var name: LocalizedText {
        switch self {
        case .draft: LocalizedText(zhHans: "草稿", zhHant: "草稿", en: "Draft")
        case .submitted: LocalizedText(zhHans: "待审批", zhHant: "待審批", en: "Submitted")
        case .approved: LocalizedText(zhHans: "已批准", zhHant: "已批准", en: "Approved")
        case .running: LocalizedText(zhHans: "进行中", zhHant: "進行中", en: "Running")
        case .finished: LocalizedText(zhHans: "已结束", zhHant: "已結束", en: "Finished")
        case .evaluated: LocalizedText(zhHans: "已评估", zhHant: "已評估", en: "Evaluated")
        }
    }
}

/// A promotion channel the team uses (MKT-1, MKT-3): a key, its names, online or offline.
public struct MarketingChannel: Sendable, Codable, Equatable {
    public var key: String
    public var name: LocalizedText
    public var online: Bool?

    public init(key: String, name: LocalizedText, online: Bool? = nil) {
        self.key = key
        self.name = name
        self.online = online
    }

    public static let standard: [MarketingChannel] = [
        MarketingChannel(key: "website", name: LocalizedText(zhHans: "官网", zhHant: "官網", en: "Website"), online: true),
        MarketingChannel(key: "wechat", name: LocalizedText(zhHans: "微信", zhHant: "微信", en: "WeChat"), online: true),
        MarketingChannel(key: "weibo", name: LocalizedText(zhHans: "微博", zhHant: "微博", en: "Weibo"), online: true),
        MarketingChannel(key: "douyin", name: LocalizedText(zhHans: "抖音", zhHant: "抖音", en: "Douyin"), online: true),
        MarketingChannel(key: "xiaohongshu", name: LocalizedText(zhHans: "小红书", zhHant: "小紅書", en: "Xiaohongshu"), online: true),
        MarketingChannel(key: "baidu", name: LocalizedText(zhHans: "百度", zhHant: "百度", en: "Baidu"), online: true),
        MarketingChannel(key: "email", name: LocalizedText(zhHans: "邮件", zhHant: "郵件", en: "E-mail"), online: true),
        MarketingChannel(key: "media", name: LocalizedText(zhHans: "媒体", zhHant: "媒體", en: "Media"), online: false),
        MarketingChannel(key: "offline", name: LocalizedText(zhHans: "线下", zhHant: "線下", en: "Offline"), online: false),
    ]
}

/// What a campaign's goal is measured in (MP-2: a measurable target).
public enum GoalMetric: String, Sendable, Codable, CaseIterable {
    case impressions, clicks, visits, leads, opportunities, wins
    /// Won revenue; its target is in fen.
    case revenue
}

/// A measurable goal: "300 leads", "¥2,000,000.00 won revenue".
public struct CampaignGoal: Sendable, Codable, Equatable {
    public var metric: GoalMetric
    /// A count, or fen for revenue.
    public var target: Int64
    public var note: String

    public init(metric: GoalMetric, target: Int64, note: String = "") {
        self.metric = metric
        self.target = target
        self.note = note
    }
}

/// A campaign plan's fields (MKT-1, MP-2): goal, audience, channels, content plan, budget, period
/// and owner. Optional fields may be empty in a draft; submission needs them all.
public struct CampaignPlan: Sendable, Codable, Equatable {
    public var name: String
    public var type: CampaignType
    public var goal: CampaignGoal?
    public var audience: String
    /// Channel keys from the policy pack.
    public var channels: [String]
    public var contentPlan: String
    /// In CNY; what approval is judged on.
    public var budget: Money
    /// The planned cost of one lead; when absent, budget ÷ a leads goal.
    public var plannedCostPerLead: Money?
    public var start: CivilDate?
    public var end: CivilDate?
    public var ownerId: UUID?

    public init(name: String, type: CampaignType, goal: CampaignGoal? = nil, audience: String = "", channels: [String] = [],
                contentPlan: String = "", budget: Money = .zero, plannedCostPerLead: Money? = nil,
                start: CivilDate? = nil, end: CivilDate? = nil, ownerId: UUID? = nil) {
        self.name = name
        self.type = type
        self.goal = goal
        self.audience = audience
        self.channels = channels
        self.contentPlan = contentPlan
        self.budget = budget
        self.plannedCostPerLead = plannedCostPerLead
        self.start = start
        self.end = end
        self.ownerId = ownerId
    }

    /// What one lead may cost by plan: the stated figure, or the budget spread over a leads goal.
    public var effectivePlannedCostPerLead: Money? {
        if let plannedCostPerLead { return plannedCostPerLead }
        guard let goal, goal.metric == .leads, goal.target > 0 else { return nil }
        return budget.scaled(by: 1, dividedBy: goal.target)
    }
}

/// What a plan needs before it is submitted.
public enum CampaignRequirement: String, Sendable, Codable, CaseIterable {
    case goal, audience, channels, contentPlan, budget, period, owner, lessons
}
