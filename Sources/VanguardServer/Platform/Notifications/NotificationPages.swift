import Fluent
import Vapor

/// The bell's page: one's notifications, newest first; mark one or all read.
struct NotificationPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let n = routes.grouped("notifications")
        n.get(use: list)
        n.post(":id", "read", use: read)
        n.post("read-all", use: readAll)
    }

    struct Row: Encodable {
        var id: UUID
        var title: String
        var body: String
        var link: String?
        var when: String
        var unread: Bool
    }

    struct Context: Encodable {
        var rows: [Row]
        var anyUnread: Bool
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let rows = try await AppNotification.query(on: req.db).filter(\.$userId == user.actor.userId)
            .sort(\.$createdAt, .descending).limit(100).all()
        let locale = req.locale
        let context = Context(rows: rows.map { Row(id: $0.id!, title: $0.title(locale), body: $0.body(locale), link: $0.link,
                                                   when: MemberPages.format($0.createdAt, locale), unread: $0.readAt == nil) },
                              anyUnread: rows.contains { $0.readAt == nil })
        return try await req.page("Platform/notifications", title: "notifications", section: "notifications", context)
    }

    func read(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id = try req.uuid("id", "notification")
        guard let n = try await AppNotification.query(on: req.db).filter(\.$id == id).filter(\.$userId == user.actor.userId).first() else {
            throw Problem.notFound("notification")
        }
        try await NotificationReads.markRead(n, at: req.now, on: req.db)
        let target = n.link.flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/notifications"
        return req.redirect(to: target, redirectType: .normal)
    }

    func readAll(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await NotificationReads.markAllRead(user: user.actor.userId, at: req.now, on: req.db)
        return req.redirect(to: "/notifications", flash: "allRead")
    }
}
