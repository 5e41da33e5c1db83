import Fluent
import Vapor
import VanguardCore

/// Writing quotes: the lines priced from the price list, totals and the approval question from
/// `QuoteRules`, status moves checked by its rules, each change with its history entry and the
/// notifications it causes, in one transaction.
enum QuoteService {
    static func facts(_ q: Quote, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: q.ownerMemberId, customer: q.customerId, on: db)
    }

    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Quote {
        let id = try req.uuid("id", "quote")
        var q = Quote.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let quote = try await q.first() else { throw Problem.notFound("quote") }
        return quote
    }

    /// The deal a quote belongs to; a deal deleted since is a conflict the user can act on, not a crash.
    static func deal(of q: Quote, on db: any Database) async throws -> Opportunity {
        guard let deal = try await Opportunity.find(q.$opportunity.id, on: db) else {
            throw Problem.conflict("quoteId", "deal-deleted", "The deal of quote \(q.number) has been deleted; restore it first.")
        }
        return deal
    }

    static func lines(_ q: Quote, on db: any Database) async throws -> [QuoteLineRecord] {
        try await QuoteLineRecord.query(on: db).filter(\.$quote.$id == q.id!).sort(\.$position).all()
    }

    static func policy(_ req: Request) async throws -> QuotePolicy {
        try await req.application.policy.current(on: req.db).effectiveSales.effectiveQuotes
    }

    /// Turns the lines a client sent into records, filling code, description, unit and price
    /// from the price list when a product is named. Every problem is reported by `lines[i].field`.
    static func buildLines(_ inputs: [QuoteLineInput], on db: any Database) async throws -> [QuoteLineRecord] {
        var errors = FieldErrors()
        if inputs.isEmpty { errors.add("lines", "required", "A quote needs at least one line.") }
        if inputs.count > 200 { errors.add("lines", "tooMany", "At most 200 lines.") }
        let ids = Set(inputs.compactMap(\.productId))
        let products = Dictionary(uniqueKeysWithValues: try await Product.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        var records: [QuoteLineRecord] = []
        for (i, input) in inputs.prefix(200).enumerated() {
            let field = "lines[\(i)]"
            let product = input.productId.flatMap { products[$0] }
            if input.productId != nil && product == nil { errors.add("\(field).productId", "unknownProduct", "No product with this id on the price list.") }
            if product?.active == false { errors.add("\(field).productId", "inactiveProduct", "\(product!.code) is no longer sold.") }
            let r = QuoteLineRecord()
            r.position = i
            r.productId = product?.id
            r.productCode = (input.productCode ?? product?.code ?? "").trimmingCharacters(in: .whitespaces)
            r.description = input.description ?? product?.name ?? ""
            r.unit = input.unit ?? product?.unit ?? ""
            errors.check("\(field).description", Validators.maxLength(r.description, 500, field: "\(field).description"))
            errors.check("\(field).productCode", Validators.maxLength(r.productCode, 40, field: "\(field).productCode"))
            errors.check("\(field).unit", Validators.maxLength(r.unit, 20, field: "\(field).unit"))
            if let text = input.quantity {
                if let q = Quantity(text) { r.quantityThousandths = q.thousandths }
                else { errors.add("\(field).quantity", "invalidQuantity", "A number with at most three decimals, like 2.5.") }
            } else {
                errors.add("\(field).quantity", "required", "How many?")
            }
            if let price = input.unitPrice {
                if price < 0, price.isFinite { errors.add("\(field).unitPrice", "negative", "The unit price cannot be negative.") }
                else if let fen = YuanInput.fen(price, field: "\(field).unitPrice", into: &errors) { r.unitPriceFen = fen }
            } else if let product {
                r.unitPriceFen = product.listPriceFen
            } else {
                errors.add("\(field).unitPrice", "required", "Give a unit price, or choose a product from the price list.")
            }
            let discount = input.discountPercent ?? 0
            let bp = (discount * 100).rounded()
            if !discount.isFinite || abs(discount * 100 - bp) > 0.000_001 || abs(bp) > 1_000_000 {
                errors.add("\(field).discountPercent", "invalidPercent", "A percentage with at most two decimals.")
            } else {
                r.discountBP = Int64(bp)
            }
            records.append(r)
        }
        try errors.throwIfAny()
        return records
    }

    static func percent(_ value: Double?, field: String) throws -> Percent {
        guard let value else { return .zero }
        let bp = (value * 100).rounded()
        guard value.isFinite, abs(value * 100 - bp) <= 0.000_001, abs(bp) <= 1_000_000 else {
            throw Problem.invalid(field, "invalidPercent", "A percentage with at most two decimals.")
        }
        return Percent(basisPoints: Int64(bp))
    }

    /// Checks the lines and validity with `QuoteRules` and stores totals and the approval question.
    static func price(_ q: Quote, _ lines: [QuoteLineRecord], today: CivilDate, policy: QuotePolicy, checkValidity: Bool) throws {
        var errors = FieldErrors()
        let validUntil = CivilDate(q.validUntil)
        if validUntil == nil { errors.add("validUntil", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        let rules = lines.map(\.rule)
        let extra = Percent(basisPoints: q.extraDiscountBP)
        for e in QuoteRules.validate(lines: rules, validUntil: validUntil ?? today, today: checkValidity ? today : CivilDate(year: 1900, month: 1, day: 1)!,
                                     extraDiscount: extra).all {
            errors.add(e.field, e.code, e.message)
        }
        try errors.throwIfAny()
        let totals = try QuoteRules.totals(lines: rules, extraDiscount: extra)
        for (record, t) in zip(lines, totals.lines) { record.netFen = t.net.fen }
        q.subtotalFen = totals.subtotal.fen
        q.discountFen = totals.discount.fen
        q.netFen = totals.net.fen
        q.effectiveDiscountBP = totals.effectiveDiscount.basisPoints
        let approval = try QuoteRules.approval(lines: rules, extraDiscount: extra, policy: policy)
        q.approvalNeeded = approval.needed
        q.approvalReason = approval.reason
    }

    static func create(_ input: QuoteInput, deal: Opportunity, req: Request) async throws -> (Quote, [QuoteLineRecord]) {
        guard let validUntil = input.validUntil else { throw Problem.invalid("validUntil", "required", "Until when is this offer valid?") }
        let policy = try await policy(req)
        let q = Quote()
        q.number = ""   // counted when the quote is written (`DocumentNumbers`)
        q.$opportunity.id = deal.id!
        q.customerId = deal.$customer.id
        q.ownerMemberId = req.currentUser?.actor.memberId ?? deal.ownerMemberId
        q.status = QuoteStatus.draft.rawValue
        q.validUntil = validUntil
        q.extraDiscountBP = try percent(input.extraDiscountPercent, field: "extraDiscountPercent").basisPoints
        q.serviceTerms = input.serviceTerms ?? ""
        q.notes = input.notes ?? ""
        q.version = 1
        try checkTexts(q)
        let lines = try await buildLines(input.lines ?? [], on: req.db)
        try price(q, lines, today: req.today, policy: policy, checkValidity: true)
        let today = req.today
        return try await req.db.writeTransaction { db in
            q.number = try await DocumentNumbers.next(.quote, on: today, in: db)
            try await q.create(on: db)
            for l in lines { l.$quote.id = q.id!; try await l.create(on: db) }
            try await Audit.record(.create, "quote", id: q.id, label: q.number, before: Optional<QuoteDTO>.none, after: QuoteDTO(q, lines: lines), request: req, on: db)
            return (q, lines)
        }
    }

    /// Changes a quote's content and/or status. Editing content sends an approved or pending quote
    /// back to draft (its approval no longer holds); a sent or closed quote cannot be edited.
    static func update(_ q: Quote, _ input: QuoteInput, req: Request) async throws -> (Quote, [QuoteLineRecord]) {
        try ETag.check(req, version: q.version)
        let policy = try await policy(req)
        var lines = try await lines(q, on: req.db)
        let before = QuoteDTO(q, lines: lines)
        var target: QuoteStatus?
        if let raw = input.status {
            guard let s = QuoteStatus(rawValue: raw) else {
                throw Problem.invalid("status", "invalidChoice", "One of: \(QuoteStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            target = s
        }
        var replacedLines = false
        if input.changesContent {
            guard let after = QuoteRules.statusAfterEdit(QuoteStatus(rawValue: q.status) ?? .draft) else {
                throw Problem.conflict(nil, "quote-locked", "Quote \(q.number) is \(q.status) and can no longer be changed; make a new quote.")
            }
            if let v = input.validUntil { q.validUntil = v }
            if let v = input.extraDiscountPercent { q.extraDiscountBP = try percent(v, field: "extraDiscountPercent").basisPoints }
            if let v = input.serviceTerms { q.serviceTerms = v }
            if let v = input.notes { q.notes = v }
            try checkTexts(q)
            if let inputs = input.lines { lines = try await buildLines(inputs, on: req.db); replacedLines = true }
            try price(q, lines, today: req.today, policy: policy, checkValidity: true)
            if q.hasChanges || replacedLines {
                q.status = after.rawValue
                q.approvedAt = nil
                q.approvedBy = nil
            }
        }
        let user = try req.requireUser()
        let now = req.now, today = req.today
        let finalLines = lines
        let (moveTo, linesReplaced) = (target, replacedLines)
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Quote.schema, id: q.id, q.version)
            var notify: (users: [UUID], title: LocalizedText, body: LocalizedText)?
            if let target = moveTo, target.rawValue != q.status {
                let from = QuoteStatus(rawValue: q.status) ?? .draft
                let facts = QuoteFacts(approvalNeeded: q.approvalNeeded, approvalReason: q.approvalReason,
                                       validUntil: CivilDate(q.validUntil) ?? today, today: today, byLead: user.actor.role == .lead)
                if let refusal = QuoteRules.refusal(from: from, to: target, facts: facts) {
                    throw Problem(.conflict, code: "quote-move-refused", title: "This quote cannot move to \(target.rawValue) yet.", detail: refusal.message,
                                  errors: [FieldError(field: "status", code: refusal.code, message: refusal.message)])
                }
                q.status = target.rawValue
                switch target {
                case .pendingApproval:
                    let leads = try await UserAccount.query(on: db).filter(\.$role == Role.lead.rawValue).all().compactMap(\.id)
                    notify = (leads, LocalizedText(zhHans: "报价单 \(q.number) 待您审批", zhHant: "報價單 \(q.number) 待您審批", en: "Quote \(q.number) needs your approval"),
                              LocalizedText(zhHans: q.approvalReason ?? "", en: q.approvalReason ?? ""))
                case .approved:
                    q.approvedBy = user.actor.userId
                    q.approvedAt = now
                    let owners = try await UserAccount.query(on: db).filter(\.$memberId == q.ownerMemberId).all().compactMap(\.id)
                    notify = (owners, LocalizedText(zhHans: "报价单 \(q.number) 已批准", zhHant: "報價單 \(q.number) 已核准", en: "Quote \(q.number) approved"),
                              LocalizedText(zhHans: "可以发给客户了。", zhHant: "可以發給客戶了。", en: "It may now be sent to the customer."))
                case .sent: q.sentAt = now
                case .draft: q.approvedAt = nil; q.approvedBy = nil
                default: break
                }
            }
            guard q.hasChanges || linesReplaced else { return (q, finalLines) }
            q.version += 1
            try await q.save(on: db)
            if linesReplaced {
                try await QuoteLineRecord.query(on: db).filter(\.$quote.$id == q.id!).delete()
                for l in finalLines { l.$quote.id = q.id!; try await l.create(on: db) }
            }
            try await Audit.record(.update, "quote", id: q.id, label: q.number, before: before, after: QuoteDTO(q, lines: finalLines), request: req, on: db)
            if let notify, !notify.users.isEmpty {
                try await Notifier.notify(notify.users, kind: "quote", title: notify.title, body: notify.body, link: "/quotes/\(q.id!)", at: now, on: db)
            }
            return (q, finalLines)
        }
    }

    static func delete(_ q: Quote, req: Request) async throws {
        try ETag.check(req, version: q.version)
        guard q.status == QuoteStatus.draft.rawValue else {
            throw Problem.conflict(nil, "quote-locked", "Only a draft quote can be deleted; this one is \(q.status).")
        }
        let lines = try await lines(q, on: req.db)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Quote.schema, id: q.id, q.version)
            try await q.delete(on: db)
            try await Audit.record(.delete, "quote", id: q.id, label: q.number, before: QuoteDTO(q, lines: lines), after: Optional<QuoteDTO>.none, request: req, on: db)
        }
    }

    private static func checkTexts(_ q: Quote) throws {
        var e = FieldErrors()
        e.check("serviceTerms", Validators.maxLength(q.serviceTerms, 5000, field: "serviceTerms"))
        e.check("notes", Validators.maxLength(q.notes, 5000, field: "notes"))
        if CivilDate(q.validUntil) == nil { e.add("validUntil", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        try e.throwIfAny()
    }
}
