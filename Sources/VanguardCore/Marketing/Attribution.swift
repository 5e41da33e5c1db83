import Foundation

/// One time a prospect met the team's marketing: a form sent from a campaign's page, a tracked
/// link (UTM source), an event sign-in. A touch without a campaign (a bare UTM source, a direct
/// visit) is kept for the record but earns no campaign credit.
public struct Touch: Sendable, Codable, Equatable {
    public var campaignId: UUID?
    public var utmSource: String?
    public var at: Date

    public init(campaignId: UUID?, utmSource: String? = nil, at: Date) {
        self.campaignId = campaignId
        self.utmSource = utmSource
        self.at = at
    }
}

/// A won deal and the touches of the prospect behind it.
public struct WonDeal: Sendable, Equatable {
    public var amount: Money
    public var wonAt: Date
    public var touches: [Touch]

    public init(amount: Money, wonAt: Date, touches: [Touch]) {
        self.amount = amount
        self.wonAt = wonAt
        self.touches = touches
    }
}

/// Won revenue credited to campaigns (MKT-4, MP-4), both ways marketers read it: the whole amount
/// to the campaign that first brought the prospect in (first touch), and to the one that last
/// touched them before the win (last touch).
public struct AttributionCredit: Sendable, Equatable {
    public var firstTouch: [UUID: Money] = [:]
    public var lastTouch: [UUID: Money] = [:]
    /// Revenue no campaign touched before the win: shown as its own line so totals still add up.
    public var unattributed: Money = .zero

    public init() {}
}

/// The attribution rules. Only touches with a campaign at or before the win count: a later touch
/// cannot have won the deal. Touches at the same instant are ordered by the campaign id's text,
/// so the answer never depends on the order rows come back from the database.
public enum Attribution {
    /// The touches that may earn credit, earliest first.
    public static func creditable(_ deal: WonDeal) -> [(campaignId: UUID, at: Date)] {
        deal.touches.compactMap { t in t.campaignId.map { ($0, t.at) } }
            .filter { $0.at <= deal.wonAt }
            .sorted { ($0.at, $0.campaignId.uuidString) < ($1.at, $1.campaignId.uuidString) }
    }

    public static func firstTouch(_ deal: WonDeal) -> UUID? { creditable(deal).first?.campaignId }

    /// The latest touch; of several at that instant, the first by campaign id, as for first touch.
    public static func lastTouch(_ deal: WonDeal) -> UUID? {
        let touches = creditable(deal)
        guard let latest = touches.last?.at else { return nil }
        return touches.first { $0.at == latest }?.campaignId
    }

    /// The credit of many won deals; throws `MoneyOverflow` for absurd sums.
    public static func credit(_ deals: [WonDeal]) throws -> AttributionCredit {
        var credit = AttributionCredit()
        for deal in deals {
            guard let first = firstTouch(deal), let last = lastTouch(deal) else {
                credit.unattributed = try credit.unattributed + deal.amount
                continue
            }
            credit.firstTouch[first] = try (credit.firstTouch[first] ?? .zero) + deal.amount
            credit.lastTouch[last] = try (credit.lastTouch[last] ?? .zero) + deal.amount
        }
        return credit
    }
}
