import Foundation

/// Validators for the identifiers Chinese business records carry. Each returns nil when the value
/// is fine, or an error whose message says what is wrong.
public enum Validators {
    public static func required(_ value: String?, field: String) -> FieldError? {
        guard let v = value?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else {
            return FieldError(field: field, code: "required", message: "This field is required.")
        }
        return nil
    }

    public static func maxLength(_ value: String?, _ limit: Int, field: String) -> FieldError? {
        guard let value, value.count > limit else { return nil }
        return FieldError(field: field, code: "tooLong", message: "At most \(limit) characters (got \(value.count)).")
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
    public static func prcMobile(_ value: String, field: String = "mobile") -> FieldError? {
        var digits = value.filter { !$0.isWhitespace && $0 != "-" }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        let ok = digits.count == 11 && digits.allSatisfy(\.isASCIIDigit) && digits.hasPrefix("1")
            && ("3"..."9").contains(String(digits[digits.index(after: digits.startIndex)]))
        return ok ? nil : FieldError(field: field, code: "invalidMobile", message: "Not a mainland China mobile number (11 digits starting 13–19).")
    }

    /// The 18-character Unified Social Credit Code (GB 32100-2015), including its check character.
    public static func uscc(_ value: String, field: String = "uscc") -> FieldError? {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let chars = Array(value.uppercased())
        let bad = FieldError(field: field, code: "invalidUSCC", message: "Not a valid Unified Social Credit Code (18 characters with a check character).")
        guard chars.count == 18 else { return bad }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return bad }
            sum += v * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check] == chars[17] ? nil : bad
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
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
