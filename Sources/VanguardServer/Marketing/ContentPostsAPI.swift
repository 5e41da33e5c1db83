import Fluent
import Vapor
import VanguardCore

/// `/api/v1/content-posts` (MKT-3): the content calendar. A status move is a PATCH with
/// `status` (and what the move needs: the account and time to schedule, the link to publish).
struct ContentPostsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("content-posts")
        p.get(use: list)
        p.post(use: create)
        p.get("calendar", use: calendar)
        p.get(":id", use: show)
        p.patch(":id", use: update)
        p.delete(":id", use: delete)
        p.post(":id", "restore", use: restore)
        p.get(":id", "history", use: history)
    }

    func list(req: Request) async throws -> PageOf<ContentPostDTO> {
        let (list, rows) = try await ContentPostList.page(req, strict: true)
        let locale = req.locale
        return list.page(rows, value: ContentPostList.value(list), id: { $0.id }, map: { ContentPostDTO($0, locale: locale) })
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ContentPostInput.self)
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let p = try await ContentPostService.save(ContentPostService.new(owner: user.actor.memberId), input, creating: true, req: req)
        return try ContentPostDTO(p, locale: req.locale).created(at: "/api/v1/content-posts/\(p.id!)", version: p.version)
    }

    struct CalendarDayDTO: Content { var date: String; var inMonth: Bool; var posts: [ContentPostDTO] }
    struct CalendarDTO: Content { var year: Int; var month: Int; var weeks: [[CalendarDayDTO]] }

    /// The month view as data: whole weeks, Monday first, each day's posts in time order.
    func calendar(req: Request) async throws -> CalendarDTO {
        try req.authorize(.read, .marketingRecord(MarketingFacts(promotionGroup: nil)))
        let (year, month) = try ContentMonth.parse(req, strict: true)
        let grid = try await ContentMonth.grid(year: year, month: month, on: req.db)
        let locale = req.locale
        return CalendarDTO(year: grid.year, month: grid.month, weeks: grid.weeks.map { week in
            week.map { CalendarDayDTO(date: $0.date.description, inMonth: $0.inMonth, posts: $0.items.map { ContentPostDTO($0, locale: locale) }) }
        })
    }

    func show(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.read, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        return try ContentPostDTO(p, locale: req.locale).response(version: p.version)
    }

    func update(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.update, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        let saved = try await ContentPostService.save(p, try req.decodeJSON(ContentPostInput.self), creating: false, req: req)
        return try ContentPostDTO(saved, locale: req.locale).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let p = try await ContentPostService.find(req)
        try req.authorize(.delete, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        try await ContentPostService.delete(p, req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        try await ContentPostService.restore(p, req: req)
        return try ContentPostDTO(p, locale: req.locale).response(version: p.version)
    }

    func history(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        return try await AuditAPI.page(req, entityType: "contentPost", entityId: p.id!, hidden: [])
    }
}

/// The month a calendar shows: `?month=yyyy-MM`, this month (China time) when left out.
enum ContentMonth {
    static let pattern = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"

    static func parse(_ req: Request, strict: Bool) throws -> (Int, Int) {
        let today = req.today
        // Left out: this month. Given, even empty, the API wants a real month; a page falls back to this one.
        guard let text = req.queryString("month"), strict || !text.isEmpty else { return (today.year, today.month) }
        guard text.range(of: pattern, options: .regularExpression) != nil else {
            if strict { throw Request.queryProblem("month", "invalidMonth", "Give the month as yyyy-MM, e.g. 2026-03.") }
            return (today.year, today.month)
        }
        let parts = text.split(separator: "-")
        return (Int(parts[0])!, Int(parts[1])!)
    }

    static func grid(year: Int, month: Int, on db: any Database) async throws -> MonthGrid<ContentPost> {
        // The month exists (checked by the pattern); the grid's first day is at most six days before the 1st.
        let first = CivilDate(year: year, month: month, day: 1)!
        let gridStart = SalesCalendar.date(dayNumber: SalesCalendar.dayNumber(first) - 6)
        let posts = try await ContentPostList.inGrid(first: gridStart, days: 6 + 31 + 7, on: db)
        return ContentCalendar.monthGrid(year: year, month: month, items: posts, day: { $0.calendarAt.map(ContentCalendar.chinaDate) })!
    }

    /// "2026-03" of the month before or after.
    static func neighbour(year: Int, month: Int, by delta: Int) -> String {
        let n = year * 12 + (month - 1) + delta
        return String(format: "%04d-%02d", n / 12, n % 12 + 1)
    }
}
