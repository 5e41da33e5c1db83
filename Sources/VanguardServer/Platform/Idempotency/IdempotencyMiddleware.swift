import Fluent
import Foundation
import Vapor

/// `Idempotency-Key` on API writes (POST), as payment APIs do it: a retry with the same key gets
/// the first answer again (`Idempotent-Replayed: true`) and never makes a second record. The key
/// is claimed inside the write's transaction, so a crash can never leave a write without its
/// key or a key without its write. Keys belong to the signed-in user and are kept for 24 hours.
struct IdempotencyMiddleware: AsyncMiddleware {
    static let header = "Idempotency-Key"
    static let lifetime: TimeInterval = 24 * 3600
    static let maxStoredBody = 1024 * 1024

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.method == .POST, let key = req.headers.first(name: Self.header) else { return try await next.respond(to: req) }
        guard (1...200).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw Problem(.badRequest, code: "bad-idempotency-key", title: "The Idempotency-Key header is not valid.",
                          detail: "Use 1 to 200 visible ASCII characters, such as a UUID.")
        }
        guard let user = req.currentUser?.actor.userId else { return try await next.respond(to: req) }
        let fingerprint = Self.fingerprint(req)
        let since = req.now.addingTimeInterval(-Self.lifetime)
        if var earlier = try await IdempotencyKey.query(on: req.db).filter(\.$userId == user).filter(\.$key == key)
            .filter(\.$createdAt > since).first() {
            // A key row is only visible once its write committed; its answer follows within
            // moments unless the server died in between. Give it those moments.
            var waited = 0
            while earlier.status == nil, waited < 20, let again = try await IdempotencyKey.find(earlier.id, on: req.db) {
                earlier = again
                if earlier.status == nil { try await Task.sleep(nanoseconds: 100_000_000) }
                waited += 1
            }
            return try replay(earlier, fingerprint: fingerprint, req: req)
        }
        req.storage[Pending.self] = Pending(userId: user, key: key, fingerprint: fingerprint)
        let response = try await next.respond(to: req)
        guard let pending = req.storage[Pending.self], pending.claimed else { return response }
        try await store(response, userId: user, key: key, on: req.db)
        return response
    }

    private func replay(_ earlier: IdempotencyKey, fingerprint: String, req: Request) throws -> Response {
        guard earlier.fingerprint == fingerprint else {
            throw Problem(.unprocessableEntity, code: "idempotency-key-reused", title: "This Idempotency-Key was used for another request.",
                          detail: "Send a new key for a new request; reuse a key only to retry the same request.")
        }
        guard let status = earlier.status else {
            // The write committed but its answer was lost (a crash in between): say where the record is.
            var problem = Problem(.conflict, code: "idempotent-request-applied", title: "This request was already applied.",
                                  detail: "The first attempt was saved, but its answer was lost. Fetch the record to see it.")
            if let type = earlier.entityType, let id = earlier.entityId { problem.detail! += " It was \(type) \(id)." }
            throw problem
        }
        let response = Response(status: HTTPResponseStatus(statusCode: status), body: .init(string: earlier.body ?? ""))
        if let type = earlier.contentType { response.headers.replaceOrAdd(name: .contentType, value: type) }
        if let location = earlier.location { response.headers.replaceOrAdd(name: .location, value: location) }
        if let etag = earlier.etag { response.headers.replaceOrAdd(name: .eTag, value: etag) }
        response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        return response
    }

    private func store(_ response: Response, userId: UUID, key: String, on db: any Database) async throws {
        guard response.status.code < 500 else { return }
        let body = response.body.buffer.map { String(buffer: $0) } ?? response.body.string
        let (status, contentType) = (Int(response.status.code), response.headers.first(name: .contentType))
        let (location, etag) = (response.headers.first(name: .location), response.headers.first(name: .eTag))
        // Through the write gate like every write: a bare UPDATE waiting for SQLite's lock spins
        // on a thread of the blocking pool, and with every pool thread spinning, the writer that
        // holds the lock has no thread to finish on (CI's durability run hung this way).
        try await db.writeTransaction { db in
            guard let row = try await IdempotencyKey.query(on: db).filter(\.$userId == userId).filter(\.$key == key).first() else { return }
            row.status = status
            row.contentType = contentType
            row.location = location
            row.etag = etag
            row.body = body.map { $0.utf8.count <= Self.maxStoredBody ? $0 : "" }
            try await row.save(on: db)
        }
    }

    static func fingerprint(_ req: Request) -> String {
        var hash = SHA256()
        hash.update(data: Data("\(req.method.rawValue) \(req.url.path)\n".utf8))
        if let body = req.body.data {
            // JSON is compared by meaning, not bytes: a client may rebuild the same body in another key order.
            if req.headers.contentType?.subType.contains("json") == true, let object = try? JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed]),
               let canonical = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]) {
                hash.update(data: canonical)
            } else {
                hash.update(data: Data(buffer: body))
            }
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static let inProgress = Problem(.conflict, code: "idempotent-request-in-progress", title: "A request with this Idempotency-Key is still running.",
                                    detail: "Wait a moment and retry with the same key to get its answer.")

    /// The key this request carries, until its write claims it.
    struct Pending: StorageKey {
        typealias Value = Pending
        var userId: UUID
        var key: String
        var fingerprint: String
        var claimed = false
    }
}

extension Request {
    /// Called by `Audit` inside every write's transaction: the first write of a request that
    /// carries an Idempotency-Key inserts the key there, so key and write commit together.
    func claimIdempotencyKey(entityType: String, entityId: UUID?, on db: any Database) async throws {
        guard var pending = storage[IdempotencyMiddleware.Pending.self], !pending.claimed else { return }
        let row = IdempotencyKey()
        row.userId = pending.userId
        row.key = pending.key
        row.fingerprint = pending.fingerprint
        row.entityType = entityType
        row.entityId = entityId
        row.createdAt = now
        do {
            try await row.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another request with this key claimed it first, while this one was running.
            throw IdempotencyMiddleware.inProgress
        }
        pending.claimed = true
        storage[IdempotencyMiddleware.Pending.self] = pending
    }
}
