import Fluent
import SQLKit
import Vapor
import VanguardCore

/// An opportunity as the API shows it; `amount` in yuan, `weightedAmount` = amount × probability.
struct OpportunityDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID
    var title: String
    var ownerId: UUID?
    var stage: String
    var amount: Double
    var probability: Int
    var weightedAmount: Double
    var expectedClose: String?
    var needs: String
    var lossReason: String?
    var source: String
    var stageChangedAt: Date
    var closedOn: String?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    /// The columns `init(row:pipeline:)` reads.
    static let columns = ["id", "customer_id", "title", "owner_member_id", "stage", "amount_fen", "probability", "expected_close", "needs",
                          "loss_reason", "source", "stage_changed_at", "closed_on", "version", "created_at", "updated_at"]

    /// A deal read straight from the database's cells, for the board: the same as `init(_:pipeline:)`
    /// on the Fluent model, without building one (reflection over each model's fields was about half
    /// of the board's time).
    init(row r: ListRow, pipeline: Pipeline?) throws {
        id = try r.uuid("id"); customerId = try r.uuid("customer_id"); title = try r.string("title"); ownerId = try r.optionalUUID("owner_member_id")
        stage = try r.string("stage")
        let fen = try r.int("amount_fen")
        amount = Double(fen) / 100
        probability = try r.optionalInt("probability") ?? pipeline?.stage(stage)?.probability ?? 0
        weightedAmount = (Double(fen) * Double(probability) / 100).rounded() / 100
        expectedClose = try r.optionalString("expected_close"); needs = try r.string("needs"); lossReason = try r.optionalString("loss_reason")
        source = try r.string("source")
        guard let changed = try r.optionalDate("stage_changed_at") else { throw ListRow.MissingColumn(column: "stage_changed_at", type: "Date") }
        stageChangedAt = changed; closedOn = try r.optionalString("closed_on"); version = try r.int("version")
        createdAt = try r.optionalDate("created_at"); updatedAt = try r.optionalDate("updated_at")
    }

    /// `pipeline` gives the stage's usual probability when the deal has no judgement of its own.
    init(_ o: Opportunity, pipeline: Pipeline?) {
        id = o.id!; customerId = o.$customer.id; title = o.title; ownerId = o.ownerMemberId; stage = o.stage
        amount = Double(o.amountFen) / 100
        probability = o.probability ?? pipeline?.stage(o.stage)?.probability ?? 0
        weightedAmount = (Double(o.amountFen) * Double(probability) / 100).rounded() / 100
        expectedClose = o.expectedClose; needs = o.needs; lossReason = o.lossReason; source = o.source
        stageChangedAt = o.stageChangedAt; closedOn = o.closedOn; version = o.version; createdAt = o.createdAt; updatedAt = o.updatedAt
    }
}

struct OpportunityInput: Content {
    var customerId: UUID?
    var title: String?
    var ownerId: Patch<UUID> = .absent
    var stage: String?
    var amount: Double?
    var probability: Patch<Int> = .absent
    var expectedClose: Patch<String> = .absent
    var needs: String?
    var lossReason: Patch<String> = .absent
    var source: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case customerId, title, ownerId, stage, amount, probability, expectedClose, needs, lossReason, source
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decodeIfPresentNonNull(UUID.self, forKey: .customerId)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
        stage = try c.decodeIfPresentNonNull(String.self, forKey: .stage)
        amount = try c.decodeIfPresentNonNull(Double.self, forKey: .amount)
        probability = try c.decodePatch(Int.self, forKey: .probability)
        expectedClose = try c.decodePatch(String.self, forKey: .expectedClose)
        needs = try c.decodeIfPresentNonNull(String.self, forKey: .needs)
        lossReason = try c.decodePatch(String.self, forKey: .lossReason)
        source = try c.decodeIfPresentNonNull(String.self, forKey: .source)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    func validate(creating: Bool, stages: [String]) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            if customerId == nil { e.add("customerId", "required", "This field is required.") }
            e.check("title", Validators.required(title, field: "title"))
        } else if title != nil {
            e.check("title", Validators.required(title, field: "title"))
        }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("needs", Validators.maxLength(needs, 5000, field: "needs"))
        if case .value(let r) = lossReason { e.check("lossReason", Validators.maxLength(r, 1000, field: "lossReason")) }
        e.choice("stage", stage, stages)
        e.choice("source", source, SourceChannel.allCases.map(\.rawValue))
        if let amount { _ = YuanInput.fen(amount, field: "amount", into: &e) }
        if case .value(let p) = probability, !(0...100).contains(p) { e.add("probability", "outOfRange", "From 0 to 100.") }
        if case .value(let d) = expectedClose, CivilDate(d) == nil { e.add("expectedClose", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        return e
    }
}

