import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The delivery queue lives in the database, so any instance may deliver and none delivers twice.
enum WebhookQueue {
    static func enqueue(kind: String, title: String, body: String, link: String?, at: Date, on db: any Database) async throws {
        let hooks = try await Webhook.query(on: db).filter(\.$active == true).all()
        for hook in hooks where hook.forwards(kind) {
            let d = WebhookDelivery()
            d.webhookId = try hook.requireID()
            d.kind = kind
            d.title = title
            d.body = body
            d.link = link
            d.status = "queued"
            d.attempts = 0
            d.nextAttemptAt = at
            d.createdAt = at
            try await d.create(on: db)
        }
    }

    /// Claims one due delivery for `worker` for `lease` seconds. The outer condition is checked
    /// again under the row lock, so two workers racing for the same row cannot both win.
    ///
    /// The claim writes, so on SQLite it queues behind other writers in `writeTransaction` and is
    /// only tried when a read (which never waits) finds something due. A bare UPDATE meeting a long
    /// write transaction (a 20,000-row import) retried in SQLite's busy handler at full speed, and
    /// took one of the bench machine's two cores for the whole import.
    static func claim(worker: String, now: Date, lease: TimeInterval, on db: any Database) async throws -> WebhookDelivery? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let due = try await sql.raw("""
            SELECT id FROM \(ident: WebhookDelivery.schema)
            WHERE status = 'queued' AND next_attempt_at <= \(bind: now) AND (locked_until IS NULL OR locked_until < \(bind: now))
            LIMIT 1
            """).first()
        guard due != nil else { return nil }
        let id = try await db.writeTransaction { db in try await lock(worker: worker, now: now, lease: lease, on: db as! any SQLDatabase) }
        guard let id else { return nil }
        return try await WebhookDelivery.find(id, on: db)
    }

    private static func lock(worker: String, now: Date, lease: TimeInterval, on sql: any SQLDatabase) async throws -> UUID? {
        let until = now.addingTimeInterval(lease)
        let row = try await sql.raw("""
            UPDATE \(ident: WebhookDelivery.schema) SET locked_by = \(bind: worker), locked_until = \(bind: until)
            WHERE status = 'queued' AND (locked_until IS NULL OR locked_until < \(bind: now))
              AND id = (SELECT id FROM \(ident: WebhookDelivery.schema)
                        WHERE status = 'queued' AND next_attempt_at <= \(bind: now)
                          AND (locked_until IS NULL OR locked_until < \(bind: now))
                        ORDER BY next_attempt_at LIMIT 1)
            RETURNING id
            """).first()
        return try row?.decode(column: "id", as: UUID.self)
    }

    /// Sends one claimed delivery and records the outcome (and its history entry).
    static func deliver(_ delivery: WebhookDelivery, client: any Client, now: @Sendable () -> Date, on db: any Database, logger: Logger) async throws {
        guard let hook = try await Webhook.find(delivery.webhookId, on: db) else {
            try await delivery.delete(on: db)
            return
        }
        let kind = WebhookKind(rawValue: hook.kind) ?? .generic
        let message = WebhookMessage(kind: delivery.kind, title: delivery.title, body: delivery.body, link: delivery.link)
        var error: String?
        do {
            let response = try await client.post(URI(string: hook.url)) { req in
                req.headers.contentType = .json
                req.body = ByteBuffer(data: WebhookFormat.json(message, for: kind))
            }.get()
            if !(200..<300).contains(response.status.code) { error = "HTTP \(response.status.code)" }
        } catch let e {
            error = String(describing: e)
        }
        delivery.attempts += 1
        delivery.lockedBy = nil
        delivery.lockedUntil = nil
        if let error {
            delivery.lastError = String(error.prefix(500))
            if delivery.attempts >= RetryBackoff.maxAttempts {
                delivery.status = "failed"
            } else {
                delivery.nextAttemptAt = now().addingTimeInterval(RetryBackoff.delay(afterAttempt: delivery.attempts))
            }
            logger.warning("webhook delivery failed", metadata: ["webhook": .string(hook.name), "attempt": .stringConvertible(delivery.attempts), "error": .string(error)])
        } else {
            delivery.status = "delivered"
            delivery.deliveredAt = now()
            delivery.lastError = nil
        }
        let failed = error != nil
        let at = now()
        try await db.writeTransaction { tx in
            try await delivery.save(on: tx)
            try await Audit.system(!failed ? .webhookDelivered : .webhookFailed, "webhook", id: hook.id,
                                   label: "\(hook.name): \(delivery.title)",
                                   after: "{\"attempts\":\(delivery.attempts),\"status\":\"\(delivery.status)\"}", at: at, on: tx)
        }
    }
}

/// Polls the queue in the background while the server runs.
struct WebhookWorker: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        guard app.settings.runsJobs, app.environment != .testing, SchedulerWorker.isServing(app) else { return }
        let worker = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let task = Task {
            while !Task.isCancelled {
                do {
                    while let d = try await WebhookQueue.claim(worker: worker, now: app.clock.now(), lease: 60, on: app.backgroundDB) {
                        try await WebhookQueue.deliver(d, client: app.client, now: { app.clock.now() }, on: app.backgroundDB, logger: app.logger)
                    }
                } catch {
                    app.logger.error("webhook worker: \(error)")
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
        app.storage[WorkerTaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[WorkerTaskKey.self]?.cancel()
    }
}

struct WorkerTaskKey: StorageKey { typealias Value = Task<Void, Never> }
