import Fluent
import Foundation
import SQLKit
import VanguardCore

/// Keeps the campaign roll-ups in the same transaction as the change (house rule): a prospect's
/// first touch by a campaign is its lead (later touches are not new leads); a deal opened or won
/// for the customer marks every lead of theirs; a day of figures updates its month.
enum CampaignRollUps {
    static let leads = CreateCampaignRollUps.leads, months = CreateCampaignRollUps.months

    /// A touch: the campaign's lead of this customer, unless an earlier touch made it one.
    static func recordTouch(campaign: UUID, customer: UUID, at: Date, wonStages: [String], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("""
            INSERT INTO \(ident: leads) (campaign_id, customer_id, first_at, first_day, has_opportunity, has_won)
            SELECT \(bind: campaign), \(bind: customer), \(bind: at), \(bind: CivilDate.on(at).description),
                   EXISTS (SELECT 1 FROM \(ident: Opportunity.schema) o WHERE o.customer_id = \(bind: customer) AND o.deleted_at IS NULL),
                   EXISTS (SELECT 1 FROM \(ident: Opportunity.schema) o WHERE o.customer_id = \(bind: customer) AND o.deleted_at IS NULL AND o.stage IN \(SQLBind.group(wonStages.isEmpty ? [""] : wonStages)))
            ON CONFLICT (campaign_id, customer_id) DO NOTHING
            """).run()
    }

    /// The first touches of prospects new in this batch of sign-ups: they have no deals yet.
    static func recordFirstTouches(_ touches: [(campaign: UUID, customer: UUID, at: Date)], on sql: any SQLDatabase) async throws {
        guard !touches.isEmpty else { return }
        var insert = sql.insert(into: leads).columns("campaign_id", "customer_id", "first_at", "first_day", "has_opportunity", "has_won")
        for t in touches {
            insert = insert.values(SQLBind(t.campaign), SQLBind(t.customer), SQLBind(t.at), SQLBind(CivilDate.on(t.at).description),
                                   SQLLiteral.boolean(false), SQLLiteral.boolean(false))
        }
        try await insert.ignoringConflicts(with: ["campaign_id", "customer_id"]).run()
    }

    /// A deal was opened, or won, for the customer: every campaign that brought them in converted.
    static func dealOpened(customer: UUID, won: Bool, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        var q = sql.update(leads).set("has_opportunity", to: SQLLiteral.boolean(true)).where("customer_id", .equal, customer)
        if won { q = q.set("has_won", to: SQLLiteral.boolean(true)) }
        try await q.run()
    }

    /// The months of these days of figures, summed again from the days.
    static func recordMonths(_ touched: Set<String>, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for key in touched {
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 2, let campaign = UUID(uuidString: parts[0]) else { continue }
            try await upsertMonths(sql, where: "campaign_id = \(bind: campaign) AND day >= \(bind: parts[1] + "-01") AND day <= \(bind: parts[1] + "-31")")
        }
    }

    static func upsertMonths(_ sql: any SQLDatabase, where filter: SQLQueryString) async throws {
        let sums = ["impressions", "clicks", "visits", "leads", "cost_fen"]
        try await sql.raw("""
            INSERT INTO \(ident: months) (campaign_id, month, impressions, clicks, visits, leads, cost_fen)
            SELECT campaign_id, substr(day, 1, 7), \(unsafeRaw: sums.map { "CAST(SUM(\($0)) AS BIGINT)" }.joined(separator: ", "))
            FROM \(ident: CampaignMetrics.table) WHERE \(filter) GROUP BY campaign_id, substr(day, 1, 7)
            ON CONFLICT (campaign_id, month) DO UPDATE SET \(unsafeRaw: sums.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """).run()
    }

    /// Proof of the campaign roll-ups and credits, equal to a rebuild from the touches, deals
    /// and daily figures. The credits' own ids are left out: a rebuild gives them new ones.
    static func checks(wonStages: [String]) -> [RollUpCheck] {
        [
            RollUpCheck(name: "campaign leads and months", projections: [
                .init(table: leads, keys: ["campaign_id", "customer_id", "first_day"],
                      values: [("1", 0), ("CASE WHEN has_opportunity THEN 1 ELSE 0 END", 0), ("CASE WHEN has_won THEN 1 ELSE 0 END", 0)]),
                .init(table: months, keys: ["campaign_id", "month"],
                      values: [("impressions", 0), ("clicks", 0), ("visits", 0), ("leads", 0), ("cost_fen", 0)]),
            ], rebuild: { try await rebuild(wonStages: wonStages, on: $0) }),
            RollUpCheck(name: "campaign credits", projections: [
                .init(table: CampaignCredit.schema, keys: ["opportunity_id", "first_campaign_id", "last_campaign_id", "won_on"],
                      values: [("1", 0), ("amount_fen", 0)]),
            ], rebuild: { try await CampaignCredits.rebuild(wonStages: wonStages, on: $0) }),
        ]
    }

    /// Both roll-ups rebuilt from the records: after a bulk load, and to prove the kept ones right.
    static func rebuild(wonStages: [String], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.delete(from: leads).run()
        try await insertLeads(sql, wonStages: wonStages, where: "1 = 1")
        try await sql.delete(from: months).run()
        try await upsertMonths(sql, where: "1 = 1")
    }

    /// These customers' rows worked out again from their touches and deals: after a deal left a
    /// won stage or was deleted, or two customers became one.
    static func refreshLeads(customers: [UUID], wonStages: [String], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !customers.isEmpty else { return }
        try await sql.delete(from: leads).where("customer_id", .in, SQLBind.group(customers)).run()
        try await insertLeads(sql, wonStages: wonStages, where: "t.customer_id IN \(SQLBind.group(customers))")
    }

    /// Each campaign's first touch of each prospect, with whether they have a deal and a won deal.
    private static func insertLeads(_ sql: any SQLDatabase, wonStages: [String], where filter: SQLQueryString) async throws {
        try await sql.raw("""
            INSERT INTO \(ident: leads) (campaign_id, customer_id, first_at, first_day, has_opportunity, has_won)
            SELECT t.campaign_id, t.customer_id, MIN(t.at), MIN(t.on_day),
                   EXISTS (SELECT 1 FROM \(ident: Opportunity.schema) o WHERE o.customer_id = t.customer_id AND o.deleted_at IS NULL),
                   EXISTS (SELECT 1 FROM \(ident: Opportunity.schema) o WHERE o.customer_id = t.customer_id AND o.deleted_at IS NULL AND o.stage IN \(SQLBind.group(wonStages.isEmpty ? [""] : wonStages)))
            FROM \(ident: CampaignTouch.schema) t WHERE \(filter) GROUP BY t.campaign_id, t.customer_id
            """).run()
    }

    /// Two customers merged: the duplicate's touches and credits belong to the survivor now.
    static func customersMerged(_ duplicate: UUID, into survivor: UUID, wonStages: [String], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.update(CampaignTouch.schema).set("customer_id", to: survivor).where("customer_id", .equal, duplicate).run()
        try await sql.update(CampaignCredit.schema).set("customer_id", to: survivor).where("customer_id", .equal, duplicate).run()
        try await refreshLeads(customers: [duplicate, survivor], wonStages: wonStages, on: db)
    }
}
