import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Creating, changing, deleting, restoring and merging customers: every rule and its history
/// entry in one transaction, from the API, a web form or an import.
enum CustomerService {
    /// Whose customer this is, for the access policy: the owner and the owner's current group.
    static func facts(_ c: Customer, on db: any Database) async throws -> SalesFacts {
        SalesFacts(owner: c.ownerMemberId, group: try await groupOf(c.ownerMemberId, on: db))
    }

    /// Whose a record about a customer is (activities, deals, quotes, contracts, orders,
    /// feedback): its owner and their group, and the customer's owner and group.
    static func facts(owner: UUID?, customer: UUID?, on db: any Database) async throws -> SalesFacts {
        let c = try await customer.asyncMap { try await Customer.query(on: db).withDeleted().filter(\.$id == $0).first() } ?? nil
        return SalesFacts(owner: owner, group: try await groupOf(owner, on: db),
                          customerOwner: c?.ownerMemberId, customerGroup: try await groupOf(c?.ownerMemberId, on: db))
    }

    static func groupOf(_ member: UUID?, on db: any Database) async throws -> UUID? {
        guard let member else { return nil }
        return try await Member.query(on: db).withDeleted().filter(\.$id == member).field(\.$id).field(\.$group.$id).first()?.$group.id
    }

    static func find(_ req: Request, withDeleted: Bool = false) async throws -> Customer {
        let id = try req.uuid("id", "customer")
        var q = Customer.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let c = try await q.first() else { throw Problem.notFound("customer") }
        return c
    }

    /// A likely duplicate is refused (409 `possible-duplicate`) unless the caller confirms it is a
    /// different customer; the same credit code is always refused: it is the same legal entity.
    static func create(_ input: CustomerInput, allowDuplicates: Bool, req: Request) async throws -> Customer {
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        try input.validate(creating: true, industries: sales.effectiveIndustries.map(\.key)).throwIfAny()
        let c = Customer()
        c.version = 1
        c.kind = CustomerKind.company.rawValue
        c.status = CustomerStatus.prospect.rawValue
        c.region = ""
        c.address = ""
        c.notes = ""
        c.expectedAnnualYuan = 0
        c.ownerMemberId = try req.requireUser().actor.memberId
        apply(input, to: c, rules: sales.effectiveClassification)
        return try await req.db.writeTransaction { db in
            try await checkOwner(c, on: db)
            try await checkDuplicates(c, allowSimilar: allowDuplicates, on: db)
            c.searchText = try await CustomerSearch.document(for: c, on: db)
            try await c.create(on: db)
            try await Audit.record(.create, "customer", id: c.id, label: c.name, before: Optional<CustomerDTO>.none, after: CustomerDTO(c), request: req, on: db)
            return c
        }
    }

