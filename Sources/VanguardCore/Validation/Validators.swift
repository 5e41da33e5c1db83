import Foundation

/// Validators for the identifiers Chinese business records carry. Each returns nil when the value
/// is fine, or an error whose message says what is wrong.
public enum Validators {
    public static func required(_ value: String?, field: String) -> FieldError? {
        guard let v = value?.trimmingWhitespace(), !v.isEmpty else {
            return FieldError(field: field, code: "required", message: "This field is required.")
        }
        return nil
    }

    /// Counts code points, as JSON Schema's `maxLength` (the API's own document) and the databases
    /// do: counted as Swift's characters, emoji with modifiers made fewer, and text the document
    /// refuses was accepted.
    public static func maxLength(_ value: String?, _ limit: Int, field: String) -> FieldError? {
        guard let value, value.unicodeScalars.count > limit else { return nil }
        return FieldError(field: field, code: "tooLong", message: "At most \(limit) characters (got \(value.unicodeScalars.count)).")
    }

    public static func email(_ value: String, field: String = "email") -> FieldError? {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let ok = parts.count == 2
            && !parts[0].isEmpty && parts[0].count <= 64
            && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !value.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
            && value.count <= 254
        return ok ? nil : FieldError(field: field, code: "invalidEmail", message: "Not a valid e-mail address.")
    }

    /// Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86 or 86.
    /// Spaces and dashes are ignored.
    public static func prcMobile(_ value: String, field: String = "mobile") -> FieldError? {
        var digits = value.utf8.allSatisfy { $0 < 0x80 }
            // ASCII (nearly every number): bytes, since an import checks two numbers per row.
            ? value.utf8.filter { !(0x09...0x0D).contains($0) && $0 != 0x20 && $0 != UInt8(ascii: "-") }[...]
            : Array(value.filter { !$0.isWhitespace && $0 != "-" }.utf8)[...]
        if digits.starts(with: "+86".utf8) { digits = digits.dropFirst(3) } else if digits.count == 13, digits.starts(with: "86".utf8) { digits = digits.dropFirst(2) }
        let ok = digits.count == 11 && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first == UInt8(ascii: "1")
            && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[digits.startIndex + 1])
        return ok ? nil : FieldError(field: field, code: "invalidMobile", message: "Not a mainland China mobile number (11 digits starting 13–19).")
    }

    /// A company's phone: a mainland mobile, or a landline with area code ("021-6888 1234",
    /// "400-820-1234"), or an international number starting with +. Only digits, spaces, -, ( ) and a leading +.
    public static func phone(_ value: String, field: String = "phone") -> FieldError? {
        let bad = FieldError(field: field, code: "invalidPhone", message: "Not a phone number (a mobile, or a landline with its area code).")
        // Every allowed character is one ASCII byte, so the rule reads bytes.
        var digits: [UInt8] = [], pluses = 0
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(b)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            case UInt8(ascii: "+"): pluses += 1
            default: return bad
            }
        }
        let plus = value.utf8.first == UInt8(ascii: "+")
        guard pluses == 0 || (pluses == 1 && plus) else { return bad }
        let national = plus && digits.starts(with: "86".utf8) ? digits.dropFirst(2) : digits[...]
        if national.count == 11 && national.first == UInt8(ascii: "1") { return prcMobile(String(decoding: national, as: UTF8.self), field: field) == nil ? nil : bad }
        if plus && !value.utf8.starts(with: "+86".utf8) { return (8...15).contains(digits.count) ? nil : bad }
        // Landlines: area code 0xx/0xxx + 7–8 digits, or 400/800 service numbers (10 digits).
        let landline = national.first == UInt8(ascii: "0") && (10...12).contains(national.count)
        let service = (national.starts(with: "400".utf8) || national.starts(with: "800".utf8)) && national.count == 10
        return landline || service ? nil : bad
    }

    /// The 18-character Unified Social Credit Code (GB 32100-2015), including its check character.
    public static func uscc(_ value: String, field: String = "uscc") -> FieldError? {
        let chars = Array(value.uppercased())
        let bad = FieldError(field: field, code: "invalidUSCC", message: "Not a valid Unified Social Credit Code (18 characters with a check character).")
        guard chars.count == 18, let check = usccCheckCharacter(String(chars[0..<17])) else { return bad }
        return check == chars[17] ? nil : bad
    }

    /// The check character for the first 17 characters of a credit code (GB 32100-2015), or nil
    /// when they use characters outside its alphabet.
    public static func usccCheckCharacter(_ first17: String) -> Character? {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let chars = Array(first17.uppercased())
        guard chars.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// The 18-digit resident identity number (GB 11643-1999): a valid birth date and ISO 7064 check digit.
    public static func prcIdNumber(_ value: String, field: String = "idNumber") -> FieldError? {
        let chars = Array(value.uppercased())
        let bad = FieldError(field: field, code: "invalidIdNumber", message: "Not a valid resident identity number (18 characters, valid date and check digit).")
        guard chars.count == 18, chars[0..<17].allSatisfy(\.isASCIIDigit) else { return bad }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = (0..<17).reduce(0) { $0 + Int(String(chars[$1]))! * weights[$1] }
        let checks = Array("10X98765432")
        guard checks[sum % 11] == chars[17] else { return bad }
        let y = Int(String(chars[6..<10]))!, m = Int(String(chars[10..<12]))!, d = Int(String(chars[12..<14]))!
        guard let date = CivilDate(year: y, month: m, day: d), y >= 1900 else { return bad }
        _ = date
        return nil
    }
}

extension Character {
    /// One of 0–9 alone: not a digit carrying a combining mark ("1\u{301}" sorts between "1" and "2").
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
}
