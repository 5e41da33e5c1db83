import Fluent
import Foundation
import Vapor
import VanguardCore

/// Taking files in and handing them out: the size limit, the upload as a multipart form's
/// `file`, the stored record (type from the bytes, cleaned name, SHA-256), and the download,
/// which is always a download: `Content-Disposition: attachment`, `nosniff` and a sandboxing
/// CSP, so an uploaded HTML or SVG file can never run as a page of our origin.
enum StoredFiles {
    /// The largest file anyone may upload; larger ones get 413.
    static let maxBytes = 10 * 1024 * 1024
    /// What an upload route collects: the file plus room for the form's other fields and framing.
    static let maxBodySize = ByteCount(value: maxBytes + 64 * 1024)
    /// The largest body of any upload route (files here, imports in `ImportFile`), for the
    /// middlewares that read a multipart body before its route does.
    static var largestUploadBody: Int { max(maxBodySize.value, ImportFile.maxBytes + 64 * 1024) }

    struct Upload: Sendable {
        var data: Data
        var fileName: String?
        /// The form's other text fields.
        var fields: [String: String]
    }

    /// The `file` part of a multipart form and the form's other fields, refused with a problem
    /// naming `file` when there is no form, no file, an empty file or one over the limit.
    static func upload(_ req: Request, fields names: [String]) throws -> Upload {
        guard req.headers.contentType?.type == "multipart" else {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Send the file as multipart/form-data.",
                          detail: "Upload the file as the form field `file` of a multipart/form-data body.",
                          errors: [FieldError(field: "file", code: "multipartRequired", message: "Send the file as multipart/form-data.")])
        }
        struct Form: Decodable { var file: File? }
        guard let file = try? req.content.decode(Form.self).file, file.data.readableBytes > 0 else {
            throw Problem.invalid("file", "required", "Choose a file to upload.")
        }
        guard file.data.readableBytes <= maxBytes else { throw tooLarge }
        var fields: [String: String] = [:]
        for name in names { fields[name] = try? req.content.get(String.self, at: name) }
        return Upload(data: Data(buffer: file.data), fileName: file.filename, fields: fields)
    }

    static let tooLarge = Problem(.payloadTooLarge, code: "file-too-large", title: "The file is too large.",
                                  detail: "Files up to \(maxBytes / 1024 / 1024) MB can be uploaded.",
                                  errors: [FieldError(field: "file", code: "fileTooLarge", message: "Files up to \(maxBytes / 1024 / 1024) MB can be uploaded.")])

    /// The record to store (with a new id, not yet saved): the caller saves it in its own transaction.
    static func make(_ upload: Upload, by user: UUID?, at: Date) -> StoredFile {
        let kind = FileKind.sniff(upload.data)
        let f = StoredFile()
        f.id = UUID.timeOrdered()
        f.name = FileName.sanitised(upload.fileName, kind: kind)
        f.contentType = kind.contentType
        f.size = upload.data.count
        f.sha256 = Array(SHA256.hash(data: upload.data)).hex
        f.data = upload.data
        f.uploadedBy = user
        f.uploadedAt = at
        return f
    }

    /// Names, sizes and types of files, without reading their bytes.
    static func metadata(_ ids: [UUID], on db: any Database) async throws -> [UUID: StoredFile] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await StoredFile.query(on: db).filter(\.$id ~~ Set(ids))
            .field(\.$id).field(\.$name).field(\.$contentType).field(\.$size).field(\.$sha256).field(\.$uploadedBy).field(\.$uploadedAt).all()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
    }

    static func download(_ f: StoredFile) -> Response {
        let r = Response(status: .ok, body: .init(data: f.data))
        r.headers.replaceOrAdd(name: .contentType, value: f.contentType)
        r.headers.replaceOrAdd(name: .contentDisposition, value: FileName.contentDisposition(f.name))
        r.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        r.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        // RFC 9530: lets the client check that it received exactly what was stored.
        r.headers.replaceOrAdd(name: "Repr-Digest", value: "sha-256=:\(Data(bytes(hex: f.sha256)).base64EncodedString()):")
        return r
    }

    private static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }
}
