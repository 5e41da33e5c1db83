import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// An in-app notification for one user: the bell's unread count and list. Every chapter posts here.
final class AppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "kind") var kind: String
    /// In simplified Chinese, the team's language; the other languages beside it (nil: the same).
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "title_zh_hant") var titleZhHant: String?
    @OptionalField(key: "title_en") var titleEn: String?
    @OptionalField(key: "body_zh_hant") var bodyZhHant: String?
    @OptionalField(key: "body_en") var bodyEn: String?
    @OptionalField(key: "link") var link: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userId: UUID, kind: String, title: LocalizedText, body: LocalizedText, link: String?, createdAt: Date) {
        self.userId = userId
        self.kind = kind
        // Only what differs from the simplified Chinese is stored beside it.
        func other(_ text: String, _ base: String) -> String? { text.isEmpty || text == base ? nil : text }
        self.title = title.zhHans
        self.titleZhHant = other(title.zhHant, title.zhHans)
        self.titleEn = other(title.en, title.zhHans)
        self.body = body.zhHans
        self.bodyZhHant = other(body.zhHant, body.zhHans)
        self.bodyEn = other(body.en, body.zhHans)
        self.link = link
        self.createdAt = createdAt
    }

    /// The notice in the reader's language.
    func title(_ locale: AppLocale) -> String { LocalizedText(zhHans: title, zhHant: titleZhHant, en: titleEn ?? title)[locale] }
    func body(_ locale: AppLocale) -> String { LocalizedText(zhHans: body, zhHant: bodyZhHant, en: bodyEn ?? body)[locale] }
}

/// Notices are written once and read in each reader's language: the other languages beside the
/// simplified Chinese (notices from before this have those only, and read so in every language).
struct AddNotificationTranslations: AsyncMigration {
    static let columns = ["title_zh_hant", "title_en", "body_zh_hant", "body_en"]

    func prepare(on database: any Database) async throws {
        for c in Self.columns { try await database.schema(AppNotification.schema).field(.string(c), .string).update() }
    }

    func revert(on database: any Database) async throws {
        for c in Self.columns { try await database.schema(AppNotification.schema).deleteField(.string(c)).update() }
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
    /// `title` and `body` in every language the team reads (`LocalizedText(zhHans:en:)`); the
    /// webhooks (a group chat) get the simplified Chinese.
    static func notify(_ userIds: [UUID], kind: String, title: LocalizedText, body: LocalizedText, link: String?,
                       at: Date, on db: any Database) async throws {
        for userId in Set(userIds) {
            try await AppNotification(userId: userId, kind: kind, title: title, body: body, link: link, createdAt: at).create(on: db)
        }
        try await WebhookQueue.enqueue(kind: kind, title: title.zhHans, body: body.zhHans, link: link, at: at, on: db)
    }

    /// Many notices of one kind at once (a job's run): the in-app notifications in multi-row
    /// inserts, and one webhook message that sums them up rather than one per notice.
    static func notifyAll(_ notices: [(users: [UUID], title: LocalizedText, body: LocalizedText, link: String?)], kind: String, summary: String,
                          at: Date, on db: any Database) async throws {
        guard !notices.isEmpty else { return }
        let rows = notices.flatMap { n in Set(n.users).map { AppNotification(userId: $0, kind: kind, title: n.title, body: n.body, link: n.link, createdAt: at) } }
        for chunk in rows.chunked(500) { try await chunk.create(on: db) }
        try await WebhookQueue.enqueue(kind: kind, title: summary, body: notices.prefix(20).map(\.title.zhHans).joined(separator: "\n"), link: nil, at: at, on: db)
    }
}
