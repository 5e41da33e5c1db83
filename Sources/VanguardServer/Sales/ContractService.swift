import Fluent
import Vapor
import VanguardCore

/// Contracts from accepted quotes (SP-4): review against the checklist, approvals by others than
/// the owner (two from the policy's amount on), the signed file, and signing, which wins the deal.
/// Every step is checked by `ContractReview` and written with its history in one transaction.
enum ContractService {
    static func facts(_ c: Contract, on db: any Database) async throws -> SalesFacts {
        try await CustomerService.facts(owner: c.ownerMemberId, customer: c.customerId, on: db)
    }

    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Contract {
        let id = try req.uuid("id", "contract")
        var q = Contract.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let c = try await q.first() else { throw Problem.notFound("contract") }
        return c
    }

    static func policy(_ req: Request) async throws -> ContractPolicy {
        try await req.application.policy.current(on: req.db).effectiveSales.effectiveContracts
    }

    struct State: Sendable {
        var marks: [ContractReviewMark]
        var approvals: [ContractApproval]
        var fileName: String?
        /// Whose approval does not count: the user accounts of the contract's owner.
        var ownerUsers: [UUID]
    }

    static func state(_ c: Contract, on db: any Database) async throws -> State {
        let marks = try await ContractReviewMark.query(on: db).filter(\.$contract.$id == c.id!).all()
        let approvals = try await ContractApproval.query(on: db).filter(\.$contract.$id == c.id!).sort(\.$approvedAt).all()
        let file = try await ContractFile.query(on: db).filter(\.$contract.$id == c.id!).field(\.$id).field(\.$fileName).sort(\.$uploadedAt, .descending).first()
        let owners = c.ownerMemberId == nil ? [] : try await UserAccount.query(on: db).filter(\.$memberId == c.ownerMemberId).all().compactMap(\.id)
        return State(marks: marks, approvals: approvals, fileName: file?.fileName, ownerUsers: owners)
    }

    /// The facts the rules decide on. The owner is one stand-in id; approvals by the owner's own
    /// accounts are mapped onto it, so they never count.
    static func ruleFacts(_ c: Contract, _ s: State) -> ContractFacts {
        let owner = c.ownerMemberId ?? UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        return ContractFacts(amount: Money(fen: c.amountFen), owner: owner,
                             approvers: s.approvals.map { s.ownerUsers.contains($0.userId) ? owner : $0.userId },
                             marks: s.marks.map { ReviewMark(itemKey: $0.itemKey, verdict: ReviewVerdict(rawValue: $0.verdict) ?? .notChecked, note: $0.note) },
                             hasSignedFile: s.fileName != nil)
    }

    static func dto(_ c: Contract, _ s: State, policy: ContractPolicy, locale: AppLocale) -> ContractDTO {
        let byKey = Dictionary(s.marks.map { ($0.itemKey, $0) }, uniquingKeysWith: { a, _ in a })
        let facts = ruleFacts(c, s)
        return ContractDTO(
            id: c.id!, number: c.number, opportunityId: c.$opportunity.id, customerId: c.customerId, quoteId: c.quoteId, ownerId: c.ownerMemberId,
            title: c.title, amount: YuanInput.yuan(c.amountFen), paymentTerms: c.paymentTerms, deliveryTerms: c.deliveryTerms,
            status: c.status, signedOn: c.signedOn,
            checklist: policy.checklist.map { item in
                let m = byKey[item.key]
                return ContractMarkDTO(itemKey: item.key, name: item.name[locale], required: item.required, verdict: m?.verdict ?? ReviewVerdict.notChecked.rawValue,
                                       note: m?.note, reviewer: m?.reviewerName, reviewedAt: m?.reviewedAt)
            },
            reviewPassed: ContractReview.outcome(marks: facts.marks, checklist: policy.checklist).passed,
            approvals: s.approvals.map { ContractApprovalDTO(userId: $0.userId, approver: $0.approverName, note: $0.note, approvedAt: $0.approvedAt) },
            approvalsNeeded: Money(fen: c.amountFen) >= policy.secondApprovalThreshold ? 2 : 1,
            signedFile: s.fileName, version: c.version, createdAt: c.createdAt, updatedAt: c.updatedAt)
    }

