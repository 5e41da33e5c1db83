import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The pipeline's daily roll-up, kept by every stage move so a quarter's funnel and stage times
/// are a sum over at most a few thousand rows instead of a count over every move (measured at
/// 1 M moves: 0.6 s for the funnel and 1.7 s for stage times, before; see docs/benchmarks.md).
///
/// One row per China day, stage, deal owner and customer owner (the two owners a reader's scope
/// looks at). A deal counts once per stage: on the day it first reaches it. Time in a stage is
/// booked on the day the deal leaves it. Owners are those at the time of the move.
///
/// The same figures per day and stage alone (`totals`) serve readers who see the whole team: at a
/// thousand owners a quarter holds some 120,000 owner rows, and summing them cost ~100 ms a request.
enum StageDays {
    static let schema = "opportunity_stage_days"
    static let totals = "opportunity_stage_totals"
    /// The key columns cannot hold NULL (a NULL never conflicts, so upserts would add rows).
    static let nobody = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Writes a move into the stage log and the roll-up, inside the caller's transaction.
    static func record(_ deal: Opportunity, from: String?, to stage: String, at now: Date, by actor: UUID?, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, let dealId = deal.id else { throw Abort(.internalServerError) }
        let previous = try await StageChange.query(on: db).filter(\.$opportunity.$id == dealId)
            .sort(\.$changedAt, .descending).field(\.$changedAt).field(\.$toStage).first()
        let reachedBefore = try await StageChange.query(on: db).filter(\.$opportunity.$id == dealId).filter(\.$toStage == stage).count() > 0
        let change = StageChange()
        change.$opportunity.id = dealId
        change.fromStage = from
        change.toStage = stage
        change.changedAt = now
        change.changedBy = actor
        change.amountFen = deal.amountFen
        try await change.create(on: db)

        let customerOwner = try await sql.select().column("owner_member_id").from(Customer.schema)
            .where("id", .equal, deal.$customer.id).first()?.decode(column: "owner_member_id", as: UUID?.self)
        let key = (day: CivilDate.on(now).description, owner: deal.ownerMemberId ?? nobody, customerOwner: customerOwner ?? nobody)
        if !reachedBefore {
            try await add(sql, key, stage: stage, firstEntries: 1, fen: deal.amountFen, exits: 0, seconds: 0)
        }
        if let previous {
            try await add(sql, key, stage: previous.toStage, firstEntries: 0, fen: 0, exits: 1, seconds: max(0, now.timeIntervalSince(previous.changedAt)))
        }
    }

    /// Adds to the owners' row and to the whole team's row of the day and stage.
    private static func add(_ sql: any SQLDatabase, _ key: (day: String, owner: UUID, customerOwner: UUID), stage: String,
                            firstEntries: Int, fen: Int64, exits: Int, seconds: Double) async throws {
        let owners: [(table: String, columns: SQLQueryString, values: SQLQueryString)] = [
            (schema, ", owner_member_id, customer_owner_member_id", ", \(bind: key.owner), \(bind: key.customerOwner)"),
            (totals, "", ""),
        ]
        for o in owners {
            try await sql.raw("""
                INSERT INTO \(ident: o.table) (day, stage\(o.columns), first_entries, first_entry_fen, exits, exit_seconds)
                VALUES (\(bind: key.day), \(bind: stage)\(o.values), \(bind: firstEntries), \(bind: fen), \(bind: exits), \(bind: seconds))
                ON CONFLICT (day, stage\(o.columns)) DO UPDATE SET
                  first_entries = \(ident: o.table).first_entries + excluded.first_entries,
                  first_entry_fen = \(ident: o.table).first_entry_fen + excluded.first_entry_fen,
                  exits = \(ident: o.table).exits + excluded.exits,
                  exit_seconds = \(ident: o.table).exit_seconds + excluded.exit_seconds
                """).run()
        }
    }

    /// Proof of the roll-up: per day and stage (owners left out: a rebuild books today's owners,
    /// the kept rows the owners at the time of each move), equal to a rebuild from the stage log.
    static let check = RollUpCheck(name: "stage days", projections: [schema, totals].map {
        .init(table: $0, keys: ["day", "stage"], values: [("first_entries", 0), ("first_entry_fen", 0), ("exits", 0), ("exit_seconds", 0.5)])
    }, rebuild: { try await rebuild(on: $0) })

