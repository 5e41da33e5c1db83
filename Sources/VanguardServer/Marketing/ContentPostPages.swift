import Fluent
import Foundation
import Vapor
import VanguardCore

/// The content calendar on the web (MKT-3): the month view (whole weeks, Monday first, each day's
/// posts coloured by status), the list with filters, a post with its status moves and figures.
struct ContentPostPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("market", "content")
        c.get(use: month)
        c.get("list", use: list)
        c.get("new", use: newForm)
        c.post(use: create)
        c.get(":id", use: show)
        c.get(":id", "edit", use: editForm)
        c.post(":id", use: update)
        c.post(":id", "delete", use: delete)
        c.post(":id", "status", use: move)
        c.post(":id", "figures", use: figures)
    }

    /// A count with thousands separators: 12345 → "12,345".
    static func count(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }

    /// China time as a page shows it: "03-18 20:00", with the year when it is not this year's.
    static func when(_ date: Date, _ req: Request) -> String {
        let f = DateFormatter()
        f.timeZone = ChinaTime.zone
        f.dateFormat = CivilDate.on(date).year == req.today.year ? "MM-dd HH:mm" : "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    /// A `datetime-local` value in China time, and back.
    static func localInput(_ date: Date?) -> String {
        guard let date else { return "" }
        let f = DateFormatter()
        f.timeZone = ChinaTime.zone
        f.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return f.string(from: date)
    }

    static func parseLocal(_ text: String) -> Date? {
        let f = DateFormatter()
        f.timeZone = ChinaTime.zone
        f.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: text) { return d }
        }
        return nil
    }

    // MARK: month view

    struct DayPost: Encodable { var id: UUID; var title: String; var status: String; var statusLabel: String; var time: String; var account: String }
    struct Day: Encodable { var date: String; var day: Int; var weekday: String; var inMonth: Bool; var today: Bool; var posts: [DayPost] }
    struct MonthContext: Encodable {
        var label: String; var month: String; var prevHref: String; var nextHref: String; var todayHref: String
        var weekdays: [String]; var weeks: [[Day]]; var legend: [FormField.Option]; var unscheduled: [DayPost]; var canCreate: Bool
    }

    func month(req: Request) async throws -> Response {
        try req.authorize(.read, .marketingRecord(MarketingFacts(promotionGroup: nil)))
        let (year, month) = try ContentMonth.parse(req, strict: false)
        let grid = try await ContentMonth.grid(year: year, month: month, on: req.db)
        let accounts = try await accountNames(req)
        let weekdays = Weekday.allCases.map { req.t("weekdayShort_" + $0.rawValue) }
        let today = req.today
        func post(_ p: ContentPost) -> DayPost {
            DayPost(id: p.id!, title: p.title, status: p.status, statusLabel: p.postStatus.name[req.locale],
                    time: p.calendarAt.map { Self.when($0, req).suffix(5).description } ?? "", account: p.channelAccountId.flatMap { accounts[$0] } ?? "")
        }
        let unscheduled = try await ContentPost.query(on: req.db).filter(\.$calendarKey == ContentPost.unscheduled)
            .filter(\.$status != PostStatus.published.rawValue).sort(\.$updatedAt, .descending).limit(20).all()
        let label = req.locale == .en ? "\(Self.monthNames[month - 1]) \(year)" : "\(year)年\(month)月"
        return try await req.page("Marketing/content-month", title: "navContent", section: "content", MonthContext(
            label: label, month: String(format: "%04d-%02d", year, month),
            prevHref: "/market/content?month=" + ContentMonth.neighbour(year: year, month: month, by: -1),
            nextHref: "/market/content?month=" + ContentMonth.neighbour(year: year, month: month, by: 1),
            todayHref: "/market/content", weekdays: weekdays,
            weeks: grid.weeks.map { week in
                week.enumerated().map { i, d in
                    Day(date: d.date.description, day: d.date.day, weekday: weekdays[i], inMonth: d.inMonth, today: d.date == today, posts: d.items.map(post))
                }
            },
            legend: PostStatus.allCases.map { FormField.Option(value: $0.rawValue, label: $0.name[req.locale], selected: false) },
            unscheduled: unscheduled.map(post),
            canCreate: req.allowed(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))))
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    private func accountNames(_ req: Request) async throws -> [UUID: String] {
        Dictionary(uniqueKeysWithValues: try await ChannelAccount.query(on: req.db).withDeleted().all().map { ($0.id!, $0.name) })
    }

    // MARK: list

    struct Row: Encodable { var id: UUID; var title: String; var status: String; var statusLabel: String; var when: String; var account: String; var owner: String; var views: String }
    struct ListContext: Encodable { var rows: [Row]; var q: String; var statuses: [FormField.Option]; var accounts: [FormField.Option]; var nextHref: String?; var canCreate: Bool }

    func list(req: Request) async throws -> Response {
        let (list, posts) = try await ContentPostList.page(req, strict: false)
        let page = list.cut(posts, value: ContentPostList.value(list), id: { $0.id })
        let accounts = try await accountNames(req)
        let owners = try await SalesNames.members(page.shown.compactMap(\.ownerMemberId), on: req.db)
        let q = req.queryString("q") ?? "", status = req.queryString("status") ?? "", account = req.queryString("channelAccountId") ?? ""
        let current = try await ChannelAccount.query(on: req.db).sort(\.$name).all()
        return try await req.page("Marketing/content-list", title: "contentList", section: "content", ListContext(
            rows: page.shown.map { p in
                Row(id: p.id!, title: p.title, status: p.status, statusLabel: p.postStatus.name[req.locale], when: p.calendarAt.map { Self.when($0, req) } ?? "—",
                    account: p.channelAccountId.flatMap { accounts[$0] } ?? "—", owner: p.ownerMemberId.flatMap { owners[$0] } ?? "—",
                    views: p.views.map(Self.count) ?? "—")
            },
            q: q,
            statuses: [FormField.Option(value: "", label: req.t("allStatuses"), selected: status.isEmpty)]
                + PostStatus.allCases.map { FormField.Option(value: $0.rawValue, label: $0.name[req.locale], selected: $0.rawValue == status) },
            accounts: [FormField.Option(value: "", label: req.t("allAccounts"), selected: account.isEmpty)]
                + current.map { FormField.Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == account) },
            nextHref: page.next.map { SalesNames.href("/market/content/list", ["cursor": $0, "q": q, "status": status, "channelAccountId": account]) },
            canCreate: req.allowed(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))))
    }

    // MARK: new and edit

    static let keys = ["title", "channelAccountId", "scheduledAt", "ownerId", "body", "link", "campaignId"]

    private func form(_ req: Request, action: String, values v: [String: String], errors: [FieldError], cancel: String) async throws -> FormView {
        let accounts = try await ChannelAccount.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        var form = FormView(id: "post-form", action: action, fields: [
            FormField(name: "title", label: req.t("postTitle"), value: v["title"] ?? "", required: true),
            .select("channelAccountId", req.t("channelAccount"), value: v["channelAccountId"], options: [("", "—")] + accounts.map { ($0.id!.uuidString, $0.name) }),
            FormField(name: "scheduledAt", label: req.t("scheduledAt"), type: "datetime-local", value: v["scheduledAt"] ?? "", hint: req.t("chinaTimeHint")),
            .select("ownerId", req.t("owner"), value: v["ownerId"], options: [("", "—")] + (try await PromotionGroup.ownerOptions(on: req.db))),
            FormField(name: "body", label: req.t("postBrief"), type: "textarea", value: v["body"] ?? "", rows: 6),
            FormField(name: "link", label: req.t("postLink"), type: "url", value: v["link"] ?? ""),
            FormField(name: "campaignId", label: req.t("campaignIdOptional"), value: v["campaignId"] ?? ""),
        ], submitLabel: req.t("save"), submitId: "save-post", cancelHref: cancel)
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return form
    }

    static func input(_ v: [String: String]) throws -> ContentPostInput {
        var input = ContentPostInput()
        var e = FieldErrors()
        input.title = v["title"]; input.body = v["body"]
        input.channelAccountId = UUID(uuidString: v["channelAccountId"] ?? "").map { .value($0) } ?? .null
        input.ownerId = UUID(uuidString: v["ownerId"] ?? "").map { .value($0) } ?? .null
        input.link = (v["link"] ?? "").isEmpty ? .null : .value(v["link"]!)
        if let text = v["scheduledAt"], !text.isEmpty {
            if let at = parseLocal(text) { input.scheduledAt = .value(at) } else { e.add("scheduledAt", "invalidDateTime", "Give a date and time.") }
        } else { input.scheduledAt = .null }
        if let text = v["campaignId"], !text.isEmpty {
            if let id = UUID(uuidString: text) { input.campaignId = .value(id) } else { e.add("campaignId", "invalidId", "Not a campaign id.") }
        } else { input.campaignId = .null }
        try e.throwIfAny()
        return input
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let f = try await form(req, action: "/market/content", values: ["ownerId": user.actor.memberId?.uuidString ?? "", "scheduledAt": req.queryString("day").map { $0 + "T20:00" } ?? ""],
                               errors: [], cancel: "/market/content")
        return try await MarketingForm.render(req, title: "newPost", section: "content", form: f)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await MarketingForm.submit(req, title: "newPost", section: "content", form: { try await form(req, action: "/market/content", values: v, errors: $0, cancel: "/market/content") }) {
            let p = try await ContentPostService.save(ContentPostService.new(owner: nil), try Self.input(v), creating: true, req: req)
            return req.redirect(to: "/market/content/\(p.id!)", flash: "postSaved")
        }
    }

    func editForm(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        let facts = try await ContentPostService.facts(p, on: req.db)
        try req.authorize(.update, .marketingRecord(facts))
        let v = ["title": p.title, "channelAccountId": p.channelAccountId?.uuidString ?? "", "scheduledAt": Self.localInput(p.scheduledAt),
                 "ownerId": p.ownerMemberId?.uuidString ?? "", "body": p.body, "link": p.link ?? "", "campaignId": p.campaignId?.uuidString ?? ""]
        let f = try await form(req, action: "/market/content/\(p.id!)", values: v, errors: [], cancel: "/market/content/\(p.id!)")
        return try await MarketingForm.render(req, title: "editPost", section: "content", form: f, subtitle: p.title,
                                              deleteAction: req.allowed(.delete, .marketingRecord(facts)) ? "/market/content/\(p.id!)/delete" : nil)
    }

    func delete(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.delete, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        try await ContentPostService.delete(p, req: req)
        return req.redirect(to: "/market/content", flash: "postDeleted")
    }

    func update(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.update, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await MarketingForm.submit(req, title: "editPost", section: "content", subtitle: p.title, form: { try await form(req, action: "/market/content/\(p.id!)", values: v, errors: $0, cancel: "/market/content/\(p.id!)") }) {
            _ = try await ContentPostService.save(p, try Self.input(v), creating: false, req: req)
            return req.redirect(to: "/market/content/\(p.id!)", flash: "postSaved")
        }
    }

    // MARK: one post

    struct Errors: Encodable { var form: String; var fields: [String: String] }
    struct Move: Encodable { var status: String; var label: String; var id: String }
    struct Figure: Encodable { var name: String; var label: String; var value: String; var error: String? }
    struct ShowContext: Encodable {
        var post: ContentPostDTO
        var statusLabel: String
        var account: String
        var channel: String
        var owner: String
        var scheduled: String
        var published: String
        var engagementRate: String?
        var moves: [Move]
        var figures: [Figure]
        var canEdit: Bool
        var errors: Errors
        var values: [String: String]
    }

    func show(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.read, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        return try await render(req, p, values: [:], errors: Errors(form: "", fields: [:]), status: .ok)
    }

    private func render(_ req: Request, _ p: ContentPost, values: [String: String], errors: Errors, status: HTTPStatus) async throws -> Response {
        let account = try await p.channelAccountId.asyncFlatMap { try await ChannelAccount.query(on: req.db).withDeleted().filter(\.$id == $0).first() }
        let channels = try await ChannelAccountService.channels(req)
        let owner = try await SalesNames.members([p.ownerMemberId].compactMap { $0 }, on: req.db)
        let moves = (ContentCalendar.moves[p.postStatus] ?? []).sorted { PostStatus.allCases.firstIndex(of: $0)! < PostStatus.allCases.firstIndex(of: $1)! }
        let figureErrors = errors.form == "figures" ? errors.fields : [:]
        return try await req.page("Marketing/content-post", title: p.title, section: "content", ShowContext(
            post: ContentPostDTO(p, locale: req.locale), statusLabel: p.postStatus.name[req.locale], account: account?.name ?? "—",
            channel: account.flatMap { a in channels.first { $0.key == a.channel }?.name[req.locale] } ?? "",
            owner: p.ownerMemberId.flatMap { owner[$0] } ?? "—",
            scheduled: p.scheduledAt.map { Self.when($0, req) } ?? "—", published: p.publishedAt.map { Self.when($0, req) } ?? "—",
            engagementRate: p.figures.engagementRate.map { String(format: "%.1f%%", $0) },
            moves: moves.map { Move(status: $0.rawValue, label: req.t("movePostTo_" + $0.rawValue), id: "move-" + $0.rawValue) },
            figures: p.figures.values.map { name, value in
                Figure(name: name, label: req.t("figure_" + name), value: values[name] ?? value.map(String.init) ?? "", error: figureErrors[name])
            },
            canEdit: req.allowed(.update, .marketingRecord(try await ContentPostService.facts(p, on: req.db))),
            errors: errors, values: values), status: status)
    }

    /// Runs a form's work; a refusal re-renders the post with the messages under the form named `form`.
    private func step(_ req: Request, _ p: ContentPost, form: String, values: [String: String], flash: String, _ work: () async throws -> Void) async throws -> Response {
        func again(_ errors: [FieldError], _ status: HTTPStatus, _ summary: String) async throws -> Response {
            var fields: [String: String] = [:]
            for e in errors where fields[e.field] == nil {
                fields[e.field] = req.application.translations.message(e, req.locale)
            }
            if fields["form"] == nil { fields["form"] = summary.isEmpty ? req.t("formHasErrors") : summary }
            let fresh = try await ContentPost.find(p.id, on: req.db) ?? p
            return try await render(req, fresh, values: values, errors: Errors(form: form, fields: fields), status: status)
        }
        do { try await work() }
        catch let e as FieldErrors { return try await again(e.all, .unprocessableEntity, "") }
        catch let problem as Problem where [.conflict, .unprocessableEntity, .preconditionFailed, .badRequest].contains(problem.status) {
            return try await again(problem.errors, problem.status, problem.detail ?? problem.title)
        }
        return req.redirect(to: "/market/content/\(p.id!)", flash: flash)
    }

    func move(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.update, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, ["status", "link"])
        var input = ContentPostInput()
        input.status = v["status"]
        if let link = v["link"], !link.isEmpty { input.link = .value(link) }
        return try await step(req, p, form: "move", values: v, flash: "postMoved") { _ = try await ContentPostService.save(p, input, creating: false, req: req) }
    }

    func figures(req: Request) async throws -> Response {
        let p = try await ContentPostService.find(req)
        try req.authorize(.update, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, PostFigures.fields)
        return try await step(req, p, form: "figures", values: v, flash: "figuresSaved") {
            var input = ContentPostInput()
            var e = FieldErrors()
            for field in PostFigures.fields {
                let text = (v[field] ?? "").replacingOccurrences(of: ",", with: "")
                let patch: Patch<Int>
                if text.isEmpty { patch = .null } else if let n = Int(text) { patch = .value(n) } else {
                    e.add(field, "invalidNumber", "Give a whole number."); continue
                }
                switch field {
                case "views": input.views = patch
                case "likes": input.likes = patch
                case "comments": input.comments = patch
                case "shares": input.shares = patch
                default: input.clicks = patch
                }
            }
            try e.throwIfAny()
            _ = try await ContentPostService.save(p, input, creating: false, req: req)
        }
    }
}
