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

    /// Deals a column lists: its first `columnLimit` by closing date, or `stageLimit` when the
    /// request asks for one stage (the board's "show more" link). Count and totals always cover
    /// every deal. Encoding ~600 deals as JSON was most of a salesperson's board's time.
    static let columnLimit = 50
    static let stageLimit = 200

    /// Open stages show their deals; won and lost show those closed in the last 30 days, so the
    /// board stays about the work in hand.
    static func load(_ req: Request, scope: RecordScope, strict: Bool) async throws -> PipelineBoard {
        let pipeline = try await OpportunityService.pipeline(req)
        let locale = req.locale
        let recent = CivilDate.on(req.now.addingTimeInterval(-30 * 86_400)).description
        let filters = try OpportunityList.Filters(req, pipeline: pipeline, strict: strict)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let limit = filters.stage == nil ? columnLimit : stageLimit
        var columns: [Column] = []
        for stage in pipeline.stages {
            /// This column's deals: the request's filters, the stage, and for won and lost the recent ones.
            func select(_ columns: [any SQLExpression]) -> SQLSelectBuilder {
                let q = filters.apply(to: sql.select().columns(columns).from(Opportunity.schema), scope: scope).where("stage", .equal, stage.key)
                return stage.outcome == .open ? q : q.where("closed_on", .greaterThanOrEqual, recent)
            }
            // The deals themselves straight from the cells (see OpportunityDTO.init(row:pipeline:)):
            // by closing date, those without one after them, as the list orders them
            // (`ListRequest.applyEmptyLast`). Two reads, each in its index's order: SQLite sorts an
            // empty date first and PostgreSQL last.
            let cells = OpportunityDTO.columns.map { SQLColumn($0) }
            var deals = try await ListRow.all(select(cells).where("expected_close", .isNot, SQLLiteral.null).orderBy("expected_close").orderBy("id").limit(limit + 1))
            if deals.count <= limit {
                deals += try await ListRow.all(select(cells).where("expected_close", .is, SQLLiteral.null).orderBy("id").limit(limit + 1 - deals.count))
            }
            let dtos = try deals.prefix(limit).map { try OpportunityDTO(row: $0, pipeline: pipeline) }
            var count = dtos.count, fen: Int64 = dtos.reduce(0) { $0 + Int64(($1.amount * 100).rounded()) }, weightedFen = 0.0
            weightedFen = dtos.reduce(0) { $0 + $1.weightedAmount * 100 }
            if deals.count > limit {
                // More than the column shows: the database counts and sums (cast: PostgreSQL sums a
                // bigint as numeric); only deals with their own chance (few) are read to weigh them.
                guard let totals = try await ListRow.all(select([SQLRaw("COUNT(*) AS n"),
                    SQLRaw("CAST(COALESCE(SUM(CASE WHEN probability IS NULL THEN amount_fen ELSE 0 END), 0) AS BIGINT) AS usual_fen")])).first
                else { throw Abort(.internalServerError) }
                let own = try await ListRow.all(select([SQLColumn("amount_fen"), SQLColumn("probability")]).where("probability", .isNot, SQLLiteral.null))
                    .map { (fen: Int64(try $0.int("amount_fen")), probability: try $0.int("probability")) }
                let usual = Int64(try totals.int("usual_fen"))
                count = try totals.int("n")
                fen = usual + own.reduce(0) { $0 + $1.fen }
                weightedFen = Double(usual) * Double(stage.probability) / 100 + own.reduce(0) { $0 + Double($1.fen) * Double($1.probability) / 100 }
            }
            columns.append(Column(stage: stage.key, name: stage.name[locale], probability: stage.probability, outcome: stage.outcome.rawValue,
                                  count: count, amount: Double(fen) / 100, weightedAmount: (weightedFen).rounded() / 100,
                                  items: Array(dtos)))
        }
        let open = columns.filter { $0.outcome == "open" }
        return PipelineBoard(columns: columns, amount: open.reduce(0) { $0 + $1.amount }, weightedAmount: open.reduce(0) { $0 + $1.weightedAmount })
    }
}

/// The board's columns by stage: each column's first deals by closing date, and its count and
/// totals when it holds more, for the whole team. Without it both databases read every deal
/// for each of the six columns (two passes over 300,000 deals each: about 1 s for a team lead's
/// board in the bench data set). The index holds what the totals read (chance and amount), so
/// they come from it alone; on SQLite only if it holds `deleted_at` too, though always empty.
struct OpportunitiesByStage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE INDEX opportunities_stage ON \(ident: Opportunity.schema) (stage, expected_close, id, probability, amount_fen, deleted_at) WHERE deleted_at IS NULL
            """).run()
        try await database.analyze(tables: [Opportunity.schema])
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "opportunities_stage").run()
    }
}
