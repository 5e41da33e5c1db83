import Foundation
import ZIPFoundation

/// What a file is, read from its first bytes rather than taken from the uploader's word: a file
/// named `photo.png` that holds HTML is not an image, and it must never be served as one (or as
/// HTML). Only the kinds people attach every day are recognised; anything else is served as
/// `application/octet-stream`, which no browser renders.
enum FileKind: String, CaseIterable, Sendable {
    case png, jpeg, gif, pdf, docx, xlsx, pptx, zip, text, binary

    var contentType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .zip: "application/zip"
        case .text: "text/plain; charset=utf-8"
        case .binary: "application/octet-stream"
        }
    }

    /// For a file that arrived without a usable name.
    var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .text: "txt"
        case .binary: "bin"
        default: rawValue
        }
    }

    static func sniff(_ data: Data) -> FileKind {
        let head = [UInt8](data.prefix(8))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) { return .gif }
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return office(data) }
        return isPlainText(data) ? .text : .binary
    }

    /// A zip whose directory names the main part of a Word, Excel or PowerPoint file.
    private static func office(_ data: Data) -> FileKind {
        guard let archive = try? Archive(data: data, accessMode: .read) else { return .binary }
        if archive["word/document.xml"] != nil { return .docx }
        if archive["xl/workbook.xml"] != nil { return .xlsx }
        if archive["ppt/presentation.xml"] != nil { return .pptx }
        return .zip
    }

    /// UTF-8 text with no control characters but tabs and line breaks, that does not open like a
    /// markup document (HTML, SVG, XML): those are kept as opaque bytes, never as text to show.
    static func isPlainText(_ data: Data) -> Bool {
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        guard !body.isEmpty, let text = String(data: body, encoding: .utf8) else { return false }
        for u in text.unicodeScalars where u.value < 0x20 || u.value == 0x7F {
            if u != "\t" && u != "\n" && u != "\r" && u != "\u{0C}" { return false }
        }
        return text.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) } != "<"
    }
}

/// A file name that is safe to store and to hand back in `Content-Disposition`: no folders, no
/// control or bidirectional-override characters (which can disguise `gpj.exe` as `exe.jpg`), none
/// of the characters Windows refuses, not a Windows device name, at most 200 characters with the
/// extension kept.
enum FileName {
    static let maxLength = 200

    static func sanitised(_ raw: String?, kind: FileKind) -> String {
        let last = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for u in last.precomposedStringWithCanonicalMapping.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) { continue }
            if (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value) || u.value == 0x200E || u.value == 0x200F
                || u.value == 0xFEFF || u.value == 0x200B { continue }
            scalars.append("\"*:<>?|".unicodeScalars.contains(u) ? "_" : u)
        }
        var name = String(scalars).trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".")))
        let stem = name.split(separator: ".", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        if reservedOnWindows.contains(stem) { name = "_" + name }
        if name.isEmpty { return "file.\(kind.fileExtension)" }
        guard name.count > maxLength else { return name }
        let ext = (name as NSString).pathExtension
        let keep = ext.isEmpty || ext.count > 16 ? "" : "." + ext
        return String(name.prefix(maxLength - keep.count)) + keep
    }

    private static let reservedOnWindows: Set<String> =
        Set(["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })

    /// `attachment` with an ASCII `filename` for old clients and the exact name as RFC 5987 `filename*`.
    static func contentDisposition(_ name: String) -> String {
        let fallback = String(String.UnicodeScalarView(name.unicodeScalars.map { u in
            u.isASCII && u.value >= 0x20 && u != "\"" && u != "\\" && u != "%" && u != ";" ? u : "_"
        }))
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(rfc5987(name))"
    }

    /// Percent-encodes every UTF-8 byte outside RFC 5987's `attr-char`.
    static func rfc5987(_ s: String) -> String {
        let attrChar = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        var out = ""
        for byte in s.utf8 {
            if attrChar.contains(byte) { out.unicodeScalars.append(UnicodeScalar(byte)) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}
