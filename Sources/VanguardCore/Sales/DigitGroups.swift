import Foundation

/// Digits in the customer search index as groups of four ("13800138000" → 1380 3800 8001 0013
/// 0138 8000, each once), so digits typed anywhere in a phone number, or in a name, are found
/// through the index. Pairs of digits, as the rest of a name is indexed, are only a hundred
/// different tokens, each held by most numbers: asking for them read a fifth of the index.
/// A search for digits needs four (`CustomerList.phoneDigits`), the length of one group.
public enum DigitGroups {
    public static let length = 4

    /// Every group of four consecutive digits in a text of digits only (a phone key, a name's run), in order, each once.
    public static func all(_ key: String) -> [String] {
        packed(name: "", keys: [key]).map(text)
    }

    /// The groups of every run of four or more digits in a name as the search reads it
    /// (`CustomerSearch.normalized`): full-width digits as ASCII ones, and a run going on over what
    /// the search leaves out (spaces, punctuation: "29-90" is 2990), ended by a letter.
    public static func inName(_ name: String) -> [String] {
        packed(name: name, keys: []).map(text)
    }

    /// A packed group's four digits.
    static func text(_ group: UInt32) -> String {
        String(decoding: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: group >> $0) }, as: UTF8.self)
    }

    /// `inName(name)`, then `all` of each key, each group once, as its four ASCII bytes in one
    /// number (the first byte highest): what a customer's search text holds, made without a String
    /// and a hashed set per group (those were half of making the text, a tenth of an import's check).
    public static func packed(name: String, keys: [String]) -> [UInt32] {
        var out: [UInt32] = []
        func add(_ group: UInt32) { if !out.contains(group) { out.append(group) } }
        if mayHoldDigits(name) {
            var group: UInt32 = 0, count = 0  // the run's last four digits, and its length
            for u in name.unicodeScalars {
                let v = DuplicateCustomers.halfWidth(u)
                switch v.value {
                case 0x30...0x39:
                    group = group << 8 | v.value
                    count += 1
                    if count >= length { add(group) }
                    continue
                case 0x41...0x5A, 0x61...0x7A, 0x4E00...0x9FFF: break  // letters end a run
                case 0..<0x80: continue
                default: guard TextSets.alphanumerics.contains(v) else { continue }
                }
                count = 0
            }
        }
        for key in keys {
            var group: UInt32 = 0, count = 0
            for b in key.utf8 {
                group = group << 8 | UInt32(b)
                count += 1
                if count >= length { add(group) }
            }
        }
        return out
    }

    /// An ASCII digit or a full-width one (UTF-8 EF BC 90–99) anywhere: most names have none,
    /// and an import checks every name.
    private static func mayHoldDigits(_ name: String) -> Bool {
        var before: (UInt8, UInt8) = (0, 0)
        for b in name.utf8 {
            if (0x30...0x39).contains(b) || (before == (0xEF, 0xBC) && (0x90...0x99).contains(b)) { return true }
            before = (before.1, b)
        }
        return false
    }

    /// The fewest groups of `digits` that together cover every digit: from the start every four
    /// digits, and the last four (13800138000 → 1380 0138 8000). A number holds the digits only
    /// if it holds these groups; the search then checks the digits themselves.
    public static func covering(_ digits: String) -> [String] {
        let d = Array(digits.utf8)
        guard d.count >= length else { return [] }
        var starts = Array(stride(from: 0, through: d.count - length, by: length))
        if starts.last != d.count - length { starts.append(d.count - length) }
        var seen = Set<String>()
        return starts.map { String(decoding: d[$0..<($0 + length)], as: UTF8.self) }.filter { seen.insert($0).inserted }
    }
}
