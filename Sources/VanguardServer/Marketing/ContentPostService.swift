import Fluent
import Foundation
import Vapor
import VanguardCore

/// The content calendar (MKT-3): posts saved with their status moves checked by
/// `ContentCalendar.refusal`, their figures by `PostFigures`, and a history entry, in one transaction.
enum ContentPostService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> ContentPost {
        let id = try req.uuid("id", "post")
        var q = ContentPost.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let p = try await q.first() else { throw Problem.notFound("post") }
        return p
    }

    static func facts(_ p: ContentPost, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: p.ownerMemberId, on: db)
    }

    static func new(owner: UUID?) -> ContentPost {
        let p = ContentPost()
        p.body = ""; p.ownerMemberId = owner; p.status = PostStatus.idea.rawValue; p.calendarKey = ContentPost.unscheduled; p.version = 1
        return p
    }

    /// The field a post requirement is entered in.
    static func field(_ r: PostRequirement) -> String {
        switch r {
        case .channelAccount: "channelAccountId"
        case .scheduledAt: "scheduledAt"
        case .link: "link"
        }
    }

    static func save(_ p: ContentPost, _ input: ContentPostInput, creating: Bool, req: Request) async throws -> ContentPost {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: p.version) }
        let before = creating ? nil : ContentPostDTO(p, locale: .en)
        let from = creating ? PostStatus.idea : p.postStatus
        if let v = input.title { p.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.channelAccountId.given { p.channelAccountId = input.channelAccountId.applied(to: p.channelAccountId) }
        if input.campaignId.given { p.campaignId = input.campaignId.applied(to: p.campaignId) }
        if let v = input.body { p.body = v }
        if input.ownerId.given { p.ownerMemberId = input.ownerId.applied(to: p.ownerMemberId) }
        if input.scheduledAt.given { p.scheduledAt = input.scheduledAt.applied(to: p.scheduledAt) }
        if input.link.given { p.link = input.link.applied(to: p.link).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        var figures = p.figures
        if input.views.given { figures.views = input.views.applied(to: figures.views) }
        if input.likes.given { figures.likes = input.likes.applied(to: figures.likes) }
        if input.comments.given { figures.comments = input.comments.applied(to: figures.comments) }
        if input.shares.given { figures.shares = input.shares.applied(to: figures.shares) }
        if input.clicks.given { figures.clicks = input.clicks.applied(to: figures.clicks) }
        let now = req.now
        let target = input.status.flatMap(PostStatus.init(rawValue:)) ?? from
        let facts = PostFacts(channelAccountId: p.channelAccountId, scheduledAt: p.scheduledAt, link: p.link, now: now)
        if target != from, let refusal = ContentCalendar.refusal(from: from, to: target, facts: facts) {
            throw Problem(.conflict, code: "post-move-refused", title: "This post cannot move to \(target.rawValue) yet.", detail: refusal.message,
                          errors: [FieldError(field: "status", code: refusal.code, message: refusal.message)]
                              + refusal.missing.map { FieldError(field: field($0), code: "required", message: refusal.message) })
        }
        // A post already scheduled or published keeps what its status needs.
        var errors = FieldErrors()
        if [.scheduled, .published].contains(target) && p.channelAccountId == nil {
            errors.add("channelAccountId", "required", "A scheduled or published post names its channel account.")
        }
        if target == .scheduled && p.scheduledAt == nil { errors.add("scheduledAt", "required", "A scheduled post has a time to publish it.") }
        if target == .published && p.link == nil { errors.add("link", "required", "A published post keeps its link.") }
        if input.figuresGiven { for e in figures.problems(status: target) { errors.add(e.field, e.code, e.message) } }
        try errors.throwIfAny()
        p.figures = figures
        p.status = target.rawValue
        if target == .published && from != .published { p.publishedAt = now }
        p.calendarKey = ContentPost.key(p.calendarAt)
        return try await req.db.writeTransaction { db in
            try await CampaignService.requireCampaign(p.campaignId, on: db)
            if !creating { try await db.requireVersion(ContentPost.schema, id: p.id, p.version) }
            try await PromotionGroup.checkOwner(p.ownerMemberId, on: db)
            if let account = p.channelAccountId, try await ChannelAccount.find(account, on: db) == nil {
                throw Problem.invalid("channelAccountId", "unknownChannelAccount", "No channel account with this id.")
            }
            return try await MarketingWrites.commit(p, creating: creating, before: before, req: req, on: db) { ContentPostDTO($0, locale: .en) }
        }
    }

    static func delete(_ p: ContentPost, req: Request) async throws {
        try await MarketingWrites.delete(p, req: req) { ContentPostDTO($0, locale: .en) }
    }

    static func restore(_ p: ContentPost, req: Request) async throws {
        try await MarketingWrites.restore(p, what: "post", req: req) { ContentPostDTO($0, locale: .en) }
    }
}

/// The post list (API and page): status, channel account, campaign, owner, a time range, search;
/// in calendar order (unscheduled posts last going forward, first going back) or by title.
enum ContentPostList {
    static let sortable = ["calendar", "title"]

    static func page(_ req: Request, strict: Bool) async throws -> (ListRequest, [ContentPost]) {
        try req.authorize(.read, .marketingRecord(MarketingFacts(promotionGroup: nil)))
        let list = try ListRequest.parse(req, sortable: sortable, defaultSort: "-calendar")
        let q = ContentPost.query(on: req.db).search(try req.queryText("q"), in: ["title", "body"])
        if let v = try req.queryChoice("status", from: PostStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        if let v = try req.queryUUID("channelAccountId", strict: strict) { q.filter(\.$channelAccountId == v) }
        if let v = try req.queryUUID("campaignId", strict: strict) { q.filter(\.$campaignId == v) }
        if let v = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == v) }
        let rows = try await list.apply(to: q, column: list.sortField == "title" ? "title" : "calendar_key").all()
        return (list, rows)
    }

    static func value(_ list: ListRequest) -> (ContentPost) -> String {
        list.sortField == "title" ? { $0.title } : { $0.calendarKey }
    }

    /// The posts of the weeks a month view shows: from the grid's first day to the day after its
    /// last, China time.
    static func inGrid(first: CivilDate, days: Int, on db: any Database) async throws -> [ContentPost] {
        let start = first.chinaMidnight
        let end = start.addingTimeInterval(Double(days) * 86_400)
        return try await ContentPost.query(on: db)
            .filter(\.$calendarKey >= ContentPost.key(start)).filter(\.$calendarKey < ContentPost.key(end))
            .sort(\.$calendarKey).sort(\.$id).limit(2_000).all()
    }
}

extension CivilDate {
    /// Midnight of this day in China (UTC+8, no daylight saving).
    var chinaMidnight: Date { Date(timeIntervalSince1970: Double(SalesCalendar.dayNumber(self)) * 86_400 - 8 * 3_600) }
}
