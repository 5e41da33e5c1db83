import Foundation

/// Builds JSON text by hand for the hottest lists, where the generic encoder's cost per field
/// dominates. Only strings, numbers, booleans, nulls, UUIDs and dates as ISO 8601 in UTC.
public struct JSONText: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped. Most values
    /// need no escaping, so a clean string is copied in one go.
    public mutating func string(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for b in utf8 { escaped(b) }
        }
        bytes.append(0x22)
    }

    private mutating func escaped(_ b: UInt8) {
        switch b {
        case 0x22: bytes.append(0x5C); bytes.append(0x22)
        case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
        case 0x0D: bytes.append(0x5C); bytes.append(0x72)
        case 0x09: bytes.append(0x5C); bytes.append(0x74)
        case 0x00..<0x20:
            bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0x0F)]])
        default: bytes.append(b)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    public mutating func int(_ n: Int) { bytes.append(contentsOf: String(n).utf8) }

    /// A finite number in Swift's shortest text that reads back as the same `Double`
    /// (`1796131754.42871`, `1e-07`: valid JSON both).
    public mutating func number(_ d: Double) {
        precondition(d.isFinite, "JSON has no infinities or NaN")
        bytes.append(contentsOf: d.description.utf8)
    }

    /// A UUID as `uuidString` writes it (upper-case hex, 8-4-4-4-12), without building a String.
    public mutating func uuid(_ id: UUID) {
        bytes.append(0x22)
        withUnsafeBytes(of: id.uuid) { raw in
            for (i, b) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(0x2D) }
                bytes.append(Self.upperHex[Int(b >> 4)])
                bytes.append(Self.upperHex[Int(b & 0x0F)])
            }
        }
        bytes.append(0x22)
    }

    /// `2026-11-29T18:25:26Z`, as the API's JSONEncoder writes dates.
    public mutating func date(_ d: Date) {
        let c = Self.civil(d)
        guard (0...9999).contains(c.year) else { return string(Self.iso8601(d)) }
        bytes.append(0x22)
        digits(c.year, 4); bytes.append(0x2D); digits(c.month, 2); bytes.append(0x2D); digits(c.day, 2)
        bytes.append(0x54)
        digits(c.second / 3600, 2); bytes.append(0x3A); digits(c.second % 3600 / 60, 2); bytes.append(0x3A); digits(c.second % 60, 2)
        bytes.append(0x5A)
        bytes.append(0x22)
    }

    private mutating func digits(_ n: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var n = n
        while divisor > 0 {
            bytes.append(0x30 + UInt8(n / divisor))
            n %= divisor
            divisor /= 10
        }
    }

    /// Year, month, day and second of the day in UTC (Howard Hinnant's civil-from-days,
    /// valid for the proleptic Gregorian calendar).
    public static func civil(_ d: Date) -> (year: Int, month: Int, day: Int, second: Int) {
        let seconds = Int(d.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day, secondOfDay)
    }

    public static func iso8601(_ d: Date) -> String {
        let c = civil(d)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let y = String(c.year)
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(two(c.month))-\(two(c.day))T\(two(c.second / 3600)):\(two(c.second % 3600 / 60)):\(two(c.second % 60))Z"
    }
}
