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
    /// so it avoids Foundation's string replacing (through NSString on Linux, 12 µs a call) and runs
    /// the Latin regex only on names with Latin letters, the only ones it can match.
    public static func nameKey(_ name: String) -> String {
        var chars = Array(String(String.UnicodeScalarView(name.unicodeScalars.map(halfWidth))).lowercased())
        for form in chineseLegalFormCharacters { chars = removing(form, from: chars) }
        var s = String(chars)
        if s.utf8.contains(where: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) {
            s = latinLegalForms.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: " ")
        }
        // Brackets, full-width ones made half-width above, go with the rest of the punctuation.
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { TextSets.alphanumerics.contains($0) }))
    }

    static let chineseLegalFormCharacters = chineseLegalForms.map { Array($0) }

    /// Every occurrence of `word` taken out, left to right, as `replacingOccurrences(of:with: "")` does.
    static func removing(_ word: [Character], from chars: [Character]) -> [Character] {
        guard let head = word.first, chars.contains(head) else { return chars }
        var out: [Character] = []
        out.reserveCapacity(chars.count)
        var i = 0
        while i < chars.count {
            if chars[i] == head, i + word.count <= chars.count, chars[i..<i + word.count].elementsEqual(word) {
                i += word.count
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    /// Full-width ASCII (ＡＢＣ１２３, typed with a Chinese input method) as ordinary ASCII.
    public static func halfWidth(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if (0xFF01...0xFF5E).contains(u.value) { return Unicode.Scalar(u.value - 0xFEE0)! }
        return u.value == 0x3000 ? " " : u
    }

    /// Digits only, with a mainland +86 prefix removed, so "+86 138-1234-5678" equals "13812345678".
    public static func phoneKey(_ phone: String) -> String {
        var digits = phone.filter(\.isASCIIDigit)
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
