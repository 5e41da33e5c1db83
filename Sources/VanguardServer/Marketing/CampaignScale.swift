import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Campaign data at scale for the benchmarks (issue 6's speed targets): campaigns staggered over
/// two years, each running most of a year on most online channels, their daily figures, leads
/// (touches on the existing customers) and credits for won deals. Deterministic from a seed;
/// multi-row INSERTs in large transactions.
enum CampaignScale {
    static func generate(_ app: Application, campaigns count: Int, metricDays: Int, leads: Int, seed: UInt64, progress: (String) -> Void) async throws {
        let db = app.db
        guard let sql = db as? any SQLDatabase, let promotion = try await PromotionGroup.id(on: db) else { return }
        let owners = try await Member.query(on: db).filter(\.$group.$id == promotion).all().compactMap(\.id)
        let customers = try await sql.raw("SELECT id FROM \(ident: Customer.schema) WHERE deleted_at IS NULL").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !owners.isEmpty else { return }
        let policy = try await app.policy.current(on: db).effectiveMarketing
        let online = policy.effectiveChannels.filter { $0.online == true }.map(\.key)
        let now = app.clock.now()
        let today = CivilDate.on(now)
        var rng = SplitMix64(seed: seed)
        func random(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        struct Planned { var id: UUID; var start: Int; var days: Int; var channels: [String] }
        var planned: [Planned] = []
        let columns = ["id", "code", "slug", "name", "type", "status", "goal_metric", "goal_target", "goal_note", "audience", "channels", "content_plan",
                       "budget_fen", "planned_cpl_fen", "start_on", "end_on", "owner_member_id", "lessons", "follow_up", "form_open", "created_at", "version"]
        var rows: [[any SQLExpression]] = []
        for i in 0..<count {
            // Starts spread over the last two years; most run 300-420 days.
            let start = -730 + random(700), days = 300 + random(121)
            let channels = Array(online.shuffled(using: &rng).prefix(max(1, online.count - random(2))))
            let first = SalesCalendar.adding(days: start, to: today), last = SalesCalendar.adding(days: start + days - 1, to: today)
            let status: CampaignStatus = last < today ? (i % 3 == 0 ? .evaluated : .finished) : .running
            let id = UUID.timeOrdered()
            planned.append(Planned(id: id, start: start, days: days, channels: channels))
            rows.append([SQLBind(id), SQLBind("CB\(seed)-\(i)"), SQLBind("bench-\(seed)-\(i)"), SQLBind("基准活动 \(i)"), SQLBind(CampaignType.allCases[i % 7].rawValue),
                         SQLBind(status.rawValue), SQLBind(GoalMetric.leads.rawValue), SQLBind(Int64(200 + random(800))), SQLBind(""), SQLBind("制造企业"),
                         SQLBind(channels.joined(separator: ",")), SQLBind("全年投放"), SQLBind(Int64(10_000 + random(490_000)) * 100), SQLLiteral.null,
                         SQLBind(first.description), SQLBind(last.description), SQLBind(owners[i % owners.count]), SQLBind(""), SQLBind(""),
                         SQLBind(true), SQLBind(now), SQLBind(1)])
        }
        let campaignRows = rows
        try await db.writeTransaction { db in try await (db as! any SQLDatabase).insert(into: Campaign.schema, columns: columns, rows: campaignRows, batch: 500) }
        progress("campaigns: \(count)")

        // Daily figures of the days each campaign has run, every channel: an equal share each, a
        // campaign with fewer days so far leaving its remainder to the others.
        let metricColumns = CampaignMetrics.columns
        var remaining = metricDays, written = 0
        var batch: [[any SQLExpression]] = []
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let chunk = batch
            batch = []
            try await db.writeTransaction { db in try await (db as! any SQLDatabase).insert(into: CampaignMetrics.table, columns: metricColumns, rows: chunk, batch: 1_000) }
            written += chunk.count
            progress("campaign metrics: \(written)")
        }
        let byHistory = planned.sorted { min($0.days, -$0.start + 1) * $0.channels.count < min($1.days, -$1.start + 1) * $1.channels.count }
        for (n, p) in byHistory.enumerated() {
            let quota = remaining / (byHistory.count - n)
            let ranDays = min(p.days, -p.start + 1)
            let days = min(ranDays, quota / max(p.channels.count, 1))
            for offset in 0..<max(days, 0) {
                let day = SalesCalendar.adding(days: p.start + offset, to: today).description
                for channel in p.channels {
                    let impressions = Int64(1_000 + random(20_000)), clicks = impressions * Int64(1 + random(4)) / 100
                    batch.append([SQLBind(p.id), SQLBind(channel), SQLBind(day), SQLBind(impressions), SQLBind(clicks), SQLBind(clicks * 6 / 10),
                                  SQLBind(Int64(random(6))), SQLBind(clicks * Int64(100 + random(300)))])
                }
                if batch.count >= 50_000 { try await flush() }
            }
            remaining -= days * p.channels.count
        }
        try await flush()

        // Spend: an invoice a month while each campaign ran.
        var spend: [[any SQLExpression]] = []
        for p in planned {
            for offset in stride(from: 0, to: min(p.days, -p.start + 1), by: 30) {
                let amount = Int64(2_000 + random(30_000)) * 100
                spend.append([SQLBind(UUID.timeOrdered()), SQLBind(p.id), SQLLiteral.null, SQLBind(SalesCalendar.adding(days: p.start + offset, to: today).description),
                              SQLBind("CNY"), SQLBind(amount), SQLLiteral.null, SQLBind(amount), SQLBind("月度投放"), SQLLiteral.null, SQLBind(1)])
            }
        }
        let spendRows = spend
        try await db.writeTransaction { db in
            try await (db as! any SQLDatabase).insert(into: CampaignSpend.schema, columns: ["id", "campaign_id", "partner_id", "spent_on", "currency", "amount", "rate",
                                                                                          "cny_fen", "note", "created_by", "version"], rows: spendRows, batch: 1_000)
        }

        // Leads: touches on the existing customers while each campaign ran.
        let touchColumns = ["id", "campaign_id", "customer_id", "contact_id", "kind", "utm_source", "at", "on_day", "privacy_notice_version"]
        for start in stride(from: 0, to: customers.isEmpty ? 0 : leads, by: 50_000) {
            let end = min(start + 50_000, leads)
            var batch: [[any SQLExpression]] = []
            for k in start..<end {
                let p = planned[k % planned.count]
                let offset = p.start + random(min(p.days, -p.start + 1))
                let at = SalesCalendar.adding(days: offset, to: today).startInChina.addingTimeInterval(Double(8 * 3600 + random(10 * 3600)))
                batch.append([SQLBind(UUID.timeOrdered()), SQLBind(p.id), SQLBind(customers[k % customers.count]), SQLLiteral.null, SQLBind(TouchKind.form.rawValue),
                              SQLBind(["wechat", "baidu", "douyin"][k % 3]), SQLBind(at), SQLBind(CivilDate.on(at).description), SQLBind(policy.effectivePrivacyNoticeVersion)])
            }
            let chunk = batch
            try await db.writeTransaction { db in try await (db as! any SQLDatabase).insert(into: CampaignTouch.schema, columns: touchColumns, rows: chunk, batch: 2_000) }
            progress("campaign leads: \(end)")
        }
        let won = try await app.policy.current(on: db).effectiveSales.pipeline.wonStageKeys
        try await db.writeTransaction { db in
            try await CampaignCredits.rebuild(wonStages: won, on: db)
            try await CampaignRollUps.rebuild(wonStages: won, on: db)
        }
        try await db.analyze()
    }
}
