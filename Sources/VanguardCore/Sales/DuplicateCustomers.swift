import Foundation

/// Spotting the same customer entered twice (SP-1: one file per customer): the same credit code,
/// the same phone, or names that differ only in legal-form words, spaces, punctuation or case.
public enum DuplicateCustomers {
    /// Why two records look like the same customer; the strongest reason first.
    public enum Reason: String, Sendable, Codable, Comparable {
        case sameUSCC, samePhone, sameName, similarName

        public static func < (a: Reason, b: Reason) -> Bool { order(a) < order(b) }
        private static func order(_ r: Reason) -> Int {
            switch r { case .sameUSCC: 0; case .samePhone: 1; case .sameName: 2; case .similarName: 3 }
        }
    }

    /// Chinese legal-form and filler words that do not tell two companies apart, longest first so
    /// that "股份有限公司" goes before "有限公司".
    static let chineseLegalForms: [String] = ["有限责任公司", "有限責任公司", "股份有限公司", "有限公司", "集团", "集團", "公司"]

    /// The same for Latin names, matched only as whole words ("inc" in "principal" stays).
    nonisolated(unsafe) static let latinLegalForms = try! NSRegularExpression(
        pattern: #"(?<![a-z0-9])(co\.?\s*,?\s*ltd\.?|company\s+limited|corporation|limited|company|corp\.?|inc\.?|ltd\.?|co\.|llc|gmbh|group)(?![a-z0-9])"#)

    /// The name reduced to what identifies the company: lower case, full-width letters and digits
    /// made half-width, legal-form words, spaces and punctuation removed. Runs per row of an import,
    /// so it works on Unicode scalars (not `Character`s, whose grapheme breaking was most of its
    /// 11 µs), avoids Foundation's string replacing (through NSString on Linux, 12 µs a call) and
    /// runs the Latin regex only on names with Latin letters, the only ones it can match.
    public static func nameKey(_ name: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(name.unicodeScalars.count)
        for u in name.unicodeScalars {
            let h = halfWidth(u)
            switch h.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(h.value + 0x20)!)
            case 0...0x7F, 0x4E00...0x9FFF: scalars.append(h)  // other ASCII, CJK ideographs: no case
            default: scalars.append(contentsOf: h.properties.lowercaseMapping.unicodeScalars)  // as `lowercased()` maps it
            }
        }
        for form in chineseLegalFormScalars { scalars = removing(form, from: scalars) }
        // Brackets, full-width ones made half-width above, go with the rest of the punctuation.
        guard scalars.contains(where: { (0x61...0x7A).contains($0.value) }) else {
            return String(unicodeScalars: scalars.lazy.filter { TextSets.alphanumerics.contains($0) })
        }
        var s = String(unicodeScalars: scalars)
        s = latinLegalForms.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: " ")
        return String(unicodeScalars: s.unicodeScalars.lazy.filter { TextSets.alphanumerics.contains($0) })
    }

    static let chineseLegalFormScalars = chineseLegalForms.map { Array($0.unicodeScalars) }

    /// Every occurrence of `word` taken out, left to right, as `replacingOccurrences(of:with: "")`
    /// does on characters: a match whose last scalar has a combining mark after it is a different
    /// character ("司́"), so it stays.
    static func removing(_ word: [Unicode.Scalar], from scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let head = word.first, scalars.contains(head) else { return scalars }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let end = i + word.count
            if scalars[i] == head, end <= scalars.count, scalars[i..<end].elementsEqual(word), end == scalars.count || !extendsCharacter(scalars[end]) {
                i = end
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return out
    }

    /// A scalar that changes the character before it (a combining mark, a variation selector); a
    /// joiner does not stop a match, as it did not for Foundation.
    static func extendsCharacter(_ u: Unicode.Scalar) -> Bool {
        if u.isASCII { return false }
        if u.properties.isGraphemeExtend && u.value != 0x200D { return true }
        switch u.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Full-width ASCII (ＡＢＣ１２３, typed with a Chinese input method) as ordinary ASCII.
    public static func halfWidth(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if (0xFF01...0xFF5E).contains(u.value) { return Unicode.Scalar(u.value - 0xFEE0)! }
        return u.value == 0x3000 ? " " : u
    }

    /// Digits only, with a mainland +86 prefix removed, so "+86 138-1234-5678" equals "13812345678".
    public static func phoneKey(_ phone: String) -> String {
        // ASCII text (nearly every phone) is filtered byte by byte; other text by character, as
        // before, so keys already on file still match.
        var digits = phone.utf8.allSatisfy { $0 < 0x80 } ? String(decoding: phone.utf8.filter { (0x30...0x39).contains($0) }, as: UTF8.self)
                                                          : phone.filter(\.isASCIIDigit)
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        return digits
    }

    /// Two name keys that are near enough to ask "is this the same customer?": equal, one inside
    /// the other (a branch, a shortened name), or one character apart when long enough to mean it.
    public static func similar(_ a: String, _ b: String) -> Bool {
        guard !a.isEmpty, !b.isEmpty else { return false }
        if a == b { return true }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        if short.count >= 4 && long.contains(short) { return true }
        return short.count >= 5 && editDistance(a, b, limit: 1) <= 1
    }

    /// Levenshtein distance, giving up above `limit` (only "at most one edit" matters here).
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return limit + 1 }
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in stride(from: 1, through: y.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[y.count]
    }

    /// What a new or changed customer shares with an existing one.
    public struct Candidate: Sendable, Equatable {
        public var name: String
        public var uscc: String?
        public var phones: [String]
        public init(name: String, uscc: String?, phones: [String]) { self.name = name; self.uscc = uscc; self.phones = phones }
    }

    /// Every reason `a` and `b` look like the same customer, strongest first; empty when they do not.
    public static func reasons(_ a: Candidate, _ b: Candidate) -> [Reason] {
        var found: [Reason] = []
        if let u = a.uscc?.uppercased(), !u.isEmpty, u == b.uscc?.uppercased() { found.append(.sameUSCC) }
        let phonesA = Set(a.phones.map(phoneKey).filter { $0.count >= 7 })
        if !phonesA.isDisjoint(with: b.phones.map(phoneKey)) { found.append(.samePhone) }
        let ka = nameKey(a.name), kb = nameKey(b.name)
        if !ka.isEmpty && ka == kb { found.append(.sameName) } else if similar(ka, kb) { found.append(.similarName) }
        return found.sorted()
    }
}
