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
        guard from <= through, let sql = app.backgroundDB as? any SQLDatabase else { return 0 }
        let rules = try await app.policy.current(on: app.backgroundDB).effectiveService.careRules
        let customers = try await candidates(sql)
        let tasks = rules.tasks(from: from, through: through, for: customers)
        guard !tasks.isEmpty else { return 0 }
        let columns = ["id", "dedupe_key", "kind", "customer_id", "contact_id", "festival", "occasion", "due_on", "message_zh_hans", "message_zh_hant",
                       "message_en", "status", "outcome", "created_at", "version"]
        let rows: [[any SQLExpression]] = tasks.compactMap { task in
            guard let customer = UUID(uuidString: task.customerId) else { return nil }
            return [SQLBind(UUID.timeOrdered()), SQLBind(task.dedupeKey), SQLBind(task.kind.rawValue), SQLBind(customer),
                    task.contactId.flatMap(UUID.init(uuidString:)).map { SQLBind($0) } ?? SQLLiteral.null,
                    task.festival.map { SQLBind($0.rawValue) } ?? SQLLiteral.null, SQLBind(task.occasion.description), SQLBind(task.dueOn.description),
                    SQLBind(task.message.zhHans), SQLBind(task.message.zhHant), SQLBind(task.message.en), SQLBind(CareTaskStatus.open.rawValue),
                    SQLBind(""), SQLBind(now), SQLBind(1)]
        }
        // RETURNING names only the rows inserted, not those the dedupe key turned away.
        return try await app.backgroundDB.writeTransaction { db in
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

    /// Customers who bought (prospects are the sellers' to court), with their last visit, the
    /// latest visit already on the care list and their contacts' birthdays: two queries, however
    /// many customers there are, read from the driver's cells (`ListRow`) because at 200,000
    /// customers the generic row decoder was most of the job's time.
    static func candidates(_ sql: any SQLDatabase) async throws -> [CareCustomer] {
        let visits = "\(SalesActivity.schema) a WHERE a.kind = '\(ActivityKind.visit.rawValue)' AND a.deleted_at IS NULL"
        let listed = "\(CareTaskRecord.schema) t WHERE t.kind = '\(CareTask.Kind.returnVisit.rawValue)'"
        var q = sql.select()
            .column(SQLColumn("id", table: "c")).column(SQLColumn("name", table: "c")).column(SQLColumn("class", table: "c"))
            .column(SQLColumn("created_at", table: "c"))
            .from(SQLAlias(SQLIdentifier(Customer.schema), as: SQLIdentifier("c")))
        // The same figures two ways, each its database's faster one at 200,000 customers:
        // PostgreSQL hash-joins two grouped scans (1.1 s, against 2.9 s for a look-up per
        // customer); SQLite does better with a look-up per customer (3–4.7 s, against 5.6–6 s).
        if sql.isPostgres {
            q = q.column(SQLRaw("v.last_visit AS last_visit")).column(SQLRaw("l.listed AS visit_listed"))
                .join(SQLRaw("(SELECT a.customer_id, MAX(a.occurred_on) AS last_visit FROM \(visits) GROUP BY a.customer_id) v"),
                      method: SQLJoinMethod.left, on: SQLRaw("v.customer_id = c.id"))
                .join(SQLRaw("(SELECT t.customer_id, MAX(t.due_on) AS listed FROM \(listed) GROUP BY t.customer_id) l"),
                      method: SQLJoinMethod.left, on: SQLRaw("l.customer_id = c.id"))
        } else {
            q = q.column(SQLRaw("(SELECT MAX(a.occurred_on) FROM \(visits) AND a.customer_id = c.id) AS last_visit"))
                .column(SQLRaw("(SELECT MAX(t.due_on) FROM \(listed) AND t.customer_id = c.id) AS visit_listed"))
        }
        let customerRows = try await ListRow.all(q
            .where(SQLColumn("deleted_at", table: "c"), .is, SQLLiteral.null)
            .where(SQLColumn("status", table: "c"), .equal, SQLBind(CustomerStatus.customer.rawValue)))
        var customers: [UUID: CareCustomer] = [:]
        customers.reserveCapacity(customerRows.count)
        for r in customerRows {
            let id = try r.uuid("id")
            customers[id] = CareCustomer(id: id.uuidString, name: try r.string("name"), customerClass: try r.string("class"),
                                         since: CivilDate.on(try r.optionalDate("created_at") ?? Date(timeIntervalSince1970: 0)),
                                         lastVisit: try r.optionalString("last_visit").flatMap(CivilDate.init),
                                         visitListedThrough: try r.optionalString("visit_listed").flatMap(CivilDate.init))
        }
        let contactRows = try await ListRow.all(sql.select()
            .columns(["id", "customer_id", "name", "birthday", "birthday_calendar"].map { SQLColumn($0) })
            .from(Contact.schema)
            .where("birthday", .isNot, SQLLiteral.null)
            .where("deleted_at", .is, SQLLiteral.null))
        for r in contactRows {
            let customer = try r.uuid("customer_id")
            guard customers[customer] != nil, let text = try r.optionalString("birthday") else { continue }
            let calendar = BirthdayCalendar(rawValue: try r.string("birthday_calendar")) ?? .gregorian
            customers[customer]!.contacts.append(CareContact(id: try r.uuid("id").uuidString, name: try r.string("name"),
                                                             birthday: ContactBirthday(text, calendar: calendar)))
        }
        return customers.values.sorted { $0.id < $1.id }
    }
}
