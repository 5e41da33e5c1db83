import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The public sign-up form of a campaign (MKT-4, PIPL): a visitor's details become a prospect
/// and contact in sales, attributed to the campaign and its UTM source, with the consent's proof.
/// A flood from one address is slowed by a token bucket kept in the database (every instance
/// counts the same posts); a post the bucket lets through is kept, or refused whole with a reason.
enum LeadCapture {
    /// The campaign behind an address; its form takes sign-ups from approval until it finishes,
    /// unless its planner closed it.
    static func campaign(slug: String, on db: any Database) async throws -> Campaign {
        guard let c = try await Campaign.query(on: db).filter(\.$slug == slug.lowercased()).first() else { throw Problem.notFound("form") }
        return c
    }

    static func isOpen(_ c: Campaign) -> Bool { c.formOpen && [.approved, .running].contains(c.campaignStatus) }

    /// The address a client is limited by: the connection's, or the one the trusted proxy in
    /// front of us saw (the last entry of X-Forwarded-For, which that proxy appended).
    static func clientAddress(_ req: Request) -> String {
        if req.application.settings.trustForwardedFor, let header = req.headers.first(name: "X-Forwarded-For"),
           let last = header.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return req.remoteAddress?.ipAddress ?? "unknown"
    }

    enum Outcome {
        case saved(customerId: UUID, newProspect: Bool)
        case discarded
        case invalid(FieldErrors)
        case limited(retryAfter: Int)
    }

    /// Takes a token for the post, then keeps an accepted sign-up, in one transaction.
    static func submit(_ s: LeadSubmission, to c: Campaign, req: Request) async throws -> Outcome {
        let policy = try await CampaignService.policy(req)
        let classification = try await req.application.policy.current(on: req.db).effectiveSales.effectiveClassification
        let limit = policy.effectiveRateLimit
        let key = RateLimit.clientKey(clientAddress(req))
        let now = req.now
        let outcome = policy.leadForm(campaignId: c.id!).submit(s, now: now)
        // Candidates for the same person, looked up before the write transaction.
        var candidate: (customer: UUID, contact: UUID?)?
        if case .accepted(let draft) = outcome { candidate = try await match(draft, on: req.db) }
        let existing = candidate
        let wonStages = try await CampaignEvaluationService.wonStages(req)
        return try await req.db.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            let decision = try await take(limit, key: key, now: now, on: sql)
            if case .limited(let seconds) = decision { return .limited(retryAfter: seconds) }
            switch outcome {
            case .discarded: return .discarded
            case .invalid(let errors): return .invalid(errors)
            case .accepted(let draft):
                let (customer, contact, created) = try await record(draft, existing: existing, classification: classification, on: db)
                let touch = UUID()
                try await sql.insert(into: CampaignTouch.schema).columns("id", "campaign_id", "customer_id", "contact_id", "kind", "utm_source", "at", "on_day", "privacy_notice_version")
                    .values(SQLBind(touch), SQLBind(c.id!), SQLBind(customer), bindOrNull(contact), SQLBind(TouchKind.form.rawValue), bindOrNull(draft.utmSource),
                            SQLBind(now), SQLBind(CivilDate.on(now).description), SQLBind(draft.privacyNoticeVersion))
                    .run()
                try await CampaignRollUps.recordTouch(campaign: c.id!, customer: customer, at: now, wonStages: wonStages, on: db)
                try await Audit.note(created ? .create : .update, "campaignLead", id: touch,
                                     label: "\(c.code): \(draft.name)\(created ? "" : " (known prospect)")", request: req, on: db)
                return .saved(customerId: customer, newProspect: created)
            }
        }
    }

    /// The bucket for `key`, with a token taken if one is left. PostgreSQL locks the row (other
    /// instances wait); SQLite's write transaction already holds the database.
    static func take(_ limit: RateLimit, key: String, now: Date, on sql: any SQLDatabase) async throws -> RateLimit.Decision {
        let table = CreateLeadFormBuckets.table
        let lock = sql.isPostgres ? " FOR UPDATE" : ""
        let row = try await sql.raw("SELECT tokens, refilled_at FROM \(ident: table) WHERE client_key = \(bind: key)\(unsafeRaw: lock)").first()
        let bucket = try row.map { RateLimit.Bucket(tokens: try $0.decode(column: "tokens", as: Int.self), refilledAt: try $0.decode(column: "refilled_at", as: Date.self)) }
        let (decision, after) = limit.take(bucket, now: now)
        if after != bucket {
            try await sql.insert(into: table).columns("client_key", "tokens", "refilled_at").values(SQLBind(key), SQLBind(after.tokens), SQLBind(after.refilledAt))
                .onConflict(with: ["client_key"]) { $0.set(excludedValueOf: "tokens").set(excludedValueOf: "refilled_at") }.run()
        }
        return decision
    }

    /// The same person signing up again is one prospect: matched by mobile, then by e-mail.
    static func match(_ d: ProspectDraft, on db: any Database) async throws -> (customer: UUID, contact: UUID?)? {
        if let mobile = d.mobile, let c = try await Contact.query(on: db).filter(\.$phoneKey == DuplicateCustomers.phoneKey(mobile)).first() {
            return (c.$customer.id, c.id)
        }
        if let email = d.email, let c = try await Contact.query(on: db).filter(\.$email == email).first() {
            return (c.$customer.id, c.id)
        }
        return nil
    }

    /// A new prospect (source: campaign, no owner yet: the sales lead hands it out) with its contact.
    static func record(_ d: ProspectDraft, existing: (customer: UUID, contact: UUID?)?, classification: CustomerClassification, on db: any Database) async throws -> (UUID, UUID?, Bool) {
        if let existing, try await Customer.find(existing.customer, on: db) != nil { return (existing.customer, existing.contact, false) }
        let c = Customer()
        c.id = UUID()
        c.name = d.company ?? d.name
        c.nameKey = DuplicateCustomers.nameKey(c.name)
        c.kind = (d.company == nil ? CustomerKind.individual : CustomerKind.company).rawValue
        c.region = ""; c.address = ""
        c.notes = d.message ?? ""
        c.source = SourceChannel.campaign.rawValue
        c.status = CustomerStatus.prospect.rawValue
        c.expectedAnnualYuan = 0
        c.score = classification.score(ProspectFacts(size: nil, expectedAnnualYuan: 0, source: .campaign))
        c.customerClass = classification.classFor(score: c.score)
        c.email = d.company == nil ? d.email : nil
        c.searchText = CustomerSearch.document(name: c.name, phone: nil, uscc: nil)
        c.version = 1
        let p = Contact()
        p.id = UUID()
        p.$customer.id = c.id!
        p.name = d.name; p.title = ""
        p.mobile = d.mobile; p.phoneKey = d.mobile.map(DuplicateCustomers.phoneKey)
        p.email = d.email
        p.birthdayCalendar = BirthdayCalendar.gregorian.rawValue
        p.isPrimary = true
        p.notes = ""
        p.version = 1
        // SQLKit, not Fluent's `create`: building the rows by reflection was a tenth of a sign-up's time.
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let stamp = Date()
        try await sql.insert(into: Customer.schema, columns: CustomerImport.customerColumns, rows: [CustomerImport.customerRow(c, stamp: stamp)], batch: 1)
        try await sql.insert(into: Contact.schema, columns: CustomerImport.contactColumns, rows: [CustomerImport.contactRow(p, stamp: stamp)], batch: 1)
        return (c.id!, p.id, true)
    }
}
