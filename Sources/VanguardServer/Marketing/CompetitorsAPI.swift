import Fluent
import SQLKit
import Vapor
import VanguardCore

/// `/api/v1/competitors` (MKT-2, LEAD-4): competitor profiles with their products and prices.
struct CompetitorsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("competitors")
        c.get(use: list)
        c.post(use: create)
        c.get(":id", use: show)
        c.patch(":id", use: update)
        c.delete(":id", use: delete)
        c.post(":id", "restore", use: restore)
        c.get(":id", "history", use: history)
        c.post(":id", "products", use: addProduct)
        c.patch(":id", "products", ":productId", use: updateProduct)
        c.delete(":id", "products", ":productId", use: deleteProduct)
    }

    static func query(_ req: Request, strict: Bool) throws -> (ListRequest, QueryBuilder<Competitor>) {
        let list = try ListRequest.parse(req, sortable: ["name"], defaultSort: "name")
        let q = Competitor.query(on: req.db).search(try req.queryText("q"), in: ["name", "segment", "notes"])
        if let owner = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == owner) }
        return (list, list.apply(to: q, column: "name"))
    }

    func list(req: Request) async throws -> PageOf<CompetitorDTO> {
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(nil, on: req.db)))
        let (list, q) = try Self.query(req, strict: true)
        let page = list.cut(try await q.all(), value: { $0.name }, id: { $0.id })
        let products = try await CompetitorService.products(of: page.shown.compactMap(\.id), on: req.db)
        return PageOf(items: page.shown.map { CompetitorDTO($0, products: products) }, nextCursor: page.next)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await CompetitorService.facts(nil, on: req.db)))
        let c = try await CompetitorService.save(CompetitorService.new(), try req.decodeJSON(CompetitorInput.self), creating: true, req: req)
        return try CompetitorDTO(c, products: []).created(at: "/api/v1/competitors/\(c.id!)", version: c.version)
    }

    func show(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        return try await CompetitorService.dto(c, on: req.db).response(version: c.version)
    }

    func update(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let saved = try await CompetitorService.save(c, try req.decodeJSON(CompetitorInput.self), creating: false, req: req)
        return try await CompetitorService.dto(saved, on: req.db).response(version: saved.version)
    }

    /// The competitor leaves the lists; its events and notes stay, and come back with it.
    func delete(req: Request) async throws -> HTTPStatus {
        let c = try await CompetitorService.find(req)
        try req.authorize(.delete, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        try await MarketingResearch.softDelete(c, type: "competitor", label: c.name, snapshot: try await CompetitorService.dto(c, on: req.db), req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        if c.deletedAt != nil, try await Competitor.query(on: req.db).filter(\.$name == c.name).filter(\.$id != c.id!).first() != nil {
            throw Problem.conflict("name", "duplicate", "Another competitor is now called \(c.name).")
        }
        try await MarketingResearch.restore(c, type: "competitor", label: c.name, req: req) { CompetitorDTO($0, products: []) }
        return try await CompetitorService.dto(c, on: req.db).response(version: c.version)
    }

    func history(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        return try await AuditAPI.page(req, entityType: "competitor", entityId: c.id!, hidden: [])
    }

    func addProduct(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let p = try await CompetitorService.saveProduct(CompetitorService.newProduct(of: c), try req.decodeJSON(CompetitorProductInput.self), creating: true, req: req)
        return try CompetitorProductDTO(p).created(at: "/api/v1/competitors/\(c.id!)/products/\(p.id!)", version: p.version)
    }

    func updateProduct(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let p = try await CompetitorService.findProduct(req, of: c)
        let saved = try await CompetitorService.saveProduct(p, try req.decodeJSON(CompetitorProductInput.self), creating: false, req: req)
        return try CompetitorProductDTO(saved).response(version: saved.version)
    }

    func deleteProduct(req: Request) async throws -> HTTPStatus {
        let c = try await CompetitorService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let p = try await CompetitorService.findProduct(req, of: c)
        try await MarketingResearch.softDelete(p, type: "competitorProduct", label: "\(c.name): \(p.name)", snapshot: CompetitorProductDTO(p), req: req)
        return .noContent
    }
}

/// `/api/v1/competitor-events` (MKT-2, RSK-M1, RSK-M2): dated competitor moves; a price change
/// sets the product's price and is checked by the market-risk rules as it is recorded.
struct CompetitorEventsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let e = routes.grouped("competitor-events")
        e.get(use: list)
        e.post(use: create)
        e.get(":id", use: show)
        e.patch(":id", use: update)
        e.delete(":id", use: delete)
        e.post(":id", "restore", use: restore)
        e.get(":id", "history", use: history)
    }

    /// Newest first by default: a competitor's timeline is `?competitorId=…`.
    static func query(_ req: Request, strict: Bool) throws -> (ListRequest, QueryBuilder<CompetitorEvent>) {
        let list = try ListRequest.parse(req, sortable: ["occurredOn"], defaultSort: "-occurredOn")
        let q = CompetitorEvent.query(on: req.db).search(try req.queryText("q"), in: ["title", "details", "product_name"])
        // A competitor in the recycle bin takes its events with it (they come back when it is restored).
        q.filter(.sql(SQLQueryString("\(ident: CompetitorEvent.schema).competitor_id IN (SELECT id FROM \(ident: Competitor.schema) WHERE deleted_at IS NULL)")))
        if let id = try req.queryUUID("competitorId", strict: strict) { q.filter(\.$competitorId == id) }
        if let kind = try req.queryChoice("kind", from: CompetitorEventKind.allCases.map(\.rawValue), strict: strict) { q.filter(\.$kind == kind) }
        for (name, op) in [("from", DatabaseQuery.Filter.Method.greaterThanOrEqual), ("to", .lessThanOrEqual)] {
            // The API refuses an empty date (the document says a date); the page's empty field means "any".
            guard let raw = req.queryString(name), !(raw.isEmpty && !strict) else { continue }
            guard raw.count <= 10, let day = CivilDate(raw) else { throw Request.queryProblem(name, "invalidDate", "A date like 2026-09-21.") }
            q.filter(\.$occurredOn, op, day.description)
        }
        return (list, list.apply(to: q, column: "occurred_on"))
    }

    func list(req: Request) async throws -> PageOf<CompetitorEventDTO> {
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(nil, on: req.db)))
        let (list, q) = try Self.query(req, strict: true)
        let locale = req.locale
        return list.page(try await q.all(), value: { $0.occurredOn }, id: { $0.id }, map: { CompetitorEventDTO($0, locale: locale) })
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(CompetitorEventInput.self)
        let c = try await input.competitorId.asyncFlatMap { try await Competitor.find($0, on: req.db) }
        try req.authorize(.create, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        guard let c else {
            try input.validate(creating: true, today: req.today).throwIfAny()
            throw Problem.invalid("competitorId", "notFound", "No competitor with that id.")
        }
        let (e, _) = try await CompetitorEventService.record(input, competitor: c, req: req)
        return try CompetitorEventDTO(e, locale: req.locale).created(at: "/api/v1/competitor-events/\(e.id!)", version: e.version)
    }

    func show(req: Request) async throws -> Response {
        let e = try await CompetitorEventService.find(req)
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(try await CompetitorEventService.competitor(of: e, on: req.db), on: req.db)))
        return try CompetitorEventDTO(e, locale: req.locale).response(version: e.version)
    }

    func update(req: Request) async throws -> Response {
        let e = try await CompetitorEventService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(try await CompetitorEventService.competitor(of: e, on: req.db), on: req.db)))
        let saved = try await CompetitorEventService.update(e, try req.decodeJSON(CompetitorEventInput.self), req: req)
        return try CompetitorEventDTO(saved, locale: req.locale).response(version: saved.version)
    }

    /// The event leaves the timeline; the product's price and any warning it raised stay as they are.
    func delete(req: Request) async throws -> HTTPStatus {
        let e = try await CompetitorEventService.find(req)
        try req.authorize(.delete, .marketingRecord(try await CompetitorService.facts(try await CompetitorEventService.competitor(of: e, on: req.db), on: req.db)))
        try await MarketingResearch.softDelete(e, type: "competitorEvent", label: e.title, snapshot: CompetitorEventDTO(e, locale: .en), req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let e = try await CompetitorEventService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await CompetitorService.facts(try await CompetitorEventService.competitor(of: e, on: req.db), on: req.db)))
        try await MarketingResearch.restore(e, type: "competitorEvent", label: e.title, req: req) { CompetitorEventDTO($0, locale: .en) }
        return try CompetitorEventDTO(e, locale: req.locale).response(version: e.version)
    }

    func history(req: Request) async throws -> Response {
        let e = try await CompetitorEventService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(try await CompetitorEventService.competitor(of: e, on: req.db), on: req.db)))
        return try await AuditAPI.page(req, entityType: "competitorEvent", entityId: e.id!, hidden: [])
    }
}
