import Fluent
import Vapor
import VanguardCore

/// Competitors on the web (MKT-2, LEAD-4, RSK-M1): the list, and each competitor's profile with
/// its products and prices, its events newest first, and forms to add a product or an event.
struct CompetitorPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("market", "competitors")
        c.get(use: list)
        c.post(use: create)
        c.get(":id", use: profile)
        c.post(":id", "events", use: addEvent)
        c.post(":id", "products", use: addProduct)
    }

    struct Row: Encodable { var id: UUID; var name: String; var segment: String; var website: String; var owner: String; var products: Int; var lastEvent: String }
    struct ListContext: Encodable { var rows: [Row]; var q: String; var form: FormView?; var nextHref: String? }

    func list(req: Request) async throws -> Response { try await listPage(req, values: [:], errors: [], formError: nil) }

    private func listPage(_ req: Request, values v: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        try req.authorize(.read, .marketingRecord(try await CompetitorService.facts(nil, on: req.db)))
        let (list, q) = try CompetitorsAPI.query(req, strict: false)
        let page = list.cut(try await q.all(), value: { $0.name }, id: { $0.id })
        let ids = page.shown.compactMap(\.id)
        let products = try await CompetitorService.products(of: ids, on: req.db)
        let owners = try await SalesNames.members(page.shown.compactMap(\.ownerMemberId), on: req.db)
        var latest: [UUID: String] = [:]
        if !ids.isEmpty {
            for e in try await CompetitorEvent.query(on: req.db).filter(\.$competitorId ~~ Set(ids)).sort(\.$occurredOn, .descending).limit(1_000).all()
            where latest[e.competitorId] == nil { latest[e.competitorId] = "\(e.occurredOn) \(e.title)" }
        }
        var form: FormView?
        if req.allowed(.create, .marketingRecord(try await CompetitorService.facts(nil, on: req.db))) {
            let members = try await Member.query(on: req.db).sort(\.$nameOrder).limit(500).all()
            var f = FormView(id: "competitor-form", action: "/market/competitors", fields: [
                FormField(name: "name", label: req.t("competitorName"), value: v["name"] ?? "", required: true),
                FormField(name: "segment", label: req.t("competitorSegment"), value: v["segment"] ?? ""),
                FormField(name: "website", label: req.t("website"), type: "url", value: v["website"] ?? ""),
                .select("ownerId", req.t("competitorOwner"), value: v["ownerId"], options: [("", "—")] + members.map { ($0.id!.uuidString, $0.name) }),
                FormField(name: "notes", label: req.t("notes"), type: "textarea", value: v["notes"] ?? "", rows: 2),
            ], submitLabel: req.t("addCompetitor"), submitId: "add-competitor", dirtyWarn: false)
            if !errors.isEmpty || formError != nil { f.show(errors, locale: req.locale, translations: req.application.translations) }
            if let formError { f.formError = [f.formError, formError].compactMap { $0 }.joined(separator: " ") }
            form = f
        }
        let text = req.queryString("q") ?? ""
        return try await req.page("Marketing/competitors", title: "navCompetitors", section: "competitors", ListContext(
            rows: page.shown.map { c in
                Row(id: c.id!, name: c.name, segment: c.segment, website: c.website, owner: c.ownerMemberId.flatMap { owners[$0] } ?? "—",
                    products: products.filter { $0.competitorId == c.id }.count, lastEvent: latest[c.id!] ?? "—")
            },
            q: text, form: form, nextHref: page.next.map { SalesNames.href("/market/competitors", ["cursor": $0, "q": text]) }), status: status)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await CompetitorService.facts(nil, on: req.db)))
        let v = SalesNames.posted(req, ["name", "segment", "website", "ownerId", "notes"])
        return try await req.handleForm({ errors, formError in
            try await listPage(req, values: v, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            var input = CompetitorInput()
            input.name = v["name"]; input.segment = v["segment"]; input.website = v["website"]; input.notes = v["notes"]
            if let id = UUID(uuidString: v["ownerId"] ?? "") { input.ownerId = .value(id) }
            let c = try await CompetitorService.save(CompetitorService.new(), input, creating: true, req: req)
            return req.redirect(to: "/market/competitors/\(c.id!)", flash: "competitorSaved")
        }
    }

    // MARK: the profile

    struct Product: Encodable { var id: UUID; var name: String; var price: String; var priceOn: String }
    struct Event: Encodable {
        var id: UUID; var kind: String; var kindLabel: String; var occurredOn: String; var title: String; var details: String; var sourceUrl: String
        var product: String; var oldPrice: String?; var newPrice: String?; var change: String?; var cut: Bool
    }
    struct ProductForm: Encodable { var name: String; var price: String; var nameError: String?; var priceError: String?; var formError: String? }
    struct ProfileContext: Encodable {
        var competitor: CompetitorDTO; var owner: String; var products: [Product]; var events: [Event]; var notes: Int
        var canEdit: Bool; var form: FormView?; var productForm: ProductForm
    }

    func profile(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        return try await profilePage(req, c, eventValues: ["kind": "priceChange", "occurredOn": req.today.description], eventErrors: [], eventFormError: nil,
                                     productForm: ProductForm(name: "", price: ""))
    }

    private func profilePage(_ req: Request, _ c: Competitor, eventValues v: [String: String], eventErrors: [FieldError], eventFormError: String?,
                             productForm: ProductForm, status: HTTPStatus = .ok) async throws -> Response {
        let facts = try await CompetitorService.facts(c, on: req.db)
        try req.authorize(.read, .marketingRecord(facts))
        let dto = try await CompetitorService.dto(c, on: req.db)
        let events = try await CompetitorEvent.query(on: req.db).filter(\.$competitorId == c.id!).sort(\.$occurredOn, .descending).sort(\.$createdAt, .descending).limit(200).all()
        let owner = try await c.ownerMemberId.asyncFlatMap { try await Member.find($0, on: req.db)?.name } ?? "—"
        let notes = try await ResearchNote.query(on: req.db).filter(\.$competitorId == c.id!).count()
        let canEdit = req.allowed(.update, .marketingRecord(facts))
        var form: FormView?
        if canEdit {
            var f = FormView(id: "event-form", action: "/market/competitors/\(c.id!)/events", fields: [
                .select("kind", req.t("eventKind"), value: v["kind"], options: CompetitorEventKind.allCases.map { ($0.rawValue, $0.name[req.locale]) }, required: true),
                FormField(name: "occurredOn", label: req.t("eventDate"), type: "date", value: v["occurredOn"] ?? "", required: true),
                FormField(name: "title", label: req.t("eventTitle"), value: v["title"] ?? "", required: true),
                .select("productId", req.t("competitorProduct"), value: v["productId"], options: [("", "—")] + dto.products.map { ($0.id.uuidString, $0.name) }),
                FormField(name: "productName", label: req.t("otherProduct"), value: v["productName"] ?? "", hint: req.t("otherProductHint")),
                FormField(name: "oldPrice", label: req.t("oldPriceYuan"), value: v["oldPrice"] ?? "", hint: req.t("oldPriceHint")),
                FormField(name: "newPrice", label: req.t("newPriceYuan"), value: v["newPrice"] ?? ""),
                FormField(name: "sourceUrl", label: req.t("sourceUrl"), type: "url", value: v["sourceUrl"] ?? ""),
                FormField(name: "details", label: req.t("detail"), type: "textarea", value: v["details"] ?? "", rows: 3),
            ], submitLabel: req.t("recordEvent"), submitId: "record-event", dirtyWarn: false)
            if !eventErrors.isEmpty || eventFormError != nil { f.show(eventErrors, locale: req.locale, translations: req.application.translations) }
            if let eventFormError { f.formError = [f.formError, eventFormError].compactMap { $0 }.joined(separator: " ") }
            form = f
        }
        return try await req.page("Marketing/competitor", title: c.name, section: "competitors", ProfileContext(
            competitor: dto, owner: owner,
            products: dto.products.map { Product(id: $0.id, name: $0.name, price: SalesNames.yuan(Int64(($0.price * 100).rounded())), priceOn: $0.priceOn ?? "") },
            events: events.map { e in
                let dto = CompetitorEventDTO(e, locale: req.locale)
                return Event(id: e.id!, kind: e.kind, kindLabel: dto.kindName, occurredOn: e.occurredOn, title: e.title, details: e.details, sourceUrl: e.sourceUrl,
                             product: e.productName, oldPrice: e.oldPriceFen.map(SalesNames.yuan), newPrice: e.newPriceFen.map(SalesNames.yuan),
                             change: dto.changePercent.map { String(format: "%+.2f%%", $0) }, cut: (dto.changePercent ?? 0) < 0)
            },
            notes: notes, canEdit: canEdit, form: form, productForm: productForm), status: status)
    }

    /// Yuan as typed on a form ("1,280.50", "¥99") into the API's number; a field error when unreadable.
    static func yuan(_ text: String?, field: String, into errors: inout FieldErrors) -> Double? {
        guard let text, !text.isEmpty else { return nil }
        guard let money = Money.parse(text) else { errors.add(field, "invalidAmount", "An amount in yuan, like 1280 or 1,280.50."); return nil }
        return Double(money.fen) / 100
    }

    func addEvent(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.create, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, ["kind", "occurredOn", "title", "productId", "productName", "oldPrice", "newPrice", "sourceUrl", "details"])
        return try await req.handleForm({ errors, formError in
            try await profilePage(req, c, eventValues: v, eventErrors: errors, eventFormError: formError, productForm: ProductForm(name: "", price: ""),
                                  status: .unprocessableEntity)
        }) {
            var e = FieldErrors()
            var input = CompetitorEventInput()
            input.competitorId = c.id; input.kind = v["kind"]; input.title = v["title"]
            input.occurredOn = (v["occurredOn"] ?? "").isEmpty ? nil : v["occurredOn"]
            input.details = v["details"]; input.sourceUrl = v["sourceUrl"]
            input.productId = UUID(uuidString: v["productId"] ?? "")
            input.productName = (v["productName"] ?? "").isEmpty ? nil : v["productName"]
            input.oldPrice = Self.yuan(v["oldPrice"], field: "oldPrice", into: &e)
            input.newPrice = Self.yuan(v["newPrice"], field: "newPrice", into: &e)
            try e.throwIfAny()
            let (_, raised) = try await CompetitorEventService.record(input, competitor: c, req: req)
            return req.redirect(to: "/market/competitors/\(c.id!)", flash: raised.isEmpty ? "eventRecorded" : "eventRecordedWarning", kind: raised.isEmpty ? "success" : "warning")
        }
    }

    func addProduct(req: Request) async throws -> Response {
        let c = try await CompetitorService.find(req)
        try req.authorize(.update, .marketingRecord(try await CompetitorService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, ["name", "price"])
        var e = FieldErrors()
        var input = CompetitorProductInput()
        input.name = v["name"]
        input.price = Self.yuan(v["price"], field: "price", into: &e)
        do {
            try e.throwIfAny()
            _ = try await CompetitorService.saveProduct(CompetitorService.newProduct(of: c), input, creating: true, req: req)
        } catch let problem as Problem where [.unprocessableEntity, .conflict].contains(problem.status) {
            return try await productRefused(req, c, v, problem.errors, problem.errors.isEmpty ? problem.detail : nil)
        } catch let errors as FieldErrors {
            return try await productRefused(req, c, v, errors.all, nil)
        }
        return req.redirect(to: "/market/competitors/\(c.id!)", flash: "productSaved")
    }

    private func productRefused(_ req: Request, _ c: Competitor, _ v: [String: String], _ errors: [FieldError], _ formError: String?) async throws -> Response {
        func message(_ field: String) -> String? {
            errors.first { $0.field == field }.map { req.application.translations.message($0, req.locale) }
        }
        return try await profilePage(req, c, eventValues: ["kind": "priceChange", "occurredOn": req.today.description], eventErrors: [], eventFormError: nil,
                                     productForm: ProductForm(name: v["name"] ?? "", price: v["price"] ?? "", nameError: message("name"), priceError: message("price"),
                                                              formError: formError ?? (errors.isEmpty ? nil : req.t("formHasErrors"))),
                                     status: .unprocessableEntity)
    }
}