    static func create(_ input: ContractInput, req: Request) async throws -> Contract {
        guard let quoteId = input.quoteId else { throw Problem.invalid("quoteId", "required", "Which accepted quote is this contract for?") }
        guard let quote = try await Quote.find(quoteId, on: req.db) else { throw Problem.invalid("quoteId", "unknownQuote", "No quote with this id.") }
        try req.authorize(.read, .salesRecord(try await QuoteService.facts(quote, on: req.db)))
        guard quote.status == QuoteStatus.accepted.rawValue else {
            throw Problem.conflict("quoteId", "quote-not-accepted", "A contract is made from a quote the customer accepted; quote \(quote.number) is \(quote.status).")
        }
        var e = FieldErrors()
        e.check("title", Validators.maxLength(input.title, 200, field: "title"))
        e.check("paymentTerms", Validators.maxLength(input.paymentTerms, 5000, field: "paymentTerms"))
        e.check("deliveryTerms", Validators.maxLength(input.deliveryTerms, 5000, field: "deliveryTerms"))
        try e.throwIfAny()
        let deal = try await QuoteService.deal(of: quote, on: req.db)
        let c = Contract()
        c.number = ""   // counted when the contract is written (`DocumentNumbers`)
        c.$opportunity.id = deal.id!
        c.customerId = quote.customerId
        c.quoteId = quote.id!
        c.ownerMemberId = deal.ownerMemberId ?? req.currentUser?.actor.memberId
        c.title = input.title.flatMap { $0.isEmpty ? nil : $0 } ?? deal.title
        c.amountFen = quote.netFen
        c.paymentTerms = input.paymentTerms ?? ""
        c.deliveryTerms = input.deliveryTerms ?? quote.serviceTerms
        c.status = ContractStatus.draft.rawValue
        c.version = 1
        let policy = try await policy(req)
        let today = req.today
        return try await req.db.writeTransaction { db in
            let open = try await Contract.query(on: db).filter(\.$quoteId == quote.id!).filter(\.$status != ContractStatus.cancelled.rawValue).first()
            if let open { throw Problem.conflict("quoteId", "contract-exists", "Contract \(open.number) already covers this quote.") }
            c.number = try await DocumentNumbers.next(.contract, on: today, in: db)
            try await c.create(on: db)
            let s = State(marks: [], approvals: [], fileName: nil, ownerUsers: [])
            try await Audit.record(.create, "contract", id: c.id, label: c.number, before: Optional<ContractDTO>.none,
                                   after: dto(c, s, policy: policy, locale: .en), request: req, on: db)
            return c
        }
    }

