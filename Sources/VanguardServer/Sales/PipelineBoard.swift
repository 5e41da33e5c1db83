import Fluent
import SQLKit
import Vapor
import VanguardCore

/// The kanban board (SP-1 … SP-4): one column per stage with its deals, count, total and weighted total.
struct PipelineBoard: Content {
    struct Column: Content {
        var stage: String
        var name: String
        var probability: Int
        var outcome: String
        var count: Int
        var amount: Double
        var weightedAmount: Double
        var items: [OpportunityDTO]
    }

    var columns: [Column]
    var amount: Double
    var weightedAmount: Double

    /// Open stages show every deal (up to 200 per column); won and lost show those closed in the
    /// last 30 days, so the board stays about the work in hand.
    static func load(_ req: Request, scope: RecordScope, strict: Bool) async throws -> PipelineBoard {
        let pipeline = try await OpportunityService.pipeline(req)
        let locale = req.locale
        let recent = CivilDate.on(req.now.addingTimeInterval(-30 * 86_400)).description
        let filters = try OpportunityList.Filters(req, pipeline: pipeline, strict: strict)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var columns: [Column] = []
        for stage in pipeline.stages {
            func query() throws -> QueryBuilder<Opportunity> {
                let q = try OpportunityList.filtered(req, scope: scope, pipeline: pipeline, strict: strict, viaCustomer: false).filter(\.$stage == stage.key)
                return stage.outcome == .open ? q : q.filter(\.$closedOn >= recent)
            }
            // The deals themselves straight from the cells (see OpportunityDTO.init(row:pipeline:)).
            var select = filters.apply(to: sql.select().columns(OpportunityDTO.columns.map { SQLColumn($0) }).from(Opportunity.schema), scope: scope)
                .where("stage", .equal, stage.key)
            if stage.outcome != .open { select = select.where("closed_on", .greaterThanOrEqual, recent) }
            let deals = try await ListRow.all(select.orderBy("expected_close").orderBy("id").limit(201))
            let dtos = try deals.prefix(200).map { try OpportunityDTO(row: $0, pipeline: pipeline) }
            var count = dtos.count, fen: Int64 = dtos.reduce(0) { $0 + Int64(($1.amount * 100).rounded()) }, weightedFen = 0.0
            weightedFen = dtos.reduce(0) { $0 + $1.weightedAmount * 100 }
            if deals.count > 200 {
                // More than the column shows: the database counts and sums; only deals with their
                // own chance (few) are read to weigh them.
                count = try await query().count()
                let usual = try await query().filter(\.$probability == nil).sum(\.$amountFen) ?? 0
                let own = try await query().filter(\.$probability != nil).field(\.$id).field(\.$amountFen).field(\.$probability).all()
                fen = usual + own.reduce(0) { $0 + $1.amountFen }
                weightedFen = Double(usual) * Double(stage.probability) / 100 + own.reduce(0) { $0 + Double($1.amountFen) * Double($1.probability ?? 0) / 100 }
            }
            columns.append(Column(stage: stage.key, name: stage.name[locale], probability: stage.probability, outcome: stage.outcome.rawValue,
                                  count: count, amount: Double(fen) / 100, weightedAmount: (weightedFen).rounded() / 100,
                                  items: Array(dtos)))
        }
        let open = columns.filter { $0.outcome == "open" }
        return PipelineBoard(columns: columns, amount: open.reduce(0) { $0 + $1.amount }, weightedAmount: open.reduce(0) { $0 + $1.weightedAmount })
    }
}
