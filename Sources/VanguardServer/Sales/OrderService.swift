import Fluent
import Vapor
import VanguardCore

struct OrderDTO: Content, Equatable {
    var id: UUID
    var number: String
    var contractId: UUID
    var opportunityId: UUID
    var customerId: UUID
    var ownerId: UUID?
    var amount: Double
    var status: String
    var plannedDelivery: String
    var actualDelivery: String?
    var acceptedOn: String?
    var late: Bool
    var creditDecision: String
    var creditOverrideReason: String?
    var notes: String
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    /// Late: still open after its planned delivery day (SAL-4), or delivered after it.
    init(_ o: SalesOrder, today: CivilDate) {
        id = o.id!; number = o.number; contractId = o.contractId; opportunityId = o.opportunityId; customerId = o.customerId
        ownerId = o.ownerMemberId; amount = YuanInput.yuan(o.amountFen); status = o.status; plannedDelivery = o.plannedDelivery
        actualDelivery = o.actualDelivery; acceptedOn = o.acceptedOn
        late = o.status == OrderStatus.open.rawValue ? o.plannedDelivery < today.description : (o.actualDelivery.map { $0 > o.plannedDelivery } ?? false)
        creditDecision = o.creditDecision; creditOverrideReason = o.creditOverrideReason; notes = o.notes
        version = o.version; createdAt = o.createdAt; updatedAt = o.updatedAt
    }
}

struct OrderInput: Content {
    var contractId: UUID?
    var amount: Double?
    var plannedDelivery: String?
    var actualDelivery: String?
    var status: String?
    var notes: String?
    var creditOverrideReason: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case contractId, amount, plannedDelivery, actualDelivery, status, notes, creditOverrideReason }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        contractId = try c.decodeIfPresentNonNull(UUID.self, forKey: .contractId)
        amount = try c.decodeIfPresentNonNull(Double.self, forKey: .amount)
        plannedDelivery = try c.decodeIfPresentNonNull(String.self, forKey: .plannedDelivery)
        actualDelivery = try c.decodeIfPresentNonNull(String.self, forKey: .actualDelivery)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
        creditOverrideReason = try c.decodeIfPresentNonNull(String.self, forKey: .creditOverrideReason)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(plannedDelivery, forKey: .plannedDelivery)
    }
}

