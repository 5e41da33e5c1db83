import Fluent
import SQLKit

extension Database {
    /// Creates an index through SQLKit, which both SQLite and PostgreSQL understand.
    func index(_ name: String, on table: String, _ columns: [String], unique: Bool = false) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
