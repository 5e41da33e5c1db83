import Fluent
import Vapor
import VanguardCore

/// Orders and the credit assessment on the web (SP-5, SAL-4, SP-6, RSK-S2); receivables are in `ReceivablesPages`.
struct OrderPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let o = routes.grouped("orders")
        o.get(use: list)
        o.get("export", use: { try await SalesExport.orders(req: $0, strict: false) })
        o.get("new", use: newForm)
        o.post(use: create)
        o.get(":id", use: show)
        o.post(":id", use: update)
        o.post(":id", "status", use: move)
        o.post(":id", "after-sales", use: afterSales)
        o.post(":id", "invoices", use: invoice)
        routes.post("customers", ":id", "credit", use: assessCredit)
    }

    struct Row: Encodable { var id: UUID; var number: String; var customer: String; var amount: String; var status: String; var statusLabel: String; var plannedDelivery: String; var actualDelivery: String; var late: Bool }
    struct ListContext: Encodable { var rows: [Row]; var lateOnly: Bool; var nextHref: String?; var lateCount: Int; var exportHref: String; var exportXlsxHref: String }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["plannedDelivery", "number"], defaultSort: "plannedDelivery")
        let scope = AccessPolicy.salesScope(user.actor)
        let rows = try await list.apply(to: try OrderList.filtered(req, scope: scope, strict: false), column: list.sortField == "number" ? "number" : "planned_delivery").all()
        let names = Dictionary(uniqueKeysWithValues: try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(rows.map(\.customerId))).all().map { ($0.id!, $0.name) })
        let today = req.today
        let page = list.page(rows, value: { list.sortField == "number" ? $0.number : $0.plannedDelivery }, id: { $0.id }, map: { o -> OrderDTO in OrderDTO(o, today: today) })
        let lateCount = try await SalesOrder.query(on: req.db).customerInSalesScope(scope).filter(\.$status == OrderStatus.open.rawValue)
            .filter(\.$plannedDelivery < today.description).count()
        let lateOnly = req.queryString("late") == "true"
        return try await req.page("Sales/orders", title: "navOrders", section: "orders", ListContext(
            rows: page.items.map { Row(id: $0.id, number: $0.number, customer: names[$0.customerId] ?? "—", amount: SalesNames.yuan(Int64(($0.amount * 100).rounded())),
                                       status: $0.status, statusLabel: req.t("order_" + $0.status), plannedDelivery: $0.plannedDelivery,
                                       actualDelivery: $0.actualDelivery ?? "", late: $0.late) },
            lateOnly: lateOnly, nextHref: page.nextCursor.map { SalesNames.href("/orders", ["cursor": $0, "late": lateOnly ? "true" : ""]) }, lateCount: lateCount,
            exportHref: SalesNames.href("/orders/export", ["late": lateOnly ? "true" : ""]),
            exportXlsxHref: SalesNames.href("/orders/export", ["late": lateOnly ? "true" : "", "format": "xlsx"])))
    }

    struct NewContext: Encodable { var form: FormView; var heading: String; var contract: String; var credit: [String]; var canOverride: Bool }

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        guard let id = UUID(uuidString: req.queryString("contractId") ?? ""), let c = try await Contract.find(id, on: req.db) else { throw Problem.notFound("contract") }
        try req.authorize(.read, .salesRecord(try await ContractService.facts(c, on: req.db)))
        return try await newPage(req, contract: c, values: ["contractId": id.uuidString, "amount": Money(fen: c.amountFen).yuanText,
                                                              "plannedDelivery": CivilDate.on(req.now.addingTimeInterval(30 * 86_400)).description],
                                 errors: [], credit: [])
    }

    private func newPage(_ req: Request, contract: Contract, values v: [String: String], errors: [FieldError], credit: [String], status: HTTPStatus = .ok) async throws -> Response {
        let canOverride = req.allowed(.update, .creditOverride)
        var fields = [
            FormField(name: "contractId", label: "", type: "hidden", value: v["contractId"] ?? ""),
            FormField(name: "amount", label: req.t("amountYuan"), value: v["amount"] ?? "", required: true),
            FormField(name: "plannedDelivery", label: req.t("plannedDelivery"), type: "date", value: v["plannedDelivery"] ?? "", required: true),
            FormField(name: "notes", label: req.t("notes"), type: "textarea", value: v["notes"] ?? "", rows: 2),
        ]
        if canOverride && !credit.isEmpty {
            fields.append(FormField(name: "creditOverrideReason", label: req.t("creditOverrideReason"), type: "textarea", value: v["creditOverrideReason"] ?? "",
                                    hint: req.t("creditOverrideHint"), rows: 2))
        }
        var form = FormView(id: "order-form", action: "/orders", fields: fields, submitLabel: req.t("placeOrder"), submitId: "place-order",
                            cancelHref: "/contracts/\(contract.id!)")
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return try await req.page("Sales/order-form", title: req.t("newOrder"), section: "orders",
                                  NewContext(form: form, heading: req.t("newOrder"), contract: "\(contract.number) · \(contract.title)", credit: credit, canOverride: canOverride),
                                  status: status)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, ["contractId", "amount", "plannedDelivery", "notes", "creditOverrideReason"])
        guard let id = UUID(uuidString: v["contractId"] ?? ""), let c = try await Contract.find(id, on: req.db) else { throw Problem.notFound("contract") }
        do {
            var input = OrderInput()
            input.contractId = id
            input.plannedDelivery = v["plannedDelivery"]
            input.notes = v["notes"]
            input.creditOverrideReason = v["creditOverrideReason"]
            if let raw = v["amount"], !raw.isEmpty {
                guard let m = Money.parse(raw) else { throw Problem.invalid("amount", "wrongType", "Enter an amount in yuan, like 12000.50.") }
                input.amount = Double(m.fen) / 100
            }
            let (o, _) = try await OrderService.create(input, req: req)
            return req.redirect(to: "/orders/\(o.id!)", flash: "orderPlaced")
        } catch let p as Problem where p.code == "credit-refused" {
            return try await newPage(req, contract: c, values: v, errors: [], credit: p.errors.map(\.message), status: .conflict)
        } catch let p as Problem where p.status == .unprocessableEntity || p.status == .conflict {
            return try await newPage(req, contract: c, values: v, errors: p.errors.isEmpty ? [FieldError(field: "form", code: p.code, message: p.detail ?? p.title)] : p.errors,
                                     credit: [], status: p.status)
        } catch let e as FieldErrors {
            return try await newPage(req, contract: c, values: v, errors: e.all, credit: [], status: .unprocessableEntity)
        }
    }

    struct Action: Encodable { var status: String; var label: String }
    struct ShowContext: Encodable {
        var order: OrderDTO
        var customer: String
        var contract: String
        var amount: String
        var statusLabel: String
        var canEdit: Bool
        var actions: [Action]
        var afterSales: [OrdersAPI.AfterSalesDTO]
        var invoices: [InvoiceRow]
        /// Finance invoices what the order has not yet billed, from the order itself (RSK-S2).
        var canInvoice: Bool
        var uninvoiced: String
        var invoiceForm: ReceivablesPages.LedgerForm
        var events: [HistoryPage.EventView]
    }

    /// An invoice under the order with what is paid and owed on it today, as money is written everywhere else on the page.
    struct InvoiceRow: Encodable {
        var number: String; var issuedOn: String; var dueOn: String; var amount: String; var paid: String; var outstanding: String
        var status: String; var statusLabel: String
    }

    func show(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        let facts = try await OrderService.facts(o, on: req.db)
        try req.authorize(.read, .salesRecord(facts))
        return try await render(req, o, facts: facts, invoiceForm: nil, status: .ok)
    }

    private func render(_ req: Request, _ o: SalesOrder, facts: SalesFacts, invoiceForm: ReceivablesPages.LedgerForm?, status httpStatus: HTTPStatus) async throws -> Response {
        let canEdit = req.allowed(.update, .salesRecord(facts))
        let status = OrderStatus(rawValue: o.status) ?? .open
        let customer = try await Customer.query(on: req.db).withDeleted().filter(\.$id == o.customerId).first()
        let contract = try await Contract.find(o.contractId, on: req.db)
        let requests = try await AfterSalesRequest.query(on: req.db).filter(\.$orderId == o.id!).sort(\.$createdAt, .descending).all()
        let invoices = try await SalesInvoice.query(on: req.db).filter(\.$orderId == o.id!).sort(\.$dueOn).all()
        let balances = try await Ledger.balances(of: invoices, asOf: req.today, on: req.db)
        let uninvoiced = max(0, o.amountFen - invoices.reduce(0) { $0 + $1.amountFen })
        let canInvoice = ReceivablesPages.canRecord(req) && uninvoiced > 0 && o.status != OrderStatus.cancelled.rawValue
        return try await req.page("Sales/order", title: o.number, section: "orders", ShowContext(
            order: OrderDTO(o, today: req.today), customer: customer?.name ?? "—", contract: contract.map { "\($0.number) · \($0.title)" } ?? "—",
            amount: SalesNames.yuan(o.amountFen), statusLabel: req.t("order_" + o.status), canEdit: canEdit,
            actions: canEdit ? (OrderStatus.moves[status] ?? []).sorted { $0.rawValue < $1.rawValue }.map { Action(status: $0.rawValue, label: req.t("orderTo_" + $0.rawValue)) } : [],
            afterSales: requests.map { .init(id: $0.id!, orderId: o.id!, description: $0.description, status: $0.status, createdBy: $0.createdByName, createdAt: $0.createdAt) },
            invoices: invoices.map { i in
                let b = balances[i.id!]
                return InvoiceRow(number: i.number, issuedOn: i.issuedOn, dueOn: i.dueOn, amount: SalesNames.yuan(i.amountFen),
                                  paid: SalesNames.yuan(b?.paid.fen ?? 0), outstanding: SalesNames.yuan(b?.outstanding.fen ?? i.amountFen),
                                  status: b?.status.rawValue ?? "open", statusLabel: req.t("invoice_" + (b?.status.rawValue ?? "open")))
            },
            canInvoice: canInvoice, uninvoiced: SalesNames.yuan(uninvoiced),
            invoiceForm: invoiceForm ?? ReceivablesPages.LedgerForm(values: [
                "amount": Money(fen: uninvoiced).yuanText, "issuedOn": req.today.description,
                "dueOn": SalesCalendar.adding(days: 30, to: req.today).description, "number": ""]),
            events: try await HistoryPage.events(req, entityType: "order", id: o.id!, hidden: [])), status: httpStatus)
    }

    /// An invoice for the order from its page: what is typed comes back beside its message when refused.
    func invoice(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        let facts = try await OrderService.facts(o, on: req.db)
        try req.authorize(.read, .salesRecord(facts))
        let fields = ["number", "amount", "issuedOn", "dueOn"]
        let v = SalesNames.posted(req, fields)
        return try await req.handleForm({ errors, detail in
            try await render(req, o, facts: facts, invoiceForm: ReceivablesPages.failed(errors, detail: detail, values: v, fields: fields, req: req), status: .unprocessableEntity)
        }) {
            _ = try await ReceivablesAPI.invoice(.init(customerId: o.customerId, orderId: o.id, number: v["number"],
                                                       amount: try ReceivablesPages.typed(amount: v["amount"], dates: ["issuedOn": v["issuedOn"], "dueOn": v["dueOn"]]),
                                                       issuedOn: v["issuedOn"] ?? "", dueOn: v["dueOn"] ?? ""), req: req)
            return req.redirect(to: "/orders/\(o.id!)#order-invoices", flash: "ledgerSaved")
        }
    }

    private func step(_ req: Request, _ o: SalesOrder, flash: String, _ work: () async throws -> Void) async throws -> Response {
        do { try await work() }
        catch let p as Problem where [.conflict, .unprocessableEntity, .preconditionFailed].contains(p.status) {
            return req.redirect(to: "/orders/\(o.id!)", flash: p.errors.isEmpty ? (p.detail ?? p.title) : p.errors.map(\.message).joined(separator: " "), kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/orders/\(o.id!)", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/orders/\(o.id!)", flash: flash)
    }

    func update(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.update, .salesRecord(try await OrderService.facts(o, on: req.db)))
        var input = OrderInput()
        if let v = req.formValue("plannedDelivery"), !v.isEmpty, o.status == OrderStatus.open.rawValue { input.plannedDelivery = v }
        if let v = req.formValue("actualDelivery"), !v.isEmpty { input.actualDelivery = v }
        input.notes = req.formValue("notes")
        return try await step(req, o, flash: "orderSaved") { _ = try await OrderService.update(o, input, req: req) }
    }

    func move(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.update, .salesRecord(try await OrderService.facts(o, on: req.db)))
        var input = OrderInput()
        input.status = req.formValue("status")
        return try await step(req, o, flash: "orderSaved") { _ = try await OrderService.update(o, input, req: req) }
    }

    func afterSales(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.read, .salesRecord(try await OrderService.facts(o, on: req.db)))
        return try await step(req, o, flash: "afterSalesRecorded") { _ = try await OrderList.recordAfterSales(o, description: req.formValue("description") ?? "", req: req) }
    }

    func assessCredit(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.create, .receivables(try await CustomerService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, ["onTimeShare", "yearsInBusiness", "registeredCapital", "industryRisk", "notes"])
        do {
            var e = FieldErrors()
            let share = (v["onTimeShare"] ?? "").isEmpty ? nil : Percent.parse(v["onTimeShare"]!).map { Double($0.basisPoints) / 10_000 }
            if !(v["onTimeShare"] ?? "").isEmpty && share == nil { e.add("onTimeShare", "wrongType", "Enter a percentage, like 95.") }
            let years = Int(v["yearsInBusiness"] ?? "")
            if years == nil { e.add("yearsInBusiness", "wrongType", "Enter whole years.") }
            let capital = Money.parse(v["registeredCapital"] ?? "")
            if capital == nil { e.add("registeredCapital", "wrongType", "Enter an amount in yuan.") }
            try e.throwIfAny()
            _ = try await CreditService.assess(c, ReceivablesAPI.AssessInput(customerId: c.id!, onTimeShare: share, yearsInBusiness: years!,
                                                                              registeredCapital: Double(capital!.fen) / 100, industryRisk: v["industryRisk"] ?? "", notes: v["notes"]), req: req)
        } catch let e as FieldErrors {
            return req.redirect(to: "/customers/\(c.id!)#credit", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        } catch let p as Problem where p.status == .unprocessableEntity {
            return req.redirect(to: "/customers/\(c.id!)#credit", flash: p.errors.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/customers/\(c.id!)#credit", flash: "creditAssessed")
    }
}

extension QueryBuilder where Model == Customer {
    /// Customers whose ledger the reader may see (the same scope as the customer list).
    func customerScopeForLedger(_ scope: RecordScope) -> Self { inSalesScope(scope) }
}
