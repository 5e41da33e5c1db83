/// Phone numbers in the customer search index as groups of four digits ("13800138000" →
/// 1380 3800 8001 0013 0138 1380 3800 8000, each once), so digits typed anywhere in a number
/// are found through the index. Pairs of digits, as names are indexed, are only a hundred
/// different tokens, each held by most numbers: asking for them read a fifth of the index.
/// A search needs four digits (`CustomerList.looksLikePhone`), the length of one group.
public enum PhoneDigitGroups {
    public static let length = 4

    /// Every group of four consecutive digits in a phone key (digits only), in order, each once.
    public static func all(_ key: String) -> [String] {
        let digits = Array(key.utf8)
        guard digits.count >= length else { return [] }
        var seen = Set<String>(), out: [String] = []
        for start in 0...(digits.count - length) {
            let group = String(decoding: digits[start..<(start + length)], as: UTF8.self)
            if seen.insert(group).inserted { out.append(group) }
        }
        return out
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
