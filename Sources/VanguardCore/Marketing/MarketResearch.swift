import Foundation

/// What a competitor did on a day (MKT-2, LEAD-4, RSK-M1): changed a price, launched a product,
/// ran a campaign, or was in the news.
public enum CompetitorEventKind: String, Sendable, Codable, CaseIterable {
    case priceChange, launch, campaign, news

    public var name: LocalizedText {
        switch self {
        case .priceChange: LocalizedText(zhHans: "调价", zhHant: "調價", en: "Price change")
        case .launch: LocalizedText(zhHans: "新品发布", zhHant: "新品發佈", en: "Launch")
        case .campaign: LocalizedText(zhHans: "营销活动", zhHant: "營銷活動", en: "Campaign")
        case .news: LocalizedText(zhHans: "新闻动态", zhHant: "新聞動態", en: "News")
        }
    }
}

/// A research note's tags as people type them: "价格战, 华东；渠道" or one per line. Tags are
/// trimmed, kept in the order given, and a tag repeated in another case counts once.
public enum ResearchTags {
    public static let maxCount = 10
    public static let maxLength = 30
    static let separators = CharacterSet(charactersIn: ",，、;；\n\r#")

    public static func parse(_ text: String) -> [String] {
        normalize(text.components(separatedBy: separators))
    }

    public static func normalize(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    /// Too many tags, a tag too long, or a tag with a separator inside (sent through the API).
    public static func problems(_ tags: [String], field: String = "tags") -> [FieldError] {
        var errors = FieldErrors()
        if tags.count > maxCount { errors.add(field, "tooMany", "At most \(maxCount) tags.") }
        for (i, tag) in tags.enumerated() {
            if tag.count > maxLength { errors.add("\(field)[\(i)]", "tooLong", "A tag has at most \(maxLength) characters.") }
            else if tag.rangeOfCharacter(from: separators) != nil { errors.add("\(field)[\(i)]", "invalidTag", "A tag cannot contain , ; 、 or #.") }
            else if tag.trimmingCharacters(in: .whitespaces).isEmpty { errors.add("\(field)[\(i)]", "required", "A tag cannot be empty.") }
        }
        return errors.all
    }

    /// The column text a tag search matches with `LIKE '%,tag,%'`: ",价格战,华东,".
    public static func stored(_ tags: [String]) -> String {
        tags.isEmpty ? "" : "," + tags.map { $0.lowercased() }.joined(separator: ",") + ","
    }
}

/// Where a risk warning stands (RSK-M2): raised (open), taken on by its owner (acknowledged), or
/// dealt with (resolved, with a note on what was done). A resolved warning stays resolved: the
/// same rule, subject and period never raise it again.
public enum RiskWarningStatus: String, Sendable, Codable, CaseIterable {
    case open, acknowledged, resolved

    public var name: LocalizedText {
        switch self {
        case .open: LocalizedText(zhHans: "待处理", zhHant: "待處理", en: "Open")
        case .acknowledged: LocalizedText(zhHans: "已确认", zhHant: "已確認", en: "Acknowledged")
        case .resolved: LocalizedText(zhHans: "已解决", zhHant: "已解決", en: "Resolved")
        }
    }

    public var isOpen: Bool { self != .resolved }

    /// The statuses a warning may move to from this one.
    public var moves: [RiskWarningStatus] {
        switch self {
        case .open: [.acknowledged, .resolved]
        case .acknowledged: [.resolved]
        case .resolved: []
        }
    }

    /// What stops a move: a status it cannot reach from here, or resolving without saying how.
    public func problems(movingTo target: RiskWarningStatus, resolutionNote: String?) -> [FieldError] {
        var errors = FieldErrors()
        guard target != self else { return [] }
        if !moves.contains(target) {
            errors.add("status", "invalidMove", "A warning that is \(rawValue) cannot become \(target.rawValue).")
        } else if target == .resolved, (resolutionNote ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("resolutionNote", "required", "Say what was done before resolving the warning.")
        }
        return errors.all
    }
}
