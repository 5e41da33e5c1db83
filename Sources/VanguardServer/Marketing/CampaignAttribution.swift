import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Won revenue credited to campaigns (MKT-4, MP-4): when a deal enters a won stage, its amount is
/// credited to the campaign that first touched the customer and to the last one before the win
/// (`VanguardCore.Attribution`); if it leaves the won stage, the credit goes. Runs inside the
/// stage change's own transaction, so a deal is never won without its credit or the reverse.
enum CampaignAttribution {
    static func recordStage(_ o: Opportunity, from: String?, pipeline: Pipeline, at now: Date, on db: any Database) async throws {
        try await CampaignCredit.query(on: db).filter(\.$opportunityId == o.id!).delete()
        guard pipeline.stage(o.stage)?.outcome == .won else {
            // Out of a won stage, the campaigns that brought the customer in lose the win (perhaps
            // not all: the customer may have won another deal); any other move changes no mark.
            guard let from, pipeline.stage(from)?.outcome == .won else { return }
            return try await CampaignRollUps.refreshLeads(customers: [o.$customer.id], wonStages: pipeline.wonStageKeys, on: db)
        }
        try await CampaignRollUps.dealOpened(customer: o.$customer.id, won: true, on: db)
        let touches = try await CampaignTouch.query(on: db).filter(\.$customerId == o.$customer.id).filter(\.$at <= now).all()
            .map { Touch(campaignId: $0.campaignId, utmSource: $0.utmSource, at: $0.at) }
        let deal = WonDeal(amount: Money(fen: o.amountFen), wonAt: now, touches: touches)
        guard let first = Attribution.firstTouch(deal) else { return }
        let credit = CampaignCredit()
        credit.id = UUID.timeOrdered(); credit.opportunityId = o.id!; credit.customerId = o.$customer.id
        credit.firstCampaignId = first; credit.lastCampaignId = Attribution.lastTouch(deal)
        credit.amountFen = o.amountFen; credit.wonAt = now; credit.wonOn = CivilDate.on(now).description
        try await credit.create(on: db)
    }

    /// A deal deleted: its credit goes, and the campaigns' leads no longer count it.
    static func dealDeleted(_ o: Opportunity, pipeline: Pipeline, on db: any Database) async throws {
        try await CampaignCredit.query(on: db).filter(\.$opportunityId == o.id!).delete()
        try await CampaignRollUps.refreshLeads(customers: [o.$customer.id], wonStages: pipeline.wonStageKeys, on: db)
    }

    /// A won deal's amount corrected later: its credit follows.
    static func recordAmount(_ o: Opportunity, on db: any Database) async throws {
        try await CampaignCredit.query(on: db).filter(\.$opportunityId == o.id!).filter(\.$amountFen != o.amountFen).set(\.$amountFen, to: o.amountFen).update()
    }
}

/// The credits rebuilt from the records: every won deal's customer's touches up to the win
/// (`stage_changed_at`), through the same `Attribution` rules the stage change applies. For
/// bulk-loaded data, and to prove that the kept credits equal the rebuilt ones.
enum CampaignCredits {
    static func rebuild(wonStages won: [String], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !won.isEmpty else { return }
        let deals = try await ListRow.all(sql.select().columns("id", "customer_id", "amount_fen", "stage_changed_at").from(Opportunity.schema)
            .where("stage", .in, won).where("deleted_at", .is, SQLLiteral.null))
        let touches = try await ListRow.all(sql.select().columns("customer_id", "campaign_id", "at").from(CampaignTouch.schema)
            .where(SQLColumn("customer_id"), .in, SQLGroupExpression(sql.select().column("customer_id").from(Opportunity.schema).where("stage", .in, won).query)))
        var byCustomer: [UUID: [Touch]] = [:]
        for t in touches { byCustomer[try t.uuid("customer_id"), default: []].append(Touch(campaignId: try t.uuid("campaign_id"), at: try t.optionalDate("at") ?? .distantPast)) }
        try await sql.delete(from: CampaignCredit.schema).run()
        var rows: [[any SQLExpression]] = []
        for d in deals {
            let customer = try d.uuid("customer_id"), wonAt = try d.optionalDate("stage_changed_at") ?? .distantPast
            let deal = WonDeal(amount: Money(fen: Int64(try d.int("amount_fen"))), wonAt: wonAt, touches: byCustomer[customer] ?? [])
            guard let first = Attribution.firstTouch(deal) else { continue }
            rows.append([SQLBind(UUID.timeOrdered()), SQLBind(try d.uuid("id")), SQLBind(customer), SQLBind(first), bindOrNull(Attribution.lastTouch(deal)),
                         SQLBind(deal.amount.fen), SQLBind(wonAt), SQLBind(CivilDate.on(wonAt).description)])
        }
        try await sql.insert(into: CampaignCredit.schema, columns: ["id", "opportunity_id", "customer_id", "first_campaign_id", "last_campaign_id", "amount_fen", "won_at", "won_on"],
                             rows: rows, batch: 1_000)
    }

}
