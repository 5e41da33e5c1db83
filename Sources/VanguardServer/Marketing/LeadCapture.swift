import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The public sign-up form of a campaign (MKT-4, PIPL): a visitor's details become a prospect
/// and contact in sales, attributed to the campaign and its UTM source, with the consent's proof.
/// A flood from one address is slowed by a token bucket kept in the database (every instance
/// counts the same posts); a post the bucket lets through is kept, or refused whole with a reason.
/// Posts are written in batches (`LeadSignUps`); this file holds the reads and writes of a batch.
enum LeadCapture {
    /// What the form needs of its campaign, read without building a Fluent model (every post reads it).
    struct FormCampaign: Sendable {
        var id: UUID
        var code: String
        var name: String
        var slug: String
        var status: CampaignStatus?
        var formOpen: Bool

        var isOpen: Bool { LeadCapture.isOpen(formOpen: formOpen, status: status) }
    }

    /// The campaign behind an address.
    static func campaign(slug: String, on db: any Database) async throws -> FormCampaign {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let rows = try await ListRow.all(sql.select().columns("id", "code", "name", "slug", "status", "form_open").from(Campaign.schema)
            .where("slug", .equal, slug.lowercased()).where("deleted_at", .is, SQLLiteral.null).limit(1))
        guard let r = rows.first else { throw Problem.notFound("form") }
        return FormCampaign(id: try r.uuid("id"), code: try r.string("code"), name: try r.string("name"), slug: try r.string("slug"),
                            status: CampaignStatus(rawValue: try r.string("status")), formOpen: try r.bool("form_open"))
    }

    /// The form takes sign-ups from approval until the campaign finishes, unless its planner closed it.
    static func isOpen(formOpen: Bool, status: CampaignStatus?) -> Bool { formOpen && [.approved, .running].contains(status) }
    static func isOpen(_ c: Campaign) -> Bool { isOpen(formOpen: c.formOpen, status: c.campaignStatus) }

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

    /// Checks the post against the form's rules, then waits for its batch: a token taken, and an
    /// accepted sign-up kept, in one transaction.
    static func submit(_ s: LeadSubmission, to c: FormCampaign, req: Request) async throws -> Outcome {
        let policy = try await CampaignService.policy(req)
        let post = LeadBatch.Post(clientKey: RateLimit.clientKey(clientAddress(req)),
                                  outcome: policy.leadForm(campaignId: c.id).submit(s, now: req.now), at: req.now)
        let decision = try await req.application.leadSignUps.submit(
            .init(campaignId: c.id, campaignCode: c.code, post: post, requestId: req.id, ip: req.remoteAddress?.ipAddress))
        switch decision {
        case .limited(let seconds): return .limited(retryAfter: seconds)
        case .discarded: return .discarded
        case .invalid(let errors): return .invalid(errors)
        case .known(let m): return .saved(customerId: m.customer, newProspect: false)
        case .new(let m): return .saved(customerId: m.customer, newProspect: true)
        }
    }

    // MARK: - A batch's reads and writes, inside its transaction

    /// The stored buckets of these addresses. PostgreSQL locks their rows (another instance's
    /// batch waits), in key order so two batches never wait on each other; SQLite's write
    /// transaction already holds the database.
    static func buckets(_ keys: Set<String>, on sql: any SQLDatabase) async throws -> [String: RateLimit.Bucket] {
        let table = CreateLeadFormBuckets.table
        var query = sql.select().columns("client_key", "tokens", "refilled_at").from(table)
            .where("client_key", .in, SQLBind.group(keys.sorted())).orderBy("client_key")
        if sql.isPostgres { query = query.for(.update) }
        let rows = try await ListRow.all(query)
        var buckets: [String: RateLimit.Bucket] = [:]
        for r in rows {
            buckets[try r.string("client_key")] = RateLimit.Bucket(tokens: try r.int("tokens"), refilledAt: try r.optionalDate("refilled_at") ?? .distantPast)
        }
        return buckets
    }

    /// The buckets that changed, in one statement (in key order, like the locks).
    static func store(_ changed: [String: RateLimit.Bucket], on sql: any SQLDatabase) async throws {
        guard !changed.isEmpty else { return }
        var insert = sql.insert(into: CreateLeadFormBuckets.table).columns("client_key", "tokens", "refilled_at")
        for (key, b) in changed.sorted(by: { $0.key < $1.key }) { insert = insert.values(SQLBind(key), SQLBind(b.tokens), SQLBind(b.refilledAt)) }
        try await insert.onConflict(with: ["client_key"]) { $0.set(excludedValueOf: "tokens").set(excludedValueOf: "refilled_at") }.run()
    }

