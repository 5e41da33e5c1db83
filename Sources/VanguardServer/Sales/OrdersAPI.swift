import Fluent
import Vapor
import VanguardCore

/// `/api/v1/orders`: orders under signed contracts (SP-5, SAL-4), refused by the credit rules
/// (RSK-S2) unless the team lead overrides with a reason; delivery, acceptance, lateness;
/// after-sales requests recorded against the order (SP-6).
struct OrdersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let orders = routes.grouped("orders")
        orders.get(use: list)
        orders.get("export", use: { try await SalesExport.orders(req: $0, strict: true) })
        orders.post(use: create)
        orders.get(":id", use: show)
        orders.patch(":id", use: update)
        orders.get(":id", "history", use: history)
        orders.post(":id", "after-sales", use: afterSales)
    }

    func list(req: Request) async throws -> PageOf<OrderDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["plannedDelivery", "number"], defaultSort: "plannedDelivery")
        let q = try OrderList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: true)
        let rows = try await list.apply(to: q, column: list.sortField == "number" ? "number" : "planned_delivery").all()
        let today = req.today
        return list.page(rows, value: { list.sortField == "number" ? $0.number : $0.plannedDelivery }, id: { $0.id }, map: { OrderDTO($0, today: today) })
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let (o, _) = try await OrderService.create(try req.decodeJSON(OrderInput.self), req: req)
        return try OrderDTO(o, today: req.today).created(at: "/api/v1/orders/\(o.id!)", version: o.version)
    }

    func show(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.read, .salesRecord(try await OrderService.facts(o, on: req.db)))
        return try OrderDTO(o, today: req.today).response(version: o.version)
    }

    func update(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.update, .salesRecord(try await OrderService.facts(o, on: req.db)))
        let saved = try await OrderService.update(o, try req.decodeJSON(OrderInput.self), req: req)
        return try OrderDTO(saved, today: req.today).response(version: saved.version)
    }

    func history(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.read, .salesRecord(try await OrderService.facts(o, on: req.db)))
        return try await AuditAPI.page(req, entityType: "order", entityId: o.id!, hidden: [])
    }

    struct AfterSalesInput: Content {
        var description: String
        init(description: String) { self.description = description }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowed: ["description"])
            description = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .description)
        }
    }

    struct AfterSalesDTO: Content { var id: UUID; var orderId: UUID; var description: String; var status: String; var createdBy: String; var createdAt: Date }

    /// SP-6: anyone who may read the order records an after-sales request against it.
    func afterSales(req: Request) async throws -> Response {
        let o = try await OrderService.find(req)
        try req.authorize(.read, .salesRecord(try await OrderService.facts(o, on: req.db)))
        let input = try req.decodeJSON(AfterSalesInput.self)
        let a = try await OrderList.recordAfterSales(o, description: input.description, req: req)
        return try AfterSalesDTO(id: a.id!, orderId: o.id!, description: a.description, status: a.status, createdBy: a.createdByName, createdAt: a.createdAt)
            .created(at: "/api/v1/orders/\(o.id!)", version: 1)
    }
}

enum OrderList {
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<SalesOrder> {
        let q = SalesOrder.query(on: db ?? req.db).customerInSalesScope(scope)
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let v = try req.queryUUID("contractId", strict: strict) { q.filter(\.$contractId == v) }
        if let v = try req.queryChoice("status", from: OrderStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        if try req.queryBool("late") == true {
            q.filter(\.$status == OrderStatus.open.rawValue).filter(\.$plannedDelivery < req.today.description)
        }
        return q
    }

    static func recordAfterSales(_ o: SalesOrder, description: String, req: Request) async throws -> AfterSalesRequest {
        let text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw Problem.invalid("description", "required", "What does the customer need?") }
        guard text.unicodeScalars.count <= 2000 else { throw Problem.invalid("description", "tooLong", "At most 2000 characters.") }
        let a = AfterSalesRequest()
        a.orderId = o.id!; a.description = text; a.status = "open"
        a.createdBy = req.currentUser?.actor.userId; a.createdByName = req.currentUser?.user.displayName ?? "—"; a.createdAt = req.now
        // The request opens an after-sales ticket in the service queue (SP-5 → SVC-1), in the same transaction.
        let policy = try await TicketService.policy(req)
        try await req.db.writeTransaction { db in
            try await a.create(on: db)
            try await Audit.note(.update, "order", id: o.id, label: "\(o.number): after-sales request — \(text.prefix(100))", request: req, on: db)
            try await TicketService.openAfterSales(for: o, text: text, policy: policy, req: req, on: db)
        }
        return a
    }
}
