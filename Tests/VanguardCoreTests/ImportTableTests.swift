import Foundation
import Testing
@testable import VanguardCore

@Suite("Reading spreadsheets for import")
struct ImportTableTests {
    @Test("column titles match in any language, case and spacing; unknown titles are reported")
    func columns() {
        let table = ImportTable(header: ["工号 *", "E-mail", "Hire_Date", "备注", ""], rows: [["M1", " a@b.cn ", "", "x", ""]])
        let (index, unknown) = table.columns(for: [("employeeNo", ["employeeNo", "工号"]), ("email", ["email", "e-mail"]), ("hireDate", ["hireDate"])])
        #expect(index == ["employeeNo": 0, "email": 1, "hireDate": 2])
        #expect(unknown == ["备注"])
        #expect(table.value(table.rows[0], "email", in: index) == "a@b.cn")
        #expect(table.value(table.rows[0], "hireDate", in: index) == nil, "an empty cell is no value")
        #expect(ImportTable.fileRow(0) == 2, "the first data row is the file's row 2")
    }

    @Test("cells a spreadsheet would run as formulas are recognised; numbers and phone numbers are not",
          arguments: [("=1+1", true), ("@SUM(A1)", true), ("+cmd|' /C calc'!A0", true), ("-2+3*cmd", true), ("\t=x", true),
                      ("+86 138 1234 5678", false), ("-12.5", false), ("-", false), ("陈志远", false), ("a=b", false)])
    func formulas(value: String, isFormula: Bool) {
        #expect(SpreadsheetCell.isFormula(value) == isFormula)
    }

    @Test("our export's apostrophe before a formula-like value is undone on import")
    func apostrophe() {
        #expect(SpreadsheetCell.unescapedExport("'=HYPERLINK(1)") == "=HYPERLINK(1)")
        #expect(SpreadsheetCell.unescapedExport("'quoted") == "'quoted")
    }

    @Test("Excel's serial day numbers become dates, its phantom 1900-02-29 included",
          arguments: [("45658", "2025-01-01"), ("1", "1900-01-01"), ("59", "1900-02-28"), ("61", "1900-03-01"), ("45658.75", "2025-01-01")])
    func serialDates(serial: String, date: String) {
        #expect(SpreadsheetCell.excelSerialDate(serial) == date)
    }

    @Test("blank rows at the end of a sheet are dropped")
    func blankRows() {
        var t = ImportTable(header: ["a"], rows: [["1"], ["", " "], []])
        t.dropBlankRows()
        #expect(t.rows == [["1"]])
    }
}
