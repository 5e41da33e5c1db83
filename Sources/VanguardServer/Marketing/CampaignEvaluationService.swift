import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// A campaign's evaluation (MP-4) as the API and the page show it: the plan beside the results,
/// every figure a marketer reads, by channel and by week.
struct CampaignEvaluationDTO: Content, Equatable {
    struct Channel: Content, Equatable {
        var channel: String
        var impressions: Int64
        var clicks: Int64
        var visits: Int64
        var leads: Int64
        var cost: Double
        var costPerLead: Double?
    }

    struct Week: Content, Equatable {
        /// The Monday the week starts on.
        var week: String
        var leads: Int64
        var spend: Double
    }

    var campaignId: UUID?
    var from: String?
    var to: String?
    /// Which touch the revenue (and ROI) is credited by: "firstTouch" or "lastTouch".
    var model: String
    var budget: Double
    var spend: Double
    var spendOfBudget: Double?
    var impressions: Int64
    var clicks: Int64
    var visits: Int64
    var platformLeads: Int64
    var platformCost: Double
    var leads: Int64
    var opportunities: Int64
    var wins: Int64
    var wonRevenue: Double
    var wonRevenueFirstTouch: Double
    var wonRevenueLastTouch: Double
    var costPerLead: Double?
    var plannedCostPerLead: Double?
    var costPerAcquisition: Double?
    var platformCostPerLead: Double?
    var clickThrough: Double?
    var leadToOpportunity: Double?
    var leadToWin: Double?
    var opportunityToWin: Double?
    var returnOnInvestment: Double?
    var goalMetric: String?
    var goalTarget: Int64?
    var goalAttainment: Double?
    var byChannel: [Channel]
    var weeks: [Week]

    init(_ e: CampaignEvaluation, campaign: Campaign?, period: ClosedRange<CivilDate>?, model: AttributionModel, firstTouch: Money, lastTouch: Money,
         channels: [Channel] = [], weeks: [Week] = []) {
        let r = e.results
        let yuan = { (m: Money) in YuanInput.yuan(m.fen) }
        let pct = { (p: Percent?) in p.map { Double($0.basisPoints) / 100 } }
        campaignId = campaign?.id; from = period?.lowerBound.description; to = period?.upperBound.description; self.model = model.rawValue
        budget = yuan(r.budget); spend = yuan(r.spend); spendOfBudget = pct(e.spendOfBudget)
        impressions = r.impressions; clicks = r.clicks; visits = r.visits; platformLeads = r.platformLeads; platformCost = yuan(r.platformCost)
        leads = r.leads; opportunities = r.opportunities; wins = r.wins; wonRevenue = yuan(r.wonRevenue)
        wonRevenueFirstTouch = yuan(firstTouch); wonRevenueLastTouch = yuan(lastTouch)
        costPerLead = e.costPerLead.map(yuan); plannedCostPerLead = campaign?.plan.effectivePlannedCostPerLead.map(yuan)
        costPerAcquisition = e.costPerAcquisition.map(yuan); platformCostPerLead = e.platformCostPerLead.map(yuan)
        clickThrough = pct(e.clickThrough); leadToOpportunity = pct(e.leadToOpportunity); leadToWin = pct(e.leadToWin)
        opportunityToWin = pct(e.opportunityToWin); returnOnInvestment = pct(e.returnOnInvestment)
        goalMetric = campaign?.goalMetric; goalTarget = campaign?.goalTarget; goalAttainment = pct(e.goalAttainment)
        byChannel = channels; self.weeks = weeks
    }
}

enum AttributionModel: String, CaseIterable, Codable, Sendable { case firstTouch, lastTouch }

/// One campaign's line in the period evaluation.
struct PeriodEvaluationRow: Content, Equatable {
    var campaignId: UUID
    var code: String
    var name: String
    var type: String
    var status: String
    var evaluation: CampaignEvaluationDTO
}

struct PeriodEvaluationDTO: Content, Equatable {
    var period: String
    var model: String
    var total: CampaignEvaluationDTO
    var campaigns: [PeriodEvaluationRow]
}