enum OpportunityService {
    static func facts(_ o: Opportunity, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: o.ownerMemberId, customer: o.$customer.id, on: db)
    }

    static func find(_ req: Request) async throws -> Opportunity {
        guard let o = try await Opportunity.find(try req.uuid("id", "opportunity"), on: req.db) else { throw Problem.notFound("opportunity") }
        return o
    }

    static func pipeline(_ req: Request) async throws -> Pipeline {
        try await req.application.policy.current(on: req.db).effectiveSales.pipeline
    }

    /// What the stage rules need to know about a deal: a quote counts once the customer has it
    /// (sent or accepted); a contract once it is signed.
    static func stageFacts(_ o: Opportunity, on db: any Database) async throws -> OpportunityFacts {
        let quoted = try await o.id.asyncMap { id in
            try await Quote.query(on: db).filter(\.$opportunity.$id == id)
                .filter(\.$status ~~ [QuoteStatus.sent.rawValue, QuoteStatus.accepted.rawValue]).count() > 0
        } ?? false
        let signed = try await o.id.asyncMap { id in
            try await Contract.query(on: db).filter(\.$opportunity.$id == id).filter(\.$status == ContractStatus.signed.rawValue).count() > 0
        } ?? false
        return OpportunityFacts(hasNeeds: !o.needs.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                                hasQuote: quoted, hasSignedContract: signed, lossReason: o.lossReason)
    }

    static func new(owner: UUID?, now: Date) -> Opportunity {
        let o = Opportunity()
        o.version = 1
        o.ownerMemberId = owner
        o.amountFen = 0
        o.needs = ""
        o.source = SourceChannel.other.rawValue
        o.stageChangedAt = now
        return o
    }

    /// Creates or changes a deal. A stage change is checked against the pipeline's rules with the
    /// deal as it will be after this change; it is recorded (for the funnel and cycle times) and,
    /// when the deal is won, the customer becomes a customer, all in one transaction.
    static func save(_ o: Opportunity, _ input: OpportunityInput, creating: Bool, req: Request) async throws -> Opportunity {
        let pipeline = try await pipeline(req)
        try input.validate(creating: creating, stages: pipeline.stages.map(\.key)).throwIfAny()
        if !creating { try ETag.check(req, version: o.version) }
        let before = creating ? nil : OpportunityDTO(o, pipeline: pipeline)
        let fromStage: String? = creating ? nil : o.stage
        let targetStage = input.stage ?? (creating ? pipeline.firstStage?.key ?? "prospect" : o.stage)
        if let v = input.customerId, creating { o.$customer.id = v }
        if let v = input.title { o.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.ownerId.given { o.ownerMemberId = input.ownerId.applied(to: o.ownerMemberId) }
        if let v = input.amount { o.amountFen = Int64((v * 100).rounded()) }
        if input.probability.given { o.probability = input.probability.applied(to: o.probability) }
        if input.expectedClose.given { o.expectedClose = input.expectedClose.applied(to: o.expectedClose).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.needs { o.needs = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.lossReason.given { o.lossReason = input.lossReason.applied(to: o.lossReason).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.source { o.source = v }
        let now = req.now, today = req.today.description
        let actor = req.currentUser?.actor.userId
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(Opportunity.schema, id: o.id, o.version) }
            guard let customer = try await Customer.find(o.$customer.id, on: db) else {
                throw Problem.invalid("customerId", "unknownCustomer", "No customer with this id.")
            }
            if let owner = o.ownerMemberId, try await Member.find(owner, on: db) == nil {
                throw Problem.invalid("ownerId", "unknownMember", "No member with this id.")
            }
            let moving = creating || targetStage != o.stage
            if moving {
                let from = fromStage ?? pipeline.firstStage?.key ?? targetStage
                if let refusal = pipeline.refusal(from: from, to: targetStage, facts: try await stageFacts(o, on: db)) {
                    throw Problem(.conflict, code: "stage-move-refused", title: "This stage move is not allowed yet.", detail: refusal.message,
                                  errors: [FieldError(field: "stage", code: refusal.code, message: refusal.message)]
                                      + refusal.missing.map { FieldError(field: $0 == .needs ? "needs" : $0 == .lossReason ? "lossReason" : $0.rawValue, code: "required", message: refusal.message) })
                }
                o.stage = targetStage
                o.stageChangedAt = now
                switch pipeline.stage(targetStage)?.outcome {
                case .won?, .lost?: o.closedOn = today
                default: o.closedOn = nil
                }
            }
            if !creating {
                guard o.hasChanges else { return o }
                o.version += 1
            }
            try await o.save(on: db)
            if creating { try await CampaignRollUps.dealOpened(customer: o.$customer.id, won: false, on: db) }
            if moving {
                try await StageDays.record(o, from: fromStage, to: o.stage, at: now, by: actor, on: db)
                try await CampaignAttribution.recordStage(o, from: fromStage, pipeline: pipeline, at: now, on: db)
            } else {
                try await CampaignAttribution.recordAmount(o, on: db)
            }
            try await Audit.record(creating ? .create : .update, "opportunity", id: o.id, label: o.title,
                                   before: before, after: OpportunityDTO(o, pipeline: pipeline), request: req, on: db)
            if moving, pipeline.stage(o.stage)?.outcome == .won, customer.status == CustomerStatus.prospect.rawValue {
                // SP-1 → SP-5: the first won deal turns a prospect into a customer.
                let customerBefore = CustomerDTO(customer)
                customer.status = CustomerStatus.customer.rawValue
                customer.version += 1
                try await customer.save(on: db)
                try await Audit.record(.update, "customer", id: customer.id, label: customer.name, before: customerBefore,
                                       after: CustomerDTO(customer), request: req, on: db)
            }
            return o
        }
    }

    /// Moves a deal already checked by the rules, inside the caller's transaction: the stage, its
    /// record for the funnel, the history entry, and a first win turning the prospect into a customer.
    static func recordMove(_ o: Opportunity, to stage: String, pipeline: Pipeline, now: Date, today: String, req: Request, on db: any Database) async throws {
        let before = OpportunityDTO(o, pipeline: pipeline)
        let from = o.stage
        o.stage = stage
        o.stageChangedAt = now
        o.closedOn = pipeline.stage(stage)?.outcome == .open ? nil : today
        o.version += 1
        try await o.save(on: db)
        try await StageDays.record(o, from: from, to: stage, at: now, by: req.currentUser?.actor.userId, on: db)
        try await CampaignAttribution.recordStage(o, from: from, pipeline: pipeline, at: now, on: db)
        try await Audit.record(.update, "opportunity", id: o.id, label: o.title, before: before, after: OpportunityDTO(o, pipeline: pipeline), request: req, on: db)
        if pipeline.stage(stage)?.outcome == .won, let customer = try await Customer.find(o.$customer.id, on: db), customer.status == CustomerStatus.prospect.rawValue {
            let customerBefore = CustomerDTO(customer)
            customer.status = CustomerStatus.customer.rawValue
            customer.version += 1
            try await customer.save(on: db)
            try await Audit.record(.update, "customer", id: customer.id, label: customer.name, before: customerBefore, after: CustomerDTO(customer), request: req, on: db)
        }
    }

    static func delete(_ o: Opportunity, req: Request) async throws {
        try ETag.check(req, version: o.version)
        let pipeline = try await pipeline(req)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Opportunity.schema, id: o.id, o.version)
            let before = OpportunityDTO(o, pipeline: pipeline)
            try await o.delete(on: db)
            try await CampaignAttribution.dealDeleted(o, pipeline: pipeline, on: db)
            try await Audit.record(.delete, "opportunity", id: o.id, label: o.title, before: before, after: Optional<OpportunityDTO>.none, request: req, on: db)
        }
    }
}

