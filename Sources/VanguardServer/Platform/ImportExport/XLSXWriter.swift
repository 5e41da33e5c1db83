import Foundation
import Vapor
import ZIPFoundation

/// Writes an XLSX workbook: each sheet with a bold, frozen header row and text cells. Cells are
/// inline strings, which Excel, WPS and LibreOffice show as typed and never evaluate as formulas,
/// so exported data cannot turn into code on the reader's machine. Columns a sheet names as
/// figures hold numbers instead (only cells that are plain decimals), so readers can sum and chart them.
enum XLSXWriter {
    struct Sheet: Sendable {
        var name: String
        var header: [String]
        var rows: [[String]]
        /// Columns (from 0) whose plain-decimal cells are written as numbers.
        var figures: Set<Int> = []
    }

    static func workbook(sheet: String, header: [String], rows: [[String]]) throws -> Data {
        try workbook([Sheet(name: sheet, header: header, rows: rows)])
    }

    static func workbook(_ sheets: [Sheet]) throws -> Data {
        let sheets = sheets.isEmpty ? [Sheet(name: "Sheet1", header: [], rows: [])] : sheets
        let archive = try Archive(accessMode: .create)
        var parts = fixedParts(sheets.map(\.name))
        for (i, sheet) in sheets.enumerated() {
            parts.append((sheetPath(i), sheetXML(header: sheet.header, rows: sheet.rows, figures: sheet.figures)))
        }
        try add(parts, to: archive)
        guard let data = archive.data else { throw Problem(.internalServerError, code: "export-failed", title: "The workbook could not be written.") }
        return data
    }

    /// A one-sheet workbook at `url` whose sheet's XML is the file `sheetFile` (`XLSXSheetFile`):
    /// a sheet of a million rows is never held in memory. Blocking file work: run it off the event loops.
    static func workbook(at url: URL, sheet: String, sheetFile: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        try add(fixedParts([sheet]), to: archive)
        try archive.addEntry(with: sheetPath(0), fileURL: sheetFile, compressionMethod: .deflate, bufferSize: 1 << 18)
    }

    /// Every part of a workbook but its sheets.
    private static func fixedParts(_ sheets: [String]) -> [(String, String)] {
        [
            ("[Content_Types].xml", contentTypes(sheets.count)),
            ("_rels/.rels", rootRels),
            ("xl/workbook.xml", workbookXML(sheetNames(sheets))),
            ("xl/_rels/workbook.xml.rels", workbookRels(sheets.count)),
            ("xl/styles.xml", styles),
        ]
    }

    private static func sheetPath(_ index: Int) -> String { "xl/worksheets/sheet\(index + 1).xml" }

    private static func add(_ parts: [(String, String)], to archive: Archive) throws {
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_767_225_600),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    static func sheetXML(header: [String], rows: [[String]], figures: Set<Int> = []) -> String {
        var out = sheetHead(header: header)
        out.reserveCapacity(rows.count * 200)
        for (i, cells) in rows.enumerated() { out += rowXML(cells, number: i + 2, figures: figures) }
        out += sheetTail
        return out
    }

    /// A sheet's XML up to and including its header row (row 1, bold, frozen).
    static func sheetHead(header: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
        <sheetData>
        """ + rowXML(header, number: 1, style: " s=\"1\"", figures: [])
    }

    /// What follows a sheet's last row.
    static let sheetTail = "</sheetData></worksheet>"

    /// Row `number` (from 1): text cells, or numbers in the `figures` columns (plain decimals only).
    static func rowXML(_ cells: [String], number: Int, style: String = "", figures: Set<Int>) -> String {
        var out = "<row r=\"\(number)\">"
        for (i, cell) in cells.enumerated() where !cell.isEmpty {
            if figures.contains(i) && isPlainDecimal(cell) {
                out += "<c r=\"\(columnName(i))\(number)\"><v>\(cell)</v></c>"
            } else {
                out += "<c r=\"\(columnName(i))\(number)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(escaped(cell))</t></is></c>"
            }
        }
        return out + "</row>"
    }

    /// Digits with at most one decimal point and an optional leading minus: nothing else can
    /// reach a number cell.
    static func isPlainDecimal(_ s: String) -> Bool {
        let body = s.hasPrefix("-") ? s.dropFirst() : s[...]
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 15 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// Sheet names as Excel takes them: none of `[]:*?/\`, at most 31 characters, unique.
    static func sheetNames(_ wanted: [String]) -> [String] {
        var used = Set<String>()
        return wanted.enumerated().map { i, raw in
            var name = String(String(raw.map { "[]:*?/\\".contains($0) ? "_" : $0 }).prefix(31)).trimmingCharacters(in: CharacterSet(charactersIn: "' "))
            if name.isEmpty { name = "Sheet\(i + 1)" }
            var candidate = name, n = 2
            while used.contains(candidate.lowercased()) { candidate = String(name.prefix(27)) + " (\(n))"; n += 1 }
            used.insert(candidate.lowercased())
            return candidate
        }
    }

    /// 0 → A, 25 → Z, 26 → AA.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// XML text: markup characters escaped, characters XML 1.0 forbids dropped.
    static func escaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            case _ where u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value): continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Sheet n is relationship rIdn; the styles come after the sheets.
    private static func workbookXML(_ names: [String]) -> String {
        let sheets = names.enumerated().map { "<sheet name=\"\(escaped($1))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheets)</sheets></workbook>
            """
    }

    private static func contentTypes(_ sheets: Int) -> String {
        let overrides = (1...sheets).map {
            "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            \(overrides)\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """
    }

    private static let rootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    private static func workbookRels(_ sheets: Int) -> String {
        let worksheets = (1...sheets).map {
            "<Relationship Id=\"rId\($0)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(worksheets)\
            <Relationship Id="rId\(sheets + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """
    }

    /// Style 0: normal; style 1: bold (the header row).
    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        </styleSheet>
        """
}

extension Response {
    static let xlsxType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    /// A download: `filename` tells the browser what to save it as.
    static func download(_ data: Data, type: HTTPMediaType, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = type
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
