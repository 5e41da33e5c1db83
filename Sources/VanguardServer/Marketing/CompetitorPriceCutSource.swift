import Fluent
import Vapor
import VanguardCore

/// The competitor price changes of the last quarter, as facts for the price-cut rule (RSK-M2,
/// LEAD-4). The warning's owner is the member who follows the competitor.
struct CompetitorPriceCutSource: RiskFactSource {
    let name = "competitorPriceCut"
    /// How far back the daily scan looks: a cut older than this is history, not a warning.
    var days = 90

    func facts(on db: any Database, today: CivilDate) async throws -> [any RiskFact] {
        let since = SalesCalendar.adding(days: -days, to: today).description
        let events = try await CompetitorEvent.query(on: db).filter(\.$kind == CompetitorEventKind.priceChange.rawValue)
            .filter(\.$occurredOn >= since).filter(\.$occurredOn <= today.description).sort(\.$occurredOn).limit(10_000).all()
        guard !events.isEmpty else { return [] }
        let competitors = try await Competitor.query(on: db).filter(\.$id ~~ Set(events.map(\.competitorId))).all()
        let byId = Dictionary(uniqueKeysWithValues: competitors.map { ($0.id!, $0) })
        return events.compactMap { e in byId[e.competitorId].flatMap { Self.fact(e, competitor: $0, fallbackOwner: e.recordedBy) } }
    }

    /// The fact of one price-change event; nil when it has no prices.
    static func fact(_ e: CompetitorEvent, competitor c: Competitor, fallbackOwner: UUID?) -> CompetitorPriceChange? {
        guard e.eventKind == .priceChange, let id = e.id, let old = e.oldPriceFen, let new = e.newPriceFen, let day = CivilDate(e.occurredOn) else { return nil }
        return CompetitorPriceChange(eventId: id, competitor: c.name, product: e.productName, date: day, oldPrice: Money(fen: old), newPrice: Money(fen: new),
                                     ownerId: c.ownerMemberId ?? fallbackOwner)
    }
}
