import Fluent

extension Contact: PinyinNamed {}

/// Contacts list in pinyin order: adds `contacts.name_order` and fills it for the contacts on file
/// (`NameOrderColumn`). It has no index: an import's contacts, scattered over one, took a quarter
/// to a third longer (SQLite, 20,000 rows into 1.08 M contacts: 17,500–20,700 rows/s without,
/// 11,200–14,200 with). Lists within a salesperson's or a group's customers, or one customer's,
/// start from `contacts_customer`; the whole team's list by name reads and sorts every contact,
/// and opens newest first instead, on the primary key (`ContactList.query`).
struct AddContactNameOrder: AsyncMigration {
    static let column = NameOrderColumn(table: Contact.schema, indexes: [])

    func prepare(on database: any Database) async throws { try await Self.column.add(on: database) }

    func revert(on database: any Database) async throws { try await Self.column.remove(on: database) }
}

