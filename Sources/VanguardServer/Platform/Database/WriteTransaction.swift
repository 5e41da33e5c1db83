import Fluent
import FluentSQLiteDriver
import SQLKit

extension Database {
    /// A transaction for work that writes. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
    /// write lock up front: a deferred transaction that reads and then writes can fail with
    /// "database is locked" when another connection wrote in between, and SQLite cannot retry
    /// that for us. PostgreSQL uses an ordinary transaction.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard self is any SQLiteDatabase, !inTransaction else {
            return try await transaction(body)
        }
        if SQLiteWriteGate.held { return try await immediateTransaction(body) }
        await SQLiteWriteGate.shared.acquire()
        do {
            let result = try await SQLiteWriteGate.$held.withValue(true) { try await immediateTransaction(body) }
            await SQLiteWriteGate.shared.release()
            return result
        } catch {
            await SQLiteWriteGate.shared.release()
            throw error
        }
    }

    private func immediateTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

/// SQLite takes one writer at a time, and its driver waits for the write lock by retrying
/// forever on a thread of the shared blocking pool. Letting only one write transaction of this
/// process at a time ask for the lock means no thread ever spins, and a writer can never wait
/// on a thread held by a writer waiting for it. (Several instances mean PostgreSQL.)
actor SQLiteWriteGate {
    static let shared = SQLiteWriteGate()
    /// Set while a task holds the gate, so a nested write in the same task does not wait for itself.
    @TaskLocal static var held = false

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
