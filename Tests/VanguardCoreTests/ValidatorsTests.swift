import Foundation
import Testing
@testable import VanguardCore

@Suite("Validators for Chinese business identifiers (SP-1, ORG-1)")
struct ValidatorsTests {
    @Test("a Unified Social Credit Code with the right check character is accepted")
    func usccValid() {
        #expect(Validators.uscc("91350100M000100Y43") == nil)
        #expect(Validators.uscc("91350100m000100y43") == nil)
    }

    @Test("a USCC with a wrong check character, bad length or letters outside the alphabet is refused", arguments: [
        "91350100M000100Y44", "91350100M000100Y4", "91350100M000100Y433", "9135010IM000100Y43", "",
    ])
    func usccInvalid(code: String) {
        #expect(Validators.uscc(code)?.code == "invalidUSCC")
    }

    @Test("resident ID numbers are checked for their date and ISO 7064 check digit")
    func idNumber() {
        #expect(Validators.prcIdNumber("11010519491231002X") == nil)
        #expect(Validators.prcIdNumber("11010519491231002x") == nil)
        #expect(Validators.prcIdNumber("110105194912310021")?.code == "invalidIdNumber")
        #expect(Validators.prcIdNumber("110105194913310025")?.code == "invalidIdNumber")  // month 13
        #expect(Validators.prcIdNumber("1101051949123100")?.code == "invalidIdNumber")
    }

    @Test("mainland mobile numbers: 11 digits from 13 to 19, with or without +86", arguments: [
        "13812345678", "+8613812345678", "8619912345678", "138 1234 5678", "138-1234-5678",
    ])
    func mobileValid(number: String) {
        #expect(Validators.prcMobile(number) == nil)
    }

    @Test("numbers that are not mainland mobiles are refused", arguments: [
        "12812345678", "1381234567", "138123456789", "0213812345", "abcdefghijk", "23812345678",
    ])
    func mobileInvalid(number: String) {
        #expect(Validators.prcMobile(number)?.code == "invalidMobile")
    }

    @Test("e-mail addresses", arguments: [("a@b.cn", true), ("chen.zhiyuan@demo.vanguard.cn", true), ("not-an-email", false),
                                          ("a@b", false), ("a b@c.cn", false), ("@c.cn", false), ("a@.cn", false), ("a@b.cn.", false)])
    func email(value: String, ok: Bool) {
        #expect((Validators.email(value) == nil) == ok)
    }

    @Test("required and length checks name their field")
    func requiredAndLength() {
        #expect(Validators.required("  ", field: "name")?.field == "name")
        #expect(Validators.required(nil, field: "name")?.code == "required")
        #expect(Validators.maxLength(String(repeating: "字", count: 101), 100, field: "name")?.code == "tooLong")
        #expect(Validators.maxLength(String(repeating: "字", count: 100), 100, field: "name") == nil)
        // Counted as the API's JSON Schema counts (code points): five skin-tone modifiers in a row
        // are fewer characters to Swift, and were let through past a limit of four.
        #expect(Validators.maxLength(String(repeating: "\u{1F3FB}", count: 5), 4, field: "name")?.code == "tooLong")
        #expect(Validators.maxLength("👍🏻👍🏻", 4, field: "name") == nil && Validators.maxLength("👍🏻👍🏻", 3, field: "name") != nil)
    }

    @Test("calendar dates must exist, leap years included")
    func civilDates() {
        #expect(CivilDate("2024-02-29") != nil)
        #expect(CivilDate("2023-02-29") == nil)
        #expect(CivilDate("2025-13-01") == nil)
        #expect(CivilDate("2025-1-01") == nil)
        #expect(CivilDate("2025-04-31") == nil)
        #expect(CivilDate("2025-04-30")?.description == "2025-04-30")
        #expect(CivilDate("2025-01-01")! < CivilDate("2025-01-02")!)
    }

    @Test("passwords need length and a mix of character kinds, and must not contain the e-mail name")
    func passwords() {
        let rules = PasswordRules(minLength: 10, minCharacterClasses: 3)
        #expect(rules.check("Short1!")?.code == "passwordTooShort")
        #expect(rules.check("alllowercaseletters")?.code == "passwordTooSimple")
        #expect(rules.check("Lower-and-UPPER") == nil)
        #expect(rules.check("Chenzhiyuan#2026", email: "chenzhiyuan@x.cn")?.code == "passwordContainsEmail")
        #expect(rules.check("Vanguard#2026") == nil)
    }
}