/// Sums what campaigns spent and brought in, in SQL, for `CampaignEvaluation` to judge.
/// Leads are the distinct prospects a campaign touched in the period; of them, those with a
/// deal are its opportunities and those with a won deal its wins. Revenue is the won deals'
/// credit (`campaign_credits`) by first or last touch, by the day the deal was won.
enum CampaignEvaluationService {
    struct Sums {
        var spend: [UUID: Int64] = [:]
        var metrics: [UUID: (Int64, Int64, Int64, Int64, Int64)] = [:]
        var leads: [UUID: (Int64, Int64, Int64)] = [:]
        var first: [UUID: Int64] = [:]
        var last: [UUID: Int64] = [:]
    }

    /// The months a period covers when it is whole months ("2026-10"…"2026-12"); nil otherwise.
    static func wholeMonths(_ period: ClosedRange<CivilDate>) -> ClosedRange<String>? {
        let first = period.lowerBound, last = period.upperBound
        guard first.day == 1, last.day == CivilDate.daysIn(month: last.month, year: last.year) else { return nil }
        return String(first.description.prefix(7))...String(last.description.prefix(7))
    }

    /// The sums for the given campaigns (all, when nil) over the period (all time, when nil).
    static func sums(campaigns ids: [UUID]?, period: ClosedRange<CivilDate>?, on sql: any SQLDatabase) async throws -> Sums {
        var s = Sums()
        func scoped(_ q: SQLSelectBuilder, campaign: String, day: String) -> SQLSelectBuilder {
            var q = q
            if let ids { q = q.where(SQLColumn(campaign), .in, SQLBind.group(ids)) }
            if let period { q = q.where(SQLColumn(day), .greaterThanOrEqual, SQLBind(period.lowerBound.description)).where(SQLColumn(day), .lessThanOrEqual, SQLBind(period.upperBound.description)) }
            return q
        }
        func total(_ column: String) -> SQLQueryString { "CAST(COALESCE(SUM(\(ident: column)), 0) AS BIGINT)" }
        let spend = scoped(sql.select().column(SQLColumn("campaign_id")).column(total("cny_fen"), as: "n").from(CampaignSpend.schema)
            .where("deleted_at", .is, SQLLiteral.null), campaign: "campaign_id", day: "spent_on").groupBy("campaign_id")
        for r in try await ListRow.all(spend) { s.spend[try r.uuid("campaign_id")] = try r.int64("n") }

        // Figures: whole months (a period's evaluation, a campaign's whole life) from the monthly
        // roll-up; any other stretch of days from the days themselves.
        var metrics = sql.select().column(SQLColumn("campaign_id"))
        for c in ["impressions", "clicks", "visits", "leads", "cost_fen"] { metrics = metrics.column(total(c), as: c) }
        if let period, let months = wholeMonths(period) {
            metrics = metrics.from(CampaignRollUps.months).where("month", .greaterThanOrEqual, months.lowerBound).where("month", .lessThanOrEqual, months.upperBound)
            if let ids { metrics = metrics.where(SQLColumn("campaign_id"), .in, SQLBind.group(ids)) }
        } else if period == nil {
            metrics = metrics.from(CampaignRollUps.months)
            if let ids { metrics = metrics.where(SQLColumn("campaign_id"), .in, SQLBind.group(ids)) }
        } else {
            metrics = scoped(metrics.from(CampaignMetrics.table), campaign: "campaign_id", day: "day")
        }
        for r in try await ListRow.all(metrics.groupBy("campaign_id")) {
            s.metrics[try r.uuid("campaign_id")] = (try r.int64("impressions"), try r.int64("clicks"), try r.int64("visits"), try r.int64("leads"), try r.int64("cost_fen"))
        }

        // Leads: prospects whose first touch by the campaign fell in the period, and of them those
        // with a deal and with a won deal (the roll-up keeps both marks as deals open and win).
        let leadsQuery = scoped(sql.select()
            .column(SQLColumn("campaign_id"))
            .column(SQLQueryString("COUNT(*)"), as: "leads")
            .column(SQLQueryString("CAST(SUM(CASE WHEN has_opportunity THEN 1 ELSE 0 END) AS BIGINT)"), as: "opportunities")
            .column(SQLQueryString("CAST(SUM(CASE WHEN has_won THEN 1 ELSE 0 END) AS BIGINT)"), as: "wins")
            .from(CampaignRollUps.leads), campaign: "campaign_id", day: "first_day")
            .groupBy("campaign_id")
        for r in try await ListRow.all(leadsQuery) { s.leads[try r.uuid("campaign_id")] = (try r.int64("leads"), try r.int64("opportunities"), try r.int64("wins")) }

        for (column, keyPath) in [("first_campaign_id", \Sums.first), ("last_campaign_id", \Sums.last)] as [(String, WritableKeyPath<Sums, [UUID: Int64]>)] {
            let q = scoped(sql.select().column(SQLColumn(column), as: "campaign_id").column(total("amount_fen"), as: "n").from(CampaignCredit.schema)
                .where(SQLColumn(column), .isNot, SQLLiteral.null), campaign: column, day: "won_on").groupBy(column)
            for r in try await ListRow.all(q) { s[keyPath: keyPath][try r.uuid("campaign_id")] = try r.int64("n") }
        }
        return s
    }

