import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Customers list in pinyin order (`PinyinOrder`): every customer Fluent saves gets its sort key
/// from its name here, so no write path can forget it. Bulk writes (the import, the lead form,
/// the seeders) put the key in their rows themselves (`NewCustomer`).
struct CustomerNameOrder: AnyModelMiddleware {
    func handle(_ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder) -> EventLoopFuture<Void> {
        if let customer = model as? Customer {
            switch event {
            case .create, .update: customer.nameOrder = PinyinOrder.key(customer.name)
            default: break
            }
        }
        return next.handle(event, model, on: db)
    }

    static func install(_ app: Application) {
        for id in app.databases.ids() { app.databases.middleware.use(CustomerNameOrder(), on: id) }
    }
}

/// Adds `customers.name_order`, fills it for the customers on file, and moves the name indexes
/// (the whole list's, and each owner's) onto it. PostgreSQL compares the column byte by byte
/// (`COLLATE "C"`), as SQLite does, so both order the keys alike. The column is filled before its
/// indexes exist, in batches of 5,000 keyed by row, so a million customers take one pass.
struct AddCustomerNameOrder: AsyncMigration {
    static let batch = 5_000

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let collation = sql.isPostgres ? " COLLATE \"C\"" : ""
        try await sql.raw("ALTER TABLE customers ADD COLUMN name_order TEXT\(unsafeRaw: collation) NOT NULL DEFAULT ''").run()
        try await fill(sql)
        try await sql.drop(index: "customers_name").run()
        try await sql.drop(index: "customers_owner").run()
        try await sql.create(index: "customers_name_order").on(Customer.schema).column("name_order").column("id").run()
        try await sql.create(index: "customers_owner_name_order").on(Customer.schema).column("owner_member_id").column("name_order").column("id").run()
        try await database.analyze(tables: [Customer.schema])
    }

    private func fill(_ sql: any SQLDatabase) async throws {
        if sql.isPostgres {
            var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            while true {
                let rows = try await sql.raw("SELECT id, name FROM customers WHERE id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(Self.batch))").all()
                guard let last = rows.last else { return }
                let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
                let keys = try rows.map { PinyinOrder.key(try $0.decode(column: "name", as: String.self)) }
                try await sql.raw("""
                    UPDATE customers AS c SET name_order = v.k FROM unnest(\(bind: ids)::uuid[], \(bind: keys)::text[]) AS v(id, k) WHERE c.id = v.id
                    """).run()
                after = try last.decode(column: "id", as: UUID.self)
            }
        }
        var after = 0
        while true {
            let rows = try await sql.raw("SELECT rowid AS r, name FROM customers WHERE rowid > \(bind: after) ORDER BY rowid LIMIT \(unsafeRaw: String(Self.batch))").all()
            guard let last = rows.last else { return }
            var pairs: [[JSONValue]] = []
            for row in rows { pairs.append([.int(try row.decode(column: "r", as: Int.self)), .string(PinyinOrder.key(try row.decode(column: "name", as: String.self)))]) }
            let json = String(decoding: try JSONEncoder().encode(pairs), as: UTF8.self)
            try await sql.raw("""
                UPDATE customers SET name_order = j.value ->> 1 FROM json_each(\(bind: json)) AS j WHERE customers.rowid = j.value ->> 0
                """).run()
            after = try last.decode(column: "r", as: Int.self)
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "customers_name_order").run()
        try await sql.drop(index: "customers_owner_name_order").run()
        try await sql.create(index: "customers_name").on(Customer.schema).column("name").column("id").run()
        try await sql.create(index: "customers_owner").on(Customer.schema).column("owner_member_id").column("name").column("id").run()
        try await sql.raw("ALTER TABLE customers DROP COLUMN name_order").run()
    }

    private enum JSONValue: Encodable {
        case int(Int), string(String)
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self { case .int(let n): try c.encode(n); case .string(let s): try c.encode(s) }
        }
    }
}
