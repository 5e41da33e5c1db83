import Foundation
import Logging
import NIOCore
import FluentPostgresDriver
import VanguardCore

/// Bulk rows for PostgreSQL as `COPY … FROM STDIN` in its binary format: per row the number of
/// fields, then each field's length (-1 for NULL) and its bytes. Each value's bytes are what
/// PostgresNIO sends when it binds the same Swift value (its own encoders write them), so a bulk
/// row stores exactly what a Fluent save would, with no text formatting of times and ids of our
/// own. PostgreSQL reads binary without parsing timestamps and ids from text: `psql`'s `\copy` of
/// an import's rows took about half the time in binary as in text (bench data set), though whole
/// imports measured no faster on 2026-12-01 (docs/benchmarks.md, 21:30).
/// The columns are Fluent's types for those values: text, uuid, bigint, boolean, timestamptz;
/// and tsvector, given in its binary form, for a search index's lexemes.
enum PostgresCopyBinary {
    /// The format's 11-byte signature, then no flags and no header extension.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]

    static func encode(_ rows: [[BulkValue]], columns: Int) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: header.count + rows.count * (2 + columns * 16) + 2)
        out.writeBytes(header)
        for row in rows {
            precondition(row.count == columns, "a bulk row has \(row.count) values for \(columns) columns")
            out.writeInteger(Int16(columns))
            for value in row { write(value, into: &out) }
        }
        out.writeInteger(Int16(-1))  // the trailer
        return out
    }

    static func write(_ value: BulkValue, into out: inout ByteBuffer) {
        switch value {
        case .null: out.writeInteger(Int32(-1))
        case .text(let s): field(s, into: &out)
        case .integer(let n): field(n, into: &out)
        case .bool(let b): field(b, into: &out)
        case .uuid(let u): field(u, into: &out)
        case .date(let d): field(d, into: &out)
        case .tsvector(let binary):
            out.writeInteger(Int32(binary.count))
            out.writeBytes(binary)
        }
    }

    /// A value as PostgresNIO's binary bind writes it, after its length.
    @inline(__always)
    private static func field(_ value: some PostgresNonThrowingEncodable, into out: inout ByteBuffer) {
        let start = out.writerIndex
        out.writeInteger(Int32(0))
        value.encode(into: &out, context: .default)
        out.setInteger(Int32(out.writerIndex - start - 4), at: start)
    }

    /// The column list for PostgresNIO's `copyFrom`, which always asks for the text format: it
    /// builds `COPY "table"("a","b") FROM STDIN WITH (FORMAT text)` with no choice of format
    /// (PostgresNIO 1.33 knows the text format only) and writes each column name between double
    /// quotes as given. The last name therefore closes the list and asks for the binary format,
    /// and the rest of the built statement becomes an SQL comment. The names are the code's own
    /// constants, never user input. Should PostgresNIO ever escape the names, every bulk write on
    /// PostgreSQL fails at once with an unknown column (the PostgreSQL test run would say so).
    static func columnList(_ columns: [String]) -> [String] {
        precondition(!columns.isEmpty && columns.allSatisfy { !$0.contains("\"") }, "plain column names only")
        return columns.dropLast() + [columns[columns.count - 1] + "\") FROM STDIN WITH (FORMAT binary) --"]
    }
}

extension PostgresDatabase {
    /// Sends rows already encoded by `PostgresCopyBinary` on this database's connection (inside a
    /// transaction, the transaction's own).
    func copy(into table: String, columns: [String], binary: ByteBuffer) -> EventLoopFuture<Void> {
        let logger = self.logger
        let list = PostgresCopyBinary.columnList(columns)
        return withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: list, logger: logger) { writer in try await writer.write(binary) }
            }
        }
    }
}
