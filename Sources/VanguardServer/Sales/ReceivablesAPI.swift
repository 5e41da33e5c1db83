import Fluent
import Vapor
import VanguardCore

struct InvoiceDTO: Content, Equatable {
    var id: UUID
    var number: String
    var customerId: UUID
    var orderId: UUID?
    var amount: Double
    var issuedOn: String
    var dueOn: String
    var createdAt: Date?
    init(_ i: SalesInvoice) {
        id = i.id!; number = i.number; customerId = i.customerId; orderId = i.orderId; amount = YuanInput.yuan(i.amountFen)
        issuedOn = i.issuedOn; dueOn = i.dueOn; createdAt = i.createdAt
    }
}

struct PaymentDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID
    var invoiceId: UUID?
    var amount: Double
    var receivedOn: String
    var reference: String
    var createdAt: Date?
    init(_ p: SalesPayment) {
        id = p.id!; customerId = p.customerId; invoiceId = p.invoiceId; amount = YuanInput.yuan(p.amountFen)
        receivedOn = p.receivedOn; reference = p.reference; createdAt = p.createdAt
    }
}

struct CreditAssessmentDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID
    var onTimeShare: Double?
    var overdueAmount: Double
    var yearsInBusiness: Int
    var registeredCapital: Double
    var industryRisk: String
    var score: Int
    var rating: String
    var limit: Double
    var assessedOn: String
    var nextReview: String
    var notes: String
    var assessor: String
    init(_ a: CreditAssessmentRecord) {
        id = a.id!; customerId = a.customerId; onTimeShare = a.onTimeShare; overdueAmount = YuanInput.yuan(a.overdueFen)
        yearsInBusiness = a.yearsInBusiness; registeredCapital = YuanInput.yuan(a.registeredCapitalFen); industryRisk = a.industryRisk
        score = a.score; rating = a.rating; limit = YuanInput.yuan(a.limitFen); assessedOn = a.assessedOn; nextReview = a.nextReview
        notes = a.notes; assessor = a.assessorName
    }
}

/// One customer's ageing, or the team's (RSK-S2): outstanding by bucket, oldest overdue days.
struct AgeingDTO: Content, Equatable {
    struct Row: Content, Equatable {
        var customerId: UUID
        var customer: String
        var buckets: [String: Double]
        var outstanding: Double
        var oldestOverdueDays: Int
    }
    var asOf: String
    var buckets: [String: Double]
    var outstanding: Double
    var customers: [Row]
}

fileprivate func decodeStrict<T: Decodable>(_ req: Request, _ type: T.Type, allowed: Set<String>) throws -> T {
    guard let body = req.body.data, body.readableBytes > 0 else { throw Problem.malformed("The request body is empty.") }
    let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
    if let unknown = object.map({ Set($0.keys).subtracting(allowed) }), !unknown.isEmpty {
        throw Problem.invalid(unknown.sorted().map { FieldError(field: $0, code: "unknownField", message: "Unknown field \($0).") })
    }
    return try req.decodeJSON(type)
}