    /// Recomputes the whole roll-up from the stage log (today's owners): after the migration that
    /// adds it, and after demo or benchmark data written straight into the log.
    static func rebuild(on db: any Database) async throws {
        try await rebuildOwnerRows(on: db)
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        try await rebuildTotals(sql)
    }

    /// The owners' rows alone: what `CreateStageDays` filled when it landed (the totals came later).
    static func rebuildOwnerRows(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let day = sql.chinaDay, seconds = sql.seconds(from: "changed_at", to: "next_at")
        try await sql.raw("DELETE FROM \(ident: schema)").run()
        try await sql.raw("""
            INSERT INTO \(ident: schema) (day, stage, owner_member_id, customer_owner_member_id, first_entries, first_entry_fen, exits, exit_seconds)
            SELECT day, stage, owner, customer_owner, CAST(SUM(first_entries) AS BIGINT), CAST(SUM(fen) AS BIGINT), CAST(SUM(exits) AS BIGINT), CAST(SUM(seconds) AS DOUBLE PRECISION)
            FROM (
              SELECT x.*, COALESCE(o.owner_member_id, \(bind: nobody)) AS owner, COALESCE(cu.owner_member_id, \(bind: nobody)) AS customer_owner
              FROM (
                SELECT opportunity_id, \(day("changed_at")) AS day, to_stage AS stage, 1 AS first_entries, amount_fen AS fen, 0 AS exits, 0.0 AS seconds
                FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY opportunity_id, to_stage ORDER BY changed_at) AS nth FROM \(ident: StageChange.schema) c) e
                WHERE nth = 1
                UNION ALL
                SELECT opportunity_id, \(day("next_at")), to_stage, 0, 0, 1, \(seconds)
                FROM (SELECT c.*, LEAD(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at) AS next_at FROM \(ident: StageChange.schema) c) m
                WHERE next_at IS NOT NULL
              ) x
              JOIN \(ident: Opportunity.schema) o ON o.id = x.opportunity_id
              JOIN \(ident: Customer.schema) cu ON cu.id = o.customer_id
            ) y
            GROUP BY day, stage, owner, customer_owner
            """).run()
    }

    static func rebuildTotals(_ sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM \(ident: totals)").run()
        try await sql.raw("""
            INSERT INTO \(ident: totals) (day, stage, first_entries, first_entry_fen, exits, exit_seconds)
            SELECT day, stage, CAST(SUM(first_entries) AS BIGINT), CAST(SUM(first_entry_fen) AS BIGINT), CAST(SUM(exits) AS BIGINT), CAST(SUM(exit_seconds) AS DOUBLE PRECISION)
            FROM \(ident: schema) GROUP BY day, stage
            """).run()
    }
}

/// The roll-up table, filled from the moves already logged; and the index the report's count of
/// deals closed in a period walks.
struct CreateStageDays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StageDays.schema)
            .field("day", .string, .required)
            .field("stage", .string, .required)
            .field("owner_member_id", .uuid, .required)
            .field("customer_owner_member_id", .uuid, .required)
            .field("first_entries", .int, .required)
            .field("first_entry_fen", .int64, .required)
            .field("exits", .int, .required)
            .field("exit_seconds", .double, .required)
            .unique(on: "day", "stage", "owner_member_id", "customer_owner_member_id")
            .create()
        try await database.index("opportunities_closed_on", on: Opportunity.schema, ["closed_on"])
        try await StageDays.rebuildOwnerRows(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StageDays.schema).delete()
    }
}

/// The whole team's roll-up per day and stage (see `StageDays`), filled from the owners' rows; and
/// an index that answers the report's count of deals decided in a period without reading them.
struct AddStageTotals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StageDays.totals)
            .field("day", .string, .required)
            .field("stage", .string, .required)
            .field("first_entries", .int, .required)
            .field("first_entry_fen", .int64, .required)
            .field("exits", .int, .required)
            .field("exit_seconds", .double, .required)
            .unique(on: "day", "stage")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX opportunities_decided ON \(ident: Opportunity.schema) (closed_on, stage, amount_fen) WHERE deleted_at IS NULL").run()
        try await StageDays.rebuildTotals(sql)
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS opportunities_decided").run() }
        try await database.schema(StageDays.totals).delete()
    }
}
