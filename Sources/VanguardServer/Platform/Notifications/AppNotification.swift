import Fluent
import Foundation
import Vapor

/// An in-app notification for one user: the bell's unread count and list. Every chapter posts here.
final class AppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "link") var link: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userId: UUID, kind: String, title: String, body: String, link: String?, createdAt: Date) {
        self.userId = userId
        self.kind = kind
        self.title = title
        self.body = body
        self.link = link
        self.createdAt = createdAt
    }
}

struct CreateAppNotification: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AppNotification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.index("notifications_user", on: AppNotification.schema, ["user_id", "read_at", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AppNotification.schema).delete()
    }
}

/// How chapters tell people something: an in-app notification, plus the admin's webhooks.
enum Notifier {
    static func notify(_ userIds: [UUID], kind: String, title: String, body: String, link: String?,
                       at: Date, on db: any Database) async throws {
        for userId in Set(userIds) {
            try await AppNotification(userId: userId, kind: kind, title: title, body: body, link: link, createdAt: at).create(on: db)
        }
        try await WebhookQueue.enqueue(kind: kind, title: title, body: body, link: link, at: at, on: db)
    }

    /// Many notices of one kind at once (a job's run): the in-app notifications in multi-row
    /// inserts, and one webhook message that sums them up rather than one per notice.
    static func notifyAll(_ notices: [(users: [UUID], title: String, body: String, link: String?)], kind: String, summary: String,
                          at: Date, on db: any Database) async throws {
        guard !notices.isEmpty else { return }
        let rows = notices.flatMap { n in Set(n.users).map { AppNotification(userId: $0, kind: kind, title: n.title, body: n.body, link: n.link, createdAt: at) } }
        for chunk in rows.chunked(500) { try await chunk.create(on: db) }
        try await WebhookQueue.enqueue(kind: kind, title: summary, body: notices.prefix(20).map(\.title).joined(separator: "\n"), link: nil, at: at, on: db)
    }
}