/// `/api/v1/opportunities`: the pipeline (SAL-3, SP-1 … SP-4). A stage change is a PATCH with
/// `{"stage": …}`; a move the rules refuse is a 409 problem that says what is missing.
struct OpportunitiesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let deals = routes.grouped("opportunities")
        deals.get(use: list)
        deals.get("board", use: board)
        deals.get("export", use: { try await SalesExport.opportunities(req: $0, strict: true) })
        deals.post(use: create)
        deals.get(":id", use: show)
        deals.patch(":id", use: update)
        deals.delete(":id", use: delete)
        deals.get(":id", "history", use: history)
    }

    static let sortable = ["title", "expectedClose", "amount"]

    func list(req: Request) async throws -> PageOf<OpportunityDTO> {
        let user = try req.requireUser()
        let pipeline = try await OpportunityService.pipeline(req)
        let list = try ListRequest.parse(req, sortable: Self.sortable, defaultSort: "expectedClose")
        let q = try OpportunityList.filtered(req, scope: AccessPolicy.salesScope(user.actor), pipeline: pipeline, strict: true)
        let column = ["title": "title", "expectedClose": "expected_close", "amount": "amount_fen"][list.sortField]!
        let bind: (String) -> DatabaseQuery.Value = list.sortField == "amount" ? { .bind(Int64($0) ?? 0) } : { .bind($0) }
        let rows = try await (list.sortField == "expectedClose" ? list.applyEmptyLast(to: q, column: column) : list.apply(to: q, column: column, bind: bind)).all()
        return list.page(rows, value: { o in
            switch list.sortField { case "amount": String(o.amountFen); case "expectedClose": o.expectedClose ?? ""; default: o.title }
        }, id: { $0.id }, map: { OpportunityDTO($0, pipeline: pipeline) })
    }

    func board(req: Request) async throws -> PipelineBoard {
        let user = try req.requireUser()
        return try await PipelineBoard.load(req, scope: AccessPolicy.salesScope(user.actor), strict: true)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeJSON(OpportunityInput.self)
        let owner = input.ownerId.applied(to: user.actor.memberId)
        try req.authorize(.create, .salesRecord(SalesFacts(owner: owner, group: try await CustomerService.groupOf(owner, on: req.db))))
        if let id = input.customerId, let customer = try await Customer.find(id, on: req.db) {
            try req.authorize(.read, .salesRecord(try await CustomerService.facts(customer, on: req.db)))
        }
        let o = try await OpportunityService.save(OpportunityService.new(owner: user.actor.memberId, now: req.now), input, creating: true, req: req)
        return try OpportunityDTO(o, pipeline: try await OpportunityService.pipeline(req)).created(at: "/api/v1/opportunities/\(o.id!)", version: o.version)
    }

    func show(req: Request) async throws -> Response {
        let o = try await OpportunityService.find(req)
        try req.authorize(.read, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        return try OpportunityDTO(o, pipeline: try await OpportunityService.pipeline(req)).response(version: o.version)
    }

    func update(req: Request) async throws -> Response {
        let o = try await OpportunityService.find(req)
        try req.authorize(.update, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        let input = try req.decodeJSON(OpportunityInput.self)
        if let c = input.customerId, c != o.$customer.id {
            throw Problem.invalid("customerId", "readOnly", "An opportunity stays with its customer.")
        }
        if case .value(let owner) = input.ownerId {
            try req.authorize(.update, .salesRecord(SalesFacts(owner: owner, group: try await CustomerService.groupOf(owner, on: req.db))))
        }
        let saved = try await OpportunityService.save(o, input, creating: false, req: req)
        return try OpportunityDTO(saved, pipeline: try await OpportunityService.pipeline(req)).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let o = try await OpportunityService.find(req)
        try req.authorize(.delete, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        try await OpportunityService.delete(o, req: req)
        return .noContent
    }

    func history(req: Request) async throws -> Response {
        let id = try req.uuid("id", "opportunity")
        guard let o = try await Opportunity.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("opportunity") }
        try req.authorize(.read, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        return try await AuditAPI.page(req, entityType: "opportunity", entityId: id, hidden: [])
    }
}
