import Fluent

extension Customer: PinyinNamed {}

/// Customers list in pinyin order: adds `customers.name_order`, fills it for the customers on
/// file, and moves the whole list's name index and each owner's onto it (`NameOrderColumn`).
struct AddCustomerNameOrder: AsyncMigration {
    static let column = NameOrderColumn(table: Customer.schema, indexes: [
        ("customers_name", ["name", "id"], "customers_name_order", ["name_order", "id"]),
        ("customers_owner", ["owner_member_id", "name", "id"], "customers_owner_name_order", ["owner_member_id", "name_order", "id"]),
    ])

    func prepare(on database: any Database) async throws { try await Self.column.add(on: database) }

    func revert(on database: any Database) async throws { try await Self.column.remove(on: database) }
}
