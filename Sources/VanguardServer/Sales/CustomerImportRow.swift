import Foundation
import VanguardCore

extension CustomerImport {
    /// A member a row may name as its owner, by employee number or name.
    struct Owner: Sendable {
        var id: UUID
        var employeeNo: String
        var name: String
        var group: UUID?
    }

    /// One row checked on its own: its problems, and the records it makes when the whole file is
    /// good. Duplicates need the rows before it, so they are found afterwards, in row order.
    struct CheckedRow: Sendable {
        var errors = FieldErrors()
        var contactErrors = FieldErrors()
        var ownerAllowed = true
        var name = ""
        var nameKey = ""
        /// The credit code and phone as typed, when given, and the phone's key (only when it has 7 digits or more).
        var code: String?
        var phone: String?
        var phoneKey = ""
        /// What the row writes when the file is good: rows of `NewCustomer.columns`,
        /// `NewContact.columns` and `Audit.columns`, built here on every core.
        var written: Written?
    }

    struct Written: Sendable {
        var customer: [BulkValue]
        var contact: [BulkValue]?
        var history: [BulkValue]
    }

    /// What checking a row needs besides the row: looked up once per file.
    struct RowContext: Sendable {
        var actor: Actor
        var industries: [SalesPolicy.Industry]
        var rules: CustomerClassification
        var owners: [Owner]
        var kinds: [String: String], sources: [String: String], statuses: [String: String], sizes: [String: String]
        /// The records' creation time (the wall clock, as Fluent's timestamps), the history's time
        /// (the request's clock) and its author.
        var stamp: Date, now: Date, author: Audit.Author
        /// Whether the rows carry their search lexemes (PostgreSQL, `NewCustomer.withLexemes`).
        var lexemes = false
        /// Cores for checking the blocks after the first, while the database writes: all of them,
        /// but one left to a PostgreSQL server on this machine, whose one process for the
        /// transaction is then the import's critical path (`CustomerImport.checkCores`).
        var checkCores = ProcessInfo.processInfo.activeProcessorCount

        /// `building`: make the records too (a dry run only reports problems).
        func check(_ values: RowValues, nameKey key: String, building: Bool) -> CheckedRow {
            var row = CheckedRow(nameKey: key)
            var e = FieldErrors()
            for field in Field.allCases where values[field].map(SpreadsheetCell.isFormula) == true {
                e.add(field.name, "formula", "Looks like a spreadsheet formula; formulas are not imported.")
            }
            var input = CustomerInput()
            input.name = values[.name]
            input.kind = values[.kind].map { kinds[$0] ?? $0 }
            input.source = values[.source].map { sources[$0] ?? $0 } ?? SourceChannel.other.rawValue
            input.status = values[.status].map { statuses[$0] ?? $0 }
            if let v = values[.size] { input.size = .value(sizes[v] ?? v) }
            if let v = values[.industry] { input.industry = .value(industries.first { $0.key == v || $0.name.zhHans == v || $0.name.zhHant == v || $0.name.en.lowercased() == v.lowercased() }?.key ?? v) }
            if let v = values[.uscc] { input.uscc = .value(v) }
            if let v = values[.phone] { input.phone = .value(v) }
            if let v = values[.email] { input.email = .value(v) }
            input.region = values[.region]; input.address = values[.address]; input.notes = values[.notes]
            if let v = values[.expectedAnnualYuan] {
                let plain = v.contains(",") ? v.filter { $0 != "," } : v
                if let n = Int64(plain) { input.expectedAnnualYuan = n }
                // "1.5e6" is a number; one too large for Int64 ("1e30") is out of range below, not a crash.
                else if let d = Double(plain), d.isFinite { input.expectedAnnualYuan = Int64(exactly: d.rounded(.towardZero)) ?? (d < 0 ? .min : .max) }
                else { e.add("expectedAnnualYuan", "wrongType", "Enter whole yuan, like 500000.") }
            }
            for err in input.validate(creating: true, industries: industries.map(\.key)).all where e.first(err.field) == nil { e.add(err.field, err.code, err.message) }
            var owner = actor.memberId
            if let ref = values[.owner] {
                let matches = owners.filter { $0.employeeNo == ref || $0.name == ref }
                if matches.count == 1 { owner = matches[0].id } else {
                    e.add("owner", matches.isEmpty ? "unknownMember" : "ambiguous", matches.isEmpty ? "No member has employee number or name \(ref)." : "Several members are called \(ref); use the employee number.")
                }
            }
            row.name = input.name ?? ""
            if case .value(let code) = input.uscc, !code.isEmpty { row.code = code }
            if case .value(let phone) = input.phone, case let key = DuplicateCustomers.phoneKey(phone), key.count >= 7 { (row.phone, row.phoneKey) = (phone, key) }
            var contact: ContactInput?
            if let name = values[.contactName], !name.isEmpty {
                var c = ContactInput()
                // Only to pass the contact's own check; the contact gets its customer's id below.
                c.customerId = Self.someCustomer; c.name = name; c.title = values[.contactTitle]; c.isPrimary = true; c.notes = ""
                if let m = values[.contactMobile] { c.mobile = .value(m.filter { $0 != " " && $0 != "-" }) }
                if let m = values[.contactEmail] { c.email = .value(m) }
                for err in c.validate(creating: true).all { row.contactErrors.add("contact" + err.field.prefix(1).uppercased() + err.field.dropFirst(), err.code, err.message) }
                contact = c
            }
            let facts = SalesFacts(owner: owner, group: owners.first { $0.id == owner }?.group ?? (owner == actor.memberId ? actor.groupId : nil))
            row.ownerAllowed = AccessPolicy.decide(actor, .create, .salesRecord(facts)).isAllowed
            row.errors = e
            guard building, e.isEmpty, row.contactErrors.isEmpty else { return row }
            let plain = customer(input, key: key, owner: owner, contactMobile: contact?.mobile.applied(to: nil))
            let customer = lexemes ? plain.withLexemes() : plain
            let record = customer.record
            let newContact = contact.map { c in
                NewContact(id: UUID.timeOrdered(), customerId: record.id, name: c.name!, title: c.title ?? "", mobile: c.mobile.applied(to: nil),
                           email: c.email.applied(to: nil)?.lowercased(), isPrimary: true)
            }
            row.written = Written(customer: customer.row, contact: newContact?.row(stamp: stamp),
                                  history: Audit.row(.create, "customer", id: record.id, label: record.name, at: now, by: author, after: record.snapshotJSON))
            return row
        }

