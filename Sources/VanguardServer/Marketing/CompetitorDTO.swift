import Fluent
import Vapor
import VanguardCore

struct CompetitorProductDTO: Content, Equatable {
    var id: UUID
    var competitorId: UUID
    var name: String
    /// Yuan with at most two decimals.
    var price: Double
    var currency: String
    /// The date of the price change that set the price; nil when entered by hand.
    var priceOn: String?
    var version: Int

    init(_ p: CompetitorProduct) {
        id = p.id!; competitorId = p.competitorId; name = p.name; price = YuanInput.yuan(p.priceFen); currency = p.currency; priceOn = p.priceOn; version = p.version
    }
}

struct CompetitorDTO: Content, Equatable {
    var id: UUID
    var name: String
    var website: String
    var segment: String
    var notes: String
    var ownerId: UUID?
    var products: [CompetitorProductDTO]
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ c: Competitor, products: [CompetitorProduct]) {
        id = c.id!; name = c.name; website = c.website; segment = c.segment; notes = c.notes; ownerId = c.ownerMemberId
        self.products = products.filter { $0.competitorId == c.id }.sorted { $0.name < $1.name }.map(CompetitorProductDTO.init)
        version = c.version; createdAt = c.createdAt; updatedAt = c.updatedAt; deletedAt = c.deletedAt
    }
}

struct CompetitorEventDTO: Content, Equatable {
    var id: UUID
    var competitorId: UUID
    var kind: String
    var kindName: String
    var occurredOn: String
    var title: String
    var details: String
    var sourceUrl: String
    var productId: UUID?
    var productName: String
    var oldPrice: Double?
    var newPrice: Double?
    /// The price change as a share of the old price, in percent (−12.5 for a 12.5 % cut).
    var changePercent: Double?
    var recordedBy: UUID?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ e: CompetitorEvent, locale: AppLocale) {
        id = e.id!; competitorId = e.competitorId; kind = e.kind; kindName = e.eventKind.name[locale]; occurredOn = e.occurredOn; title = e.title
        details = e.details; sourceUrl = e.sourceUrl; productId = e.productId; productName = e.productName
        oldPrice = e.oldPriceFen.map(YuanInput.yuan); newPrice = e.newPriceFen.map(YuanInput.yuan)
        if let old = e.oldPriceFen, let new = e.newPriceFen, let share = Percent.share(Money(fen: new - old), of: Money(fen: old)) {
            changePercent = Double(share.basisPoints) / 100
        }
        recordedBy = e.recordedBy; version = e.version; createdAt = e.createdAt; updatedAt = e.updatedAt; deletedAt = e.deletedAt
    }
}

struct CompetitorInput: Content {
    var name: String?
    var website: String?
    var segment: String?
    var notes: String?
    var ownerId: Patch<UUID> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable { case name, website, segment, notes, ownerId }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        website = try c.decodeIfPresentNonNull(String.self, forKey: .website)
        segment = try c.decodeIfPresentNonNull(String.self, forKey: .segment)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || name != nil { e.check("name", Validators.required(name, field: "name")) }
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("website", Validators.maxLength(website, 300, field: "website"))
        if let w = website?.trimmingCharacters(in: .whitespaces), !w.isEmpty, !ContentCalendar.isWebLink(w) {
            e.add("website", "invalidUrl", "Not a web address (http:// or https://).")
        }
        e.check("segment", Validators.maxLength(segment, 100, field: "segment"))
        e.check("notes", Validators.maxLength(notes, 5_000, field: "notes"))
        return e
    }
}

struct CompetitorProductInput: Content {
    var name: String?
    var price: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, price }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        price = try c.decodeIfPresentNonNull(Double.self, forKey: .price)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }
}

/// A competitor event as recorded. Only the title, details and source can change afterwards: the
/// kind, date and prices are what happened, and a price change has already set the product's price.
struct CompetitorEventInput: Content {
    var competitorId: UUID?
    var kind: String?
    var occurredOn: String?
    var title: String?
    var details: String?
    var sourceUrl: String?
    var productId: UUID?
    var productName: String?
    var oldPrice: Double?
    var newPrice: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case competitorId, kind, occurredOn, title, details, sourceUrl, productId, productName, oldPrice, newPrice }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        competitorId = try c.decodeIfPresentNonNull(UUID.self, forKey: .competitorId)
        kind = try c.decodeIfPresentNonNull(String.self, forKey: .kind)
        occurredOn = try c.decodeIfPresentNonNull(String.self, forKey: .occurredOn)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        details = try c.decodeIfPresentNonNull(String.self, forKey: .details)
        sourceUrl = try c.decodeIfPresentNonNull(String.self, forKey: .sourceUrl)
        productId = try c.decodeIfPresentNonNull(UUID.self, forKey: .productId)
        productName = try c.decodeIfPresentNonNull(String.self, forKey: .productName)
        oldPrice = try c.decodeIfPresentNonNull(Double.self, forKey: .oldPrice)
        newPrice = try c.decodeIfPresentNonNull(Double.self, forKey: .newPrice)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    /// The fields' own checks; the competitor and product are looked up by the service.
    func validate(creating: Bool, today: CivilDate) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            if competitorId == nil { e.add("competitorId", "required", "This field is required.") }
            if kind == nil { e.add("kind", "required", "This field is required.") }
            if occurredOn == nil { e.add("occurredOn", "required", "This field is required.") }
        } else {
            for (field, given) in [("competitorId", competitorId != nil), ("kind", kind != nil), ("occurredOn", occurredOn != nil), ("productId", productId != nil),
                                   ("productName", productName != nil), ("oldPrice", oldPrice != nil), ("newPrice", newPrice != nil)] where given {
                e.add(field, "readOnly", "What happened stays as recorded; record a new event instead.")
            }
        }
        if creating || title != nil { e.check("title", Validators.required(title, field: "title")) }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("details", Validators.maxLength(details, 10_000, field: "details"))
        e.check("sourceUrl", Validators.maxLength(sourceUrl, 500, field: "sourceUrl"))
        if let s = sourceUrl?.trimmingCharacters(in: .whitespaces), !s.isEmpty, !ContentCalendar.isWebLink(s) {
            e.add("sourceUrl", "invalidUrl", "Not a web address (http:// or https://).")
        }
        e.choice("kind", kind, CompetitorEventKind.allCases.map(\.rawValue))
        if let d = occurredOn {
            if let day = CivilDate(d) { if day > today { e.add("occurredOn", "inFuture", "An event is recorded once it happened; \(day) is after today.") } }
            else { e.add("occurredOn", "invalidDate", "A date like 2026-09-21.") }
        }
        e.check("productName", Validators.maxLength(productName, 100, field: "productName"))
        guard creating else { return e }
        if kind == CompetitorEventKind.priceChange.rawValue {
            if productId == nil && (productName ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                e.add("productName", "required", "Name the product whose price changed, or give productId.")
            }
            if newPrice == nil { e.add("newPrice", "required", "Give the new price.") }
            _ = oldPrice.flatMap { YuanInput.fen($0, field: "oldPrice", into: &e) }
            _ = newPrice.flatMap { YuanInput.fen($0, field: "newPrice", into: &e) }
            if oldPrice == 0 { e.add("oldPrice", "outOfRange", "The old price is more than 0.") }
        } else if kind != nil {
            for (field, given) in [("productId", productId != nil), ("oldPrice", oldPrice != nil), ("newPrice", newPrice != nil)] where given {
                e.add(field, "notAllowed", "Only a price change has a product and prices.")
            }
        }
        return e
    }
}
