import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The campaigns' facts for the risk scan (RSK-M2): each running or finished campaign's spend
/// against its budget and its cost per lead against plan (the month's warning), and the team's
/// weekly leads against the weeks before.
struct CampaignSpendSource: RiskFactSource {
    let name = "campaignSpend"

    func facts(on db: any Database, today: CivilDate) async throws -> [any RiskFact] {
        let campaigns = try await Campaign.query(on: db).filter(\.$status ~~ [CampaignStatus.running.rawValue, CampaignStatus.finished.rawValue]).all()
        guard !campaigns.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        let (spend, leads) = try await Self.sums(campaigns.compactMap(\.id), on: sql)
        return campaigns.map { c in Self.fact(c, spendFen: spend[c.id!] ?? 0, leads: leads[c.id!] ?? 0, today: today) }
    }

    /// A campaign's fact; the cost-per-lead warning is about the month of `today`.
    static func fact(_ c: Campaign, spendFen: Int64, leads: Int64, today: CivilDate) -> CampaignSpendFact {
        CampaignSpendFact(campaignId: c.id!, name: c.name, budget: Money(fen: c.budgetFen), spend: Money(fen: spendFen), leads: leads,
                          plannedCostPerLead: c.plan.effectivePlannedCostPerLead, period: TargetPeriod.month(of: today)?.description ?? today.description,
                          ownerId: c.ownerMemberId)
    }

    /// Spend (fen) and leads (prospects first touched by the campaign) by campaign.
    static func sums(_ ids: [UUID], on sql: any SQLDatabase) async throws -> (spend: [UUID: Int64], leads: [UUID: Int64]) {
        var spend: [UUID: Int64] = [:], leads: [UUID: Int64] = [:]
        for chunk in ids.chunked(500) {
            for r in try await ListRow.all(sql.select().column("campaign_id").column(SQLQueryString("CAST(SUM(cny_fen) AS BIGINT)"), as: "n")
                .from(CampaignSpend.schema).where("campaign_id", .in, chunk).where("deleted_at", .is, SQLLiteral.null).groupBy("campaign_id")) {
                spend[try r.uuid("campaign_id")] = try r.int64("n")
            }
            for r in try await ListRow.all(sql.select().column("campaign_id").column(SQLQueryString("COUNT(*)"), as: "n")
                .from(CampaignRollUps.leads).where("campaign_id", .in, chunk).groupBy("campaign_id")) {
                leads[try r.uuid("campaign_id")] = try r.int64("n")
            }
        }
        return (spend, leads)
    }
}

/// The team's leads in the last whole week (Monday to Sunday) against the weeks before; the
/// warning is the promotion group lead's.
struct LeadVolumeSource: RiskFactSource {
    let name = "leadVolume"
    var trailingWeeks = 4

    func facts(on db: any Database, today: CivilDate) async throws -> [any RiskFact] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let monday = SalesCalendar.adding(days: -Weekday.allCases.firstIndex(of: Weekday(today))!, to: today)
        let weeks = (1...(trailingWeeks + 1)).map { SalesCalendar.adding(days: -7 * $0, to: monday) }   // newest first
        let from = weeks.last!, through = SalesCalendar.adding(days: -1, to: monday)
        var byWeek: [String: Int64] = [:]
        let rows = try await ListRow.all(sql.select().column("on_day").column(SQLQueryString("COUNT(DISTINCT customer_id)"), as: "n").from(CampaignTouch.schema)
            .where("on_day", .greaterThanOrEqual, from.description).where("on_day", .lessThanOrEqual, through.description).groupBy("on_day"))
        for r in rows {
            guard let day = CivilDate(try r.string("on_day")) else { continue }
            let start = weeks.first { $0 <= day }!
            byWeek[start.description, default: 0] += try r.int64("n")
        }
        let counts = weeks.map { byWeek[$0.description] ?? 0 }
        // No leads in any of these weeks: nothing is being measured, nothing to warn about.
        guard counts.contains(where: { $0 > 0 }) else { return [] }
        let group = try await PromotionGroup.id(on: db)
        let members = try await group.asyncFlatMap { g in try await Member.query(on: db).filter(\.$group.$id == g).all().compactMap(\.id) } ?? []
        let owner = members.isEmpty ? nil : try await UserAccount.query(on: db).filter(\.$memberId ~~ members)
            .filter(\.$role == Role.groupLead.rawValue).filter(\.$active == true).first()?.memberId
        return [LeadVolumeFact(subjectKind: "team", subjectId: "leads", name: "推广线索 / Leads", period: "W\(weeks[0])", current: counts[0],
                               trailing: Array(counts.dropFirst().reversed()), ownerId: owner)]
    }
}
