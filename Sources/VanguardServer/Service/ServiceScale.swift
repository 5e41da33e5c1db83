import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Service data at scale for the benchmarks (issue 5's speed targets): a year of tickets on the
/// existing customers, a tenth of them still open with their due times around now, surveys on
/// closed ones; and birthdays on contacts (with their customers marked as bought) for the care
/// job. Deterministic from a seed; multi-row INSERTs in large transactions.
enum ServiceScale {
    static func generate(_ app: Application, tickets: Int, careContacts: Int, seed: UInt64, progress: (String) -> Void) async throws {
        let db = app.db
        guard let sql = db as? any SQLDatabase, let serviceGroup = try await TicketService.serviceGroup(on: db) else { return }
        let agents = try await Member.query(on: db).filter(\.$group.$id == serviceGroup).all().compactMap(\.id)
        let customers = try await sql.raw("SELECT id FROM \(ident: Customer.schema) WHERE deleted_at IS NULL").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !agents.isEmpty, !customers.isEmpty else { return }
        let causes = TicketRules.standardCauses.map(\.key)
        let now = app.clock.now()
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let columns = ["id", "number", "type", "channel", "priority", "status", "subject", "description", "customer_id", "assignee_member_id", "cause", "resolution",
                       "opened_at", "first_response_at", "resolved_at", "closed_at", "response_due_at", "resolution_due_at", "due_key", "warn_at", "breach_at",
                       "response_breached", "resolution_breached", "version"]
        let surveyColumns = ["id", "ticket_id", "token", "sent_at", "answered_at", "score", "comment"]
        let subjects = ["到货破损", "安装延误", "发票错误", "设备噪音", "保修咨询", "价格咨询", "对账差异", "更换配件", "使用培训", "物流查询"]
        for start in stride(from: 0, to: tickets, by: 50_000) {
            let end = min(start + 50_000, tickets)
            var rows: [[any SQLExpression]] = [], surveys: [[any SQLExpression]] = []
            for i in start..<end {
                let id = UUID.timeOrdered()
                let open = i % 10 == 0
                let type = pick(TicketType.allCases), channel = pick(TicketChannel.allCases)
                let opened = open ? now.addingTimeInterval(-Double(rng.next() % (3 * 86_400))) : now.addingTimeInterval(-Double(rng.next() % (365 * 86_400)) - 86_400)
                let responded = opened.addingTimeInterval(Double(300 + rng.next() % 7_200))
                let resolved = responded.addingTimeInterval(Double(3_600 + rng.next() % (3 * 86_400)))
                let status: TicketStatus = open ? pick([.new, .acknowledged, .inProgress, .waitingOnDepartment]) : .closed
                let responseDue = opened.addingTimeInterval(3_600), resolutionDue = opened.addingTimeInterval(2 * 86_400)
                let null = SQLLiteral.null
                func date(_ d: Date?) -> any SQLExpression { d.map { SQLBind($0) } ?? null }
                let firstResponse: Date? = status == .new ? nil : min(responded, now)
                let running: [Date] = open ? [firstResponse == nil ? responseDue : nil, resolutionDue].compactMap { $0 } : []
                rows.append([SQLBind(id), SQLBind("TB\(seed)-\(i)"), SQLBind(type.rawValue), SQLBind(channel.rawValue), SQLBind(i % 17 == 0 ? "high" : "normal"),
                             SQLBind(status.rawValue), SQLBind(pick(subjects)), SQLBind(""), SQLBind(pick(customers)), SQLBind(pick(agents)),
                             open ? null : SQLBind(pick(causes)), SQLBind(open ? "" : "已处理"), SQLBind(opened), date(firstResponse),
                             date(open ? nil : resolved), date(open ? nil : resolved.addingTimeInterval(3_600)),
                             date(open && firstResponse == nil ? responseDue : nil), date(open ? resolutionDue : nil),
                             SQLBind(running.min().map(TicketService.dueKey) ?? TicketService.nothingDue),
                             date(open ? running.min()?.addingTimeInterval(-1_800) : nil), date(running.min()),
                             SQLBind(!open && responded > responseDue), SQLBind(!open && resolved > resolutionDue), SQLBind(1)])
                if !open && i % 3 == 0 {
                    let sent = resolved.addingTimeInterval(3_600)
                    let answered = i % 2 == 0
                    surveys.append([SQLBind(UUID.timeOrdered()), SQLBind(id), SQLBind(Secrets.token(prefix: "")), SQLBind(sent), date(answered ? sent.addingTimeInterval(7_200) : nil),
                                    answered ? SQLBind(Int(1 + rng.next() % 5)) : null, SQLBind("")])
                }
            }
            let (batch, answers) = (rows, surveys)
            try await db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: Ticket.schema, columns: columns, rows: batch, batch: 1_000)
                try await sql.insert(into: SatisfactionSurvey.schema, columns: surveyColumns, rows: answers, batch: 2_000)
            }
            progress("tickets: \(end)")
        }
        try await db.writeTransaction { db in try await ServiceDays.rebuild(on: db) }
        if careContacts > 0 {
            // Contacts with birthdays (a fifth of them lunar) on the first customers, which become
            // bought customers (the care rules look at those), those with a lunar-birthday contact key (class A).
            let contactColumns = ["id", "customer_id", "name", "title", "mobile", "phone_key", "email", "wechat", "birthday", "birthday_calendar", "is_primary",
                                  "notes", "name_order", "version", "created_at", "updated_at", "deleted_at"]
            let targets = Array(customers.prefix(careContacts))
            for start in stride(from: 0, to: careContacts, by: 50_000) {
                let end = min(start + 50_000, careContacts)
                var rows: [[any SQLExpression]] = []
                for k in start..<end {
                    let birthday = String(format: "19%02d-%02d-%02d", 60 + Int(rng.next() % 40), 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
                    let name = "联系人\(k)"
                    rows.append([SQLBind(UUID.timeOrdered()), SQLBind(targets[k % targets.count]), SQLBind(name), SQLBind("经理"), SQLLiteral.null, SQLLiteral.null,
                                 SQLLiteral.null, SQLLiteral.null, SQLBind(birthday), SQLBind(k % 5 == 0 ? "lunar" : "gregorian"), SQLBind(false),
                                 SQLBind(""), SQLBind(PinyinOrder.key(name)), SQLBind(1), SQLBind(now), SQLBind(now), SQLLiteral.null])
                }
                let batch = rows
                try await db.writeTransaction { db in
                    try await (db as! any SQLDatabase).insert(into: Contact.schema, columns: contactColumns, rows: batch, batch: 1_000)
                }
            }
            try await db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                try await sql.raw("""
                    UPDATE \(ident: Customer.schema) SET status = 'customer', class = 'B'
                    WHERE id IN (SELECT customer_id FROM \(ident: Contact.schema) WHERE birthday IS NOT NULL)
                    """).run()
                try await sql.raw("""
                    UPDATE \(ident: Customer.schema) SET class = 'A'
                    WHERE id IN (SELECT customer_id FROM \(ident: Contact.schema) WHERE birthday_calendar = 'lunar')
                    """).run()
            }
            progress("care contacts: \(careContacts)")
        }
        try await db.analyze()
    }
}