/// Invoices, payments, credit assessments and ageing (RSK-S2). Sales readers see them; finance,
/// the lead and admins record them.
struct ReceivablesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("invoices", use: invoices)
        routes.post("invoices", use: createInvoice)
        routes.get("invoices", "export", use: { try await SalesExport.invoices(req: $0, strict: true) })
        routes.get("payments", use: payments)
        routes.post("payments", use: createPayment)
        routes.get("payments", "export", use: { try await SalesExport.payments(req: $0, strict: true) })
        routes.get("credit-assessments", use: assessments)
        routes.post("credit-assessments", use: assess)
        routes.get("receivables", "ageing", use: ageing)
        routes.get("receivables", "ageing", "export", use: { try await SalesExport.ageing(req: $0, strict: true) })
    }

    static func customer(_ id: UUID?, field: String, req: Request) async throws -> Customer {
        guard let id else { throw Problem.invalid(field, "required", "Which customer?") }
        guard let c = try await Customer.find(id, on: req.db) else { throw Problem.invalid(field, "unknownCustomer", "No customer with this id.") }
        return c
    }

    /// Invoices with what is paid and owed today, filtered by customer, order, number or status.
    func invoices(req: Request) async throws -> PageOf<InvoiceBalanceDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: InvoiceList.sortable, defaultSort: "dueOn")
        return try await InvoiceList.page(req, list: list, scope: AccessPolicy.salesScope(user.actor), strict: true)
    }

    struct InvoiceInput: Content { var customerId: UUID?; var orderId: UUID?; var number: String?; var amount: Double; var issuedOn: String; var dueOn: String }

    func createInvoice(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let input = try decodeStrict(req, InvoiceInput.self, allowed: ["customerId", "orderId", "number", "amount", "issuedOn", "dueOn"])
        let invoice = try await Self.invoice(input, req: req)
        return try InvoiceDTO(invoice).created(at: "/api/v1/invoices?customerId=\(invoice.customerId)", version: 1)
    }

    /// Records an invoice, from the API or the receivables page: checked by `Receivables`, never
    /// more than its order's amount, with its history entry.
    static func invoice(_ input: InvoiceInput, req: Request) async throws -> SalesInvoice {
        var order: SalesOrder?
        if let id = input.orderId {
            order = try await SalesOrder.find(id, on: req.db)
            if order == nil { throw Problem.invalid("orderId", "unknownOrder", "No order with this id.") }
        }
        let customer = try await Self.customer(input.customerId ?? order?.customerId, field: "customerId", req: req)
        if let order, order.customerId != customer.id { throw Problem.invalid("orderId", "otherCustomer", "This order belongs to another customer.") }
        try req.authorize(.create, .receivables(try await CustomerService.facts(customer, on: req.db)))
        var e = FieldErrors()
        let fen = YuanInput.fen(input.amount, field: "amount", into: &e) ?? 0
        let issued = CivilDate(input.issuedOn), due = CivilDate(input.dueOn)
        if issued == nil { e.add("issuedOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        if due == nil { e.add("dueOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        e.check("number", Validators.maxLength(input.number, 40, field: "number"))
        if let issued, let due, e.isEmpty {
            let rule = Invoice(number: input.number ?? "new", amount: Money(fen: fen), issued: issued, due: due)
            for err in Receivables.validate(invoices: [rule], payments: []).all { e.add(err.field.replacingOccurrences(of: "invoices[0].", with: "").replacingOccurrences(of: "due", with: "dueOn"), err.code, err.message) }
        }
        try e.throwIfAny()
        let invoice = SalesInvoice()
        // The finance team's own number when given; otherwise counted when written (`DocumentNumbers`).
        invoice.number = input.number.flatMap { $0.isEmpty ? nil : $0 } ?? ""
        let issuedDay = CivilDate(input.issuedOn)!
        invoice.customerId = customer.id!
        invoice.orderId = order?.id
        invoice.amountFen = fen
        invoice.issuedOn = input.issuedOn
        invoice.dueOn = input.dueOn
        invoice.createdBy = req.currentUser?.actor.userId
        let forOrder = order
        try await req.db.writeTransaction { db in
            if invoice.number.isEmpty {
                // A counted number skips one typed by hand earlier.
                repeat {
                    invoice.number = try await DocumentNumbers.next(.invoice, on: issuedDay, in: db)
                } while try await SalesInvoice.query(on: db).filter(\.$number == invoice.number).first() != nil
            } else if try await SalesInvoice.query(on: db).filter(\.$number == invoice.number).first() != nil {
                throw Problem.conflict("number", "duplicate", "Invoice \(invoice.number) already exists.")
            }
            if let order = forOrder {
                let billed = try await SalesInvoice.query(on: db).filter(\.$orderId == order.id!).all().reduce(0) { $0 + $1.amountFen }
                if billed + fen > order.amountFen {
                    throw Problem.conflict("amount", "over-invoiced", "Order \(order.number) is \(Money(fen: order.amountFen)); \(Money(fen: billed)) is already invoiced.")
                }
            }
            try await invoice.create(on: db)
            try await Audit.record(.create, "invoice", id: invoice.id, label: "\(invoice.number) \(customer.name)", before: Optional<InvoiceDTO>.none,
                                   after: InvoiceDTO(invoice), request: req, on: db)
        }
        return invoice
    }

    func payments(req: Request) async throws -> PageOf<PaymentDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["receivedOn"], defaultSort: "-receivedOn")
        let rows = try await list.apply(to: try PaymentList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: true), column: "received_on").all()
        return list.page(rows, value: \.receivedOn, id: { $0.id }, map: PaymentDTO.init)
    }

    struct PaymentInput: Content { var customerId: UUID?; var invoiceId: UUID?; var amount: Double; var receivedOn: String; var reference: String? }

    func createPayment(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let input = try decodeStrict(req, PaymentInput.self, allowed: ["customerId", "invoiceId", "amount", "receivedOn", "reference"])
        let p = try await Self.payment(input, req: req)
        return try PaymentDTO(p).created(at: "/api/v1/payments?customerId=\(p.customerId)", version: 1)
    }

    /// Records money received, applied to an invoice or to the oldest debts first.
    static func payment(_ input: PaymentInput, req: Request) async throws -> SalesPayment {
        var invoice: SalesInvoice?
        if let id = input.invoiceId {
            invoice = try await SalesInvoice.find(id, on: req.db)
            if invoice == nil { throw Problem.invalid("invoiceId", "unknownInvoice", "No invoice with this id.") }
        }
        let customer = try await Self.customer(input.customerId ?? invoice?.customerId, field: "customerId", req: req)
        if let invoice, invoice.customerId != customer.id { throw Problem.invalid("invoiceId", "otherCustomer", "This invoice belongs to another customer.") }
        try req.authorize(.create, .receivables(try await CustomerService.facts(customer, on: req.db)))
        var e = FieldErrors()
        let fen = YuanInput.fen(input.amount, field: "amount", into: &e) ?? 0
        if e.isEmpty && fen <= 0 { e.add("amount", "notPositive", "A payment amount must be more than zero.") }
        if CivilDate(input.receivedOn) == nil { e.add("receivedOn", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        e.check("reference", Validators.maxLength(input.reference, 100, field: "reference"))
        try e.throwIfAny()
        let p = SalesPayment()
        p.customerId = customer.id!; p.invoiceId = invoice?.id; p.amountFen = fen; p.receivedOn = input.receivedOn; p.reference = input.reference ?? ""
        p.createdBy = req.currentUser?.actor.userId
        try await req.db.writeTransaction { db in
            try await p.create(on: db)
            try await Audit.record(.create, "payment", id: p.id, label: "\(Money(fen: fen)) \(customer.name)", before: Optional<PaymentDTO>.none,
                                   after: PaymentDTO(p), request: req, on: db)
        }
        return p
    }

    func assessments(req: Request) async throws -> PageOf<CreditAssessmentDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["assessedOn"], defaultSort: "-assessedOn")
        let q = CreditAssessmentRecord.query(on: req.db).customerInSalesScope(AccessPolicy.salesScope(user.actor))
        if let v = try req.queryUUID("customerId") { q.filter(\.$customerId == v) }
        let rows = try await list.apply(to: q, column: "assessed_on").all()
        return list.page(rows, value: \.assessedOn, id: { $0.id }, map: CreditAssessmentDTO.init)
    }

    struct AssessInput: Content { var customerId: UUID; var onTimeShare: Double?; var yearsInBusiness: Int; var registeredCapital: Double; var industryRisk: String; var notes: String? }

    /// A new assessment from the factors (RSK-S2); the overdue amount comes from the ledger, not the form.
    func assess(req: Request) async throws -> Response {
        let input = try decodeStrict(req, AssessInput.self, allowed: ["customerId", "onTimeShare", "yearsInBusiness", "registeredCapital", "industryRisk", "notes"])
        let customer = try await Self.customer(input.customerId, field: "customerId", req: req)
        let a = try await CreditService.assess(customer, input, req: req)
        return try CreditAssessmentDTO(a).created(at: "/api/v1/credit-assessments?customerId=\(customer.id!)", version: 1)
    }

    func ageing(req: Request) async throws -> AgeingDTO {
        let user = try req.requireUser()
        return try await CreditService.ageingReport(req, scope: AccessPolicy.salesScope(user.actor), customer: try req.queryUUID("customerId"))
    }
}

