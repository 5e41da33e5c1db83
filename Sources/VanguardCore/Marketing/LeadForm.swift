import Foundation

/// What a visitor sends through a campaign's public lead form (MKT-4), as typed.
public struct LeadSubmission: Sendable, Equatable {
    public var name: String?
    public var mobile: String?
    public var email: String?
    public var company: String?
    public var message: String?
    /// The consent checkbox: personal information is collected only with it (PIPL art. 13, 14).
    public var consent: Bool
    /// A field hidden from people; only robots fill it in.
    public var honeypot: String?
    public var utmSource: String?

    public init(name: String? = nil, mobile: String? = nil, email: String? = nil, company: String? = nil, message: String? = nil,
                consent: Bool = false, honeypot: String? = nil, utmSource: String? = nil) {
        self.name = name
        self.mobile = mobile
        self.email = email
        self.company = company
        self.message = message
        self.consent = consent
        self.honeypot = honeypot
        self.utmSource = utmSource
    }
}

/// A prospect to record from an accepted submission, attributed to the campaign and UTM source,
/// with the consent's proof: when, and to which version of the privacy notice.
public struct ProspectDraft: Sendable, Equatable {
    public var campaignId: UUID
    public var name: String
    /// 11 digits, without +86 or separators.
    public var mobile: String?
    /// Lower-cased.
    public var email: String?
    public var company: String?
    public var message: String?
    public var utmSource: String?
    public var consentAt: Date
    public var privacyNoticeVersion: String
}

public enum LeadFormOutcome: Sendable, Equatable {
    case accepted(ProspectDraft)
    /// A robot filled the honeypot: answered like a success, so it learns nothing, and kept nowhere.
    case discarded
    /// Shown beside the fields, with what was typed kept.
    case invalid(FieldErrors)
}

/// The public lead form's rules (MKT-4, PIPL): a name, a way to reach the person (a mainland
/// mobile or an e-mail address), and consent to the current privacy notice.
public struct LeadForm: Sendable, Equatable {
    public var campaignId: UUID
    public var privacyNoticeVersion: String

    public init(campaignId: UUID, privacyNoticeVersion: String) {
        self.campaignId = campaignId
        self.privacyNoticeVersion = privacyNoticeVersion
    }

    public func submit(_ s: LeadSubmission, now: Date) -> LeadFormOutcome {
        if let trap = s.honeypot, !trap.trimmingWhitespace().isEmpty { return .discarded }
        var errors = FieldErrors()
        let text = { (value: String?) -> String? in value.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 } }
        let name = text(s.name), mobile = text(s.mobile), email = text(s.email)
        errors.check("name", Validators.required(name, field: "name"))
        errors.check("name", Validators.maxLength(name, 100, field: "name"))
        if mobile == nil && email == nil {
            errors.add("mobile", "contactRequired", "Give a mobile number or an e-mail address so we can reach you.")
        }
        if let mobile { errors.check("mobile", Validators.prcMobile(mobile)) }
        if let email { errors.check("email", Validators.email(email)) }
        errors.check("company", Validators.maxLength(text(s.company), 200, field: "company"))
        errors.check("message", Validators.maxLength(text(s.message), 2000, field: "message"))
        if !s.consent {
            errors.add("consent", "consentRequired", "Please agree to the privacy notice; we cannot keep your details without your consent.")
        }
        guard errors.isEmpty, let name else { return .invalid(errors) }
        let source = text(s.utmSource).map { String($0.lowercased().prefix(100)) }
        return .accepted(ProspectDraft(campaignId: campaignId, name: name, mobile: mobile.map(Self.nationalMobile), email: email?.lowercased(),
                                       company: text(s.company), message: text(s.message), utmSource: source,
                                       consentAt: now, privacyNoticeVersion: privacyNoticeVersion))
    }

    /// "+86 138-0013-8000" → "13800138000", for one way of finding duplicates.
    static func nationalMobile(_ valid: String) -> String {
        let digits = valid.filter(\.isASCIIDigit)
        return digits.count == 13 ? String(digits.dropFirst(2)) : digits
    }
}
