import CSV
import Foundation
import Vapor
import VanguardCore

/// Turns an uploaded file into an `ImportTable`: XLSX by its zip signature, otherwise CSV in
/// UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK, which is what Excel on a
/// Chinese Windows writes when asked for CSV. Anything else is refused with a problem that
/// says what to do, before a single row is looked at.
enum ImportFile {
    /// Largest accepted upload. Routes collect bodies up to this size; larger ones get 413.
    static let maxBytes = 10 * 1024 * 1024
    static let maxBodySize: ByteCount = "10mb"
    static let maxRows = 50_000
    static let maxColumns = 200

    static func table(from data: Data) throws -> ImportTable {
        guard !data.isEmpty else { throw unreadable("The file is empty.") }
        guard data.count <= maxBytes else { throw tooLarge }
        let head = [UInt8](data.prefix(8))
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try limited(XLSXReader.table(from: data)) }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw unsupported("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again.")
        }
        return try limited(csv(text(from: data)))
    }

    /// The file's text, from whichever encoding it is in.
    static func text(from data: Data) throws -> String {
        let bytes = [UInt8](data.prefix(3))
        if bytes == [0xEF, 0xBB, 0xBF] {
            guard let s = String(data: data.dropFirst(3), encoding: .utf8) else { throw unreadable("The file says it is UTF-8 but is not.") }
            return s
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let s = String(data: data, encoding: .utf16) else { throw unreadable("The file says it is UTF-16 but is not.") }
            return s
        }
        if data.withUnsafeBytes({ $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }) { throw unsupported("This is not a CSV or XLSX file (it contains binary data).") }
        if let s = String(data: data, encoding: .utf8) { return s }
        if let s = String(data: data, encoding: gb18030) { return s }
        throw unsupported("The file's text is neither UTF-8 nor GBK. Save it as CSV (UTF-8) or .xlsx.")
    }

    /// GB18030 (a superset of GBK and GB2312): CoreFoundation's encoding number 0x0632.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Parses CSV text. The delimiter is whichever of comma, semicolon or tab the header uses most.
    static func csv(_ text: String) throws -> ImportTable {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        let delimiter: UnicodeScalar = [",", ";", "\t"].max { a, b in
            firstLine.unicodeScalars.filter { $0 == a }.count < firstLine.unicodeScalars.filter { $0 == b }.count
        } ?? ","
        let rows: [[String]]
        do {
            rows = try CSVPieces.rows(text, delimiter: delimiter, limit: maxRows + 1)
        } catch is CSVPieces.TooManyRows {
            throw tooManyRows
        } catch {
            throw unreadable("The CSV could not be read: \(error).")
        }
        guard let header = rows.first else { throw unreadable("The file has no header row.") }
        var table = ImportTable(header: header, rows: Array(rows.dropFirst()))
        table.dropBlankRows()
        return table
    }

    private static func limited(_ table: ImportTable) throws -> ImportTable {
        guard table.header.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw unreadable("The first row should hold the column titles, but it is empty.")
        }
        guard table.rows.count <= maxRows else { throw tooManyRows }
        guard table.header.count <= maxColumns else { throw unreadable("The file has more than \(maxColumns) columns.") }
        return table
    }

    static func unreadable(_ detail: String) -> Problem {
        Problem(.unprocessableEntity, code: "unreadable-file", title: "The file could not be read.", detail: detail,
                errors: [FieldError(field: "file", code: "unreadable-file", message: detail)])
    }

    static func unsupported(_ detail: String) -> Problem {
        Problem(.unsupportedMediaType, code: "unsupported-file", title: "This kind of file cannot be imported.", detail: detail,
                errors: [FieldError(field: "file", code: "unsupported-file", message: detail)])
    }

    static let tooLarge = Problem(.payloadTooLarge, code: "file-too-large", title: "The file is too large.",
                                  detail: "Files up to 10 MB can be imported; split larger ones.",
                                  errors: [FieldError(field: "file", code: "file-too-large", message: "Files up to 10 MB can be imported; split larger ones.")])

    static let tooManyRows = unreadable("The file has more than \(maxRows) rows; split it into smaller files.")
}

extension Request {
    /// The uploaded file: the raw body (`text/csv`, the XLSX media type, `application/octet-stream`)
    /// or the `file` part of a multipart form.
    /// Routes register with `body: .collect(maxSize: ImportFile.maxBodySize)`; Vapor answers 413 beyond it.
    func uploadedFile() throws -> Data {
        let type = headers.contentType
        if type?.type == "multipart" {
            struct Upload: Content { var file: File? }
            guard let file = try? content.decode(Upload.self).file, file.data.readableBytes > 0 else {
                throw ImportFile.unreadable("Choose a CSV or XLSX file to upload.")
            }
            return Data(buffer: file.data)
        }
        guard let body = body.data, body.readableBytes > 0 else {
            throw ImportFile.unreadable("The request has no file in its body.")
        }
        guard body.readableBytes <= ImportFile.maxBytes else { throw ImportFile.tooLarge }
        return Data(buffer: body)
    }
}