    /// Changes terms (only before approval; the review and approvals then start again) and/or moves
    /// the status by the rules. Signing also wins the deal when it is still open.
    static func update(_ c: Contract, _ input: ContractInput, req: Request) async throws -> Contract {
        try ETag.check(req, version: c.version)
        let policy = try await policy(req)
        var target: ContractStatus?
        if let raw = input.status {
            guard let s = ContractStatus(rawValue: raw) else {
                throw Problem.invalid("status", "invalidChoice", "One of: \(ContractStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            target = s
        }
        var e = FieldErrors()
        e.check("title", Validators.maxLength(input.title, 200, field: "title"))
        if let t = input.title { e.check("title", Validators.required(t, field: "title")) }
        e.check("paymentTerms", Validators.maxLength(input.paymentTerms, 5000, field: "paymentTerms"))
        e.check("deliveryTerms", Validators.maxLength(input.deliveryTerms, 5000, field: "deliveryTerms"))
        try e.throwIfAny()
        let now = req.now, today = req.today.description
        let pipeline = try await OpportunityService.pipeline(req)
        let moveTo = target
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Contract.schema, id: c.id, c.version)
            var s = try await state(c, on: db)
            let before = dto(c, s, policy: policy, locale: .en)
            if input.changesTerms {
                guard [ContractStatus.draft.rawValue, ContractStatus.inReview.rawValue].contains(c.status) else {
                    throw Problem.conflict(nil, "contract-locked", "Contract \(c.number) is \(c.status); its terms can no longer change.")
                }
                if let v = input.title { c.title = v.trimmingCharacters(in: .whitespaces) }
                if let v = input.paymentTerms { c.paymentTerms = v }
                if let v = input.deliveryTerms { c.deliveryTerms = v }
                if c.hasChanges {
                    // The review and approvals were of the old terms.
                    try await ContractReviewMark.query(on: db).filter(\.$contract.$id == c.id!).delete()
                    try await ContractApproval.query(on: db).filter(\.$contract.$id == c.id!).delete()
                    s.marks = []; s.approvals = []
                }
            }
            if let target = moveTo, target.rawValue != c.status {
                let from = ContractStatus(rawValue: c.status) ?? .draft
                if let refusal = ContractReview.refusal(from: from, to: target, facts: ruleFacts(c, s), policy: policy) {
                    throw Problem(.conflict, code: "contract-move-refused", title: "This contract cannot move to \(target.rawValue) yet.", detail: refusal.message,
                                  errors: [FieldError(field: "status", code: refusal.code, message: refusal.message)])
                }
                c.status = target.rawValue
                if target == .signed {
                    c.signedOn = today
                    try await winDeal(c, pipeline: pipeline, now: now, today: today, req: req, on: db)
                }
            }
            guard c.hasChanges else { return c }
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.update, "contract", id: c.id, label: c.number, before: before, after: dto(c, s, policy: policy, locale: .en), request: req, on: db)
            return c
        }
    }

    /// SP-4 → SAL-3: a signed contract wins its deal (the stage rules now see the signature).
    private static func winDeal(_ c: Contract, pipeline: Pipeline, now: Date, today: String, req: Request, on db: any Database) async throws {
        guard let deal = try await Opportunity.find(c.$opportunity.id, on: db), let won = pipeline.stages.first(where: { $0.outcome == .won }),
              pipeline.stage(deal.stage)?.outcome == .open else { return }
        var facts = try await OpportunityService.stageFacts(deal, on: db)
        facts.hasSignedContract = true
        guard pipeline.refusal(from: deal.stage, to: won.key, facts: facts) == nil else { return }
        try await OpportunityService.recordMove(deal, to: won.key, pipeline: pipeline, now: now, today: today, req: req, on: db)
    }

    /// Records the reviewer's verdicts (RSK-S3). A draft goes into review; an approved contract whose
    /// review changes goes back into review, and its approvals start again.
    static func review(_ c: Contract, _ input: ReviewInput, req: Request) async throws -> Contract {
        let policy = try await policy(req)
        var e = FieldErrors()
        var marks: [ReviewMark] = []
        for (i, m) in input.marks.enumerated() {
            guard let verdict = ReviewVerdict(rawValue: m.verdict) else {
                e.add("marks[\(i)].verdict", "invalidChoice", "One of: \(ReviewVerdict.allCases.map(\.rawValue).joined(separator: ", ")).")
                continue
            }
            e.check("marks[\(i)].note", Validators.maxLength(m.note, 1000, field: "marks[\(i)].note"))
            marks.append(ReviewMark(itemKey: m.itemKey, verdict: verdict, note: m.note))
        }
        for err in ContractReview.validate(marks: marks, checklist: policy.checklist).all { e.add(err.field, err.code, err.message) }
        try e.throwIfAny()
        let user = try req.requireUser()
        let now = req.now
        let verdicts = marks
        return try await req.db.writeTransaction { db in
            guard [ContractStatus.draft.rawValue, ContractStatus.inReview.rawValue, ContractStatus.approved.rawValue].contains(c.status) else {
                throw Problem.conflict(nil, "contract-locked", "Contract \(c.number) is \(c.status); its review is closed.")
            }
            let s = try await state(c, on: db)
            let before = dto(c, s, policy: policy, locale: .en)
            for m in verdicts {
                let record = try await ContractReviewMark.query(on: db).filter(\.$contract.$id == c.id!).filter(\.$itemKey == m.itemKey).first() ?? ContractReviewMark()
                record.$contract.id = c.id!
                record.itemKey = m.itemKey
                record.verdict = m.verdict.rawValue
                record.note = m.note.flatMap { $0.isEmpty ? nil : $0 }
                record.reviewedBy = user.actor.userId
                record.reviewerName = user.user.displayName
                record.reviewedAt = now
                try await record.save(on: db)
            }
            if c.status == ContractStatus.approved.rawValue {
                try await ContractApproval.query(on: db).filter(\.$contract.$id == c.id!).delete()
            }
            c.status = ContractStatus.inReview.rawValue
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.update, "contract", id: c.id, label: "\(c.number) review", before: before,
                                   after: dto(c, try await state(c, on: db), policy: policy, locale: .en), request: req, on: db)
            return c
        }
    }

    /// One approval (RSK-S3). The owner's own approval does not count and is refused; once the
    /// review has passed and enough people approved, the contract is approved.
    static func approve(_ c: Contract, note: String?, req: Request) async throws -> Contract {
        let policy = try await policy(req)
        let user = try req.requireUser()
        let now = req.now
        return try await req.db.writeTransaction { db in
            let s = try await state(c, on: db)
            guard [ContractStatus.draft.rawValue, ContractStatus.inReview.rawValue].contains(c.status) else {
                throw Problem.conflict(nil, "contract-locked", "Contract \(c.number) is \(c.status); it takes no more approvals.")
            }
            if s.ownerUsers.contains(user.actor.userId) || (c.ownerMemberId != nil && c.ownerMemberId == user.actor.memberId) {
                throw Problem.conflict(nil, "own-contract", "The contract's owner cannot approve it; ask the group lead or the team lead.")
            }
            if s.approvals.contains(where: { $0.userId == user.actor.userId }) {
                throw Problem.conflict(nil, "already-approved", "You have already approved this contract; a second approval must come from someone else.")
            }
            let before = dto(c, s, policy: policy, locale: .en)
            let a = ContractApproval()
            a.$contract.id = c.id!
            a.userId = user.actor.userId
            a.approverName = user.user.displayName
            a.note = String((note ?? "").prefix(1000))
            a.approvedAt = now
            try await a.create(on: db)
            var after = s
            after.approvals.append(a)
            let from = ContractStatus(rawValue: c.status) ?? .draft
            if ContractReview.refusal(from: from, to: .approved, facts: ruleFacts(c, after), policy: policy) == nil {
                c.status = ContractStatus.approved.rawValue
            }
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.update, "contract", id: c.id, label: "\(c.number) approved by \(user.user.displayName)", before: before,
                                   after: dto(c, after, policy: policy, locale: .en), request: req, on: db)
            return c
        }
    }

    /// Keeps the signed copy (PDF, PNG or JPEG, at most 10 MB), recognised by its first bytes.
    static func attach(_ c: Contract, data: Data, fileName: String?, req: Request) async throws {
        let type: String
        if data.starts(with: Array("%PDF".utf8)) { type = "application/pdf" }
        else if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { type = "image/png" }
        else if data.starts(with: [0xFF, 0xD8, 0xFF]) { type = "image/jpeg" }
        else {
            throw Problem(.unsupportedMediaType, code: "unsupported-file", title: "Send the signed contract as PDF, PNG or JPEG.",
                          detail: "The file is not a PDF, PNG or JPEG.", errors: [FieldError(field: "file", code: "unsupportedFile", message: "PDF, PNG or JPEG only.")])
        }
        guard c.status != ContractStatus.cancelled.rawValue, c.status != ContractStatus.signed.rawValue else {
            throw Problem.conflict(nil, "contract-locked", "Contract \(c.number) is \(c.status); its signed copy cannot be replaced.")
        }
        let name = (fileName?.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
            ?? "\(c.number).\(type == "application/pdf" ? "pdf" : type == "image/png" ? "png" : "jpg")"
        let user = req.currentUser?.actor.userId
        let now = req.now
        try await req.db.writeTransaction { db in
            try await ContractFile.query(on: db).filter(\.$contract.$id == c.id!).delete()
            let f = ContractFile()
            f.$contract.id = c.id!
            f.fileName = name
            f.contentType = type
            f.size = data.count
            f.data = data
            f.uploadedBy = user
            f.uploadedAt = now
            try await f.create(on: db)
            try await Audit.note(.update, "contract", id: c.id, label: "\(c.number): signed copy \(name) (\(data.count) bytes)", request: req, on: db)
        }
    }
}