enum CreditService {
    static func assess(_ customer: Customer, _ input: ReceivablesAPI.AssessInput, req: Request) async throws -> CreditAssessmentRecord {
        try req.authorize(.create, .receivables(try await CustomerService.facts(customer, on: req.db)))
        var e = FieldErrors()
        let capital = YuanInput.fen(input.registeredCapital, field: "registeredCapital", into: &e) ?? 0
        guard let risk = IndustryRisk(rawValue: input.industryRisk) else {
            throw Problem.invalid("industryRisk", "invalidChoice", "One of: \(IndustryRisk.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        e.check("notes", Validators.maxLength(input.notes, 2000, field: "notes"))
        if !(0...500).contains(input.yearsInBusiness) { e.add("yearsInBusiness", "outOfRange", "From 0 to 500 years.") }
        let today = req.today
        let ledger = try await Ledger.ageing(customer: customer.id!, asOf: today, on: req.db)
        let factors = CreditFactors(onTimeShare: input.onTimeShare, overdueAmount: Ledger.overdue(ledger), yearsInBusiness: input.yearsInBusiness,
                                    registeredCapital: Money(fen: capital), industryRisk: risk)
        for err in CreditRules.validate(factors).all { e.add(err.field, err.code, err.message) }
        try e.throwIfAny()
        let policy = try await OrderService.creditPolicy(req)
        let result = CreditRules.assess(factors, on: today, policy: policy)
        let user = try req.requireUser()
        let a = CreditAssessmentRecord()
        a.customerId = customer.id!; a.onTimeShare = input.onTimeShare; a.overdueFen = factors.overdueAmount.fen; a.yearsInBusiness = input.yearsInBusiness
        a.registeredCapitalFen = capital; a.industryRisk = risk.rawValue; a.score = result.score; a.rating = result.rating.rawValue
        a.limitFen = result.limit.fen; a.assessedOn = result.assessedOn.description; a.nextReview = result.nextReview.description
        a.notes = input.notes ?? ""; a.assessedBy = user.actor.userId; a.assessorName = user.user.displayName
        try await req.db.writeTransaction { db in
            try await a.create(on: db)
            try await Audit.record(.create, "creditAssessment", id: a.id, label: "\(customer.name): \(a.rating), \(Money(fen: a.limitFen))",
                                   before: Optional<CreditAssessmentDTO>.none, after: CreditAssessmentDTO(a), request: req, on: db)
        }
        return a
    }

    /// Ageing per customer and in total, for the customers the reader may see.
    static func ageingReport(_ req: Request, scope: RecordScope, customer: UUID?) async throws -> AgeingDTO {
        let today = req.today
        let iq = SalesInvoice.query(on: req.db).customerInSalesScope(scope)
        let pq = SalesPayment.query(on: req.db).customerInSalesScope(scope)
        if let customer { iq.filter(\.$customerId == customer); pq.filter(\.$customerId == customer) }
        let invoices = Dictionary(grouping: try await iq.all(), by: \.customerId)
        let payments = Dictionary(grouping: try await pq.all(), by: \.customerId)
        let ids = Set(invoices.keys).union(payments.keys)
        let names = try await SalesNames.customers(ids, on: req.db)
        var rows: [AgeingDTO.Row] = []
        var totals = Dictionary(uniqueKeysWithValues: AgeingBucket.allCases.map { ($0.rawValue, Int64(0)) })
        for id in ids {
            let a = try Ledger.ageing(invoices: invoices[id] ?? [], payments: payments[id] ?? [], asOf: today)
            guard a.totalOutstanding.fen > 0 else { continue }
            for (bucket, money) in a.byBucket { totals[bucket.rawValue, default: 0] += money.fen }
            rows.append(.init(customerId: id, customer: names[id] ?? "—", buckets: Dictionary(uniqueKeysWithValues: a.byBucket.map { ($0.key.rawValue, YuanInput.yuan($0.value.fen)) }),
                              outstanding: YuanInput.yuan(a.totalOutstanding.fen), oldestOverdueDays: a.oldestOverdueDays))
        }
        rows.sort { ($0.oldestOverdueDays, $0.outstanding) > ($1.oldestOverdueDays, $1.outstanding) }
        return AgeingDTO(asOf: today.description, buckets: totals.mapValues(YuanInput.yuan), outstanding: YuanInput.yuan(totals.values.reduce(0, +)), customers: rows)
    }
}