    static func results(_ id: UUID, budget: Money, sums s: Sums, model: AttributionModel) throws -> CampaignResults {
        let m = s.metrics[id] ?? (0, 0, 0, 0, 0)
        let l = s.leads[id] ?? (0, 0, 0)
        let revenue = (model == .firstTouch ? s.first[id] : s.last[id]) ?? 0
        var r = try CampaignResults(budget: budget, spend: [], metrics: [], leads: l.0, opportunities: l.1, wins: l.2, wonRevenue: Money(fen: revenue))
        r.spend = Money(fen: s.spend[id] ?? 0)
        r.impressions = m.0; r.clicks = m.1; r.visits = m.2; r.platformLeads = m.3; r.platformCost = Money(fen: m.4)
        return r
    }

    static func model(_ req: Request) throws -> AttributionModel {
        try req.queryChoice("model", from: AttributionModel.allCases.map(\.rawValue)).flatMap(AttributionModel.init(rawValue:)) ?? .firstTouch
    }

    /// One campaign over its whole life, or the part of it in `period`.
    static func evaluate(_ c: Campaign, period: ClosedRange<CivilDate>?, model: AttributionModel, req: Request) async throws -> CampaignEvaluationDTO {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let s = try await sums(campaigns: [c.id!], period: period, on: sql)
        let results = try results(c.id!, budget: Money(fen: c.budgetFen), sums: s, model: model)
        let e = CampaignEvaluation(results, goal: c.plan.goal)
        let channels = try await byChannel(c.id!, period: period, on: sql)
        let weeks = try await weekly(c.id!, period: period ?? c.period, on: sql)
        return CampaignEvaluationDTO(e, campaign: c, period: period, model: model, firstTouch: Money(fen: s.first[c.id!] ?? 0),
                                     lastTouch: Money(fen: s.last[c.id!] ?? 0), channels: channels, weeks: weeks)
    }

    /// Every campaign with figures or a plan in the period, and the period's roll-up (ratios of the sums).
    static func period(_ p: TargetPeriod, model: AttributionModel, req: Request) async throws -> PeriodEvaluationDTO {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let range = p.firstDay...p.lastDay
        let s = try await sums(campaigns: nil, period: range, on: sql)
        var ids = Set(s.spend.keys).union(s.metrics.keys).union(s.leads.keys).union(s.first.keys).union(s.last.keys)
        let planned = try await Campaign.query(on: req.db).filter(\.$startText <= range.upperBound.description).filter(\.$startText != "")
            .filter(\.$endText >= range.lowerBound.description).all()
        ids.formUnion(planned.compactMap(\.id))
        var campaigns = planned
        let missing = ids.subtracting(planned.compactMap(\.id))
        if !missing.isEmpty { campaigns += try await Campaign.query(on: req.db).withDeleted().filter(\.$id ~~ missing).all() }
        campaigns.sort { ($0.startText, $0.code) < ($1.startText, $1.code) }
        var rows: [PeriodEvaluationRow] = [], all: [CampaignResults] = []
        var firstTotal = Money.zero, lastTotal = Money.zero
        for c in campaigns {
            let r = try results(c.id!, budget: Money(fen: c.budgetFen), sums: s, model: model)
            all.append(r)
            let first = Money(fen: s.first[c.id!] ?? 0), last = Money(fen: s.last[c.id!] ?? 0)
            firstTotal = try firstTotal + first; lastTotal = try lastTotal + last
            rows.append(PeriodEvaluationRow(campaignId: c.id!, code: c.code, name: c.name, type: c.type, status: c.status,
                                            evaluation: CampaignEvaluationDTO(CampaignEvaluation(r, goal: c.plan.goal), campaign: c, period: range, model: model,
                                                                              firstTouch: first, lastTouch: last)))
        }
        let total = CampaignEvaluationDTO(try CampaignEvaluation.rollUp(all), campaign: nil, period: range, model: model, firstTouch: firstTotal, lastTouch: lastTotal)
        return PeriodEvaluationDTO(period: p.description, model: model.rawValue, total: total, campaigns: rows)
    }

