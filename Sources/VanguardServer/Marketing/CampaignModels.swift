import Fluent
import Foundation
import Vapor
import VanguardCore

/// A promotion campaign (MKT-1, MKT-4, MP-2 … MP-4): the plan the lead approves, then what it
/// spent and brought in, then what the group learned. Dates are China dates as text (yyyy-MM-dd).
final class Campaign: Model, @unchecked Sendable {
    static let schema = "campaigns"

    @ID(key: .id) var id: UUID?
    /// What metrics files and people call it ("C2611-A3F9E"); unique.
    @Field(key: "code") var code: String
    /// The public sign-up form's address: /forms/{slug}; unique.
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @Field(key: "status") var status: String
    @OptionalField(key: "goal_metric") var goalMetric: String?
    @OptionalField(key: "goal_target") var goalTarget: Int64?
    @Field(key: "goal_note") var goalNote: String
    @Field(key: "audience") var audience: String
    /// Channel keys from the policy pack, comma-separated in the plan's order.
    @Field(key: "channels") var channels: String
    @Field(key: "content_plan") var contentPlan: String
    @Field(key: "budget_fen") var budgetFen: Int64
    @OptionalField(key: "planned_cpl_fen") var plannedCostPerLeadFen: Int64?
    /// "" when not yet planned: never NULL, so the list pages by it the same on both databases.
    @Field(key: "start_on") var startText: String
    @Field(key: "end_on") var endText: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    /// The evaluation (MP-4): what was learned and what the group will do next.
    @Field(key: "lessons") var lessons: String
    @Field(key: "follow_up") var followUp: String
    /// Whether the public form takes sign-ups (from approval until the campaign is evaluated).
    @Field(key: "form_open") var formOpen: Bool
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "approved_by") var approvedBy: UUID?
    @OptionalField(key: "evaluated_at") var evaluatedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var startOn: String? {
        get { startText.isEmpty ? nil : startText }
        set { startText = newValue ?? "" }
    }
    var endOn: String? {
        get { endText.isEmpty ? nil : endText }
        set { endText = newValue ?? "" }
    }

    var campaignStatus: CampaignStatus { CampaignStatus(rawValue: status) ?? .draft }
    var channelKeys: [String] { channels.split(separator: ",").map(String.init) }

    var plan: CampaignPlan {
        CampaignPlan(name: name, type: CampaignType(rawValue: type) ?? .content,
                     goal: goalMetric.flatMap(GoalMetric.init(rawValue:)).map { CampaignGoal(metric: $0, target: goalTarget ?? 0, note: goalNote) },
                     audience: audience, channels: channelKeys, contentPlan: contentPlan, budget: Money(fen: budgetFen),
                     plannedCostPerLead: plannedCostPerLeadFen.map(Money.init(fen:)), start: startOn.flatMap(CivilDate.init),
                     end: endOn.flatMap(CivilDate.init), ownerId: ownerMemberId)
    }

    var period: ClosedRange<CivilDate>? {
        guard let s = startOn.flatMap(CivilDate.init), let e = endOn.flatMap(CivilDate.init), s <= e else { return nil }
        return s...e
    }
}

/// A piece of work in a campaign (MP-3): who does it, by when, whether it is done.
final class CampaignActivity: Model, @unchecked Sendable {
    static let schema = "campaign_activities"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignId: UUID
    @Field(key: "title") var title: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "notes") var notes: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// Money booked against a campaign (MP-3, MKT-5), in its own currency and, fixed when it is
/// booked, in CNY: the budget is judged on the CNY figure.
final class CampaignSpend: Model, @unchecked Sendable {
    static let schema = "campaign_spend"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignId: UUID
    @OptionalField(key: "partner_id") var partnerId: UUID?
    @Field(key: "spent_on") var spentOn: String
    @Field(key: "currency") var currency: String
    /// Hundredths of the currency's unit.
    @Field(key: "amount") var amount: Int64
    @OptionalField(key: "rate") var rate: String?
    @Field(key: "cny_fen") var cnyFen: Int64
    @Field(key: "note") var note: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var entry: SpendEntry {
        SpendEntry(campaignId: campaignId, partnerId: partnerId, date: CivilDate(spentOn) ?? CivilDate(year: 2000, month: 1, day: 1)!,
                   currency: currency, amount: amount, rate: rate.flatMap(ExchangeRate.init), note: note)
    }
}

/// A prospect's contact with a campaign (MKT-4): a form sent, an event sign-in, a tracked link.
/// What leads and attribution are counted from.
final class CampaignTouch: Model, @unchecked Sendable {
    static let schema = "campaign_touches"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignId: UUID
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "contact_id") var contactId: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "utm_source") var utmSource: String?
    @Field(key: "at") var at: Date
    /// China date of `at`, for period sums.
    @Field(key: "on_day") var onDay: String
    /// Consent's proof for a form sign-up (PIPL): the notice's version; the time is `at`.
    @OptionalField(key: "privacy_notice_version") var privacyNoticeVersion: String?

    init() {}
}

enum TouchKind: String, CaseIterable, Codable, Sendable { case form, event, manual }

/// A won deal's revenue credited to campaigns (MP-4), first touch and last touch, written when
/// the deal is won (and removed if it leaves the won stage) in the same transaction.
final class CampaignCredit: Model, @unchecked Sendable {
    static let schema = "campaign_credits"

    @ID(key: .id) var id: UUID?
    @Field(key: "opportunity_id") var opportunityId: UUID
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "first_campaign_id") var firstCampaignId: UUID?
    @OptionalField(key: "last_campaign_id") var lastCampaignId: UUID?
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "won_at") var wonAt: Date
    @Field(key: "won_on") var wonOn: String

    init() {}
}
