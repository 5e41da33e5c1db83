import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UUID {
    /// A new record's id: a version 7 UUID (RFC 9562), the time in milliseconds followed by 74
    /// random bits, so ids sort in the order records were made.
    ///
    /// Why not random (version 4): every table's primary key and most foreign-key indexes hold
    /// ids, and random ids put each new row on a random page of every such index. In a large file
    /// a batch then rewrites thousands of scattered pages (all of them go to the WAL) where
    /// time-ordered ids fill the last few. Measured with Python's sqlite3 on this machine: 20,000
    /// rows and their audit entries into tables of 1,000,000, 3.4–4.1 s and 160 MB of WAL with
    /// random ids, 0.5–0.8 s and 21 MB time-ordered (docs/benchmarks.md). PostgreSQL's B-trees
    /// gain the same way. The ids stay unguessable (74 random bits) and tell nothing beyond the
    /// record's `created_at`. Made from the system's random source: Foundation's `UUID()` opens
    /// /dev/urandom for every id on Linux (about 10 µs).
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let random = randomBits()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1_000)) & 0xFFFF_FFFF_FFFF
        let high = milliseconds << 16 | 0x7000 | random.0 & 0x0FFF              // version 7
        let low = random.1 & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000     // RFC 9562 variant
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    /// 128 bits from the system's random source in one call (glibc's `arc4random_buf` is one
    /// `getrandom`): the generator's two calls were a system call each, a tenth of an import's
    /// check (three ids per row).
    private static func randomBits() -> (UInt64, UInt64) {
        var bits = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bits) { arc4random_buf($0.baseAddress!, $0.count) }
        return bits
    }

    /// The same text as `uuidString` (upper-case hex, 8-4-4-4-12), written directly: Foundation
    /// formats each byte with `snprintf` on Linux, and a bulk write turns every id into text.
    public var upperHexString: String {
        String(unsafeUninitializedCapacity: 36) { out in
            var k = 0
            withUnsafeBytes(of: uuid) { raw in
                for (i, b) in raw.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[k] = 0x2D; k += 1 }
                    out[k] = UUID.upperHexDigits[Int(b >> 4)]
                    out[k + 1] = UUID.upperHexDigits[Int(b & 0x0F)]
                    k += 2
                }
            }
            return k
        }
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// When a time-ordered id was made (to the millisecond); nil for ids of other versions.
    public var timeOrderedDate: Date? {
        let bytes = withUnsafeBytes(of: uuid) { Array($0) }
        guard bytes[6] >> 4 == 7 else { return nil }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }
}