    static func byChannel(_ id: UUID, period: ClosedRange<CivilDate>?, on sql: any SQLDatabase) async throws -> [CampaignEvaluationDTO.Channel] {
        var q = sql.select().column(SQLColumn("channel"))
        for c in ["impressions", "clicks", "visits", "leads", "cost_fen"] { q = q.column(SQLQueryString("CAST(SUM(\(ident: c)) AS BIGINT)"), as: c) }
        q = q.from(CampaignMetrics.table).where("campaign_id", .equal, id)
        if let period { q = q.where("day", .greaterThanOrEqual, period.lowerBound.description).where("day", .lessThanOrEqual, period.upperBound.description) }
        return try await ListRow.all(q.groupBy("channel").orderBy("channel")).map { r in
            let leads = try r.int64("leads"), cost = try r.int64("cost_fen")
            return .init(channel: try r.string("channel"), impressions: try r.int64("impressions"), clicks: try r.int64("clicks"), visits: try r.int64("visits"),
                         leads: leads, cost: YuanInput.yuan(cost), costPerLead: Money(fen: cost).scaled(by: 1, dividedBy: leads).map { YuanInput.yuan($0.fen) })
        }
    }

    /// Leads and spend by week (Monday first) over the campaign's period, for the chart.
    static func weekly(_ id: UUID, period: ClosedRange<CivilDate>?, on sql: any SQLDatabase) async throws -> [CampaignEvaluationDTO.Week] {
        guard let period else { return [] }
        let first = SalesCalendar.dayNumber(period.lowerBound), last = SalesCalendar.dayNumber(period.upperBound)
        guard last - first <= 366 else { return [] }
        let monday = { (d: CivilDate) in SalesCalendar.dayNumber(d) - Weekday.allCases.firstIndex(of: Weekday(d))! }
        var leads: [Int: Int64] = [:], spend: [Int: Int64] = [:]
        let firsts = sql.select().column(SQLColumn("first_day")).column(SQLQueryString("COUNT(*)"), as: "n").from(CampaignRollUps.leads)
            .where("campaign_id", .equal, id).where("first_day", .greaterThanOrEqual, period.lowerBound.description).where("first_day", .lessThanOrEqual, period.upperBound.description)
            .groupBy("first_day")
        for r in try await ListRow.all(firsts) { if let d = CivilDate(try r.string("first_day")) { leads[monday(d), default: 0] += try r.int64("n") } }
        let booked = sql.select().column(SQLColumn("spent_on")).column(SQLQueryString("CAST(SUM(cny_fen) AS BIGINT)"), as: "n").from(CampaignSpend.schema)
            .where("campaign_id", .equal, id).where("deleted_at", .is, SQLLiteral.null)
            .where("spent_on", .greaterThanOrEqual, period.lowerBound.description).where("spent_on", .lessThanOrEqual, period.upperBound.description)
            .groupBy("spent_on")
        for r in try await ListRow.all(booked) { if let d = CivilDate(try r.string("spent_on")) { spend[monday(d), default: 0] += try r.int64("n") } }
        return stride(from: monday(period.lowerBound), through: last, by: 7).map { n in
            .init(week: SalesCalendar.date(dayNumber: n).description, leads: leads[n] ?? 0, spend: YuanInput.yuan(spend[n] ?? 0))
        }
    }
}
