import Fluent
import Vapor
import VanguardCore

/// The pipeline on the web (SAL-3, SP-1 … SP-4): the kanban board, moving a deal between stages
/// (a plain form, which the board's drag and drop submits), the deal form, and "my day".
struct PipelinePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("pipeline", use: board)
        routes.get("my-day", use: myDay)
        routes.get("pipeline", "export", use: { try await SalesExport.opportunities(req: $0, strict: false) })
        routes.post("activities", ":id", "done", use: markDone)
        let o = routes.grouped("opportunities")
        o.get("new", use: newForm)
        o.post(use: create)
        o.get(":id", "edit", use: editForm)
        o.post(":id", use: update)
        o.post(":id", "stage", use: move)
    }

    struct Card: Encodable { var id: UUID; var title: String; var customer: String; var customerId: UUID; var amount: String; var expectedClose: String; var overdue: Bool; var owner: String }
    struct ColumnView: Encodable {
        var stage: String; var name: String; var probability: Int; var outcome: String; var count: Int; var amount: String; var weighted: String; var cards: [Card]
        /// The same filters with this stage alone, where the column lists more; nil when every deal is shown.
        var moreHref: String?
    }
    struct BoardContext: Encodable {
        var columns: [ColumnView]
        var stages: [FormField.Option]
        var amount: String
        var weighted: String
        var ownerOptions: [FormField.Option]
        var q: String
        var empty: Bool
        /// Finance, executives and HR read the board; they add, open for editing and move no deal.
        var canChange: Bool
    }

    func board(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let board = try await PipelineBoard.load(req, scope: AccessPolicy.salesScope(user.actor), strict: false)
        let deals = board.columns.flatMap(\.items)
        let customers = try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(deals.map(\.customerId))).field(\.$id).field(\.$name).all()
        let customerNames = Dictionary(uniqueKeysWithValues: customers.map { ($0.id!, $0.name) })
        let owners = try await SalesNames.members(deals.compactMap(\.ownerId), on: req.db)
        let today = req.today.description
        let visibleOwners = try await Member.query(on: req.db).inBoardScope(AccessPolicy.salesScope(user.actor)).sort(\.$nameOrder).all()
        let ownerId = req.queryString("ownerId") ?? ""
        let context = BoardContext(
            columns: board.columns.map { col in
                ColumnView(stage: col.stage, name: col.name, probability: col.probability, outcome: col.outcome, count: col.count,
                           amount: SalesNames.yuan(Int64((col.amount * 100).rounded())), weighted: SalesNames.yuan(Int64((col.weightedAmount * 100).rounded())),
                           cards: col.items.map { d in
                               Card(id: d.id, title: d.title, customer: customerNames[d.customerId] ?? "—", customerId: d.customerId,
                                    amount: SalesNames.yuan(Int64((d.amount * 100).rounded())), expectedClose: d.expectedClose ?? "",
                                    overdue: col.outcome == "open" && (d.expectedClose.map { $0 < today } ?? false), owner: d.ownerId.flatMap { owners[$0] } ?? "—")
                           },
                           moreHref: col.items.count < col.count && req.queryString("stage") != col.stage ? stageHref(req, col.stage) : nil)
            },
            stages: board.columns.map { FormField.Option(value: $0.stage, label: $0.name, selected: false) },
            amount: SalesNames.yuan(Int64((board.amount * 100).rounded())), weighted: SalesNames.yuan(Int64((board.weightedAmount * 100).rounded())),
            ownerOptions: [FormField.Option(value: "", label: req.t("everyoneIMaySee"), selected: ownerId.isEmpty)]
                + visibleOwners.map { FormField.Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == ownerId) },
            q: req.queryString("q") ?? "", empty: deals.isEmpty,
            canChange: req.allowed(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId))))
        return try await req.page("Sales/pipeline", title: "navPipeline", section: "pipeline", context)
    }

    /// The board with the request's filters and only `stage`: its column then lists up to `PipelineBoard.stageLimit` deals.
    func stageHref(_ req: Request, _ stage: String) -> String {
        var items = [URLQueryItem(name: "stage", value: stage)]
        for name in ["ownerId", "q", "closeFrom", "closeTo"] { if let v = req.queryString(name), !v.isEmpty { items.append(URLQueryItem(name: name, value: v)) } }
        var c = URLComponents()
        c.path = "/pipeline"
        c.queryItems = items
        return c.string ?? "/pipeline?stage=\(stage)"
    }

    /// A stage move from the board. A refusal comes back to the board with the reason.
    func move(req: Request) async throws -> Response {
        let o = try await OpportunityService.find(req)
        try req.authorize(.update, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        var input = OpportunityInput()
        input.stage = req.formValue("stage")
        if let reason = req.formValue("lossReason"), !reason.isEmpty { input.lossReason = .value(reason) }
        let back = req.formValue("back").flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/pipeline"
        do {
            _ = try await OpportunityService.save(o, input, creating: false, req: req)
        } catch let p as Problem where [.conflict, .unprocessableEntity, .preconditionFailed].contains(p.status) {
            let message = req.locale == .en ? (p.detail ?? p.title) : "\(req.t("stageMoveRefused")) \(p.detail ?? "")"
            return req.redirect(to: back, flash: message, kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: back, flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: back, flash: "stageMoved")
    }

    // MARK: my day

    struct DayRow: Encodable { var id: UUID; var customer: String; var customerId: UUID; var kind: String; var summary: String; var nextStep: String; var nextStepOn: String }
    struct DayContext: Encodable { var today: [DayRow]; var overdue: [DayRow]; var date: String }

    func myDay(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let day = try await ActivityService.myDay(req, member: user.actor.memberId)
        let all = day.today + day.overdue
        let customers = try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(all.map(\.$customer.id))).field(\.$id).field(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: customers.map { ($0.id!, $0.name) })
        func row(_ a: SalesActivity) -> DayRow {
            DayRow(id: a.id!, customer: names[a.$customer.id] ?? "—", customerId: a.$customer.id, kind: req.t("activity_" + a.kind),
                   summary: a.summary, nextStep: a.nextStep.isEmpty ? a.summary : a.nextStep, nextStepOn: a.nextStepOn ?? "")
        }
        return try await req.page("Sales/my-day", title: "navMyDay", section: "my-day",
                                  DayContext(today: day.today.map(row), overdue: day.overdue.map(row), date: req.today.description))
    }

    func markDone(req: Request) async throws -> Response {
        let a = try await ActivityService.find(req)
        try req.authorize(.update, .salesRecord(try await ActivityService.facts(a, on: req.db)))
        var input = ActivityInput()
        input.nextStepDone = true
        _ = try await ActivityService.save(a, input, creating: false, req: req)
        return req.redirect(to: "/my-day", flash: "followUpDone")
    }

    // MARK: the deal form

    struct FormContext: Encodable { var form: FormView; var heading: String }
    static let fields = ["customerId", "title", "stage", "amount", "probability", "expectedClose", "needs", "lossReason", "source", "version"]

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        return try await formPage(req, deal: nil, values: ["customerId": req.queryString("customerId") ?? "", "source": "visit", "stage": "prospect"], errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        let o = try await OpportunityService.find(req)
        try req.authorize(.update, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        return try await formPage(req, deal: o, values: [
            "customerId": o.$customer.id.uuidString, "title": o.title, "stage": o.stage, "amount": SalesNames.yuan(o.amountFen).replacingOccurrences(of: ",", with: ""),
            "probability": o.probability.map(String.init) ?? "", "expectedClose": o.expectedClose ?? "", "needs": o.needs, "lossReason": o.lossReason ?? "",
            "source": o.source, "version": String(o.version)], errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, Self.fields)
        return try await req.handleForm({ try await formPage(req, deal: nil, values: v, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            let input = try Self.input(v)
            if let id = input.customerId, let customer = try await Customer.find(id, on: req.db) {
                try req.authorize(.read, .salesRecord(try await CustomerService.facts(customer, on: req.db)))
            }
            let o = try await OpportunityService.save(OpportunityService.new(owner: user.actor.memberId, now: req.now), input, creating: true, req: req)
            return req.redirect(to: "/customers/\(o.$customer.id)#deals", flash: "dealSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        let o = try await OpportunityService.find(req)
        try req.authorize(.update, .salesRecord(try await OpportunityService.facts(o, on: req.db)))
        var v = SalesNames.posted(req, Self.fields)
        v["customerId"] = o.$customer.id.uuidString
        return try await req.handleForm({ try await formPage(req, deal: o, values: v, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            if let sent = Int(v["version"] ?? ""), sent != o.version { throw Problem.preconditionFailed }
            var input = try Self.input(v)
            input.customerId = nil
            _ = try await OpportunityService.save(o, input, creating: false, req: req)
            return req.redirect(to: "/customers/\(o.$customer.id)#deals", flash: "dealSaved")
        }
    }

    private func formPage(_ req: Request, deal: Opportunity?, values v: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let pipeline = try await OpportunityService.pipeline(req)
        func value(_ k: String) -> String { v[k] ?? "" }
        let customers = try await Customer.query(on: req.db).inSalesScope(AccessPolicy.salesScope(user.actor)).sort(\.$nameOrder).limit(500).all()
        var customerOptions = customers.map { ($0.id!.uuidString, $0.name) }
        if let id = UUID(uuidString: value("customerId")), !customers.contains(where: { $0.id == id }), let c = try await Customer.find(id, on: req.db) {
            customerOptions.insert((id.uuidString, c.name), at: 0)
        }
        var fields: [FormField] = []
        if deal == nil {
            var customer = FormField.select("customerId", req.t("customer"), value: value("customerId"), options: [("", "—")] + customerOptions, required: true)
            customer.picker = "/customers/picker"
            fields.append(customer)
        }
        fields += [
            FormField(name: "title", label: req.t("dealTitle"), value: value("title"), required: true),
            .select("stage", req.t("stage"), value: value("stage"), options: pipeline.stages.map { ($0.key, $0.name[req.locale]) }, required: true),
            FormField(name: "amount", label: req.t("amountYuan"), type: "number", value: value("amount")),
            FormField(name: "probability", label: req.t("probability"), type: "number", value: value("probability"), hint: req.t("probabilityHint")),
            FormField(name: "expectedClose", label: req.t("expectedClose"), type: "date", value: value("expectedClose")),
            FormField(name: "needs", label: req.t("customerNeeds"), type: "textarea", value: value("needs"), hint: req.t("needsHint")),
            FormField(name: "lossReason", label: req.t("lossReason"), value: value("lossReason")),
            .select("source", req.t("sourceChannel"), value: value("source"), options: SourceChannel.allCases.map { ($0.rawValue, req.t("source_" + $0.rawValue)) }),
            FormField(name: "version", label: "", type: "hidden", value: value("version")),
        ]
        var form = FormView(id: "deal-form", action: deal.map { "/opportunities/\($0.id!)" } ?? "/opportunities", fields: fields,
                            submitLabel: req.t("save"), cancelHref: deal.map { "/customers/\($0.$customer.id)" } ?? "/pipeline")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        }
        let heading = deal.map { "\(req.t("edit")): \($0.title)" } ?? req.t("newDeal")
        return try await req.page("Sales/deal-form", title: heading, section: "pipeline", FormContext(form: form, heading: heading), status: status)
    }

    static func input(_ v: [String: String]) throws -> OpportunityInput {
        var input = OpportunityInput()
        var errors = FieldErrors()
        if let raw = v["customerId"], !raw.isEmpty {
            if let id = UUID(uuidString: raw) { input.customerId = id } else { errors.add("customerId", "invalidChoice", "Choose from the list.") }
        } else if v["customerId"] != nil {
            errors.add("customerId", "required", "This field is required.")
        }
        input.title = v["title"]; input.stage = v["stage"]; input.needs = v["needs"]; input.source = v["source"]
        let amount = (v["amount"] ?? "").replacingOccurrences(of: ",", with: "")
        if !amount.isEmpty { if let d = Double(amount) { input.amount = d } else { errors.add("amount", "wrongType", "Enter an amount in yuan, like 12000.50.") } }
        let p = v["probability"] ?? ""
        if p.isEmpty { input.probability = .null } else if let n = Int(p) { input.probability = .value(n) } else { errors.add("probability", "wrongType", "Enter a whole number from 0 to 100.") }
        input.expectedClose = (v["expectedClose"] ?? "").isEmpty ? .null : .value(v["expectedClose"]!)
        input.lossReason = (v["lossReason"] ?? "").isEmpty ? .null : .value(v["lossReason"]!)
        try errors.throwIfAny()
        return input
    }
}

extension QueryBuilder where Model == Member {
    /// The people whose deals someone may see, for the board's owner filter.
    func inBoardScope(_ scope: RecordScope) -> Self {
        switch scope {
        case .all: return self
        case .nothing: return filter(\.$id == UUID())
        case .owners(let member, let team):
            return self.group(.or) { or in
                if let member { or.filter(\.$id == member) }
                if let team { or.filter(\.$group.$id == team) }
            }
        }
    }
}
