/// The interface languages: simplified Chinese, traditional Chinese and English.
public enum AppLocale: String, CaseIterable, Codable, Sendable {
    case zhHans = "zh-Hans"
    case zhHant = "zh-Hant"
    case en

    /// Picks the best locale from an `Accept-Language` header, honouring q-values.
    /// zh-CN/zh-SG map to simplified, zh-TW/zh-HK/zh-MO to traditional.
    public static func negotiate(acceptLanguage: String?, fallback: AppLocale = .zhHans) -> AppLocale {
        guard let header = acceptLanguage, !header.isEmpty else { return fallback }
        let ranked = header.split(separator: ",").enumerated().compactMap { index, part -> (AppLocale, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            var q = 1.0
            for p in pieces.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 0 }
            guard q > 0, let locale = fromTag(tag) else { return nil }
            return (locale, q, index)
        }
        return ranked.sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }.first?.0 ?? fallback
    }

    public static func fromTag(_ raw: String) -> AppLocale? {
        let tag = raw.lowercased()
        if tag == "en" || tag.hasPrefix("en-") { return .en }
        if tag.hasPrefix("zh-hant") || ["zh-tw", "zh-hk", "zh-mo"].contains(tag) { return .zhHant }
        if tag == "zh" || tag.hasPrefix("zh-") { return .zhHans }
        return nil
    }
}

/// A text the policy pack gives in each interface language.
public struct LocalizedText: Sendable, Equatable, Codable, Hashable {
    public var zhHans: String
    public var zhHant: String
    public var en: String

    public init(zhHans: String, zhHant: String? = nil, en: String) {
        self.zhHans = zhHans
        self.zhHant = zhHant ?? zhHans
        self.en = en
    }

    public subscript(locale: AppLocale) -> String {
        switch locale {
        case .zhHans: zhHans
        case .zhHant: zhHant.isEmpty ? zhHans : zhHant
        case .en: en.isEmpty ? zhHans : en
        }
    }

    enum CodingKeys: String, CodingKey {
        case zhHans = "zh-Hans", zhHant = "zh-Hant", en
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let hans = try c.decodeIfPresent(String.self, forKey: .zhHans)
        let en = try c.decodeIfPresent(String.self, forKey: .en)
        guard hans != nil || en != nil else {
            throw DecodingError.keyNotFound(CodingKeys.zhHans, .init(codingPath: decoder.codingPath, debugDescription: "A text needs zh-Hans or en."))
        }
        self.zhHans = hans ?? en!
        self.zhHant = try c.decodeIfPresent(String.self, forKey: .zhHant) ?? self.zhHans
        self.en = en ?? self.zhHans
    }
}