    static func update(_ c: Customer, _ input: CustomerInput, req: Request) async throws -> Customer {
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        try input.validate(creating: false, industries: sales.effectiveIndustries.map(\.key)).throwIfAny()
        try ETag.check(req, version: c.version)
        let before = CustomerDTO(c)
        apply(input, to: c, rules: sales.effectiveClassification)
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Customer.schema, id: c.id, c.version)
            try await checkOwner(c, on: db)
            try await checkDuplicates(c, allowSimilar: true, on: db)
            c.searchText = try await CustomerSearch.document(for: c, on: db)
            guard c.hasChanges else { return c }
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.update, "customer", id: c.id, label: c.name, before: before, after: CustomerDTO(c), request: req, on: db)
            return c
        }
    }

    static func delete(_ c: Customer, req: Request) async throws {
        try ETag.check(req, version: c.version)
        // Read before the transaction: inside it, req.db would wait for a second connection that
        // SQLite's one-per-loop pool never frees (a 10 s stall, then a 500).
        let openStages = try await openStageKeys(req)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Customer.schema, id: c.id, c.version)
            let open = try await Opportunity.query(on: db).filter(\.$customer.$id == c.id!)
                .filter(\.$stage ~~ openStages).count()
            if open > 0 {
                throw Problem.conflict(nil, "has-open-deals", "\(c.name) has \(open) open opportunit\(open == 1 ? "y" : "ies"); close or move them first.")
            }
            let before = CustomerDTO(c)
            try await c.delete(on: db)
            try await Audit.record(.delete, "customer", id: c.id, label: c.name, before: before, after: Optional<CustomerDTO>.none, request: req, on: db)
        }
    }

    static func restore(_ c: Customer, req: Request) async throws {
        try await req.db.writeTransaction { db in
            try await c.restore(on: db)
            c.version += 1
            try await c.save(on: db)
            try await Audit.record(.restore, "customer", id: c.id, label: c.name, before: Optional<CustomerDTO>.none, after: CustomerDTO(c), request: req, on: db)
        }
    }

    /// Folds `duplicate` into `survivor` (SP-1: one file per customer): its contacts, activities and
    /// opportunities move over, empty fields of the survivor are filled from it, and the duplicate
    /// is deleted with a pointer to the survivor. History stays with both records.
    static func merge(_ duplicate: Customer, into survivor: Customer, req: Request) async throws -> Customer {
        guard duplicate.id != survivor.id else { throw Problem.invalid("duplicateId", "sameCustomer", "A customer cannot be merged into itself.") }
        try ETag.check(req, version: survivor.version)
        let before = CustomerDTO(survivor)
        let wonStages = try await OpportunityService.pipeline(req).wonStageKeys
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Customer.schema, id: survivor.id, survivor.version)
            let moved = (
                contacts: try await Contact.query(on: db).filter(\.$customer.$id == duplicate.id!).count(),
                activities: try await SalesActivity.query(on: db).filter(\.$customer.$id == duplicate.id!).count(),
                deals: try await Opportunity.query(on: db).filter(\.$customer.$id == duplicate.id!).count())
            try await Contact.query(on: db).withDeleted().filter(\.$customer.$id == duplicate.id!).set(\.$customer.$id, to: survivor.id!).update()
            try await SalesActivity.query(on: db).withDeleted().filter(\.$customer.$id == duplicate.id!).set(\.$customer.$id, to: survivor.id!).update()
            try await Opportunity.query(on: db).withDeleted().filter(\.$customer.$id == duplicate.id!).set(\.$customer.$id, to: survivor.id!).update()
            // The campaigns that touched either one touched the survivor (MP-4).
            try await CampaignRollUps.customersMerged(duplicate.id!, into: survivor.id!, wonStages: wonStages, on: db)
            if survivor.uscc == nil { survivor.uscc = duplicate.uscc }
            if survivor.industry == nil { survivor.industry = duplicate.industry }
            if survivor.size == nil { survivor.size = duplicate.size }
            if survivor.phone == nil { survivor.phone = duplicate.phone; survivor.phoneKey = duplicate.phoneKey }
            if survivor.email == nil { survivor.email = duplicate.email }
            if survivor.region.isEmpty { survivor.region = duplicate.region }
            if survivor.address.isEmpty { survivor.address = duplicate.address }
            if !duplicate.notes.isEmpty { survivor.notes = [survivor.notes, duplicate.notes].filter { !$0.isEmpty }.joined(separator: "\n\n") }
            if survivor.status == CustomerStatus.prospect.rawValue && duplicate.status == CustomerStatus.customer.rawValue { survivor.status = duplicate.status }
            // With the phones of the contacts it took over.
            survivor.searchText = try await CustomerSearch.document(for: survivor, on: db)
            survivor.version += 1
            try await survivor.save(on: db)
            let duplicateBefore = CustomerDTO(duplicate)
            duplicate.mergedIntoId = survivor.id
            duplicate.uscc = nil
            duplicate.version += 1
            try await duplicate.save(on: db)
            try await duplicate.delete(on: db)
            try await Audit.record(.delete, "customer", id: duplicate.id, label: "\(duplicate.name) → \(survivor.name)",
                                   before: duplicateBefore, after: CustomerDTO(duplicate), request: req, on: db)
            try await Audit.record(.update, "customer", id: survivor.id,
                                   label: "\(survivor.name) ← \(duplicate.name) (\(moved.contacts) contacts, \(moved.activities) activities, \(moved.deals) deals)",
                                   before: before, after: CustomerDTO(survivor), request: req, on: db)
            return survivor
        }
    }

    /// Existing customers that look like this one (same USCC, phone, or near-same name), strongest first.
    static func duplicates(name: String, uscc: String?, phone: String?, excluding: UUID?, on db: any Database) async throws -> [(Customer, [DuplicateCustomers.Reason])] {
        let key = DuplicateCustomers.nameKey(name)
        let phoneKey = phone.map(DuplicateCustomers.phoneKey).flatMap { $0.count >= 7 ? $0 : nil }
        var found: [UUID: Customer] = [:]
        func add(_ rows: [Customer]) { for r in rows where r.id != excluding { found[r.id!] = r } }
        if let u = uscc?.uppercased(), !u.isEmpty { add(try await Customer.query(on: db).filter(\.$uscc == u).limit(20).all()) }
        if let phoneKey {
            add(try await Customer.query(on: db).filter(\.$phoneKey == phoneKey).limit(20).all())
            let viaContacts = try await Contact.query(on: db).filter(\.$phoneKey == phoneKey).field(\.$customer.$id).limit(20).all().map(\.$customer.id)
            if !viaContacts.isEmpty { add(try await Customer.query(on: db).filter(\.$id ~~ viaContacts).all()) }
        }
        if !key.isEmpty {
            add(try await Customer.query(on: db).filter(\.$nameKey == key).limit(20).all())
            if key.count >= 4, let pattern = likePattern(key) {
                add(try await Customer.query(on: db).filter(.sql(SQLQueryString("name_key LIKE \(bind: pattern) ESCAPE '\\'"))).limit(20).all())
            }
        }
        let candidate = DuplicateCustomers.Candidate(name: name, uscc: uscc, phones: phone.map { [$0] } ?? [])
        return found.values.compactMap { c -> (Customer, [DuplicateCustomers.Reason])? in
            var phones = [c.phone].compactMap { $0 }
            if let phoneKey, c.phoneKey != phoneKey { phones.append(phoneKey) }  // matched through a contact
            let reasons = DuplicateCustomers.reasons(candidate, .init(name: c.name, uscc: c.uscc, phones: phones))
            return reasons.isEmpty ? nil : (c, reasons)
        }.sorted { ($0.1.first!, $0.0.name) < ($1.1.first!, $1.0.name) }
    }

    static func openStageKeys(_ req: Request) async throws -> [String] {
        try await req.application.policy.current(on: req.db).effectiveSales.pipeline.openStages.map(\.key)
    }

    private static func apply(_ input: CustomerInput, to c: Customer, rules: CustomerClassification) {
        if let v = input.name { c.name = v.trimmingCharacters(in: .whitespacesAndNewlines); c.nameKey = DuplicateCustomers.nameKey(c.name) }
        if let v = input.kind { c.kind = v }
        if input.uscc.given { c.uscc = input.uscc.applied(to: c.uscc).flatMap { $0.isEmpty ? nil : $0.uppercased() } }
        if input.industry.given { c.industry = input.industry.applied(to: c.industry).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.region { c.region = v.trimmingCharacters(in: .whitespaces) }
        if input.size.given { c.size = input.size.applied(to: c.size).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.source { c.source = v }
        if let v = input.status { c.status = v }
        if let v = input.expectedAnnualYuan { c.expectedAnnualYuan = v }
        if input.phone.given {
            c.phone = input.phone.applied(to: c.phone).flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
            c.phoneKey = c.phone.map(DuplicateCustomers.phoneKey)
        }
        if input.email.given { c.email = input.email.applied(to: c.email).flatMap { $0.isEmpty ? nil : $0.lowercased() } }
        if let v = input.address { c.address = v }
        if let v = input.notes { c.notes = v }
        if input.ownerId.given { c.ownerMemberId = input.ownerId.applied(to: c.ownerMemberId) }
        c.score = rules.score(ProspectFacts(size: c.size.flatMap(CustomerSize.init), expectedAnnualYuan: c.expectedAnnualYuan,
                                            source: SourceChannel(rawValue: c.source)))
        c.customerClass = rules.classFor(score: c.score)
    }

    private static func checkDuplicates(_ c: Customer, allowSimilar: Bool, on db: any Database) async throws {
        let found = try await duplicates(name: c.name, uscc: c.uscc, phone: c.phone, excluding: c.id, on: db)
        if let same = found.first(where: { $0.1.contains(.sameUSCC) }) {
            throw Problem.conflict("uscc", "duplicate", "\(same.0.name) already has this credit code; open it, or merge the two records.")
        }
        guard !allowSimilar, !found.isEmpty else { return }
        let names = found.prefix(5).map { "\($0.0.name) (\($0.1.map(\.rawValue).joined(separator: ", ")))" }.joined(separator: "; ")
        throw Problem(.conflict, code: "possible-duplicate", title: "This customer may already exist.",
                      detail: "Looks like: \(names). Open the existing record, or confirm that this is a different customer (allowDuplicates=true).",
                      errors: found.prefix(5).map { FieldError(field: "name", code: "possibleDuplicate", message: "\($0.0.id!.uuidString) \($0.0.name)") })
    }

    private static func checkOwner(_ c: Customer, on db: any Database) async throws {
        if let owner = c.ownerMemberId, try await Member.find(owner, on: db) == nil {
            throw Problem.invalid("ownerId", "unknownMember", "No member with this id.")
        }
    }
}
