import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import VanguardCore
import ZIPFoundation

/// Reads the first worksheet of an XLSX workbook as text cells. Guarded against hostile files:
/// entry sizes are checked before and while inflating (zip bombs), and XML with a DOCTYPE is
/// refused outright, so no entity is ever expanded or fetched (XXE, "billion laughs").
enum XLSXReader {
    static let maxEntries = 1_000
    /// All XML we inflate, together.
    static let maxInflatedBytes = 100 * 1024 * 1024
    /// Deflate rarely beats 100:1 on real sheets; bombs reach 1000:1 and more.
    static let maxRatio: UInt64 = 200

    static func table(from data: Data) throws -> ImportTable {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw ImportFile.unreadable("The file looks like a zip archive but cannot be opened as an Excel workbook.")
        }
        var entries: [String: Entry] = [:]
        var declared: UInt64 = 0
        for entry in archive {
            entries[entry.path] = entry
            declared += entry.uncompressedSize
            if entries.count > maxEntries || declared > UInt64(maxInflatedBytes) {
                throw ImportFile.unreadable("The workbook is too large when unpacked.")
            }
            if entry.uncompressedSize > 1_000_000, entry.uncompressedSize / max(entry.compressedSize, 1) > maxRatio {
                throw ImportFile.unreadable("The workbook is compressed suspiciously well (a zip bomb?).")
            }
        }
        guard let sheetPath = firstSheetPath(archive, entries), let sheet = entries[sheetPath] else {
            throw ImportFile.unreadable("The file is a zip archive but not an Excel workbook (no worksheet in it).")
        }
        var budget = maxInflatedBytes
        let shared = try entries["xl/sharedStrings.xml"].map { try SharedStringsParser.parse(inflate($0, archive, &budget)) } ?? []
        let cells = try SheetParser.parse(inflate(sheet, archive, &budget), shared: shared)
        guard let header = cells.first else { throw ImportFile.unreadable("The first worksheet is empty.") }
        var table = ImportTable(header: header, rows: Array(cells.dropFirst()))
        table.dropBlankRows()
        return table
    }

    /// The workbook's first sheet, as its relationships name it; `sheet1.xml` if they do not.
    private static func firstSheetPath(_ archive: Archive, _ entries: [String: Entry]) -> String? {
        var budget = 4 * 1024 * 1024
        if let workbook = entries["xl/workbook.xml"], let rels = entries["xl/_rels/workbook.xml.rels"],
           let wb = try? inflate(workbook, archive, &budget), let rs = try? inflate(rels, archive, &budget),
           let rid = firstMatch(#"<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)""#, in: wb),
           let target = firstMatch(#"<Relationship\b[^>]*\bId="\#(NSRegularExpression.escapedPattern(for: rid))"[^>]*\bTarget="([^"]+)""#, in: rs)
               ?? firstMatch(#"<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="\#(NSRegularExpression.escapedPattern(for: rid))""#, in: rs) {
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            if entries[path] != nil { return path }
        }
        return entries.keys.filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }.sorted().first
    }

    private static func firstMatch(_ pattern: String, in data: Data) -> String? {
        guard let text = String(data: data, encoding: .utf8), let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }

    /// An entry's bytes, stopping as soon as it inflates past what it declared or past the budget.
    private static func inflate(_ entry: Entry, _ archive: Archive, _ budget: inout Int) throws -> Data {
        var out = Data()
        let limit = min(Int(clamping: entry.uncompressedSize), budget)
        struct Overflow: Error {}
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                out.append(chunk)
                if out.count > limit { throw Overflow() }
            }
        } catch is Overflow {
            throw ImportFile.unreadable("The workbook unpacks to more than it declares (a zip bomb?).")
        } catch {
            throw ImportFile.unreadable("The workbook is damaged: \(entry.path) cannot be unpacked.")
        }
        budget -= out.count
        if out.range(of: Data("<!DOCTYPE".utf8)) != nil || out.range(of: Data("<!doctype".utf8)) != nil || out.range(of: Data("<!ENTITY".utf8)) != nil {
            throw ImportFile.unreadable("The workbook contains a DOCTYPE declaration, which Excel never writes; it is refused for safety.")
        }
        return out
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, possibly split into rich-text runs.
private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    static func parse(_ data: Data) throws -> [String] {
        let p = SharedStringsParser()
        try run(XMLParser(data: data), p)
        return p.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch local(name) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// A worksheet's `<sheetData>`: rows of cells placed by their `r` reference (`C7`), so gaps stay gaps.
private final class SheetParser: NSObject, XMLParserDelegate {
    var rows: [[String]] = []
    private let shared: [String]
    private var row: [String] = []
    private var column = 0
    private var type = ""
    private var value = ""
    private var inValue = false
    fileprivate(set) var failure: Problem?

    init(shared: [String]) { self.shared = shared }

    static func parse(_ data: Data, shared: [String]) throws -> [[String]] {
        let p = SheetParser(shared: shared)
        try run(XMLParser(data: data), p)
        return p.rows
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch local(name) {
        case "row":
            row = []
            column = 0
            if let r = attributes["r"].flatMap(Int.init), r > rows.count + 1 {
                // Keep row numbers true to the file: empty rows in between become empty rows.
                rows.append(contentsOf: Array(repeating: [], count: min(r - rows.count - 1, ImportFile.maxRows)))
            }
            if rows.count > ImportFile.maxRows + 1 { fail(ImportFile.tooManyRows, parser) }
        case "c":
            type = attributes["t"] ?? "n"
            value = ""
            if let ref = attributes["r"], let c = Self.columnIndex(ref) { column = c }
            if column >= ImportFile.maxColumns { fail(ImportFile.unreadable("The sheet has more than \(ImportFile.maxColumns) columns."), parser) }
        case "v", "t": inValue = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "v", "t": inValue = false
        case "c":
            var text = value
            switch type {
            case "s":
                guard let i = Int(value), shared.indices.contains(i) else {
                    return fail(ImportFile.unreadable("The sheet refers to a text that is not in the workbook."), parser)
                }
                text = shared[i]
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            default: break
            }
            if row.count < column { row.append(contentsOf: Array(repeating: "", count: column - row.count)) }
            if row.count == column { row.append(text) } else { row[column] = text }
            column += 1
        case "row": rows.append(row)
        default: break
        }
    }

    private func fail(_ problem: Problem, _ parser: XMLParser) {
        failure = failure ?? problem
        parser.abortParsing()
    }

    /// `AB12` → 27 (zero-based column of the reference).
    static func columnIndex(_ ref: String) -> Int? {
        var n = 0
        var seen = false
        for u in ref.unicodeScalars {
            guard ("A"..."Z").contains(u) else { break }
            n = n * 26 + Int(u.value - 64)
            seen = true
            if n > 16_384 { return nil }
        }
        return seen ? n - 1 : nil
    }
}

private func local(_ name: String) -> Substring {
    name.split(separator: ":").last ?? Substring(name)
}

/// Parses without ever resolving an external entity; throws when the XML is damaged.
private func run(_ parser: XMLParser, _ delegate: any XMLParserDelegate) throws {
    parser.shouldResolveExternalEntities = false
    parser.delegate = delegate
    if !parser.parse() {
        if let failure = (delegate as? SheetParser)?.failure { throw failure }
        throw ImportFile.unreadable("The workbook's XML is damaged: \(parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error").")
    }
}
