import Foundation
import VanguardCore

/// A new customer written in bulk (the import, the public lead form), as plain values: an import
/// builds 20,000 of them on both cores, and Fluent's models (classes whose every property set goes
/// through generic property wrappers) cost a fifth of the import's check. `record` is what the API
/// shows and what the history keeps; the keys are the columns that only the database needs.
struct NewCustomer: Sendable {
    var record: CustomerDTO
    var nameKey: String
    var phoneKey: String?
    var searchText: String
    /// On PostgreSQL, the search index's lexemes made here (`CustomerSearchLexemesColumn`), or
    /// NULL for PostgreSQL to work out: one more value in `row`, for `columns(lexemes: true)`.
    private(set) var searchLexemes: BulkValue? = nil

    static let columns = ["id", "name", "name_key", "kind", "uscc", "industry", "region", "size", "source", "status", "expected_annual_yuan",
                          "score", "class", "phone", "phone_key", "email", "address", "notes", "owner_member_id", "merged_into_id",
                          "search_text", "name_order", "version", "created_at", "updated_at", "deleted_at"]

    /// `columns` and, when the rows carry them, the search index's lexemes (PostgreSQL).
    static func columns(lexemes: Bool) -> [String] { lexemes ? columns + ["search_lexemes"] : columns }

    /// With the search index's lexemes, for PostgreSQL (`CustomerSearch.postgresIndexedBinary`).
    func withLexemes() -> NewCustomer {
        var c = self
        c.searchLexemes = CustomerSearch.postgresIndexedBinary(searchText).map { .tsvector($0) } ?? .null
        return c
    }

    /// The row of `columns(lexemes:)`, stamped with the record's creation time.
    var row: [BulkValue] {
        let r = record
        var values: [BulkValue] = [.uuid(r.id), .text(r.name), .text(nameKey), .text(r.kind), .text(r.uscc), .text(r.industry), .text(r.region),
                .text(r.size), .text(r.source), .text(r.status), .integer(r.expectedAnnualYuan), .int(r.score), .text(r.customerClass),
                .text(r.phone), .text(phoneKey), .text(r.email), .text(r.address), .text(r.notes), .uuid(r.ownerId),
                .uuid(r.mergedIntoId), .text(searchText), .text(PinyinOrder.key(r.name)), .int(r.version), r.createdAt.map { .date($0) } ?? .null,
                r.updatedAt.map { .date($0) } ?? .null, .null]
        if let searchLexemes { values.append(searchLexemes) }
        return values
    }
}

extension NewCustomer {
    /// A model made the usual way (the lead form's prospects), stamped `at`.
    init(_ c: Customer, at stamp: Date) {
        var record = CustomerDTO(c)
        (record.createdAt, record.updatedAt) = (stamp, stamp)
        self.init(record: record, nameKey: c.nameKey, phoneKey: c.phoneKey, searchText: c.searchText)
    }
}

/// A new customer's contact, written in bulk with it.
struct NewContact: Sendable {
    var id: UUID
    var customerId: UUID
    var name: String
    var title: String
    var mobile: String?
    var email: String?
    var isPrimary: Bool
    var notes = ""
    var birthdayCalendar = BirthdayCalendar.gregorian.rawValue

    static let columns = ["id", "customer_id", "name", "title", "mobile", "phone_key", "email", "wechat", "birthday", "birthday_calendar",
                          "is_primary", "notes", "name_order", "version", "created_at", "updated_at", "deleted_at"]

    /// The row of `columns`, stamped `stamp`; the phone key and the name's sort key are worked out
    /// as a contact's own save does.
    func row(stamp: Date) -> [BulkValue] {
        [.uuid(id), .uuid(customerId), .text(name), .text(title), .text(mobile), .text(mobile.map(DuplicateCustomers.phoneKey)), .text(email),
         .null, .null, .text(birthdayCalendar), .bool(isPrimary), .text(notes), .text(PinyinOrder.key(name)), .int(1), .date(stamp), .date(stamp), .null]
    }
}

extension NewContact {
    /// A model made the usual way (the lead form's contacts).
    init(_ p: Contact) {
        self.init(id: p.id!, customerId: p.$customer.id, name: p.name, title: p.title, mobile: p.mobile, email: p.email,
                  isPrimary: p.isPrimary, notes: p.notes, birthdayCalendar: p.birthdayCalendar)
    }
}
