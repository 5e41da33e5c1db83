/// Writes CSV the way spreadsheet users need it: RFC 4180 quoting, a UTF-8 byte-order mark so
/// Excel opens Chinese text correctly, and cells that would start a formula (`= + - @`, tab,
/// carriage return) prefixed with an apostrophe so an exported file can never run code.
public struct CSVWriter: Sendable {
    public private(set) var text: String

    public init(header: [String], byteOrderMark: Bool = true) {
        text = byteOrderMark ? "\u{FEFF}" : ""
        append(header)
    }

    public mutating func append(_ row: [String]) {
        text += row.map(Self.cell).joined(separator: ",") + "\r\n"
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
