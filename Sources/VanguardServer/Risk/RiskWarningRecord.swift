import Fluent
import Vapor
import VanguardCore

/// A risk early warning raised by the policy pack's rules (RSK-M2; later RSK-S*, RSK-C*): what was
/// found, about which subject and period, how urgent, whose it is and the plan to respond; then
/// acknowledged and resolved with who, when and what was done. `dedupe_key` is unique, so the same
/// rule, subject and period is one warning however many instances scan.
final class RiskWarningRecord: Model, @unchecked Sendable {
    static let schema = "risk_warnings"

    @ID(key: .id) var id: UUID?
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "rule_key") var ruleKey: String
    @Field(key: "clause") var clause: String
    @Field(key: "severity") var severity: String
    @Field(key: "subject_kind") var subjectKind: String
    @Field(key: "subject_id") var subjectId: String
    @Field(key: "period") var period: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "message_zh_hans") var messageZhHans: String
    @Field(key: "message_zh_hant") var messageZhHant: String
    @Field(key: "message_en") var messageEn: String
    /// The rule's figure in basis points (1250 = 12.5 %), when it has one.
    @OptionalField(key: "measured_bp") var measuredBP: Int64?
    @Field(key: "response_plan") var responsePlan: String
    @Field(key: "status") var status: String
    @Field(key: "raised_at") var raisedAt: Date
    /// `raised_at` as sortable text, the list's keyset column.
    @Field(key: "raised_key") var raisedKey: String
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: UUID?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: UUID?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @Field(key: "resolution_note") var resolutionNote: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var warningStatus: RiskWarningStatus { RiskWarningStatus(rawValue: status) ?? .open }
    var message: LocalizedText { LocalizedText(zhHans: messageZhHans, zhHant: messageZhHant, en: messageEn) }

    /// A new, open warning from what the engine found; the response plan is the policy's, in the
    /// company's language (it is edited by people from then on).
    convenience init(_ w: RiskWarning, at now: Date) {
        self.init()
        id = UUID.timeOrdered()
        dedupeKey = w.dedupeKey; ruleKey = w.ruleKey; clause = w.clause; severity = w.severity.rawValue
        subjectKind = w.subjectKind; subjectId = w.subjectId; period = w.period; ownerMemberId = w.ownerId
        messageZhHans = w.message.zhHans; messageZhHant = w.message.zhHant; messageEn = w.message.en
        measuredBP = w.measured?.basisPoints; responsePlan = w.responsePlan?.zhHans ?? ""
        status = RiskWarningStatus.open.rawValue; raisedAt = now; raisedKey = RiskWarningRecord.key(now)
        resolutionNote = ""; version = 1
    }

    static func key(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}

struct RiskWarningDTO: Content, Equatable {
    var id: UUID
    var ruleKey: String
    var clause: String
    var severity: String
    var subjectKind: String
    var subjectId: String
    var period: String
    var ownerId: UUID?
    var message: String
    var messages: [String: String]
    var measuredPercent: Double?
    var responsePlan: String
    var status: String
    var statusName: String
    var raisedAt: Date
    var acknowledgedBy: UUID?
    var acknowledgedAt: Date?
    var resolvedBy: UUID?
    var resolvedAt: Date?
    var resolutionNote: String
    var version: Int

    init(_ w: RiskWarningRecord, locale: AppLocale) {
        id = w.id!; ruleKey = w.ruleKey; clause = w.clause; severity = w.severity; subjectKind = w.subjectKind; subjectId = w.subjectId
        period = w.period; ownerId = w.ownerMemberId; message = w.message[locale]
        messages = ["zh-Hans": w.messageZhHans, "zh-Hant": w.messageZhHant, "en": w.messageEn]
        measuredPercent = w.measuredBP.map { Double($0) / 100 }; responsePlan = w.responsePlan; status = w.status
        statusName = w.warningStatus.name[locale]; raisedAt = w.raisedAt; acknowledgedBy = w.acknowledgedBy; acknowledgedAt = w.acknowledgedAt
        resolvedBy = w.resolvedBy; resolvedAt = w.resolvedAt; resolutionNote = w.resolutionNote; version = w.version
    }
}

/// What the owner may change: the response plan, the status, and the note that resolves it.
struct RiskWarningInput: Content {
    var responsePlan: String?
    var status: String?
    var resolutionNote: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case responsePlan, status, resolutionNote }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        responsePlan = try c.decodeIfPresentNonNull(String.self, forKey: .responsePlan)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        resolutionNote = try c.decodeIfPresentNonNull(String.self, forKey: .resolutionNote)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(status, forKey: .status)
    }
}
