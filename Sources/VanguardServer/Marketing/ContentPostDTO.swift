import Foundation
import Vapor
import VanguardCore

/// A post as the API shows it (MKT-3).
struct ContentPostDTO: Content, Equatable {
    var id: UUID
    var title: String
    var channelAccountId: UUID?
    var campaignId: UUID?
    var body: String
    var ownerId: UUID?
    var status: String
    var statusName: String
    var scheduledAt: Date?
    var publishedAt: Date?
    var link: String?
    var views: Int?
    var likes: Int?
    var comments: Int?
    var shares: Int?
    var clicks: Int?
    /// Likes, comments and shares per 100 views; absent without views.
    var engagementRate: Double?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ p: ContentPost, locale: AppLocale) {
        id = p.id!; title = p.title; channelAccountId = p.channelAccountId; campaignId = p.campaignId; body = p.body; ownerId = p.ownerMemberId
        status = p.status; statusName = p.postStatus.name[locale]; scheduledAt = p.scheduledAt; publishedAt = p.publishedAt; link = p.link
        views = p.views; likes = p.likes; comments = p.comments; shares = p.shares; clicks = p.clicks; engagementRate = p.figures.engagementRate
        version = p.version; createdAt = p.createdAt; updatedAt = p.updatedAt; deletedAt = p.deletedAt
    }
}

/// What a post form or API call may set. A status move goes through the same input (like a
/// ticket's), so scheduling and the time it needs, or publishing and its link, come in one request.
struct ContentPostInput: Content {
    var title: String?
    var channelAccountId: Patch<UUID> = .absent
    var campaignId: Patch<UUID> = .absent
    var body: String?
    var ownerId: Patch<UUID> = .absent
    var status: String?
    var scheduledAt: Patch<Date> = .absent
    var link: Patch<String> = .absent
    var views: Patch<Int> = .absent
    var likes: Patch<Int> = .absent
    var comments: Patch<Int> = .absent
    var shares: Patch<Int> = .absent
    var clicks: Patch<Int> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, channelAccountId, campaignId, body, ownerId, status, scheduledAt, link, views, likes, comments, shares, clicks
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        channelAccountId = try c.decodePatch(UUID.self, forKey: .channelAccountId)
        campaignId = try c.decodePatch(UUID.self, forKey: .campaignId)
        body = try c.decodeIfPresentNonNull(String.self, forKey: .body)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        switch try c.decodePatch(String.self, forKey: .scheduledAt) {
        case .absent: scheduledAt = .absent
        case .null: scheduledAt = .null
        case .value(let text):
            guard let at = Self.instant(text) else {
                throw Problem.invalid("scheduledAt", "invalidDateTime", "Give the time as an RFC 3339 date-time, e.g. 2026-03-18T20:00:00+08:00.")
            }
            scheduledAt = .value(at)
        }
        link = try c.decodePatch(String.self, forKey: .link)
        views = try c.decodePatch(Int.self, forKey: .views)
        likes = try c.decodePatch(Int.self, forKey: .likes)
        comments = try c.decodePatch(Int.self, forKey: .comments)
        shares = try c.decodePatch(Int.self, forKey: .shares)
        clicks = try c.decodePatch(Int.self, forKey: .clicks)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    /// An RFC 3339 instant, with or without fractional seconds, with Z or an offset.
    static func instant(_ text: String) -> Date? {
        let upper = text.uppercased()
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: upper) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: upper)
    }

    var figuresGiven: Bool { [views, likes, comments, shares, clicks].contains { $0.given } }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || title != nil { e.check("title", Validators.required(title, field: "title")) }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("body", Validators.maxLength(body, 20_000, field: "body"))
        e.choice("status", status, PostStatus.allCases.map(\.rawValue))
        for (field, patch) in [("views", views), ("likes", likes), ("comments", comments), ("shares", shares), ("clicks", clicks)] {
            if case .value(let n) = patch, n < 0 { e.add(field, "negative", "A count cannot be negative.") }
            if case .value(let n) = patch, n > Int(Int32.max) { e.add(field, "outOfRange", "At most \(Int32.max).") }
        }
        if case .value(let v) = link, !v.isEmpty {
            e.check("link", Validators.maxLength(v, 500, field: "link"))
            if !ContentCalendar.isWebLink(v) { e.add("link", "invalidLink", "\"\(v)\" is not a web address (http:// or https://).") }
        }
        return e
    }
}
