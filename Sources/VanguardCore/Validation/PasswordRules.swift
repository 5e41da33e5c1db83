/// Password rules from the policy pack's `security` section.
public struct PasswordRules: Sendable, Equatable {
    public var minLength: Int
    public var minCharacterClasses: Int

    public init(minLength: Int = 10, minCharacterClasses: Int = 3) {
        self.minLength = minLength
        self.minCharacterClasses = minCharacterClasses
    }

    public func check(_ password: String, email: String? = nil, field: String = "password") -> FieldError? {
        if password.count < minLength {
            return FieldError(field: field, code: "passwordTooShort", message: "Use at least \(minLength) characters.")
        }
        if password.count > 128 {
            return FieldError(field: field, code: "tooLong", message: "At most 128 characters.")
        }
        let classes = [
            password.contains(where: \.isLowercase),
            password.contains(where: \.isUppercase),
            password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        if classes < minCharacterClasses {
            return FieldError(field: field, code: "passwordTooSimple",
                              message: "Mix at least \(minCharacterClasses) of: lower-case, upper-case, digits, symbols.")
        }
        if let email, let local = email.split(separator: "@").first, local.count >= 3,
           password.lowercased().contains(local.lowercased()) {
            return FieldError(field: field, code: "passwordContainsEmail", message: "The password must not contain your e-mail name.")
        }
        return nil
    }
}
