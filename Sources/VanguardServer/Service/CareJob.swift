import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Relationship care (CP-4), once a day at 06:00 China time: the return visits, birthday wishes
/// and festival greetings due from the day after the last run through today, by the rules in the
/// policy pack. Each task is created once (its dedupe key is unique), so a rerun or a catch-up
/// after downtime adds only what is missing.
enum CareJob {
    static let job = JobSpec(name: "care-daily", cadence: .daily(hour: 6)) { app, job, now in
        let today = CivilDate.on(now)
        // Catch up at most a month: older occasions are past helping.
        let floor = SalesCalendar.adding(days: -30, to: today)
        let from = job.coveredThrough.flatMap(CivilDate.init).map { SalesCalendar.adding(days: 1, to: $0) }.map { max($0, floor) } ?? today
        let created = try await run(app, from: from, through: today, now: now)
        job.coveredThrough = today.description
        return "\(created) care tasks for \(from)…\(today)"
    }

    /// Creates the care tasks due from `from` through `through`; returns how many were new.
    static func run(_ app: Application, from: CivilDate, through: CivilDate, now: Date) async throws -> Int {
        guard from <= through, let sql = app.db as? any SQLDatabase else { return 0 }
        let rules = try await app.policy.current(on: app.db).effectiveService.careRules
        let customers = try await candidates(sql)
        let tasks = rules.tasks(from: from, through: through, for: customers)
        guard !tasks.isEmpty else { return 0 }
        let columns = ["id", "dedupe_key", "kind", "customer_id", "contact_id", "festival", "occasion", "due_on", "message_zh_hans", "message_zh_hant",
                       "message_en", "status", "outcome", "created_at", "version"]
        let rows: [[any SQLExpression]] = tasks.compactMap { task in
            guard let customer = UUID(uuidString: task.customerId) else { return nil }
            return [SQLBind(UUID()), SQLBind(task.dedupeKey), SQLBind(task.kind.rawValue), SQLBind(customer),
                    task.contactId.flatMap(UUID.init(uuidString:)).map { SQLBind($0) } ?? SQLLiteral.null,
                    task.festival.map { SQLBind($0.rawValue) } ?? SQLLiteral.null, SQLBind(task.occasion.description), SQLBind(task.dueOn.description),
                    SQLBind(task.message.zhHans), SQLBind(task.message.zhHant), SQLBind(task.message.en), SQLBind(CareTaskStatus.open.rawValue),
                    SQLBind(""), SQLBind(now), SQLBind(1)]
        }
        // RETURNING names only the rows inserted, not those the dedupe key turned away.
        return try await app.db.writeTransaction { db in
            let sql = db as! any SQLDatabase
            var created = 0
            for batch in rows.chunked(500) {
                var insert = sql.insert(into: CareTaskRecord.schema).columns(columns)
                for row in batch { insert = insert.values(row) }
                created += try await insert.ignoringConflicts(with: ["dedupe_key"]).returning("id").all().count
            }
            if created > 0 {
                try await Audit.system(.create, "careTask", id: nil, label: "\(created) care tasks for \(from)…\(through)", after: nil, at: now, on: db)
            }
            return created
        }
    }

    /// Customers who bought (prospects are the sellers' to court), with their last visit and
    /// their contacts' birthdays: three queries, however many customers there are.
    static func candidates(_ sql: any SQLDatabase) async throws -> [CareCustomer] {
        let customerRows = try await sql.raw("""
            SELECT c.id, c.name, c.class, c.created_at,
                   (SELECT MAX(a.occurred_on) FROM \(ident: SalesActivity.schema) a WHERE a.customer_id = c.id AND a.kind = 'visit' AND a.deleted_at IS NULL) AS last_visit
            FROM \(ident: Customer.schema) c
            WHERE c.deleted_at IS NULL AND c.status = \(bind: CustomerStatus.customer.rawValue)
            """).all()
        var customers: [UUID: CareCustomer] = [:]
        for r in customerRows {
            let id = try r.decode(column: "id", as: UUID.self)
            let created = try r.decode(column: "created_at", as: Date?.self) ?? Date(timeIntervalSince1970: 0)
            customers[id] = CareCustomer(id: id.uuidString, name: try r.decode(column: "name", as: String.self),
                                         customerClass: try r.decode(column: "class", as: String.self), since: CivilDate.on(created),
                                         lastVisit: try r.decode(column: "last_visit", as: String?.self).flatMap(CivilDate.init))
        }
        let contactRows = try await sql.raw("""
            SELECT id, customer_id, name, birthday, birthday_calendar FROM \(ident: Contact.schema)
            WHERE birthday IS NOT NULL AND deleted_at IS NULL
            """).all()
        for r in contactRows {
            let customer = try r.decode(column: "customer_id", as: UUID.self)
            guard customers[customer] != nil, let text = try r.decode(column: "birthday", as: String?.self) else { continue }
            let calendar = BirthdayCalendar(rawValue: try r.decode(column: "birthday_calendar", as: String.self)) ?? .gregorian
            customers[customer]!.contacts.append(CareContact(id: try r.decode(column: "id", as: UUID.self).uuidString,
                                                             name: try r.decode(column: "name", as: String.self),
                                                             birthday: ContactBirthday(text, calendar: calendar)))
        }
        return customers.values.sorted { $0.id < $1.id }
    }
}
