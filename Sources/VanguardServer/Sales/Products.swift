import Fluent
import Vapor
import VanguardCore

/// A product or service on the price list (SAL-3): what quotes are built from.
final class Product: Model, @unchecked Sendable {
    static let schema = "products"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "category") var category: String
    @Field(key: "unit") var unit: String
    @Field(key: "list_price_fen") var listPriceFen: Int64
    @Field(key: "description") var description: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

struct CreateProduct: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Product.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("name_en", .string, .required)
            .field("category", .string, .required)
            .field("unit", .string, .required)
            .field("list_price_fen", .int64, .required)
            .field("description", .string, .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.index("products_name", on: Product.schema, ["name", "id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Product.schema).delete()
    }
}

/// Amounts in the API are yuan with at most two decimals (like the opportunity amount); inside
/// they are whole fen.
enum YuanInput {
    static func fen(_ yuan: Double, field: String, into errors: inout FieldErrors, allowZero: Bool = true) -> Int64? {
        guard yuan.isFinite, yuan >= 0, yuan <= 1_000_000_000_000 else {
            errors.add(field, "outOfRange", "From 0 to 1,000,000,000,000 yuan."); return nil
        }
        guard Money.decimalPlaces(yuan) <= 2 else { errors.add(field, "tooPrecise", "At most two decimals (fen)."); return nil }
        return Int64((yuan * 100).rounded())
    }

    static func yuan(_ fen: Int64) -> Double { Double(fen) / 100 }
}

struct ProductDTO: Content, Equatable {
    var id: UUID
    var code: String
    var name: String
    var nameEn: String
    var category: String
    var unit: String
    var listPrice: Double
    var description: String
    var active: Bool
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ p: Product) {
        id = p.id!; code = p.code; name = p.name; nameEn = p.nameEn; category = p.category; unit = p.unit
        listPrice = YuanInput.yuan(p.listPriceFen); description = p.description; active = p.active; version = p.version
        createdAt = p.createdAt; updatedAt = p.updatedAt; deletedAt = p.deletedAt
    }
}

struct ProductInput: Content {
    var code: String?
    var name: String?
    var nameEn: String?
    var category: String?
    var unit: String?
    var listPrice: Double?
    var description: String?
    var active: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case code, name, nameEn, category, unit, listPrice, description, active }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeIfPresentNonNull(String.self, forKey: .code)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        nameEn = try c.decodeIfPresentNonNull(String.self, forKey: .nameEn)
        category = try c.decodeIfPresentNonNull(String.self, forKey: .category)
        unit = try c.decodeIfPresentNonNull(String.self, forKey: .unit)
        listPrice = try c.decodeIfPresentNonNull(Double.self, forKey: .listPrice)
        description = try c.decodeIfPresentNonNull(String.self, forKey: .description)
        active = try c.decodeIfPresentNonNull(Bool.self, forKey: .active)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(code, forKey: .code)
    }
}

/// The price list: everyone reads it; the lead and admins keep it (SAL-3).
enum ProductService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Product {
        let id = try req.uuid("id", "product")
        var q = Product.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let p = try await q.first() else { throw Problem.notFound("product") }
        return p
    }

    static func save(_ p: Product, _ input: ProductInput, creating: Bool, req: Request) async throws -> Product {
        var e = FieldErrors()
        for (field, value) in [("code", input.code), ("name", input.name), ("unit", input.unit)] where creating || value != nil {
            e.check(field, Validators.required(value, field: field))
        }
        if creating && input.listPrice == nil { e.add("listPrice", "required", "This field is required.") }
        e.check("code", Validators.maxLength(input.code, 40, field: "code"))
        if let code = input.code, !code.isEmpty, code.range(of: "^[A-Za-z0-9._-]+$", options: .regularExpression) == nil {
            e.add("code", "invalidCode", "Letters, digits, dot, dash and underscore only.")
        }
        e.check("name", Validators.maxLength(input.name, 200, field: "name"))
        e.check("nameEn", Validators.maxLength(input.nameEn, 200, field: "nameEn"))
        e.check("category", Validators.maxLength(input.category, 100, field: "category"))
        e.check("unit", Validators.maxLength(input.unit, 20, field: "unit"))
        e.check("description", Validators.maxLength(input.description, 2000, field: "description"))
        let price = input.listPrice.flatMap { YuanInput.fen($0, field: "listPrice", into: &e) }
        try e.throwIfAny()
        if !creating { try ETag.check(req, version: p.version) }
        let before = creating ? nil : ProductDTO(p)
        if let v = input.code { p.code = v.trimmingCharacters(in: .whitespaces).uppercased() }
        if let v = input.name { p.name = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.nameEn { p.nameEn = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.category { p.category = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.unit { p.unit = v.trimmingCharacters(in: .whitespaces) }
        if let v = price { p.listPriceFen = v }
        if let v = input.description { p.description = v }
        if let v = input.active { p.active = v }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(Product.schema, id: p.id, p.version) }
            var dup = Product.query(on: db).withDeleted().filter(\.$code == p.code)
            if let id = p.id { dup = dup.filter(\.$id != id) }
            if try await dup.first() != nil { throw Problem.conflict("code", "duplicate", "Another product already has the code \(p.code).") }
            if !creating {
                guard p.hasChanges else { return p }
                p.version += 1
            }
            try await p.save(on: db)
            try await Audit.record(creating ? .create : .update, "product", id: p.id, label: "\(p.code) \(p.name)", before: before, after: ProductDTO(p), request: req, on: db)
            return p
        }
    }

    static func new() -> Product {
        let p = Product()
        p.version = 1; p.nameEn = ""; p.category = ""; p.description = ""; p.active = true; p.listPriceFen = 0
        return p
    }
}

