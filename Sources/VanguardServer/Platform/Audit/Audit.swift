import Fluent
import Foundation
import SQLKit
import Vapor

/// What happened to a record.
enum AuditAction: String, Codable, CaseIterable, Sendable {
    case create, update, delete, restore, imported
    case signIn, signInFailed, signOut, lockedOut, passwordChanged, tokenCreated, tokenRevoked, setup
    case webhookDelivered, webhookFailed
}

/// Writes history entries. Called inside the same transaction as the change it describes, so a
/// change without its history (or the reverse) can never be stored.
enum Audit {
    static func record<Before: Encodable, After: Encodable>(
        _ action: AuditAction, _ entityType: String, id: UUID?, label: String,
        before: Before?, after: After?, request: Request, on db: any Database
    ) async throws {
        let event = make(action, entityType, id: id, label: label, at: request.now,
                         actorId: request.currentUser?.actor.userId, actorName: request.currentUser?.user.displayName, request: request)
        if let before { event.before = try snapshot(before) }
        if let after { event.after = try snapshot(after) }
        try await request.claimIdempotencyKey(entityType: entityType, entityId: id, on: db)
        try await event.create(on: db)
    }

    /// An event with no record snapshot (sign-ins, token changes).
    static func note(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, request: Request,
                     on db: any Database, actorName: String? = nil, actorId: UUID? = nil) async throws {
        try await request.claimIdempotencyKey(entityType: entityType, entityId: id, on: db)
        try await make(action, entityType, id: id, label: label, at: request.now,
                       actorId: actorId ?? request.currentUser?.actor.userId,
                       actorName: actorName ?? request.currentUser?.user.displayName, request: request).create(on: db)
    }

    /// A history entry to be written with others in one batch (imports of many records). The
    /// caller claims the request's idempotency key once, with its own `note`.
    static func event(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, at: Date, request: Request, after: String?) -> AuditEvent {
        let event = make(action, entityType, id: id, label: label, at: at, actorId: request.currentUser?.actor.userId,
                         actorName: request.currentUser?.user.displayName, request: request)
        event.after = after
        return event
    }

    /// A job's history entry, to be written with others in one batch.
    static func systemEvent(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, at: Date) -> AuditEvent {
        make(action, entityType, id: id, label: label, at: at, actorId: nil, actorName: nil, request: nil)
    }

    /// A public visitor's history entry (the lead form), to be written with others in one batch
    /// outside the visitor's request.
    static func visitorEvent(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, at: Date, requestId: String?, ip: String?) -> AuditEvent {
        let event = make(action, entityType, id: id, label: label, at: at, actorId: nil, actorName: nil, request: nil)
        event.requestId = requestId
        event.ip = ip
        return event
    }

    /// Writes events made by `event` in a few multi-row INSERTs instead of one Fluent `create`
    /// per batch, which reflects over every model (see `SQLDatabase.bulkInsert`).
    static func insert(_ events: [AuditEvent], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return try await events.create(on: db) }
        try await sql.bulkInsert(into: AuditEvent.schema, columns: columns, rows: events.map(row))
    }

    /// Who made a request's history entries, read from the request once: bulk work builds its
    /// entries' rows off the request's task (see `row`).
    struct Author: Sendable {
        var userId: UUID?
        var name: String
        var requestId: String?
        var ip: String?

        init(_ request: Request) {
            (userId, name) = (request.currentUser?.actor.userId, request.currentUser?.user.displayName ?? "system")
            (requestId, ip) = (request.id, request.remoteAddress?.ipAddress)
        }
    }

    /// A history entry as a row of `columns`, without a model, for bulk writes (an import's
    /// 'create' entries, built with the records on every core). The caller claims the request's
    /// idempotency key once, with its own `note`.
    static func row(_ action: AuditAction, _ entityType: String, id: UUID, label: String, at: Date, by author: Author, after: String?) -> [BulkValue] {
        [.uuid(UUID.timeOrdered()), .date(at), .uuid(author.userId), .text(author.name), .text(action.rawValue), .text(entityType),
         .uuid(id), .text(String(label.prefix(200))), .null, .text(after), .text(author.requestId), .text(author.ip)]
    }

    static let columns = ["id", "occurred_at", "actor_user_id", "actor_name", "action", "entity_type", "entity_id", "entity_label",
                          "before", "after", "request_id", "ip"]

    /// An event as a row of `columns`.
    static func row(_ e: AuditEvent) -> [BulkValue] {
        [.uuid(e.id ?? UUID.timeOrdered()), .date(e.occurredAt), .uuid(e.actorUserId), .text(e.actorName), .text(e.action),
         .text(e.entityType), .uuid(e.entityId), .text(e.entityLabel), .text(e.before), .text(e.after), .text(e.requestId), .text(e.ip)]
    }

    /// For work done outside a request (CLI, jobs).
    static func system(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, after: String?,
                       at: Date, on db: any Database) async throws {
        let event = make(action, entityType, id: id, label: label, at: at, actorId: nil, actorName: nil, request: nil)
        event.after = after
        try await event.create(on: db)
    }

    private static func make(_ action: AuditAction, _ entityType: String, id: UUID?, label: String, at: Date,
                             actorId: UUID?, actorName: String?, request: Request?) -> AuditEvent {
        // Any audited change may change who a token speaks for (roles, groups, revocations).
        request?.application.tokenCache.clear()
        let event = AuditEvent()
        event.occurredAt = at
        event.actorUserId = actorId
        event.actorName = actorName ?? "system"
        event.action = action.rawValue
        event.entityType = entityType
        event.entityId = id
        event.entityLabel = String(label.prefix(200))
        event.requestId = request?.id
        event.ip = request?.remoteAddress?.ipAddress
        return event
    }

    static func snapshot<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder.api
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A field-by-field comparison of two snapshots, for the history tab.
struct AuditChange: Codable, Sendable {
    var field: String
    var before: String?
    var after: String?

    static func diff(before: String?, after: String?, hiding hidden: Set<String>) -> [AuditChange] {
        let b = flatten(before), a = flatten(after)
        let keys = Set(b.keys).union(a.keys).subtracting(["version", "updatedAt", "createdAt"]).sorted()
        return keys.compactMap { key in
            guard b[key] != a[key] else { return nil }
            if hidden.contains(key) { return AuditChange(field: key, before: b[key] == nil ? nil : "•••", after: a[key] == nil ? nil : "•••") }
            return AuditChange(field: key, before: b[key], after: a[key])
        }
    }

    private static func flatten(_ json: String?) -> [String: String] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        for (k, v) in object {
            switch v {
            case is NSNull: continue
            case let s as String: result[k] = s
            case let n as NSNumber: result[k] = n.stringValue
            default:
                if let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]) {
                    result[k] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return result
    }
}