@Suite("CSV export")
struct CSVWriterTests {
    @Test("cells that would start a spreadsheet formula are neutralised", arguments: ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx"])
    func formulaInjection(value: String) {
        #expect(CSVWriter.cell(value).hasPrefix("'") || CSVWriter.cell(value).hasPrefix("\"'"))
    }

    @Test("quotes, commas and line breaks are quoted; Chinese passes through; the file starts with a BOM")
    func quoting() {
        #expect(CSVWriter.cell("a,b") == "\"a,b\"")
        #expect(CSVWriter.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.cell("第一行\n第二行") == "\"第一行\n第二行\"")
        #expect(CSVWriter.cell("销售组") == "销售组")
        var csv = CSVWriter(header: ["姓名", "邮箱"])
        csv.append(["陈志远", "chen@x.cn"])
        #expect(csv.text == "\u{FEFF}姓名,邮箱\r\n陈志远,chen@x.cn\r\n")
    }
}

@Suite("Hand-built JSON for hot lists")
struct JSONTextTests {
    @Test("strings with quotes, backslashes, control characters and Chinese round-trip through a JSON parser")
    func strings() throws {
        for s in ["plain", "say \"hi\"", "back\\slash", "line\nbreak\ttab\r", "\u{01}\u{1F}", "陈志远 · 营销总监", "emoji 🙂"] {
            var j = JSONText()
            j.raw("[")
            j.string(s)
            j.raw("]")
            let parsed = try JSONSerialization.jsonObject(with: Data(j.bytes)) as? [String]
            #expect(parsed == [s])
        }
    }

    @Test("dates are written like the API's ISO 8601 encoder writes them", arguments: [0.0, 951_782_400, 1_790_000_000.7, 4_102_444_799, -86_401])
    func dates(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        let expected = formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
        #expect(JSONText.iso8601(date) == expected)
        var j = JSONText()
        j.date(date)
        #expect(String(decoding: j.bytes, as: UTF8.self) == "\"\(expected)\"")
    }

    @Test("UUIDs are written as uuidString writes them")
    func uuids() {
        for id in [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!, UUID(uuidString: "FFFFFFFF-ABCD-4EF0-8123-0A0B0C0D0E0F")!] {
            var j = JSONText()
            j.uuid(id)
            #expect(String(decoding: j.bytes, as: UTF8.self) == "\"\(id.uuidString)\"")
        }
    }
}

@Suite("UUID text")
struct UUIDTextTests {
    @Test("parses what uuidString writes, in either case")
    func roundTrip() {
        for _ in 0..<50 {
            let id = UUID()
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
        }
    }

    @Test("refuses what is not a UUID", arguments: ["", "not-a-uuid", "67679C7E-46C7-4E8E-82EB-AD5FAEBDDD9", "67679C7E-46C7-4E8E-82EB-AD5FAEBDDD9G",
                                                    "67679C7E046C7-4E8E-82EB-AD5FAEBDDD90", "67679C7E-46C7-4E8E-82EB-AD5FAEBDDD90 "])
    func refuses(text: String) {
        #expect(UUIDText.parse(text) == nil)
    }

    @Test("phone and mobile numbers get the same answers as the character-by-character rules they replace, for 30,000 generated numbers")
    func phoneRulesAsBefore() {
        // The rules as first written, on Characters: the byte-reading ones must agree with them.
        func mobileBefore(_ value: String) -> Bool {
            var digits = value.filter { !$0.isWhitespace && $0 != "-" }
            if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
            return digits.count == 11 && digits.allSatisfy(\.isASCIIDigit) && digits.hasPrefix("1")
                && ("3"..."9").contains(String(digits[digits.index(after: digits.startIndex)]))
        }
        func phoneBefore(_ value: String) -> Bool {
            let allowed = Set("0123456789 -()+")
            guard value.allSatisfy(allowed.contains), value.filter({ $0 == "+" }).count <= 1, !value.contains("+") || value.hasPrefix("+") else { return false }
            let digits = value.filter(\.isASCIIDigit)
            let national = digits.hasPrefix("86") && value.hasPrefix("+") ? String(digits.dropFirst(2)) : digits
            if national.count == 11 && national.hasPrefix("1") { return mobileBefore(national) }
            if value.hasPrefix("+") && !value.hasPrefix("+86") { return (8...15).contains(digits.count) }
            let landline = national.hasPrefix("0") && (10...12).contains(national.count)
            let service = (national.hasPrefix("400") || national.hasPrefix("800")) && national.count == 10
            return landline || service
        }
        var random = SystemRandomNumberGenerator()
        let pieces = ["+", "86", "1", "3", "9", "0", "400", "800", "021", " ", "-", "(", ")", "\t", "\u{3000}", "１", "x", "5", "12345678", "\r\n", "1\u{301}", "138"]
        // A digit with a combining mark once passed as a digit (it sorts between "1" and "2").
        #expect(Validators.prcMobile("1380013800\u{301}0") != nil && !"1\u{301}".first!.isASCIIDigit)
        for _ in 0..<30_000 {
            let text = (0..<Int.random(in: 0...7, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect((Validators.phone(text) == nil) == phoneBefore(text), "phone \(text.debugDescription)")
            #expect((Validators.prcMobile(text) == nil) == mobileBefore(text), "mobile \(text.debugDescription)")
        }
    }

    @Test("company phones: mobiles, landlines with area code and 400 numbers pass; short or lettered ones do not")
    func phones() {
        for ok in ["13812345678", "+86 138 1234 5678", "021-6888 1234", "010-12345678", "0755-2345678", "400-820-1234", "(021) 68881234", "+44 20 7946 0958"] {
            #expect(Validators.phone(ok) == nil, "\(ok)")
        }
        for bad in ["12345", "12812345678", "6888 1234", "021-6888-12345678", "tel:13812345678", "138+12345678", "99999999999"] {
            #expect(Validators.phone(bad)?.code == "invalidPhone", "\(bad)")
        }
    }
}
