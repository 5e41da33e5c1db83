import Foundation

/// A spreadsheet as read from a CSV or XLSX file: a header row and the rows under it, every
/// cell as text. Row numbers in messages are the file's own (the header is row 1), so a user
/// can find the line in Excel.
public struct ImportTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The file's row number of `rows[index]`.
    public static func fileRow(_ index: Int) -> Int { index + 2 }

    /// Matches the header against the fields an import knows, each with its accepted column
    /// titles (any language, any case, spaces, `*` and `_` ignored). Returns each field's column
    /// and the titles nobody asked for.
    public func columns(for fields: [(field: String, titles: [String])]) -> (index: [String: Int], unknown: [String]) {
        var index: [String: Int] = [:]
        var unknown: [String] = []
        for (i, title) in header.enumerated() {
            let key = Self.normalized(title)
            if key.isEmpty { continue }
            if let field = fields.first(where: { f in f.titles.contains { Self.normalized($0) == key } })?.field, index[field] == nil {
                index[field] = i
            } else {
                unknown.append(title)
            }
        }
        return (index, unknown)
    }

    /// The trimmed cell of `field` in a row, nil when the column is absent or the cell empty.
    public func value(_ row: [String], _ field: String, in index: [String: Int]) -> String? {
        guard let i = index[field], i < row.count else { return nil }
        let v = row[i].trimmingWhitespace()
        return v.isEmpty ? nil : v
    }

    public static func normalized(_ title: String) -> String {
        String(title.lowercased().unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "*" && $0 != "_" && $0 != "-" })
    }

    /// Rows where every cell is blank are dropped: spreadsheets often end with some.
    public mutating func dropBlankRows() {
        rows.removeAll { $0.allSatisfy { $0.trimmingWhitespace().isEmpty } }
    }
}

public enum SpreadsheetCell {
    /// A cell a spreadsheet program would run as a formula (`=`, `@`, or `+`/`-` not starting a
    /// number or phone number). Imports refuse them: stored, they would run on the next person's
    /// machine when exported and opened (CSV injection).
    public static func isFormula(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        switch first {
        case "=", "@", "\t", "\r": return true
        case "+", "-":
            let rest = value.unicodeScalars.dropFirst()
            return !rest.isEmpty && !rest.allSatisfy { CharacterSet.decimalDigits.contains($0) || " .-()".unicodeScalars.contains($0) }
        default: return false
        }
    }

    /// Undoes the apostrophe our own CSV export puts before a formula-like value, so an export
    /// can be imported again.
    public static func unescapedExport(_ value: String) -> String {
        guard value.hasPrefix("'"), let second = value.dropFirst().first, "=+-@".contains(second) else { return value }
        return String(value.dropFirst())
    }

    /// A date typed into Excel arrives in an XLSX file as a serial day number (1900 system:
    /// day 1 is 1900-01-01, with Excel's phantom 1900-02-29). Returns it as `yyyy-MM-dd`.
    public static func excelSerialDate(_ value: String) -> String? {
        guard let serial = Double(value), serial >= 1, serial < 2_958_466 else { return nil }
        var day = Int(serial.rounded(.down))
        if day > 59 { day -= 1 }  // Excel counts 1900-02-29, which never was.
        // Day 1 = 1900-01-01, which is day -25,567 from 1970-01-01.
        let date = Date(timeIntervalSince1970: Double(day - 25_568) * 86_400)
        let c = Calendar(identifier: .gregorian)
        var utc = c
        utc.timeZone = TimeZone(identifier: "UTC")!
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