/// Orders from signed contracts (SP-5): the credit check before anything is placed (RSK-S2),
/// delivery and acceptance after.
enum OrderService {
    static func facts(_ o: SalesOrder, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: o.ownerMemberId, customer: o.customerId, on: db)
    }

    static func find(_ req: Request) async throws -> SalesOrder {
        guard let o = try await SalesOrder.find(try req.uuid("id", "order"), on: req.db) else { throw Problem.notFound("order") }
        return o
    }

    static func creditPolicy(_ req: Request) async throws -> CreditPolicy {
        try await req.application.policy.current(on: req.db).effectiveSales.effectiveCredit
    }

    /// Places an order under a signed contract. A customer over the credit limit, with debt past
    /// the policy's days, or without a valid assessment is refused with every reason, unless the
    /// team lead overrides it with a reason, which stays on the order and in its history.
    static func create(_ input: OrderInput, req: Request) async throws -> (SalesOrder, CreditCheckResult) {
        guard let contractId = input.contractId else { throw Problem.invalid("contractId", "required", "Which signed contract is this order under?") }
        guard let contract = try await Contract.find(contractId, on: req.db) else { throw Problem.invalid("contractId", "unknownContract", "No contract with this id.") }
        try req.authorize(.read, .salesRecord(try await ContractService.facts(contract, on: req.db)))
        guard contract.status == ContractStatus.signed.rawValue else {
            throw Problem.conflict("contractId", "contract-not-signed", "Orders are placed under a signed contract; \(contract.number) is \(contract.status).")
        }
        var e = FieldErrors()
        let amountFen = input.amount.flatMap { YuanInput.fen($0, field: "amount", into: &e) } ?? contract.amountFen
        if amountFen <= 0, e.isEmpty { e.add("amount", "notPositive", "An order amount must be more than zero.") }
        if let d = input.plannedDelivery { if CivilDate(d) == nil { e.add("plannedDelivery", "invalidDate", "Use a real date as yyyy-MM-dd.") } }
        else { e.add("plannedDelivery", "required", "When is delivery planned?") }
        e.check("notes", Validators.maxLength(input.notes, 2000, field: "notes"))
        e.check("creditOverrideReason", Validators.maxLength(input.creditOverrideReason, 1000, field: "creditOverrideReason"))
        try e.throwIfAny()
        let override = input.creditOverrideReason.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if override != nil { try req.authorize(.update, .creditOverride) }
        let policy = try await creditPolicy(req)
        let today = req.today
        let o = SalesOrder()
        o.number = ""   // counted when the order is written (`DocumentNumbers`)
        o.contractId = contract.id!
        o.opportunityId = contract.$opportunity.id
        o.customerId = contract.customerId
        o.ownerMemberId = contract.ownerMemberId
        o.amountFen = amountFen
        o.status = OrderStatus.open.rawValue
        o.plannedDelivery = input.plannedDelivery!
        o.notes = input.notes ?? ""
        o.version = 1
        return try await req.db.writeTransaction { db in
            // Checked inside the write, so two orders at once cannot both slip under the limit.
            let check = try await Ledger.creditCheck(customer: contract.customerId, orderAmount: Money(fen: amountFen), override: override,
                                                     today: today, policy: policy, on: db)
            if check.decision == .refused {
                throw Problem(.conflict, code: "credit-refused", title: "The customer's credit does not allow this order.",
                              detail: check.reasons.map(\.message).joined(separator: " "),
                              errors: check.reasons.map { FieldError(field: "credit", code: $0.code, message: $0.message) })
            }
            o.creditDecision = check.decision.rawValue
            o.creditOverrideReason = check.decision == .allowedWithOverride ? override : nil
            o.number = try await DocumentNumbers.next(.order, on: today, in: db)
            try await o.create(on: db)
            try await Audit.record(.create, "order", id: o.id, label: o.number + (o.creditOverrideReason.map { " (credit override: \($0))" } ?? ""),
                                   before: Optional<OrderDTO>.none, after: OrderDTO(o, today: today), request: req, on: db)
            return (o, check)
        }
    }

    static func update(_ o: SalesOrder, _ input: OrderInput, req: Request) async throws -> SalesOrder {
        try ETag.check(req, version: o.version)
        var e = FieldErrors()
        for (field, value) in [("plannedDelivery", input.plannedDelivery), ("actualDelivery", input.actualDelivery)] {
            if let value, CivilDate(value) == nil { e.add(field, "invalidDate", "Use a real date as yyyy-MM-dd.") }
        }
        e.check("notes", Validators.maxLength(input.notes, 2000, field: "notes"))
        var target: OrderStatus?
        if let raw = input.status {
            if let s = OrderStatus(rawValue: raw) { target = s } else { e.add("status", "invalidChoice", "One of: \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")).") }
        }
        if input.amount != nil || input.contractId != nil || input.creditOverrideReason != nil {
            e.add("amount", "readOnly", "An order's contract, amount and credit decision are fixed when it is placed.")
        }
        try e.throwIfAny()
        let today = req.today
        let before = OrderDTO(o, today: today)
        let moveTo = target
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(SalesOrder.schema, id: o.id, o.version)
            if let v = input.plannedDelivery {
                guard o.status == OrderStatus.open.rawValue else { throw Problem.conflict("plannedDelivery", "order-delivered", "The order is \(o.status); its planned date is history.") }
                o.plannedDelivery = v
            }
            if let v = input.notes { o.notes = v }
            if let v = input.actualDelivery { o.actualDelivery = v }
            if let target = moveTo, target.rawValue != o.status {
                let from = OrderStatus(rawValue: o.status) ?? .open
                guard OrderStatus.moves[from]?.contains(target) == true else {
                    throw Problem.conflict("status", "order-move-refused", "An order cannot go from \(from.rawValue) to \(target.rawValue).")
                }
                o.status = target.rawValue
                switch target {
                case .delivered: o.actualDelivery = o.actualDelivery ?? today.description
                case .accepted: o.acceptedOn = today.description
                case .open: o.actualDelivery = nil
                case .cancelled: break
                }
            }
            guard o.hasChanges else { return o }
            o.version += 1
            try await o.save(on: db)
            try await Audit.record(.update, "order", id: o.id, label: o.number, before: before, after: OrderDTO(o, today: today), request: req, on: db)
            return o
        }
    }
}
