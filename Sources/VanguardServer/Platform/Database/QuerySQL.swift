import Fluent
import FluentSQL
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The SQL a Fluent query would run, without running it: the query is run on a stand-in
/// database that only keeps what it was asked (after Fluent added its soft-delete filter and
/// fields), then converted as the SQL drivers convert it. For reading a long list where the
/// driver's own row-by-row path is too costly (`ListRow.uuids`).
enum QuerySQL {
    static func of<M: Model>(_ build: (any Database) throws -> QueryBuilder<M>, on database: any SQLDatabase & Database) async throws -> (sql: String, binds: [any Encodable & Sendable]) {
        let keeper = QueryKeeper(context: database.context)
        _ = try await build(keeper).all()
        guard let query = keeper.kept else { throw Abort(.internalServerError, reason: "The list's query ran no SELECT.") }
        return database.serialize(SQLQueryConverter(delegate: PlainDelegate()).convert(query))
    }

    /// Column names, not JSON paths or custom types: what a list's SELECT holds.
    private struct PlainDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }

    /// Keeps the one query it is asked and answers it with no rows.
    private final class QueryKeeper: Database, @unchecked Sendable {
        let context: DatabaseContext
        private let box = NIOLockedValueBox<DatabaseQuery?>(nil)
        var kept: DatabaseQuery? { box.withLockedValue { $0 } }
        init(context: DatabaseContext) { self.context = context }

        func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
            box.withLockedValue { $0 = query }
            return eventLoop.makeSucceededVoidFuture()
        }
        func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { eventLoop.makeFailedFuture(Abort(.internalServerError)) }
        func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { eventLoop.makeFailedFuture(Abort(.internalServerError)) }
        var inTransaction: Bool { false }
        func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }
        func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }
    }
}