/// `/api/v1/products`: the price list (SAL-3).
struct ProductsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let products = routes.grouped("products")
        products.get(use: list)
        products.get("export", use: { try await SalesExport.products(req: $0, strict: true) })
        products.post(use: create)
        products.get(":id", use: show)
        products.patch(":id", use: update)
        products.delete(":id", use: delete)
        products.post(":id", "restore", use: restore)
        products.get(":id", "history", use: history)
    }

    static let sortable = ["code", "name"]

    func list(req: Request) async throws -> PageOf<ProductDTO> {
        try req.authorize(.read, .priceList)
        let list = try ListRequest.parse(req, sortable: Self.sortable, defaultSort: "code")
        let rows = try await list.apply(to: try ProductList.filtered(req), column: list.sortField).all()
        return list.page(rows, value: { list.sortField == "name" ? $0.name : $0.code }, id: { $0.id }, map: ProductDTO.init)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .priceList)
        let p = try await ProductService.save(ProductService.new(), try req.decodeJSON(ProductInput.self), creating: true, req: req)
        return try ProductDTO(p).created(at: "/api/v1/products/\(p.id!)", version: p.version)
    }

    func show(req: Request) async throws -> Response {
        try req.authorize(.read, .priceList)
        let p = try await ProductService.find(req)
        return try ProductDTO(p).response(version: p.version)
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .priceList)
        let p = try await ProductService.find(req)
        let saved = try await ProductService.save(p, try req.decodeJSON(ProductInput.self), creating: false, req: req)
        return try ProductDTO(saved).response(version: saved.version)
    }

    /// A product leaves the price list; quotes that used it keep their lines as written.
    func delete(req: Request) async throws -> HTTPStatus {
        try req.authorize(.delete, .priceList)
        let p = try await ProductService.find(req)
        try ETag.check(req, version: p.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Product.schema, id: p.id, p.version)
            let before = ProductDTO(p)
            try await p.delete(on: db)
            try await Audit.record(.delete, "product", id: p.id, label: "\(p.code) \(p.name)", before: before, after: Optional<ProductDTO>.none, request: req, on: db)
        }
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        try req.authorize(.restore, .priceList)
        let p = try await ProductService.find(req, withDeleted: true)
        guard p.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This product is not deleted.") }
        try await req.db.writeTransaction { db in
            if try await Product.query(on: db).filter(\.$code == p.code).filter(\.$id != p.id!).first() != nil {
                throw Problem.conflict("code", "duplicate", "Another product now has the code \(p.code).")
            }
            try await p.restore(on: db)
            p.version += 1
            try await p.save(on: db)
            try await Audit.record(.restore, "product", id: p.id, label: "\(p.code) \(p.name)", before: Optional<ProductDTO>.none, after: ProductDTO(p), request: req, on: db)
        }
        return try ProductDTO(p).response(version: p.version)
    }

    func history(req: Request) async throws -> Response {
        try req.authorize(.read, .priceList)
        let p = try await ProductService.find(req, withDeleted: true)
        return try await AuditAPI.page(req, entityType: "product", entityId: p.id!, hidden: [])
    }
}

/// The price list's query, shared by the API and the export: a fragment of code, name or
/// category, active or not, one category.
enum ProductList {
    static func filtered(_ req: Request, on db: (any Database)? = nil) throws -> QueryBuilder<Product> {
        let q = Product.query(on: db ?? req.db).search(try req.queryText("q"), in: ["code", "name", "name_en", "category"])
        if let active = try req.queryBool("active") { q.filter(\.$active == active) }
        if let category = try req.queryText("category", max: 100) { q.filter(\.$category == category) }
        return q
    }
}