    /// Prospects already kept, by their contacts' mobiles and e-mails (deleted ones are not matched).
    static func knownProspects(mobiles: Set<String>, emails: Set<String>, on sql: any SQLDatabase) async throws
        -> (byMobile: [String: LeadBatch.Match], byEmail: [String: LeadBatch.Match]) {
        func lookup(_ column: String, _ values: Set<String>) async throws -> [String: LeadBatch.Match] {
            guard !values.isEmpty else { return [:] }
            let rows = try await ListRow.all(sql.select().column(SQLColumn("customer_id", table: "ct")).column(SQLColumn("id", table: "ct"))
                .column(SQLColumn(column, table: "ct")).from(SQLAlias(SQLIdentifier(Contact.schema), as: SQLIdentifier("ct")))
                .join(SQLAlias(SQLIdentifier(Customer.schema), as: SQLIdentifier("cu")), on: SQLColumn("id", table: "cu"), .equal, SQLColumn("customer_id", table: "ct"))
                .where(SQLColumn(column, table: "ct"), .in, SQLBind.group(values.sorted()))
                .where(SQLColumn("deleted_at", table: "ct"), .is, SQLLiteral.null).where(SQLColumn("deleted_at", table: "cu"), .is, SQLLiteral.null))
            var found: [String: LeadBatch.Match] = [:]
            for r in rows {
                guard let value = try r.optionalString(column), found[value] == nil else { continue }
                found[value] = LeadBatch.Match(customer: try r.uuid("customer_id"), contact: try r.uuid("id"))
            }
            return found
        }
        return (try await lookup("phone_key", mobiles), try await lookup("email", emails))
    }

    /// A sign-up the batch keeps: a new prospect, or a touch on one kept before.
    struct Kept: Sendable {
        var signUp: LeadSignUps.SignUp
        var draft: ProspectDraft
        var match: LeadBatch.Match
        var isNew: Bool
    }

    /// New prospects (source: campaign, no owner yet: the sales lead hands them out) with their
    /// contacts, every sign-up's touch with its consent's proof, the campaigns' lead roll-up and
    /// the history, a few multi-row statements for the whole batch.
    static func write(_ kept: [Kept], classification: CustomerClassification, wonStages: [String], on db: any Database) async throws {
        guard !kept.isEmpty, let sql = db as? any SQLDatabase else { return }
        let stamp = Date()
        let fresh = kept.filter(\.isNew)
        if !fresh.isEmpty {
            let people = fresh.map { prospect($0.draft, match: $0.match, classification: classification) }
            try await sql.bulkInsert(into: Customer.schema, columns: NewCustomer.columns, rows: people.map { NewCustomer($0.0, at: stamp).row })
            try await sql.bulkInsert(into: Contact.schema, columns: NewContact.columns, rows: people.map { NewContact($0.1).row(stamp: stamp) })
        }
        let touches = kept.map { _ in UUID.timeOrdered() }
        let touchRows = zip(kept, touches).map { k, id -> [any SQLExpression] in
            [SQLBind(id), SQLBind(k.signUp.campaignId), SQLBind(k.match.customer), bindOrNull(k.match.contact), SQLBind(TouchKind.form.rawValue),
             bindOrNull(k.draft.utmSource), SQLBind(k.signUp.post.at), SQLBind(CivilDate.on(k.signUp.post.at).description), SQLBind(k.draft.privacyNoticeVersion)]
        }
        try await sql.insert(into: CampaignTouch.schema, columns: ["id", "campaign_id", "customer_id", "contact_id", "kind", "utm_source", "at", "on_day", "privacy_notice_version"],
                             rows: touchRows, batch: 500)
        // A new prospect has no deals yet: its first touch is a plain row. A known one may have.
        try await CampaignRollUps.recordFirstTouches(fresh.map { ($0.signUp.campaignId, $0.match.customer, $0.signUp.post.at) }, on: sql)
        for k in kept where !k.isNew {
            try await CampaignRollUps.recordTouch(campaign: k.signUp.campaignId, customer: k.match.customer, at: k.signUp.post.at, wonStages: wonStages, on: db)
        }
        try await Audit.insert(zip(kept, touches).map { k, id in
            Audit.visitorEvent(k.isNew ? .create : .update, "campaignLead", id: id,
                               label: "\(k.signUp.campaignCode): \(k.draft.name)\(k.isNew ? "" : " (known prospect)")",
                               at: k.signUp.post.at, requestId: k.signUp.requestId, ip: k.signUp.ip)
        }, on: db)
    }

    /// The new prospect and its contact for an accepted sign-up, with the batch's ids.
    static func prospect(_ d: ProspectDraft, match: LeadBatch.Match, classification: CustomerClassification) -> (Customer, Contact) {
        let c = Customer()
        c.id = match.customer
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
        c.searchText = CustomerSearch.document(name: c.name, phoneKeys: [d.mobile.map(DuplicateCustomers.phoneKey)].compactMap { $0 })
        c.version = 1
        let p = Contact()
        p.id = match.contact
        p.$customer.id = match.customer
        p.name = d.name; p.title = ""
        p.mobile = d.mobile; p.phoneKey = d.mobile.map(DuplicateCustomers.phoneKey)
        p.email = d.email
        p.birthdayCalendar = BirthdayCalendar.gregorian.rawValue
        p.isPrimary = true
        p.notes = ""
        p.version = 1
        return (c, p)
    }
}
