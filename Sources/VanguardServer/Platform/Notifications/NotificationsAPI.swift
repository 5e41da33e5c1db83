import Fluent
import Vapor
import VanguardCore

struct NotificationDTO: Content {
    var id: UUID
    var kind: String
    var title: String
    var body: String
    var link: String?
    var createdAt: Date
    var readAt: Date?

    /// In the reader's language.
    init(_ n: AppNotification, locale: AppLocale) {
        id = n.id!; kind = n.kind; title = n.title(locale); body = n.body(locale); link = n.link; createdAt = n.createdAt; readAt = n.readAt
    }
}

struct UnreadCount: Content { var unread: Int }

/// `/api/v1/notifications`: one's own notifications; the bell's count.
struct NotificationsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let n = routes.grouped("notifications")
        n.get(use: list)
        n.get("unread-count", use: unread)
        n.post(":id", "read", use: markRead)
        n.post("read-all", use: markAllRead)
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["createdAt"], defaultSort: "-createdAt")
        let q = AppNotification.query(on: req.db).filter(\.$userId == user.actor.userId)
        if try req.queryBool("unread") == true { q.filter(\.$readAt == nil) }
        let rows = try await list.applyByTime(to: q, column: "created_at").all()
        let locale = req.locale
        return try await list.page(rows, value: { String($0.createdAt.timeIntervalSince1970) }, id: { $0.id }, map: { NotificationDTO($0, locale: locale) })
            .encodeResponse(for: req)
    }

    func unread(req: Request) async throws -> UnreadCount {
        let user = try req.requireUser()
        return UnreadCount(unread: try await AppNotification.query(on: req.db).filter(\.$userId == user.actor.userId).filter(\.$readAt == nil).count())
    }

    func markRead(req: Request) async throws -> NotificationDTO {
        let user = try req.requireUser()
        let id = try req.uuid("id", "notification")
        guard let n = try await AppNotification.query(on: req.db).filter(\.$id == id).filter(\.$userId == user.actor.userId).first() else {
            throw Problem.notFound("notification")
        }
        try await NotificationReads.markRead(n, at: req.now, on: req.db)
        return NotificationDTO(n, locale: req.locale)
    }

    func markAllRead(req: Request) async throws -> UnreadCount {
        let user = try req.requireUser()
        try await NotificationReads.markAllRead(user: user.actor.userId, at: req.now, on: req.db)
        return UnreadCount(unread: 0)
    }
}
