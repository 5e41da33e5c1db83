import Fluent
import SQLKit
import Vapor
import VanguardCore

/// The deal lists' shared filters and sort (the list, the board and the export).
enum OpportunityList {
    /// Filters shared by the list, the board and the export: stage, owner, customer, text, closing window.
    /// `viaCustomer: false` (the board) shows the deals the reader's people own: their pipeline.
    static func filtered(_ req: Request, scope: RecordScope, pipeline: Pipeline, strict: Bool, viaCustomer: Bool = true,
                         on db: (any Database)? = nil) throws -> QueryBuilder<Opportunity> {
        let f = try Filters(req, pipeline: pipeline, strict: strict)
        let q = Opportunity.query(on: db ?? req.db).inSalesScope(scope, viaCustomer: viaCustomer)
        if let v = f.stage { q.filter(\.$stage == v) }
        if let v = f.ownerId { q.filter(\.$ownerMemberId == v) }
        if let v = f.customerId { q.filter(\.$customer.$id == v) }
        q.search(f.text, in: ["title"])
        if let v = f.closeFrom { q.filter(\.$expectedClose >= v) }
        if let v = f.closeTo { q.filter(\.$expectedClose <= v) }
        return q
    }

    /// The request's filters, checked once; `filtered` applies them to a Fluent query, the board's
    /// `where` to an SQLKit one, so both filter alike.
    struct Filters {
        var stage: String?
        var ownerId: UUID?
        var customerId: UUID?
        var text: String?
        var closeFrom: String?
        var closeTo: String?

        init(_ req: Request, pipeline: Pipeline, strict: Bool) throws {
            stage = try req.queryChoice("stage", from: pipeline.stages.map(\.key), strict: strict)
            ownerId = try req.queryUUID("ownerId", strict: strict)
            customerId = try req.queryUUID("customerId", strict: strict)
            text = try req.queryText("q")
            func date(_ name: String) throws -> String? {
                guard let raw = req.queryString(name), !(raw.isEmpty && !strict) else { return nil }
                guard CivilDate(raw) != nil else { throw Request.queryProblem(name, "invalidDate", "Use a date as yyyy-MM-dd.") }
                return raw
            }
            closeFrom = try date("closeFrom")
            closeTo = try date("closeTo")
        }

        /// The same filters, the reader's pipeline (`inSalesScope(viaCustomer: false)`) and the
        /// soft-delete rule on an SQLKit select from `opportunities`.
        func apply(to q: SQLSelectBuilder, scope: RecordScope) -> SQLSelectBuilder {
            var q = q.where(SQLColumn("deleted_at"), .is, SQLLiteral.null)
            switch scope {
            case .all: break
            case .nothing: q = q.where(SQLQueryString("1 = 0"))
            case .owners(let member, let group):
                q = q.where(SQLQueryString("(") + SalesScopeSQL.owned(column: SQLQueryString("\(ident: Opportunity.schema).owner_member_id"), member: member, group: group) + SQLQueryString(")"))
            }
            if let v = stage { q = q.where("stage", .equal, v) }
            if let v = ownerId { q = q.where("owner_member_id", .equal, v) }
            if let v = customerId { q = q.where("customer_id", .equal, v) }
            if let pattern = likePattern(text) { q = q.where(SQLQueryString("lower(\(ident: Opportunity.schema).title) LIKE \(bind: pattern) ESCAPE '\\'")) }
            if let v = closeFrom { q = q.where("expected_close", .greaterThanOrEqual, v) }
            if let v = closeTo { q = q.where("expected_close", .lessThanOrEqual, v) }
            return q
        }
    }
}
