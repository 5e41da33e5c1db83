import Foundation

extension CustomerSearch {
    /// `postgresLexemesOfText` worked out here, for a bulk write to store with its rows, in the
    /// binary form PostgreSQL reads a `tsvector` in (`tsvectorrecv`): the number of lexemes, then
    /// each one's bytes, a zero byte and its number of positions (none, two bytes). Each lexeme
    /// once, in PostgreSQL's order (bytes compared), as `array_to_tsvector` leaves them, so
    /// PostgreSQL stores them as they come. Tokens are the text's bytes between spaces, compared
    /// as bytes (to Swift's `==`, "é" and "e" + an accent are one string; to PostgreSQL two
    /// lexemes). Nil for a lexeme longer than a tsvector holds: the index then works it out.
    /// Made on both cores with the import's other per-row work, from ranges of the text's bytes:
    /// a first version with a string per token cost the import's check more CPU than PostgreSQL
    /// saved (docs/benchmarks.md, 2026-12-03 06:30).
    static func postgresIndexedBinary(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { bytes -> [UInt8]? in
            let mark = firstPairMark.utf8.first!  // one byte, "^"
            // A token: its bytes (after the mark when marked) and its first eight bytes as one
            // number, so that nearly every comparison while sorting is one of two integers.
            struct Token {
                var start: Int, end: Int, marked: Bool, head: UInt64
                var count: Int { end - start + (marked ? 1 : 0) }
            }
            func token(_ start: Int, _ end: Int, marked: Bool) -> Token {
                var head: UInt64 = marked ? UInt64(mark) : 0
                var n = marked ? 1 : 0
                var i = start
                while n < 8 && i < end { head = head << 8 | UInt64(bytes[i]); n += 1; i += 1 }
                return Token(start: start, end: end, marked: marked, head: head << (8 * UInt64(8 - n)))
            }
            func byte(_ t: Token, _ k: Int) -> UInt8 { t.marked ? (k == 0 ? mark : bytes[t.start + k - 1]) : bytes[t.start + k] }
            // Bytes compared, then lengths: a token holds no zero byte, so the zero-padded heads of
            // tokens of up to eight bytes already order them; longer ones with equal heads are compared whole.
            func compare(_ a: Token, _ b: Token) -> Int {
                if a.head != b.head { return a.head < b.head ? -1 : 1 }
                let (la, lb) = (a.count, b.count)
                if la <= 8 && lb <= 8 { return la - lb }
                for k in 8..<min(la, lb) {
                    let (x, y) = (byte(a, k), byte(b, k))
                    if x != y { return x < y ? -1 : 1 }
                }
                return la - lb
            }
            var tokens: [Token] = []
            tokens.reserveCapacity(64)
            var start = 0, first = (start: 0, end: 0)
            if !bytes.isEmpty {
                for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: " ") {
                    if start == 0 { first = (0, i) }
                    if i > start { tokens.append(token(start, i, marked: false)) }
                    start = i + 1
                }
            }
            // PostgreSQL's `length` counts characters: bytes that do not continue one.
            var firstLength = 0
            for i in first.start..<first.end where bytes[i] & 0xC0 != 0x80 { firstLength += 1 }
            if firstLength <= 2 && first.end > 0 { tokens.removeFirst() }
            tokens.append(token(first.start, first.end, marked: true))
            tokens.sort { compare($0, $1) < 0 }
            var out: [UInt8] = [0, 0, 0, 0]
            out.reserveCapacity(bytes.count + tokens.count * 3 + 8)
            var count = 0
            for (n, t) in tokens.enumerated() where n == 0 || compare(tokens[n - 1], t) != 0 {
                guard t.count <= maximumLexemeBytes else { return nil }
                if t.marked { out.append(mark) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[t.start..<t.end]))
                out.append(contentsOf: [0, 0, 0])  // the lexeme's end, then no positions
                count += 1
            }
            withUnsafeBytes(of: Int32(count).bigEndian) { for (k, b) in $0.enumerated() { out[k] = b } }
            return out
        }
    }

    /// PostgreSQL's limit on one lexeme (`MAXSTRLEN`).
    static let maximumLexemeBytes = 2_047
}
