import Fluent
import Foundation
import Vapor
import VanguardCore

/// Won revenue credited to campaigns (MKT-4, MP-4): when a deal enters a won stage, its amount is
/// credited to the campaign that first touched the customer and to the last one before the win
/// (`VanguardCore.Attribution`); if it leaves the won stage, the credit goes. Runs inside the
/// stage change's own transaction, so a deal is never won without its credit or the reverse.
enum CampaignAttribution {
    static func recordStage(_ o: Opportunity, won: Bool, at now: Date, on db: any Database) async throws {
        try await CampaignCredit.query(on: db).filter(\.$opportunityId == o.id!).delete()
        guard won else { return }
        let touches = try await CampaignTouch.query(on: db).filter(\.$customerId == o.$customer.id).filter(\.$at <= now).all()
            .map { Touch(campaignId: $0.campaignId, utmSource: $0.utmSource, at: $0.at) }
        let deal = WonDeal(amount: Money(fen: o.amountFen), wonAt: now, touches: touches)
        guard let first = Attribution.firstTouch(deal) else { return }
        let credit = CampaignCredit()
        credit.id = UUID(); credit.opportunityId = o.id!; credit.customerId = o.$customer.id
        credit.firstCampaignId = first; credit.lastCampaignId = Attribution.lastTouch(deal)
        credit.amountFen = o.amountFen; credit.wonAt = now; credit.wonOn = CivilDate.on(now).description
        try await credit.create(on: db)
    }

    /// A won deal's amount corrected later: its credit follows.
    static func recordAmount(_ o: Opportunity, on db: any Database) async throws {
        try await CampaignCredit.query(on: db).filter(\.$opportunityId == o.id!).filter(\.$amountFen != o.amountFen).set(\.$amountFen, to: o.amountFen).update()
    }
}
