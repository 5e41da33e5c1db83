import Fluent
import Foundation

/// Marking notices read, for the API and the bell's page alike: small writes, but writes, so
/// they go through the write gate like every other (a bare write meeting a long transaction on
/// SQLite spins in the driver's busy handler; docs/reliability.md).
enum NotificationReads {
    static func markRead(_ n: AppNotification, at now: Date, on db: any Database) async throws {
        guard n.readAt == nil else { return }
        n.readAt = now
        try await db.writeTransaction { db in try await n.save(on: db) }
    }

    static func markAllRead(user: UUID, at now: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            try await AppNotification.query(on: db).filter(\.$userId == user).filter(\.$readAt == nil).set(\.$readAt, to: now).update()
        }
    }
}
