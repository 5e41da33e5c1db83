import Foundation

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
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1_000)) & 0xFFFF_FFFF_FFFF
        let high = milliseconds << 16 | 0x7000 | (generator.next() as UInt64) & 0x0FFF              // version 7
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000     // RFC 9562 variant
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    /// When a time-ordered id was made (to the millisecond); nil for ids of other versions.
    public var timeOrderedDate: Date? {
        let bytes = withUnsafeBytes(of: uuid) { Array($0) }
        guard bytes[6] >> 4 == 7 else { return nil }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }
}
