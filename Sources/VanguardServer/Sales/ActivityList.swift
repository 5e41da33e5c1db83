import Fluent
import SQLKit
import Vapor
import VanguardCore

/// The activities list's query, shared by the API and the export (SP-2): the reader's scope,
/// then a customer, deal, owner, kind, open follow-ups, and the days they happened (`from`, `to`,
/// both included: a week's visits for the weekly report).
enum ActivityList {
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<SalesActivity> {
        let q = SalesActivity.query(on: db ?? req.db).inSalesScope(scope, viaCustomer: true)
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customer.$id == v) }
        if let v = try req.queryUUID("opportunityId", strict: strict) { q.filter(\.$opportunityId == v) }
        if let v = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == v) }
        if let v = try req.queryChoice("kind", from: ActivityKind.allCases.map(\.rawValue), strict: strict) { q.filter(\.$kind == v) }
        if let due = try req.queryChoice("due", from: ["today", "overdue", "open"], strict: strict) {
            let today = req.today.description
            q.filter(\.$nextStepDoneAt == nil).filter(\.$nextStepOn != nil)
            if due == "today" { q.filter(\.$nextStepOn == today) }
            if due == "overdue" { q.filter(\.$nextStepOn < today) }
        }
        let from = try day("from", req, strict: strict), to = try day("to", req, strict: strict)
        if let from, let to, to < from { throw Request.queryProblem("to", "beforeFrom", "The last day comes before the first (\(from)).") }
        if let from { q.filter(\.$occurredOn >= from.description) }
        if let to { q.filter(\.$occurredOn <= to.description) }
        return q
    }

    /// A day as yyyy-MM-dd, or a 400 naming the parameter.
    static func day(_ name: String, _ req: Request, strict: Bool) throws -> CivilDate? {
        guard let raw = req.queryString(name), !(raw.isEmpty && !strict) else { return nil }
        guard let day = CivilDate(raw) else { throw Request.queryProblem(name, "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return day
    }
}

/// The whole team's activities newest first, and a period's: an index on the day (and id, the
/// list's tie-break). Without it each page sorted every activity in scope (0.53 s for the first
/// page at 2 M activities on PostgreSQL; 0.3 ms with it). No import writes activities, so it
/// costs only each one recorded.
struct ActivitiesByDay: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.index("activities_occurred", on: SalesActivity.schema, ["occurred_on", "id"])
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "activities_occurred").run()
    }
}

extension SalesExport {
    /// The activities list as CSV or XLSX, newest first, with its filters: a week's visits and
    /// calls with what was learned and the next steps, for the weekly report.
    static func activities(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["occurredOn", "activityKind", "customer", "contact", "owner", "activitySummary", "customerNeeds", "nextStep", "nextStepOn", "nextStepDone"].map(req.t)
        return try await ListExport<SalesActivity>(name: "activities", sheet: req.t("activities"), header: header, rows: { db in
            try ActivityList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$occurredOn, .descending).sort(\.$id, .descending)
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.map(\.$customer.id)), on: db)
            let owners = try await SalesNames.members(rows.compactMap(\.ownerMemberId), on: db)
            var contacts: [UUID: String] = [:]
            for chunk in Array(Set(rows.compactMap(\.contactId))).chunked(500) {
                for c in try await Contact.query(on: db).withDeleted().filter(\.$id ~~ chunk).field(\.$id).field(\.$name).all() { contacts[c.id!] = c.name }
            }
            return rows.map { a -> [String] in
                [a.occurredOn, req.t("activity_" + a.kind), customers[a.$customer.id] ?? "", a.contactId.flatMap { contacts[$0] } ?? "",
                 a.ownerMemberId.flatMap { owners[$0] } ?? "", a.summary, a.needs, a.nextStep, a.nextStepOn ?? "", a.nextStepDoneAt == nil ? "" : req.t("yes")]
            }
        }).response(req, format: format)
    }
}
