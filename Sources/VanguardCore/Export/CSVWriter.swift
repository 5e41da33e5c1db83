/// Writes CSV the way spreadsheet users need it: RFC 4180 quoting, a UTF-8 byte-order mark so
/// Excel opens Chinese text correctly, and cells that would start a formula (`= + - @`, tab,
/// carriage return) prefixed with an apostrophe so an exported file can never run code.
public struct CSVWriter: Sendable {
    public private(set) var text: String

    public init(header: [String], byteOrderMark: Bool = true) {
        text = byteOrderMark ? Self.byteOrderMark : ""
        append(header)
    }

    public mutating func append(_ row: [String]) {
        text += Self.line(row)
    }

    /// The UTF-8 byte-order mark a file starts with (`init`'s `byteOrderMark`).
    public static let byteOrderMark = "\u{FEFF}"

    /// One row as a line of the file, with its line break: for a file written piece by piece.
    public static func line(_ row: [String]) -> String {
        row.map(cell).joined(separator: ",") + "\r\n"
    }

    public static func cell(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(Character(first)) {
            v = "'" + v
        }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
