import Foundation

/// What kind of outside firm the promotion group works with (MKT-5).
public enum PartnerKind: String, Sendable, Codable, CaseIterable {
    case adAgency, media, eventOrganiser, printing, kol, other

    public var name: LocalizedText {
        switch self {
        case .adAgency: LocalizedText(zhHans: "广告代理", zhHant: "廣告代理", en: "Ad agency")
        case .media: LocalizedText(zhHans: "媒体", zhHant: "媒體", en: "Media")
        case .eventOrganiser: LocalizedText(zhHans: "活动执行", zhHant: "活動執行", en: "Event organiser")
        case .printing: LocalizedText(zhHans: "印刷制作", zhHant: "印刷製作", en: "Printing")
        case .kol: LocalizedText(zhHans: "达人/KOL 机构", zhHant: "達人/KOL 機構", en: "KOL / influencer agency")
        case .other: LocalizedText(zhHans: "其他", zhHant: "其他", en: "Other")
        }
    }
}

/// Where a piece of work with a partner stands: agreed, under way, done (and then rated).
public enum EngagementStatus: String, Sendable, Codable, CaseIterable {
    case planned, active, finished

    public var name: LocalizedText {
        switch self {
        case .planned: LocalizedText(zhHans: "计划中", zhHant: "計劃中", en: "Planned")
        case .active: LocalizedText(zhHans: "进行中", zhHant: "進行中", en: "Active")
        case .finished: LocalizedText(zhHans: "已完成", zhHant: "已完成", en: "Finished")
        }
    }
}

/// An engagement as its rules see it.
public struct EngagementFacts: Sendable, Equatable {
    public var status: EngagementStatus
    public var startOn: CivilDate
    public var endOn: CivilDate?
    public var rating: Int?
    public var ratingComment: String

    public init(status: EngagementStatus, startOn: CivilDate, endOn: CivilDate? = nil, rating: Int? = nil, ratingComment: String = "") {
        self.status = status
        self.startOn = startOn
        self.endOn = endOn
        self.rating = rating
        self.ratingComment = ratingComment
    }
}

/// The partner rules (MKT-5): an engagement ends on or after its start; once finished it stays
/// finished; only a finished engagement is rated, 1 to 5, so a rating is always about work done.
public enum PartnerRules {
    public static let ratings = 1...5

    public static let moves: [EngagementStatus: Set<EngagementStatus>] = [
        .planned: [.active, .finished],
        .active: [.planned, .finished],
        .finished: [],
    ]

    /// What is wrong with the engagement as it would be saved, coming from `from` (nil: new).
    public static func problems(_ e: EngagementFacts, from: EngagementStatus?) -> [FieldError] {
        if let from, from != e.status, moves[from]?.contains(e.status) != true {
            // The move is the problem; what else would be wrong after it does not matter yet.
            return [FieldError(field: "status", code: "moveNotAllowed",
                               message: "An engagement cannot go from \(from.name.en) back to \(e.status.name.en); a finished engagement stays on the record.")]
        }
        var errors = FieldErrors()
        if let end = e.endOn, end < e.startOn {
            errors.add("endOn", "endBeforeStart", "The end date (\(end)) is before the start date (\(e.startOn)).")
        }
        if let r = e.rating {
            if !ratings.contains(r) { errors.add("rating", "outOfRange", "Rate from 1 to 5.") }
            if e.status != .finished { errors.add("rating", "notFinished", "Rate an engagement once it is finished.") }
        } else if !e.ratingComment.trimmingWhitespace().isEmpty && e.status != .finished {
            errors.add("ratingComment", "notFinished", "Comment on the partner's work once the engagement is finished.")
        }
        return errors.all
    }

    /// The average of the ratings given, to one decimal; nil when nothing is rated yet.
    public static func averageRating(_ ratings: [Int?]) -> Double? {
        let given = ratings.compactMap { $0 }
        guard !given.isEmpty else { return nil }
        return (Double(given.reduce(0, +)) / Double(given.count) * 10).rounded() / 10
    }
}

/// A published post's figures (MKT-3: traffic and stickiness), entered by hand from the platform.
public struct PostFigures: Sendable, Equatable, Codable {
    public var views: Int?
    public var likes: Int?
    public var comments: Int?
    public var shares: Int?
    public var clicks: Int?

    public init(views: Int? = nil, likes: Int? = nil, comments: Int? = nil, shares: Int? = nil, clicks: Int? = nil) {
        self.views = views
        self.likes = likes
        self.comments = comments
        self.shares = shares
        self.clicks = clicks
    }

    public static let fields = ["views", "likes", "comments", "shares", "clicks"]

    public var values: [(String, Int?)] { [("views", views), ("likes", likes), ("comments", comments), ("shares", shares), ("clicks", clicks)] }
    public var isEmpty: Bool { values.allSatisfy { $0.1 == nil } }

    /// Figures are counts (never negative) and belong to a post that has been published.
    public func problems(status: PostStatus) -> [FieldError] {
        var errors = FieldErrors()
        for (field, value) in values {
            if let value, value < 0 { errors.add(field, "negative", "A count cannot be negative.") }
        }
        if !isEmpty && status != .published {
            for (field, value) in values where value != nil {
                errors.add(field, "notPublished", "Record the figures once the post is published.")
            }
        }
        return errors.all
    }

    /// Interactions per 100 views (likes, comments and shares): the stickiness the page shows; nil without views.
    public var engagementRate: Double? {
        guard let views, views > 0 else { return nil }
        let interactions = (likes ?? 0) + (comments ?? 0) + (shares ?? 0)
        return (Double(interactions) / Double(views) * 1000).rounded() / 10
    }
}
