import Fluent
import Vapor
import VanguardCore

/// Quotes on the web (SP-3, RSK-S1): the quote builder with lines from the price list, the quote
/// page with its approval and status buttons, and a print view to send or file. Also the price list.
struct QuotePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let q = routes.grouped("quotes")
        q.get(use: list)
        q.get("export", use: { try await SalesExport.quotes(req: $0, strict: false) })
        q.get("new", use: newForm)
        q.post(use: create)
        q.get(":id", use: show)
        q.get(":id", "print", use: printView)
        q.get(":id", "edit", use: editForm)
        q.post(":id", use: update)
        q.post(":id", "status", use: move)
        let p = routes.grouped("products")
        p.get(use: products)
        p.get("export", use: { try await SalesExport.products(req: $0, strict: false) })
        p.post(use: createProduct)
    }

    struct ListRow: Encodable { var id: UUID; var number: String; var customer: String; var net: String; var discount: String; var status: String; var statusLabel: String; var validUntil: String }
    struct ListContext: Encodable { var rows: [ListRow]; var statusOptions: [FormField.Option]; var status: String; var nextHref: String?; var exportHref: String; var exportXlsxHref: String }

    /// Every quote in the reader's scope, newest number first, by status: the ones awaiting the
    /// lead's approval (RSK-S1), the sent ones waiting for the customer's answer.
    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["number"], defaultSort: "-number")
        let rows = try await list.apply(to: try QuoteList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: false), column: "number").all()
        let (shown, nextCursor) = list.cut(rows, value: \.number, id: { $0.id })
        let customers = try await SalesNames.customers(Set(shown.map(\.customerId)), on: req.db)
        let current = req.queryString("status") ?? ""
        return try await req.page("Sales/quotes", title: "navQuotes", section: "quotes", ListContext(
            rows: shown.map { q in ListRow(id: q.id!, number: q.number, customer: customers[q.customerId] ?? "—", net: SalesNames.yuan(q.netFen),
                                           discount: String(format: "%.2f%%", Double(q.effectiveDiscountBP) / 100), status: q.status,
                                           statusLabel: req.t("quote_" + q.status), validUntil: q.validUntil) },
            statusOptions: SalesNames.statusOptions(req, QuoteStatus.allCases.map(\.rawValue), labelPrefix: "quote_", current: current),
            status: current, nextHref: nextCursor.map { SalesNames.href("/quotes", ["cursor": $0, "sort": "-number", "status": current]) },
            exportHref: SalesNames.href("/quotes/export", ["status": current]), exportXlsxHref: SalesNames.href("/quotes/export", ["status": current, "format": "xlsx"])))
    }

    static let lineSlots = 8

    struct LineRow: Encodable {
        var index: Int
        var products: [FormField.Option]
        var quantity: String
        var unitPrice: String
        var discount: String
        var description: String
        var error: String?
    }

    struct FormContext: Encodable {
        var heading: String
        var action: String
        var dealTitle: String
        var opportunityId: String
        var validUntil: String
        var extraDiscount: String
        var serviceTerms: String
        var notes: String
        var version: String
        var lines: [LineRow]
        var errors: [String: String]
        var formError: String?
        var threshold: String
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let deal = try await QuotesAPI.deal(UUID(uuidString: req.queryString("opportunityId") ?? ""), req: req)
        let validUntil = CivilDate.on(req.now.addingTimeInterval(30 * 86_400)).description
        return try await formPage(req, quote: nil, deal: deal, values: ["validUntil": validUntil, "extraDiscount": "0"], errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req)
        try req.authorize(.update, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        var values = ["validUntil": q.validUntil, "extraDiscount": String(Double(q.extraDiscountBP) / 100), "serviceTerms": q.serviceTerms,
                      "notes": q.notes, "version": String(q.version)]
        for l in try await QuoteService.lines(q, on: req.db) where l.position < Self.lineSlots {
            values["line\(l.position)_product"] = l.productId?.uuidString ?? ""
            values["line\(l.position)_description"] = l.description
            values["line\(l.position)_quantity"] = Quantity(thousandths: l.quantityThousandths).description
            values["line\(l.position)_unitPrice"] = Money(fen: l.unitPriceFen).yuanText
            values["line\(l.position)_discount"] = Percent(basisPoints: l.discountBP).description.replacingOccurrences(of: "%", with: "")
        }
        let deal = try await QuoteService.deal(of: q, on: req.db)
        return try await formPage(req, quote: q, deal: deal, values: values, errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let values = Self.posted(req)
        let deal = try await QuotesAPI.deal(UUID(uuidString: values["opportunityId"] ?? ""), req: req)
        return try await req.handleForm({ try await formPage(req, quote: nil, deal: deal, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            var input = try Self.input(values)
            input.opportunityId = deal.id
            let (q, _) = try await QuoteService.create(input, deal: deal, req: req)
            return req.redirect(to: "/quotes/\(q.id!)", flash: "quoteSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req)
        try req.authorize(.update, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        let values = Self.posted(req)
        let deal = try await QuoteService.deal(of: q, on: req.db)
        return try await req.handleForm({ try await formPage(req, quote: q, deal: deal, values: values, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let sent = Int(values["version"] ?? ""), sent != q.version { throw Problem.preconditionFailed }
            _ = try await QuoteService.update(q, try Self.input(values), req: req)
            return req.redirect(to: "/quotes/\(q.id!)", flash: "quoteSaved")
        }
    }

    /// A status button on the quote page; a refusal comes back with its reason.
    func move(req: Request) async throws -> Response {
        let q = try await QuoteService.find(req)
        try req.authorize(.update, .salesRecord(try await QuoteService.facts(q, on: req.db)))
        var input = QuoteInput()
        input.status = req.formValue("status")
        do {
            _ = try await QuoteService.update(q, input, req: req)
        } catch let p as Problem where [.conflict, .unprocessableEntity, .preconditionFailed].contains(p.status) {
            return req.redirect(to: "/quotes/\(q.id!)", flash: p.detail ?? p.title, kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/quotes/\(q.id!)", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/quotes/\(q.id!)", flash: "quoteStatusChanged")
    }

    private func formPage(_ req: Request, quote: Quote?, deal: Opportunity, values v: [String: String], errors: [FieldError], formError: String?,
                          status: HTTPStatus = .ok) async throws -> Response {
        let products = try await Product.query(on: req.db).filter(\.$active == true).sort(\.$code).limit(1000).all()
        var byField: [String: String] = [:]
        var unplaced: [String] = []
        for e in errors {
            let message = req.application.translations.message(e, req.locale)
            if e.field.hasPrefix("lines[") { byField[e.field.components(separatedBy: "].").first.map { $0 + "]" } ?? e.field, default: ""] += message + " " }
            else if ["validUntil", "extraDiscountPercent", "serviceTerms", "notes"].contains(e.field) { byField[e.field] = message }
            else { unplaced.append(message) }
        }
        let lines = (0..<Self.lineSlots).map { i in
            LineRow(index: i,
                    products: [FormField.Option(value: "", label: "—", selected: (v["line\(i)_product"] ?? "").isEmpty)]
                        + products.map { FormField.Option(value: $0.id!.uuidString, label: "\($0.code) \($0.name) · \(Money(fen: $0.listPriceFen))/\($0.unit)",
                                                          selected: $0.id!.uuidString == v["line\(i)_product"]) },
                    quantity: v["line\(i)_quantity"] ?? "", unitPrice: v["line\(i)_unitPrice"] ?? "", discount: v["line\(i)_discount"] ?? "",
                    description: v["line\(i)_description"] ?? "", error: byField["lines[\(i)]"])
        }
        let threshold = try await QuoteService.policy(req).discountApprovalThreshold.description
        let heading = quote.map { "\(req.t("edit")): \($0.number)" } ?? req.t("newQuote")
        let summary = errors.isEmpty && formError == nil ? nil : ([req.t("formHasErrors")] + unplaced + [formError].compactMap { $0 }).joined(separator: " ")
        let context = FormContext(heading: heading, action: quote.map { "/quotes/\($0.id!)" } ?? "/quotes", dealTitle: deal.title,
                                  opportunityId: deal.id!.uuidString, validUntil: v["validUntil"] ?? "", extraDiscount: v["extraDiscount"] ?? "",
                                  serviceTerms: v["serviceTerms"] ?? "", notes: v["notes"] ?? "", version: v["version"] ?? "",
                                  lines: lines, errors: byField, formError: summary, threshold: threshold)
        return try await req.page("Sales/quote-form", title: heading, section: "pipeline", context, status: status)
    }

    static func posted(_ req: Request) -> [String: String] {
        var keys = ["opportunityId", "validUntil", "extraDiscount", "serviceTerms", "notes", "version"]
        for i in 0..<lineSlots { keys += ["product", "description", "quantity", "unitPrice", "discount"].map { "line\(i)_\($0)" } }
        return SalesNames.posted(req, keys)
    }

    /// Rows left empty are skipped; a row with anything in it is a line and is checked.
    static func input(_ v: [String: String]) throws -> QuoteInput {
        var input = QuoteInput()
        var errors = FieldErrors()
        input.validUntil = v["validUntil"]
        input.serviceTerms = v["serviceTerms"]
        input.notes = v["notes"]
        let extra = v["extraDiscount"] ?? ""
        if extra.isEmpty { input.extraDiscountPercent = 0 } else if let d = Double(extra) { input.extraDiscountPercent = d } else { errors.add("extraDiscountPercent", "wrongType", "Enter a percentage, like 5.") }
        var lines: [QuoteLineInput] = []
        for i in 0..<lineSlots {
            let cells = ["product", "description", "quantity", "unitPrice", "discount"].map { v["line\(i)_\($0)"] ?? "" }
            if cells.allSatisfy(\.isEmpty) { continue }
            var line = QuoteLineInput()
            let n = lines.count
            if !cells[0].isEmpty { if let id = UUID(uuidString: cells[0]) { line.productId = id } else { errors.add("lines[\(n)].productId", "invalidChoice", "Choose from the list.") } }
            if !cells[1].isEmpty { line.description = cells[1] }
            line.quantity = cells[2].isEmpty ? nil : cells[2]
            if !cells[3].isEmpty { if let m = Money.parse(cells[3]) { line.unitPrice = Double(m.fen) / 100 } else { errors.add("lines[\(n)].unitPrice", "wrongType", "Enter a price in yuan, like 1200.50.") } }
            if !cells[4].isEmpty { if let p = Percent.parse(cells[4]) { line.discountPercent = Double(p.basisPoints) / 100 } else { errors.add("lines[\(n)].discountPercent", "wrongType", "Enter a percentage, like 5.") } }
            lines.append(line)
        }
        input.lines = lines
        try errors.throwIfAny()
        return input
    }

    // MARK: the quote page

    struct ShowContext: Encodable {
        var quote: QuoteDTO
        var statusLabel: String
        var customer: String
        var dealTitle: String
        var lines: [PrintLine]
        var subtotal: String
        var discount: String
        var net: String
        var effectiveDiscount: String
        var threshold: String
        var actions: [Action]
        var canEdit: Bool
        /// The accepted quote's "create contract", for who may create one (`/contracts/new` asks the same).
        var canMakeContract: Bool
        var tab: String
        var events: [HistoryPage.EventView]
    }

    struct PrintLine: Encodable { var code: String; var description: String; var quantity: String; var unit: String; var unitPrice: String; var discount: String; var net: String }
    struct Action: Encodable { var status: String; var label: String; var primary: Bool }

    func show(req: Request) async throws -> Response { try await quotePage(req, template: "Sales/quote") }
    func printView(req: Request) async throws -> Response { try await quotePage(req, template: "Sales/quote-print") }

    private func quotePage(_ req: Request, template: String) async throws -> Response {
        let q = try await QuoteService.find(req)
        let facts = try await QuoteService.facts(q, on: req.db)
        let user = try req.authorize(.read, .salesRecord(facts))
        let lines = try await QuoteService.lines(q, on: req.db)
        let customer = try await Customer.query(on: req.db).withDeleted().filter(\.$id == q.customerId).first()
        let deal = try await QuoteService.deal(of: q, on: req.db)
        let status = QuoteStatus(rawValue: q.status) ?? .draft
        let canUpdate = req.allowed(.update, .salesRecord(facts))
        let today = req.today
        let quoteFacts = QuoteFacts(approvalNeeded: q.approvalNeeded, approvalReason: q.approvalReason, validUntil: CivilDate(q.validUntil) ?? today,
                                    today: today, byLead: user.actor.role == .lead)
        // Offer only the moves the rules would allow now, so every button works.
        let actions = canUpdate ? QuoteStatus.allCases.filter { $0 != status && QuoteRules.refusal(from: status, to: $0, facts: quoteFacts) == nil }
            .map { Action(status: $0.rawValue, label: req.t("quoteTo_" + $0.rawValue), primary: $0 == .sent || $0 == .approved || $0 == .pendingApproval) } : []
        let context = ShowContext(
            quote: QuoteDTO(q, lines: lines), statusLabel: req.t("quote_" + q.status), customer: customer?.name ?? "—", dealTitle: deal.title,
            lines: lines.map { PrintLine(code: $0.productCode, description: $0.description, quantity: Quantity(thousandths: $0.quantityThousandths).description,
                                         unit: $0.unit, unitPrice: SalesNames.yuan($0.unitPriceFen), discount: Percent(basisPoints: $0.discountBP).description,
                                         net: SalesNames.yuan($0.netFen)) },
            subtotal: SalesNames.yuan(q.subtotalFen), discount: SalesNames.yuan(q.discountFen), net: SalesNames.yuan(q.netFen),
            effectiveDiscount: Percent(basisPoints: q.effectiveDiscountBP).description,
            threshold: try await QuoteService.policy(req).discountApprovalThreshold.description,
            actions: actions, canEdit: canUpdate && QuoteRules.statusAfterEdit(status) != nil,
            canMakeContract: status == .accepted && req.allowed(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId))),
            tab: "quote", events: try await HistoryPage.events(req, entityType: "quote", id: q.id!, hidden: []))
        return try await req.page(template, title: q.number, section: "pipeline", context)
    }

    // MARK: the price list

    struct ProductRow: Encodable { var code: String; var name: String; var category: String; var unit: String; var price: String; var active: Bool }
    struct ProductsContext: Encodable { var rows: [ProductRow]; var q: String; var canEdit: Bool; var form: FormView; var exportHref: String; var exportXlsxHref: String }

    func products(req: Request) async throws -> Response {
        try req.authorize(.read, .priceList)
        return try await productsPage(req, values: [:], errors: [], formError: nil)
    }

    func createProduct(req: Request) async throws -> Response {
        try req.authorize(.create, .priceList)
        let v = SalesNames.posted(req, ["code", "name", "nameEn", "category", "unit", "listPrice", "description"])
        return try await req.handleForm({ try await productsPage(req, values: v, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            var input = ProductInput()
            input.code = v["code"]; input.name = v["name"]; input.nameEn = v["nameEn"]; input.category = v["category"]; input.unit = v["unit"]
            input.description = v["description"]
            if let raw = v["listPrice"], !raw.isEmpty {
                guard let m = Money.parse(raw) else { throw Problem.invalid("listPrice", "wrongType", "Enter a price in yuan, like 1200.50.") }
                input.listPrice = Double(m.fen) / 100
            }
            _ = try await ProductService.save(ProductService.new(), input, creating: true, req: req)
            return req.redirect(to: "/products", flash: "productSaved")
        }
    }

    private func productsPage(_ req: Request, values v: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        let q = req.queryString("q") ?? ""
        let rows = try await Product.query(on: req.db).search(q, in: ["code", "name", "name_en", "category"]).sort(\.$code).limit(500).all()
        var form = FormView(id: "product-form", action: "/products", fields: [
            FormField(name: "code", label: req.t("productCode"), value: v["code"] ?? "", required: true),
            FormField(name: "name", label: req.t("productName"), value: v["name"] ?? "", required: true),
            FormField(name: "nameEn", label: req.t("nameEn"), value: v["nameEn"] ?? ""),
            FormField(name: "category", label: req.t("category"), value: v["category"] ?? ""),
            FormField(name: "unit", label: req.t("unit"), value: v["unit"] ?? "", required: true),
            FormField(name: "listPrice", label: req.t("listPriceYuan"), value: v["listPrice"] ?? "", required: true),
            FormField(name: "description", label: req.t("description"), type: "textarea", value: v["description"] ?? "", rows: 2),
        ], submitLabel: req.t("addProduct"), submitId: "add-product", dirtyWarn: false)
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        }
        let context = ProductsContext(rows: rows.map { ProductRow(code: $0.code, name: $0.name, category: $0.category, unit: $0.unit,
                                                                  price: SalesNames.yuan($0.listPriceFen), active: $0.active) },
                                      q: q, canEdit: req.allowed(.create, .priceList), form: form,
                                      exportHref: SalesNames.href("/products/export", ["q": q]), exportXlsxHref: SalesNames.href("/products/export", ["q": q, "format": "xlsx"]))
        return try await req.page("Sales/products", title: "navProducts", section: "products", context, status: status)
    }
}
