import Foundation
import Logging
import NIOCore
import FluentPostgresDriver
import VanguardCore

/// Bulk rows for PostgreSQL as `COPY … FROM STDIN` in its text format: one line per row, columns
/// split by tabs, `\N` for NULL. PostgreSQL parses a COPY stream much faster than a multi-row
/// INSERT with thousands of bound parameters, and nothing goes through `Encodable`. Values are
/// written as PostgreSQL reads back what PostgresNIO's binds store: ids in their text form,
/// booleans `t`/`f`, dates as the same whole microseconds (PostgresNIO truncates) in UTC.
enum PostgresCopyText {
    static func encode(_ rows: [[BulkValue]], columns: Int) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: rows.count * columns * 16)
        var stamps = Stamps()
        for row in rows {
            precondition(row.count == columns, "a bulk row has \(row.count) values for \(columns) columns")
            for (k, value) in row.enumerated() {
                if k > 0 { out.writeInteger(UInt8(ascii: "\t")) }
                write(value, into: &out, stamps: &stamps)
            }
            out.writeInteger(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The last time written and its text: a bulk write stamps every row with the same instant
    /// (an import's 60,000 records, one time each), so its calendar maths runs once.
    struct Stamps {
        var last: Date?
        var text: [UInt8] = []
    }

    static func write(_ value: BulkValue, into out: inout ByteBuffer, stamps: inout Stamps) {
        switch value {
        case .null: out.writeStaticString("\\N")
        case .text(let s): writeEscaped(s, into: &out)
        case .integer(let n): out.writeString(String(n))
        case .bool(let b): out.writeInteger(UInt8(ascii: b ? "t" : "f"))
        case .uuid(let u): writeUUID(u, into: &out)
        case .date(let d):
            if d != stamps.last {
                var text = ByteBuffer()
                writeTimestamp(d, into: &text)
                stamps = Stamps(last: d, text: Array(text.readableBytesView))
            }
            out.writeBytes(stamps.text)
        }
    }

    /// Backslash, tab, newline and carriage return are the text format's own characters.
    static func writeEscaped(_ s: String, into out: inout ByteBuffer) {
        var s = s
        s.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
                out.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x5C: out.writeStaticString("\\\\")
                case 0x09: out.writeStaticString("\\t")
                case 0x0A: out.writeStaticString("\\n")
                case 0x0D: out.writeStaticString("\\r")
                default: out.writeInteger(byte)
                }
            }
        }
    }

    /// The id's 36 characters written in one go (lowercase, as PostgreSQL prints a uuid).
    static func writeUUID(_ u: UUID, into out: inout ByteBuffer) {
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: 36) { buffer in
            withUnsafeBytes(of: u.uuid) { bytes in
                var k = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { buffer[k] = UInt8(ascii: "-"); k += 1 }
                    buffer[k] = hexDigit(bytes[i] >> 4)
                    buffer[k + 1] = hexDigit(bytes[i] & 0x0F)
                    k += 2
                }
            }
            return 36
        }
    }

    @inline(__always) private static func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : 0x57 + n }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, from the microseconds since 2000-01-01 that PostgresNIO
    /// would bind for the same `Date`, so both ways store the same instant.
    static func writeTimestamp(_ date: Date, into out: inout ByteBuffer) {
        let micros = Int64(date.timeIntervalSince(postgresEpoch) * 1_000_000)
        let fraction = (micros % 1_000_000 + 1_000_000) % 1_000_000
        let c = JSONText.civil(Date(timeIntervalSince1970: 946_684_800 + Double((micros - fraction) / 1_000_000)))
        func digits(_ n: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 { out.writeInteger(UInt8(0x30 + n / divisor % 10)); divisor /= 10 }
        }
        digits(c.year, 4); out.writeInteger(UInt8(ascii: "-")); digits(c.month, 2); out.writeInteger(UInt8(ascii: "-")); digits(c.day, 2)
        out.writeInteger(UInt8(ascii: " "))
        digits(c.second / 3_600, 2); out.writeInteger(UInt8(ascii: ":")); digits(c.second / 60 % 60, 2); out.writeInteger(UInt8(ascii: ":"))
        digits(c.second % 60, 2); out.writeInteger(UInt8(ascii: ".")); digits(Int(fraction), 6)
        out.writeStaticString("+00")
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
}

extension PostgresDatabase {
    /// Sends rows already encoded by `PostgresCopyText` on this database's connection (inside a
    /// transaction, the transaction's own).
    func copy(into table: String, columns: [String], text: ByteBuffer) -> EventLoopFuture<Void> {
        let logger = self.logger
        return withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in try await writer.write(text) }
            }
        }
    }
}
