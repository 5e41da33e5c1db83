import Fluent
import Vapor
import VanguardCore

/// `/api/v1/quotes`: quotes for deals (SP-3, RSK-S1). A status change is a PATCH with
/// `{"status": …}`; a move the rules refuse is a 409 that says why.
struct QuotesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let quotes = routes.grouped("quotes")
        quotes.get(use: list)
        quotes.get("export", use: { try await SalesExport.quotes(req: $0, strict: true) })
        quotes.post(use: create)
        quotes.get(":id", use: show)
        quotes.patch(":id", use: update)
        quotes.delete(":id", use: delete)
        quotes.get(":id", "history", use: history)
    }

    static let sortable = ["number", "validUntil"]

    func list(req: Request) async throws -> PageOf<QuoteDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: Self.sortable, defaultSort: "number")
        let q = try QuoteList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: true)
        let rows = try await list.apply(to: q, column: list.sortField == "validUntil" ? "valid_until" : "number").all()
        let ids = rows.compactMap(\.id)
        let lines = Dictionary(grouping: try await QuoteLineRecord.query(on: req.db).filter(\.$quote.$id ~~ ids).all(), by: { $0.$quote.id })
        return list.page(rows, value: { list.sortField == "validUntil" ? $0.validUntil : $0.number }, id: { $0.id },
                         map: { QuoteDTO($0, lines: lines[$0.id!] ?? []) })
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let input = try req.decodeJSON(QuoteInput.self)
        let deal = try await Self.deal(input.opportunityId, req: req)
        let (q, lines) = try await QuoteService.create(input, deal: deal, req: req)
        return try QuoteDTO(q, lines: lines).created(at: "/api/v1/quotes/\(q.id!)", version: q.version)
    }

    /// The deal a new quote is for: it must exist, and the caller must be allowed to read it.
    static func deal(_ id: UUID?, req: Request) async throws -> Opportunity {
        guard let id else { throw Problem.invalid("opportunityId", "required", "Which deal is this quote for?") }
        guard let deal = try await Opportunity.find(id, on: req.db) else {
            throw Problem.invalid("opportunityId", "unknownOpportunity", "No opportunity with this id.")
        }
        try req.authorize(.read, .salesRecord(try await OpportunityService.facts(deal, on: req.db)))
        return deal
    }

    func show(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req)
        try req.authorize(.read, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        return try QuoteDTO(q, lines: try await QuoteService.lines(q, on: req.db)).response(version: q.version)
    }

    func update(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req)
        try req.authorize(.update, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        let input = try req.decodeJSON(QuoteInput.self)
        if let id = input.opportunityId, id != q.$opportunity.id {
            throw Problem.invalid("opportunityId", "readOnly", "A quote stays with its deal; make a new quote for another deal.")
        }
        let (saved, lines) = try await QuoteService.update(q, input, req: req)
        return try QuoteDTO(saved, lines: lines).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let q = try await QuoteService.find(req)
        try req.authorize(.delete, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        try await QuoteService.delete(q, req: req)
        return .noContent
    }

    func history(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req, withDeleted: true)
        try req.authorize(.read, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        return try await AuditAPI.page(req, entityType: "quote", entityId: q.id!, hidden: [])
    }
}

/// The quotes list's query, shared by the API and the page: the reader's scope, then a deal, a
/// customer or a status (the ones awaiting the lead's approval, RSK-S1).
enum QuoteList {
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<Quote> {
        let q = Quote.query(on: db ?? req.db).inSalesScope(scope, viaCustomer: true)
        if let v = try req.queryUUID("opportunityId", strict: strict) { q.filter(\.$opportunity.$id == v) }
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let v = try req.queryChoice("status", from: QuoteStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        return q
    }
}
