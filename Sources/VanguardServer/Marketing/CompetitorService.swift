import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Competitors, their products and prices, and their dated events (MKT-2, LEAD-4, RSK-M1).
enum CompetitorService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Competitor {
        try await MarketingResearch.find(Competitor.self, req, "competitor", withDeleted: withDeleted)
    }

    static func facts(_ c: Competitor?, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: c?.ownerMemberId, on: db)
    }

    static func products(of ids: [UUID], on db: any Database) async throws -> [CompetitorProduct] {
        guard !ids.isEmpty else { return [] }
        return try await CompetitorProduct.query(on: db).filter(\.$competitorId ~~ Set(ids)).sort(\.$name).all()
    }

    static func dto(_ c: Competitor, on db: any Database) async throws -> CompetitorDTO {
        CompetitorDTO(c, products: try await products(of: [c.id!], on: db))
    }

    static func new() -> Competitor {
        let c = Competitor()
        c.version = 1; c.website = ""; c.segment = ""; c.notes = ""
        return c
    }

    static func save(_ c: Competitor, _ input: CompetitorInput, creating: Bool, req: Request) async throws -> Competitor {
        try input.validate(creating: creating).throwIfAny()
        if case .value(let id) = input.ownerId, try await Member.find(id, on: req.db) == nil {
            throw Problem.invalid("ownerId", "notFound", "No member with that id.")
        }
        if !creating { try ETag.check(req, version: c.version) }
        let before = creating ? nil : try await dto(c, on: req.db)
        let products = creating ? [] : try await products(of: [c.id!], on: req.db)
        if let v = input.name { c.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.website { c.website = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.segment { c.segment = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.notes { c.notes = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        c.ownerMemberId = input.ownerId.applied(to: c.ownerMemberId)
        let (name, id) = (c.name, c.id)
        return try await MarketingResearch.write(c, creating: creating, type: "competitor", label: { $0.name }, before: before,
                                                 snapshot: { CompetitorDTO($0, products: products) }, req: req) { db in
            var dup = Competitor.query(on: db).withDeleted().filter(\.$name == name)
            if let id { dup = dup.filter(\.$id != id) }
            if try await dup.first() != nil { throw Problem.conflict("name", "duplicate", "Another competitor (perhaps in the recycle bin) is called \(name).") }
        }
    }

    // MARK: products

    static func findProduct(_ req: Request, of c: Competitor) async throws -> CompetitorProduct {
        let id = try req.uuid("productId", "competitor product")
        guard let p = try await CompetitorProduct.query(on: req.db).filter(\.$id == id).filter(\.$competitorId == c.id!).first() else {
            throw Problem.notFound("competitor product")
        }
        return p
    }

    static func saveProduct(_ p: CompetitorProduct, _ input: CompetitorProductInput, creating: Bool, req: Request) async throws -> CompetitorProduct {
        var e = FieldErrors()
        if creating || input.name != nil { e.check("name", Validators.required(input.name, field: "name")) }
        e.check("name", Validators.maxLength(input.name, 100, field: "name"))
        if creating && input.price == nil { e.add("price", "required", "This field is required.") }
        let fen = input.price.flatMap { YuanInput.fen($0, field: "price", into: &e) }
        try e.throwIfAny()
        if !creating { try ETag.check(req, version: p.version) }
        let before = creating ? nil : CompetitorProductDTO(p)
        if let v = input.name { p.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let fen, fen != p.priceFen { p.priceFen = fen; p.priceOn = nil }
        let (name, id, competitor) = (p.name, p.id, p.competitorId)
        return try await MarketingResearch.write(p, creating: creating, type: "competitorProduct", label: { $0.name }, before: before,
                                                 snapshot: CompetitorProductDTO.init, req: req) { db in
            var dup = CompetitorProduct.query(on: db).withDeleted().filter(\.$competitorId == competitor).filter(\.$name == name)
            if let id { dup = dup.filter(\.$id != id) }
            if try await dup.first() != nil { throw Problem.conflict("name", "duplicate", "This competitor already has a product called \(name).") }
        }
    }

    static func newProduct(of c: Competitor) -> CompetitorProduct {
        let p = CompetitorProduct()
        p.competitorId = c.id!; p.currency = "CNY"; p.priceFen = 0; p.version = 1
        return p
    }
}

/// Recording and changing competitor events. A price change names a product of the competitor (by
/// id, or by a name that matches one): the product's current price follows, unless a later price
/// change was recorded already; and the market-risk rules run on it at once (RSK-M2).
enum CompetitorEventService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> CompetitorEvent {
        try await MarketingResearch.find(CompetitorEvent.self, req, "competitor event", withDeleted: withDeleted)
    }

    /// The competitor an event is about, for its access facts (deleted ones too: the history stays readable).
    static func competitor(of e: CompetitorEvent, on db: any Database) async throws -> Competitor? {
        try await Competitor.query(on: db).withDeleted().filter(\.$id == e.competitorId).first()
    }

    static func record(_ input: CompetitorEventInput, competitor c: Competitor, req: Request) async throws -> (CompetitorEvent, [RiskWarningRecord]) {
        try input.validate(creating: true, today: req.today).throwIfAny()
        let kind = CompetitorEventKind(rawValue: input.kind!)!
        var product: CompetitorProduct?
        if let id = input.productId {
            guard let p = try await CompetitorProduct.query(on: req.db).filter(\.$id == id).filter(\.$competitorId == c.id!).first() else {
                throw Problem.invalid("productId", "notFound", "\(c.name) has no product with that id.")
            }
            product = p
        } else if kind == .priceChange, let name = input.productName?.trimmingCharacters(in: .whitespaces) {
            product = try await CompetitorProduct.query(on: req.db).filter(\.$competitorId == c.id!).filter(\.$name == name).first()
        }
        let e = CompetitorEvent()
        e.id = UUID.timeOrdered()
        e.competitorId = c.id!; e.kind = kind.rawValue; e.occurredOn = CivilDate(input.occurredOn!)!.description
        e.title = input.title!.trimmingCharacters(in: .whitespacesAndNewlines)
        e.details = input.details?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        e.sourceUrl = input.sourceUrl?.trimmingCharacters(in: .whitespaces) ?? ""
        e.productId = product?.id
        e.productName = product?.name ?? input.productName?.trimmingCharacters(in: .whitespaces) ?? ""
        e.recordedBy = req.currentUser?.actor.memberId
        e.version = 1
        var plan = RiskScan.Plan.empty
        if kind == .priceChange {
            var errors = FieldErrors()
            let old = input.oldPrice.flatMap { YuanInput.fen($0, field: "oldPrice", into: &errors) } ?? product?.priceFen
            guard let old, old > 0 else {
                throw Problem.invalid("oldPrice", "required", "Give the old price (the product has no price on file to start from).")
            }
            e.oldPriceFen = old
            e.newPriceFen = YuanInput.fen(input.newPrice!, field: "newPrice", into: &errors)
            // The rules run now, on this one fact: the owner and the lead hear of a deep cut at once.
            let fact = CompetitorPriceCutSource.fact(e, competitor: c, fallbackOwner: req.currentUser?.actor.memberId)
            let engine = try await req.application.policy.current(on: req.db).effectiveMarketing.riskEngine
            plan = try await RiskScan.prepare(engine.warnings(fact.map { [$0 as any RiskFact] } ?? []), on: req.db)
        }
        let productBefore = product.map(CompetitorProductDTO.init)
        let thePlan = plan
        return try await req.db.writeTransaction { db in
            try await e.create(on: db)
            try await Audit.record(.create, "competitorEvent", id: e.id, label: "\(c.name): \(e.title)", before: Optional<CompetitorEventDTO>.none,
                                   after: CompetitorEventDTO(e, locale: .en), request: req, on: db)
            if let before = productBefore, let price = e.newPriceFen, let version = try await takePrice(before.id, price: price, on: e.occurredOn, db) {
                var after = before
                after.price = YuanInput.yuan(price); after.priceOn = e.occurredOn; after.version = version
                try await Audit.record(.update, "competitorProduct", id: before.id, label: "\(before.name): \(Money(fen: price)) (\(e.occurredOn))",
                                       before: before, after: after, request: req, on: db)
            }
            let raised = try await RiskScan.raise(thePlan, at: req.now, on: db)
            return (e, raised)
        }
    }

    /// The product takes the new price unless a price change of a later day set its price already;
    /// decided by the row itself, so two changes recorded at once leave the later day's price. The
    /// product's new version, or nil when it kept its price.
    static func takePrice(_ product: UUID, price: Int64, on day: String, _ db: any Database) async throws -> Int? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let rows = try await sql.raw("""
            UPDATE \(ident: CompetitorProduct.schema) SET price_fen = \(bind: price), price_on = \(bind: day), version = version + 1, updated_at = \(bind: Date())
            WHERE id = \(bind: product) AND deleted_at IS NULL AND (price_on IS NULL OR price_on <= \(bind: day)) RETURNING version
            """).all()
        return try rows.first?.decode(column: "version", as: Int.self)
    }

    static func update(_ e: CompetitorEvent, _ input: CompetitorEventInput, req: Request) async throws -> CompetitorEvent {
        try input.validate(creating: false, today: req.today).throwIfAny()
        try ETag.check(req, version: e.version)
        let before = CompetitorEventDTO(e, locale: .en)
        if let v = input.title { e.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.details { e.details = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.sourceUrl { e.sourceUrl = v.trimmingCharacters(in: .whitespaces) }
        return try await MarketingResearch.write(e, creating: false, type: "competitorEvent", label: { $0.title }, before: before,
                                                 snapshot: { CompetitorEventDTO($0, locale: .en) }, req: req)
    }
}
