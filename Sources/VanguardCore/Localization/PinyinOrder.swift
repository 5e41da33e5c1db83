import Foundation

/// The order a Chinese reader expects a list of names in: by pinyin, the way phone contact lists,
/// Excel's Chinese sort and every Chinese CRM sort (阿里巴巴, Apple, 百度, 北京, 华为, 中国 …),
/// instead of by code point, which puts Chinese characters in radical order and every one of
/// them after every Latin letter. A list sorts by `key(name)`, stored beside the name and
/// indexed, so keyset paging keeps working at a million rows. Keys compare byte by byte (SQLite's
/// BINARY, PostgreSQL's "C" collation).
///
/// Each Chinese character is its pinyin without tones (ü as v), a space, then the character
/// itself: the space puts a syllable before any longer one it begins (西安 before 先), and the
/// character keeps names that start with the same one together (北京, 北京星辰, then 背景墙)
/// as ICU's pinyin collation does. Latin letters are lower-cased and lose their accents;
/// full-width letters and digits count as half-width; other punctuation and spaces are left out.
/// Characters the customer search leaves out are left out here too (see `key`).
/// Digits come before letters. The name itself ends the key, after a `\u{1}` that sorts before
/// anything else a key holds, so a shorter name comes first and the order is total.
public enum PinyinOrder {
    public static func key(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count * 2 + 1)
        let known = Readings.shared.known  // once per name: an import asks on both cores at once
        for u in name.unicodeScalars {
            let h = DuplicateCustomers.halfWidth(u)
            switch h.value {
            case 0x30...0x39, 0x61...0x7A: out.append(UInt8(h.value))
            case 0x41...0x5A: out.append(UInt8(h.value + 0x20))
            case 0...0x7F: continue  // spaces and ASCII punctuation
            // Only what the customer search's tokens keep (`TextSets.alphanumerics`): a name whose
            // search text starts with a fragment then sorts among the keys starting with it, which
            // the search counts on (`NamePrefixSplit`). Swift knows newer letters than Foundation's
            // set (ideographs of CJK extensions H and I, Tangut) and circled letters are symbols to it.
            // (The common ideographs are letters to both: an import's names skip the set's look-up.)
            case 0x4E00...0x9FEF:  // the common ideographs, each three bytes of UTF-8
                if let syllable = known[h.value] ?? Readings.shared.syllable(h) {
                    out.append(contentsOf: syllable)
                    out.append(0x20)
                }
                // The character itself, after its reading or alone (one ICU cannot read, as below).
                out.append(UInt8(0xE0 | (h.value >> 12)))
                out.append(UInt8(0x80 | ((h.value >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (h.value & 0x3F)))
            case _ where TextSets.alphanumerics.contains(h):
                if let syllable = known[h.value] ?? Readings.shared.syllable(h) {
                    out.append(contentsOf: syllable)
                    out.append(0x20)
                    out.append(contentsOf: String(h).utf8)
                } else if let base = String(h).decomposedStringWithCanonicalMapping.unicodeScalars.first, let letter = latinLetter(base) {
                    out.append(letter)  // é as e: accents are not letters of their own
                } else if h.properties.isAlphabetic || h.properties.numericType != nil {
                    out.append(contentsOf: String(h.properties.lowercaseMapping).utf8)
                }
            default: continue
            }
        }
        out.append(0x01)
        out.append(contentsOf: name.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII letter (lower case) a scalar is: A–Z, a–z, and ſ, the long s, which case-insensitive
    /// matching takes as s (the customer search's index does: a name starting with ſ must sort
    /// among the s names). Nil for any other scalar.
    static func latinLetter(_ u: Unicode.Scalar) -> UInt8? {
        if (0x41...0x5A).contains(u.value) || (0x61...0x7A).contains(u.value) { return UInt8(u.value) | 0x20 }
        let upper = u.properties.uppercaseMapping.unicodeScalars
        guard u.properties.changesWhenCaseFolded, upper.count == 1, let up = upper.first, (0x41...0x5A).contains(up.value) else { return nil }
        return UInt8(up.value) | 0x20
    }

    /// The pinyin of one Chinese character (lower-case ASCII, no tones, ü as v), nil for any other
    /// scalar.
    public static func syllable(_ u: Unicode.Scalar) -> String? {
        Readings.shared.syllable(u).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Readings from ICU's Han-Latin transform (Foundation's `mandarinToLatin`), which knows the
    /// common reading of every CJK ideograph. One call costs about 15–30 µs (the first in a
    /// process 40–120 ms: ICU builds the transform), so each character is asked once per process
    /// and remembered; a name list uses a few thousand distinct characters.
    final class Readings: @unchecked Sendable {
        static let shared = Readings()
        private let lock = NSLock()
        private var remembered: [UInt32: [UInt8]?] = [:]

        /// The readings remembered so far, to look up without the lock: a copy of the dictionary
        /// (its storage is shared; a new reading copies it before writing, as any Swift value).
        var known: [UInt32: [UInt8]?] { lock.withLock { remembered } }

        func syllable(_ u: Unicode.Scalar) -> [UInt8]? {
            guard u.properties.isIdeographic else { return nil }
            if let cached = lock.withLock({ remembered[u.value] }) { return cached }
            let reading = Self.read(u)
            lock.withLock { remembered[u.value] = reading }
            return reading
        }

        private static func read(_ u: Unicode.Scalar) -> [UInt8]? {
            guard let latin = String(u).applyingTransform(.mandarinToLatin, reverse: false), latin != String(u) else { return nil }
            var bytes: [UInt8] = []
            for s in latin.unicodeScalars {
                switch s {
                case "ü", "ǖ", "ǘ", "ǚ", "ǜ", "Ü", "Ǖ", "Ǘ", "Ǚ", "Ǜ": bytes.append(UInt8(ascii: "v"))
                default:
                    // A toned vowel is the plain vowel and a combining mark: keep the vowel only.
                    for d in String(s).decomposedStringWithCanonicalMapping.unicodeScalars where d.isASCII {
                        let v = UInt8(d.value)
                        switch v {
                        case 0x61...0x7A: bytes.append(v)
                        case 0x41...0x5A: bytes.append(v + 0x20)
                        default: continue
                        }
                    }
                }
            }
            return bytes.isEmpty ? nil : bytes
        }
    }
}
