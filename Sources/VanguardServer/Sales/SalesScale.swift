import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Sales data at scale for the benchmarks (issue 3, item 1; issue 4's speed targets): customers,
/// opportunities with their stage history, and activities, deterministic from a seed and written
/// with multi-row INSERTs in large transactions (not one request per row). Owners are the sales
/// group's members, so each salesperson's board and the team's funnel have realistic sizes.
enum SalesScale {
    static func generate(_ app: Application, customers: Int, opportunities: Int, activities: Int, seed: UInt64,
                         progress: (String) -> Void) async throws {
        let db = app.db
        guard let group = try await TeamGroup.query(on: db).filter(\.$key == "sales").first() else { return }
        let owners = try await Member.query(on: db).filter(\.$group.$id == group.id!).all().compactMap(\.id)
        guard !owners.isEmpty else { return }
        let pack = try await app.policy.current(on: db).effectiveSales
        let rules = pack.effectiveClassification
        let stages = pack.pipeline.stages
        let now = app.clock.now()
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let cities = ["上海", "北京", "深圳", "杭州", "苏州", "南京", "成都", "武汉", "厦门", "青岛", "宁波", "合肥", "长沙", "西安", "天津", "广州", "重庆", "郑州", "济南", "大连"]
        let words = Array("星辰海岸金石云帆青禾长江天府蓝海松石瑞丰恒信华腾明德嘉禾博远致远锦程中科新源安泰宏达永信鼎盛隆基万通汇丰盛世龙腾")
        let trades = ["科技", "电子", "机电", "食品", "物流", "医疗器械", "建筑工程", "贸易", "软件", "精密制造", "新材料", "环保设备", "化工", "纺织", "汽车配件"]
        let latin = ["Harbor", "Summit", "Pioneer", "Golden", "Blue Ocean", "Evergreen", "Silver", "Orient", "Phoenix", "Unity"]
        let sources = SourceChannel.allCases.map(\.rawValue), sizes = CustomerSize.allCases.map(\.rawValue), industries = pack.effectiveIndustries.map(\.key)
        let customerColumns = ["id", "name", "name_key", "kind", "uscc", "industry", "region", "size", "source", "status", "expected_annual_yuan", "score", "class",
                               "phone", "phone_key", "email", "address", "notes", "owner_member_id", "merged_into_id", "version", "created_at", "updated_at", "deleted_at", "search_text", "name_order"]
        var customerIds: [UUID] = []
        customerIds.reserveCapacity(customers)
        var customerOwner: [UUID] = []
        customerOwner.reserveCapacity(customers)
        // Batches of 1,000 rows (26,000 values, under SQLite's 32,766), 50 batches per transaction.
        for start in stride(from: 0, to: customers, by: 50_000) {
            let end = min(start + 50_000, customers)
            var batches: [[[any SQLExpression]]] = []
            var rows: [[any SQLExpression]] = []
            for i in start..<end {
                let id = UUID.timeOrdered()
                let name = i % 10 == 0 ? "\(pick(latin)) \(pick(trades)) \(i)" : pick(cities) + String(pick(words)) + String(pick(words)) + pick(trades) + "\(i)" + "有限公司"
                let size = pick(sizes), source = pick(sources)
                let annual = Int64([20_000, 80_000, 150_000, 400_000, 900_000, 2_000_000][Int(rng.next() % 6)])
                let score = rules.score(ProspectFacts(size: CustomerSize(rawValue: size), expectedAnnualYuan: annual, source: SourceChannel(rawValue: source)))
                let phone = String(format: "0%d-%08d", [21, 10, 755, 571, 512, 25, 28, 27][Int(rng.next() % 8)], (i * 7919) % 100_000_000)
                let owner = owners[i % owners.count]
                customerIds.append(id)
                customerOwner.append(owner)
                rows.append([SQLBind(id), SQLBind(name), SQLBind(DuplicateCustomers.nameKey(name)), SQLBind("company"), SQLLiteral.null, SQLBind(pick(industries)),
                             SQLBind(String(name.prefix(2))), SQLBind(size), SQLBind(source), SQLBind(CustomerStatus.prospect.rawValue), SQLBind(annual), SQLBind(score),
                             SQLBind(rules.classFor(score: score)), SQLBind(phone), SQLBind(DuplicateCustomers.phoneKey(phone)), SQLLiteral.null, SQLBind(""), SQLBind(""),
                             SQLBind(owner), SQLLiteral.null, SQLBind(1), SQLBind(now), SQLBind(now), SQLLiteral.null,
                             SQLBind(CustomerSearch.document(name: name, phoneKeys: [DuplicateCustomers.phoneKey(phone)])), SQLBind(PinyinOrder.key(name))])
                if rows.count == 1_000 { batches.append(rows); rows = [] }
            }
            if !rows.isEmpty { batches.append(rows) }
            let work = batches
            try await db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: Customer.schema, columns: customerColumns, rows: work.flatMap { $0 }, batch: 1_000)
            }
            progress("customers: \(end)")
        }
        let open = stages.filter { $0.outcome == .open }.map(\.key), won = stages.first { $0.outcome == .won }!.key, lost = stages.first { $0.outcome == .lost }!.key
        let dealColumns = ["id", "customer_id", "title", "owner_member_id", "stage", "amount_fen", "probability", "expected_close", "needs", "loss_reason", "source",
                           "stage_changed_at", "closed_on", "version", "created_at", "updated_at", "deleted_at"]
        let changeColumns = ["id", "opportunity_id", "from_stage", "to_stage", "changed_at", "changed_by", "amount_fen"]
        var dealIds: [(UUID, UUID)] = []
        dealIds.reserveCapacity(opportunities)
        for start in stride(from: 0, to: opportunities, by: 20_000) {
            let end = min(start + 20_000, opportunities)
            var deals: [[any SQLExpression]] = [], changes: [[any SQLExpression]] = []
            for i in start..<end {
                let c = Int(rng.next() % UInt64(max(customerIds.count, 1)))
                let id = UUID.timeOrdered(), owner = customerOwner[c]
                let roll = rng.next() % 100
                let stage = roll < 55 ? open[Int(rng.next() % UInt64(open.count))] : roll < 80 ? won : lost
                let created = now.addingTimeInterval(-Double(rng.next() % (365 * 86_400)))
                let path = Array(open.prefix(stage == won ? open.count : stage == lost ? 1 + Int(rng.next() % UInt64(open.count)) : (open.firstIndex(of: stage) ?? 0) + 1))
                let closedAt = created.addingTimeInterval(Double(path.count) * 7 * 86_400)
                let closedOn = stage == won || stage == lost ? CivilDate.on(closedAt).description : nil
                let close = CivilDate.on(created.addingTimeInterval(Double(30 + rng.next() % 150) * 86_400)).description
                let amount = Int64(10_000 + rng.next() % 990_000) * 100
                deals.append([SQLBind(id), SQLBind(customerIds[c]), SQLBind("商机\(i)"), SQLBind(owner), SQLBind(stage), SQLBind(amount), SQLLiteral.null,
                              SQLBind(closedOn ?? close), SQLBind(path.count > 2 ? "需求\(i)" : ""), stage == lost ? SQLBind("预算冻结") : SQLLiteral.null, SQLBind(pick(sources)),
                              SQLBind(closedAt), closedOn.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(1), SQLBind(created), SQLBind(created), SQLLiteral.null])
                var previous: String?
                for (k, s) in (path + (stage == won || stage == lost ? [stage] : [])).enumerated() {
                    changes.append([SQLBind(UUID.timeOrdered()), SQLBind(id), previous.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(s),
                                    SQLBind(created.addingTimeInterval(Double(k) * 7 * 86_400)), SQLLiteral.null, SQLBind(amount)])
                    previous = s
                }
                dealIds.append((id, customerIds[c]))
            }
            let (d, ch) = (deals, changes)
            try await db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: Opportunity.schema, columns: dealColumns, rows: d, batch: 1_000)
                try await sql.insert(into: StageChange.schema, columns: changeColumns, rows: ch, batch: 3_000)
            }
            progress("opportunities: \(end)")
        }
        let activityColumns = ["id", "customer_id", "contact_id", "opportunity_id", "kind", "occurred_on", "owner_member_id", "summary", "needs", "next_step",
                               "next_step_on", "next_step_done_at", "version", "created_at", "updated_at", "deleted_at"]
        let kinds = ActivityKind.allCases.map(\.rawValue)
        for start in stride(from: 0, to: activities, by: 50_000) {
            let end = min(start + 50_000, activities)
            var rows: [[any SQLExpression]] = []
            for _ in start..<end {
                let c = Int(rng.next() % UInt64(max(customerIds.count, 1)))
                let day = now.addingTimeInterval(-Double(rng.next() % (365 * 86_400)))
                let next = CivilDate.on(day.addingTimeInterval(7 * 86_400))
                rows.append([SQLBind(UUID.timeOrdered()), SQLBind(customerIds[c]), SQLLiteral.null, SQLLiteral.null, SQLBind(pick(kinds)), SQLBind(CivilDate.on(day).description),
                             SQLBind(customerOwner[c]), SQLBind("跟进"), SQLBind(""), SQLBind("回访"), SQLBind(next.description),
                             next < CivilDate.on(now) ? SQLBind(day) : SQLLiteral.null, SQLBind(1), SQLBind(day), SQLBind(day), SQLLiteral.null])
            }
            let work = rows
            try await db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: SalesActivity.schema, columns: activityColumns, rows: work, batch: 1_000)
            }
            progress("activities: \(end)")
        }
        progress("stage roll-up")
        try await db.writeTransaction { db in try await StageDays.rebuild(on: db) }
        try await db.analyze()
    }
}
