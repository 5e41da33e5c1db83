import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Daily figures per campaign and channel (MP-3, MKT-3): typed in, or imported from the CSV/XLSX
/// files ad platforms export. A day sent again replaces the earlier figures; a file with any
/// problem writes nothing.
enum CampaignMetrics {
    static let table = CreateCampaignMetrics.table
    static let columns = ["campaign_id", "channel", "day", "impressions", "clicks", "visits", "leads", "cost_fen"]

    struct RowDTO: Content, Equatable {
        var campaignId: UUID
        var channel: String
        var day: String
        var impressions: Int64
        var clicks: Int64
        var visits: Int64
        var leads: Int64
        var cost: Double
    }

    struct Report: Content {
        var rows: Int
        var campaigns: Int
        var dryRun: Bool
        var ignoredColumns: [String]
    }

    /// The rows to write, checked like a file (so typed rows meet the same rules and messages).
    static func check(_ table: ImportTable, campaigns: [Campaign], defaultCampaign: UUID?, policy: MarketingPolicy) -> MetricsFile.Outcome {
        var codes: [String: UUID] = [:]
        for c in campaigns { codes[c.name] = codes[c.name] ?? c.id! }
        for c in campaigns { codes[c.code] = c.id! }
        let file = MetricsFile(campaigns: codes, channels: policy.effectiveChannels, defaultCampaign: defaultCampaign)
        return file.validate(table)
    }

    /// Writes checked rows in one transaction: an insert that replaces the same campaign, channel and day.
    static func write(_ rows: [MetricsRow], label: String, req: Request) async throws {
        try await req.db.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            for start in stride(from: 0, to: rows.count, by: 500) {
                var insert = sql.insert(into: table).columns(columns)
                for r in rows[start..<min(start + 500, rows.count)] {
                    insert = insert.values([SQLBind(r.campaignId), SQLBind(r.channel), SQLBind(r.day.description), SQLBind(r.impressions),
                                            SQLBind(r.clicks), SQLBind(r.visits), SQLBind(r.leads), SQLBind(r.cost.fen)])
                }
                try await insert.onConflict(with: ["campaign_id", "channel", "day"]) { u in
                    var u = u
                    for column in columns.dropFirst(3) { u = u.set(excludedValueOf: column) }
                    return u
                }.run()
            }
            try await CampaignRollUps.recordMonths(Set(rows.map { "\($0.campaignId.uuidString)|\($0.day.description.prefix(7))" }), on: db)
            try await Audit.note(.imported, "campaignMetrics", id: nil, label: label, request: req, on: db)
        }
    }

    /// Campaigns the figures may be written to by this person: refused whole otherwise.
    static func authorize(_ ids: Set<UUID>, campaigns: [Campaign], req: Request) async throws {
        for c in campaigns where ids.contains(c.id!) {
            try req.authorize(.update, .marketingRecord(try await CampaignService.facts(c, on: req.db)))
        }
    }

    /// Imports a file for one campaign (its column optional) or for many (by campaign code or name).
    static func importFile(_ table: ImportTable, campaign: Campaign?, dryRun: Bool = false, req: Request) async throws -> Report {
        let policy = try await CampaignService.policy(req)
        let campaigns = try await Campaign.query(on: req.db).all()
        let outcome = check(table, campaigns: campaigns, defaultCampaign: campaign?.id, policy: policy)
        try outcome.errors.throwIfAny()
        if outcome.rows.isEmpty { throw ImportFile.unreadable("The file has a header row but no figures under it.") }
        let ids = Set(outcome.rows.map(\.campaignId))
        if let campaign, ids != [campaign.id!] {
            throw Problem.invalid("campaign", "otherCampaign", "This file has figures of other campaigns; import it from the campaigns page instead.")
        }
        try await authorize(ids, campaigns: campaigns, req: req)
        if dryRun { return Report(rows: outcome.rows.count, campaigns: ids.count, dryRun: true, ignoredColumns: outcome.ignoredColumns) }
        try await write(outcome.rows, label: "\(outcome.rows.count) days of figures for \(ids.count) campaign(s)", req: req)
        return Report(rows: outcome.rows.count, campaigns: ids.count, dryRun: false, ignoredColumns: outcome.ignoredColumns)
    }

    /// One campaign's days, oldest first, optionally for a stretch of time and one channel.
    static func rows(_ campaignId: UUID, from: CivilDate?, to: CivilDate?, channel: String?, on db: any Database) async throws -> [RowDTO] {
        guard let sql = db as? any SQLDatabase else { return [] }
        var q = sql.select().columns(columns.map { SQLColumn($0) }).from(table).where("campaign_id", .equal, campaignId)
        if let from { q = q.where("day", .greaterThanOrEqual, from.description) }
        if let to { q = q.where("day", .lessThanOrEqual, to.description) }
        if let channel { q = q.where("channel", .equal, channel) }
        return try await ListRow.all(q.orderBy("day").orderBy("channel").limit(10_000)).map { r in
            RowDTO(campaignId: try r.uuid("campaign_id"), channel: try r.string("channel"), day: try r.string("day"), impressions: try r.int64("impressions"),
                   clicks: try r.int64("clicks"), visits: try r.int64("visits"), leads: try r.int64("leads"), cost: YuanInput.yuan(try r.int64("cost_fen")))
        }
    }
}

/// Typed figures: `{"rows": [{"channel": "baidu", "day": "2026-09-01", "clicks": 120, "cost": 560.5}]}`.
struct MetricsInput: Content {
    struct Row: Content {
        var channel: String?
        var day: String?
        var impressions: Int64?
        var clicks: Int64?
        var visits: Int64?
        var leads: Int64?
        var cost: Double?
    }
    var rows: [Row]

    /// The rows as a table with the file's English titles, so they meet the file's rules.
    var table: ImportTable {
        let header = ["Day", "Channel", "Impressions", "Clicks", "Visits", "Leads", "Cost"]
        let text = { (n: Int64?) in n.map(String.init) ?? "" }
        return ImportTable(header: header, rows: rows.map { r in
            [r.day ?? "", r.channel ?? "", text(r.impressions), text(r.clicks), text(r.visits), text(r.leads),
             r.cost.map { String(format: "%.2f", $0) } ?? ""]
        })
    }
}

extension ListRow {
    func int64(_ column: String) throws -> Int64 { Int64(try int(column)) }
}
