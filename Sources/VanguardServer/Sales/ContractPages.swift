import Fluent
import Vapor
import VanguardCore

/// Contracts on the web (SP-4, RSK-S3): made from an accepted quote, reviewed item by item,
/// approved, the signed copy attached, then signed, with every step's reason shown when refused.
struct ContractPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("contracts")
        c.get(use: list)
        c.get("export", use: { try await SalesExport.contracts(req: $0, strict: false) })
        c.get("new", use: newForm)
        c.post(use: create)
        c.get(":id", use: show)
        c.post(":id", use: updateTerms)
        c.post(":id", "review", use: review)
        c.post(":id", "approve", use: approve)
        c.post(":id", "status", use: move)
        c.on(.POST, ":id", "signed-file", body: .collect(maxSize: ContractFiles.maxBytes), use: attach)
        c.get(":id", "signed-file", use: { try await ContractsAPI().download(req: $0) })
    }

    struct NewContext: Encodable { var form: FormView; var heading: String; var quoteNumber: String }

    struct ListRow: Encodable { var id: UUID; var number: String; var title: String; var customer: String; var amount: String; var status: String; var statusLabel: String; var signedOn: String }
    struct ListContext: Encodable { var rows: [ListRow]; var statusOptions: [FormField.Option]; var status: String; var nextHref: String?; var exportHref: String; var exportXlsxHref: String }

    /// Every contract in the reader's scope, newest number first, by status: the ones in review
    /// for whoever reviews them, the approved ones waiting for their signed copy.
    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["number"], defaultSort: "-number")
        let rows = try await list.apply(to: try ContractList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: false), column: "number").all()
        let (shown, nextCursor) = list.cut(rows, value: \.number, id: { $0.id })
        let customers = try await SalesNames.customers(Set(shown.map(\.customerId)), on: req.db)
        let current = req.queryString("status") ?? ""
        return try await req.page("Sales/contracts", title: "navContracts", section: "contracts", ListContext(
            rows: shown.map { c in ListRow(id: c.id!, number: c.number, title: c.title, customer: customers[c.customerId] ?? "—", amount: SalesNames.yuan(c.amountFen),
                                               status: c.status, statusLabel: req.t("contract_" + c.status), signedOn: c.signedOn ?? "") },
            statusOptions: SalesNames.statusOptions(req, ContractStatus.allCases.map(\.rawValue), labelPrefix: "contract_", current: current),
            status: current, nextHref: nextCursor.map { SalesNames.href("/contracts", ["cursor": $0, "sort": "-number", "status": current]) },
            exportHref: SalesNames.href("/contracts/export", ["status": current]), exportXlsxHref: SalesNames.href("/contracts/export", ["status": current, "format": "xlsx"])))
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        guard let id = UUID(uuidString: req.queryString("quoteId") ?? ""), let quote = try await Quote.find(id, on: req.db) else { throw Problem.notFound("quote") }
        try req.authorize(.read, .salesRecord(try await QuoteService.facts(quote, on: req.db)))
        let deal = try await QuoteService.deal(of: quote, on: req.db)
        return try await newPage(req, quote: quote, values: ["quoteId": id.uuidString, "title": deal.title, "deliveryTerms": quote.serviceTerms], errors: [], formError: nil)
    }

    private func newPage(_ req: Request, quote: Quote, values v: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        var form = FormView(id: "contract-form", action: "/contracts", fields: [
            FormField(name: "quoteId", label: "", type: "hidden", value: v["quoteId"] ?? ""),
            FormField(name: "title", label: req.t("contractTitle"), value: v["title"] ?? "", required: true),
            FormField(name: "paymentTerms", label: req.t("paymentTerms"), type: "textarea", value: v["paymentTerms"] ?? "", hint: req.t("paymentTermsHint")),
            FormField(name: "deliveryTerms", label: req.t("deliveryTerms"), type: "textarea", value: v["deliveryTerms"] ?? ""),
        ], submitLabel: req.t("createContract"), cancelHref: "/quotes/\(quote.id!)")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        }
        return try await req.page("Sales/contract-form", title: req.t("newContract"), section: "pipeline",
                                  NewContext(form: form, heading: req.t("newContract"), quoteNumber: quote.number), status: status)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, ["quoteId", "title", "paymentTerms", "deliveryTerms"])
        guard let id = UUID(uuidString: v["quoteId"] ?? ""), let quote = try await Quote.find(id, on: req.db) else { throw Problem.notFound("quote") }
        return try await req.handleForm({ try await newPage(req, quote: quote, values: v, errors: $0, formError: $1, status: .unprocessableEntity) }) {
            var input = ContractInput()
            input.quoteId = id; input.title = v["title"]; input.paymentTerms = v["paymentTerms"]; input.deliveryTerms = v["deliveryTerms"]
            let c = try await ContractService.create(input, req: req)
            return req.redirect(to: "/contracts/\(c.id!)", flash: "contractSaved")
        }
    }

    struct Action: Encodable { var status: String; var label: String; var primary: Bool }
    struct ShowContext: Encodable {
        var contract: ContractDTO
        var statusLabel: String
        var customer: String
        var quoteNumber: String
        var amount: String
        var canEdit: Bool
        var termsOpen: Bool
        var reviewOpen: Bool
        var canApprove: Bool
        var canAttach: Bool
        /// The signed contract's "place order", for who may create one (`/orders/new` asks the same).
        var canOrder: Bool
        var actions: [Action]
        var missing: String?
        var verdicts: [FormField.Option]
        var events: [HistoryPage.EventView]
    }

    func show(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        let facts = try await ContractService.facts(c, on: req.db)
        try req.authorize(.read, .salesRecord(facts))
        let policy = try await ContractService.policy(req)
        let state = try await ContractService.state(c, on: req.db)
        let dto = ContractService.dto(c, state, policy: policy, locale: req.locale)
        let canEdit = req.allowed(.update, .salesRecord(facts))
        let status = ContractStatus(rawValue: c.status) ?? .draft
        let ruleFacts = ContractService.ruleFacts(c, state)
        let actions = canEdit ? [ContractStatus.inReview, .approved, .signed, .draft, .cancelled]
            .filter { $0 != status && ContractReview.refusal(from: status, to: $0, facts: ruleFacts, policy: policy) == nil }
            .map { Action(status: $0.rawValue, label: req.t("contractTo_" + $0.rawValue), primary: $0 == .signed || $0 == .approved) } : []
        let nextStep: ContractStatus = status == .approved ? .signed : .approved
        let missing = [.signed, .cancelled].contains(status) ? nil : ContractReview.refusal(from: status, to: nextStep, facts: ruleFacts, policy: policy)?.message
        let customer = try await Customer.query(on: req.db).withDeleted().filter(\.$id == c.customerId).first()
        let quote = try await Quote.find(c.quoteId, on: req.db)
        let open = [ContractStatus.draft.rawValue, ContractStatus.inReview.rawValue].contains(c.status)
        let context = ShowContext(
            contract: dto, statusLabel: req.t("contract_" + c.status), customer: customer?.name ?? "—", quoteNumber: quote?.number ?? "—",
            amount: SalesNames.yuan(c.amountFen), canEdit: canEdit, termsOpen: canEdit && open,
            reviewOpen: canEdit && (open || c.status == ContractStatus.approved.rawValue),
            canApprove: open && req.allowed(.update, .contractApproval(facts)), canAttach: canEdit && ![.signed, .cancelled].contains(status),
            canOrder: status == .signed && req.allowed(.create, .salesRecord(SalesFacts(owner: req.currentUser?.actor.memberId, group: req.currentUser?.actor.groupId))),
            actions: actions, missing: missing,
            verdicts: ReviewVerdict.allCases.map { FormField.Option(value: $0.rawValue, label: req.t("verdict_" + $0.rawValue), selected: false) },
            events: try await HistoryPage.events(req, entityType: "contract", id: c.id!, hidden: []))
        return try await req.page("Sales/contract", title: c.number, section: "pipeline", context)
    }

    /// Runs a contract step and comes back to the contract page with the outcome or the reason.
    private func step(_ req: Request, _ c: Contract, flash: String, _ work: () async throws -> Void) async throws -> Response {
        do {
            try await work()
        } catch let p as Problem where [.conflict, .unprocessableEntity, .preconditionFailed, .unsupportedMediaType, .payloadTooLarge].contains(p.status) {
            let detail = p.errors.count > 1 ? p.errors.map(\.message).joined(separator: " ") : (p.detail ?? p.title)
            return req.redirect(to: "/contracts/\(c.id!)", flash: detail, kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/contracts/\(c.id!)", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/contracts/\(c.id!)", flash: flash)
    }

    func updateTerms(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        var input = ContractInput()
        input.title = req.formValue("title"); input.paymentTerms = req.formValue("paymentTerms"); input.deliveryTerms = req.formValue("deliveryTerms")
        return try await step(req, c, flash: "contractSaved") { _ = try await ContractService.update(c, input, req: req) }
    }

    func review(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        let policy = try await ContractService.policy(req)
        let marks = policy.checklist.compactMap { item -> ReviewInput.Mark? in
            guard let verdict = req.formValue("verdict_\(item.key)"), !verdict.isEmpty else { return nil }
            return ReviewInput.Mark(itemKey: item.key, verdict: verdict, note: req.formValue("note_\(item.key)"))
        }
        return try await step(req, c, flash: "reviewSaved") { _ = try await ContractService.review(c, ReviewInput(marks: marks), req: req) }
    }

    func approve(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .contractApproval(try await ContractService.facts(c, on: req.db)))
        return try await step(req, c, flash: "contractApproved") { _ = try await ContractService.approve(c, note: req.formValue("note"), req: req) }
    }

    func move(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        var input = ContractInput()
        input.status = req.formValue("status")
        return try await step(req, c, flash: "contractStatusChanged") { _ = try await ContractService.update(c, input, req: req) }
    }

    func attach(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        return try await step(req, c, flash: "signedFileSaved") {
            let (data, name) = try ContractFiles.read(req)
            try await ContractService.attach(c, data: data, fileName: name, req: req)
        }
    }
}