        private static let someCustomer = UUID.timeOrdered()

        /// The new customer; its search text holds its contact's mobile too (`CustomerSearch.document`).
        private func customer(_ input: CustomerInput, key: String, owner: UUID?, contactMobile: String?) -> NewCustomer {
            let name = input.name!.trimmingWhitespace()
            let size = input.size.applied(to: nil).flatMap { $0.isEmpty ? nil : $0 }
            let source = input.source!, expected = input.expectedAnnualYuan ?? 0
            let uscc = input.uscc.applied(to: nil).flatMap { $0.isEmpty ? nil : $0.uppercased() }
            let phone = input.phone.applied(to: nil).flatMap { $0.isEmpty ? nil : $0 }
            let score = rules.score(ProspectFacts(size: size.flatMap(CustomerSize.init), expectedAnnualYuan: expected, source: SourceChannel(rawValue: source)))
            let record = CustomerDTO(
                id: UUID.timeOrdered(), name: name, kind: input.kind ?? CustomerKind.company.rawValue, uscc: uscc,
                industry: input.industry.applied(to: nil).flatMap { $0.isEmpty ? nil : $0 }, region: input.region ?? "", size: size,
                source: source, status: input.status ?? CustomerStatus.prospect.rawValue, expectedAnnualYuan: expected,
                score: score, customerClass: rules.classFor(score: score), phone: phone,
                email: input.email.applied(to: nil).flatMap { $0.isEmpty ? nil : $0.lowercased() },
                address: input.address ?? "", notes: input.notes ?? "", ownerId: owner, version: 1, createdAt: stamp, updatedAt: stamp)
            let phoneKey = phone.map(DuplicateCustomers.phoneKey)
            return NewCustomer(record: record, nameKey: key, phoneKey: phoneKey,
                               searchText: CustomerSearch.document(name: name, phoneKeys: [phoneKey, contactMobile.map(DuplicateCustomers.phoneKey)].compactMap { $0 }))
        }
    }
}

extension Array where Element: Sendable {
    /// `transform(index, element)` for every element, in a slice per core at once (slices of at
    /// least `minimumSlice`); results in order. For per-row work on large files: a request's own
    /// task would use one core of the two.
    /// `cores`: at most this many slices (all the machine's cores, up to 8, by default).
    func concurrentMap<R: Sendable>(minimumSlice: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                                    _ transform: @escaping @Sendable (Int, Element) -> R) async -> [R] {
        let slices = Swift.max(1, Swift.min(cores, 8, count / Swift.max(minimumSlice, 1)))
        guard slices > 1 else { return enumerated().map { transform($0.offset, $0.element) } }
        let size = (count + slices - 1) / slices
        return await withTaskGroup(of: (Int, [R]).self) { group in
            for start in stride(from: 0, to: count, by: size) {
                let slice = Array(self[start..<Swift.min(start + size, count)])
                group.addTask { (start, slice.enumerated().map { transform(start + $0.offset, $0.element) }) }
            }
            var parts: [(Int, [R])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
