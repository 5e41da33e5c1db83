import Fluent
import Vapor
import VanguardCore

/// A record with a version (its ETag) that moves to the recycle bin and back.
protocol VersionedRecord: Model, Sendable where IDValue == UUID {
    var version: Int { get set }
    var deletedAt: Date? { get }
}

extension ResearchNote: VersionedRecord {}
extension Competitor: VersionedRecord {}
extension CompetitorProduct: VersionedRecord {}
extension CompetitorEvent: VersionedRecord {}
extension RiskWarningRecord: VersionedRecord {}
extension Campaign: VersionedRecord {}

/// What the market research records share: who keeps them, and removing and restoring them.
enum MarketingResearch {
    /// The record the path's `parameter` names (404 otherwise); deleted ones only when asked for.
    static func find<M: VersionedRecord>(_ type: M.Type, _ req: Request, _ what: String, parameter: String = "id", withDeleted: Bool = false) async throws -> M {
        let id = try req.uuid(parameter, what)
        let q = M.query(on: req.db).filter(\._$id == id)
        if withDeleted { q.withDeleted() }
        guard let m = try await q.first() else { throw Problem.notFound(what) }
        return m
    }

    /// Writes a new or changed record with its history entry in one transaction. A change must
    /// still be at the version the request read (else 412); a change that changes nothing writes
    /// nothing; otherwise the version goes one up. `check` runs first inside the transaction
    /// (uniqueness), reading only through the transaction's database.
    static func write<M: VersionedRecord, S: Encodable & Sendable>(
        _ m: M, creating: Bool, type: String, label: @escaping @Sendable (M) -> String, before: S?,
        snapshot: @escaping @Sendable (M) -> S, req: Request, check: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws -> M {
        try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(M.schema, id: m.id, m.version) }
            try await check?(db)
            if !creating {
                guard m.hasChanges else { return m }
                m.version += 1
            }
            try await m.save(on: db)
            try await Audit.record(creating ? .create : .update, type, id: m.id, label: label(m), before: before, after: snapshot(m), request: req, on: db)
            return m
        }
    }

    /// Moves a record to the recycle bin with its history entry, if the If-Match version is current.
    static func softDelete<M: VersionedRecord, S: Encodable & Sendable>(_ m: M, type: String, label: String, snapshot: S, req: Request) async throws {
        try ETag.check(req, version: m.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(M.schema, id: m.id, m.version)
            try await m.delete(on: db)
            try await Audit.record(.delete, type, id: m.id, label: label, before: snapshot, after: Optional<S>.none, request: req, on: db)
        }
    }

    /// Brings a record back from the recycle bin as a new version.
    static func restore<M: VersionedRecord, S: Encodable & Sendable>(_ m: M, type: String, label: String, req: Request,
                                                                       snapshot: @escaping @Sendable (M) -> S) async throws {
        guard m.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This record is not deleted.") }
        try await req.db.writeTransaction { db in
            try await m.restore(on: db)
            m.version += 1
            try await m.save(on: db)
            try await Audit.record(.restore, type, id: m.id, label: label, before: Optional<S>.none, after: snapshot(m), request: req, on: db)
        }
    }
}
