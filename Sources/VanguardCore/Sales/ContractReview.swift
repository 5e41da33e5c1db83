import Foundation

/// One term the reviewer must check before a sales contract is signed (SP-4, RSK-S3). Optional
/// items may be left unchecked; a failed item still stops the review.
public struct ContractReviewItem: Sendable, Codable, Equatable {
    public var key: String
    public var name: LocalizedText
    public var required: Bool

    public init(key: String, name: LocalizedText, required: Bool = true) {
        self.key = key
        self.name = name
        self.required = required
    }
}

/// What the reviewer found for one checklist item.
public enum ReviewVerdict: String, Sendable, Codable, CaseIterable {
    case passed, failed, notChecked
}

/// The reviewer's mark on one checklist item; a failed item needs a note saying what is wrong.
public struct ReviewMark: Sendable, Codable, Equatable {
    public var itemKey: String
    public var verdict: ReviewVerdict
    public var note: String?

    public init(itemKey: String, verdict: ReviewVerdict, note: String? = nil) {
        self.itemKey = itemKey
        self.verdict = verdict
        self.note = note
    }
}

/// The contract part of the policy pack (RSK-S3): the review checklist, and the amount from which
/// a second approver must sign off.
public struct ContractPolicy: Sendable, Codable, Equatable {
    public var checklist: [ContractReviewItem]
    public var secondApprovalThreshold: Money

    public init(checklist: [ContractReviewItem], secondApprovalThreshold: Money) {
        self.checklist = checklist
        self.secondApprovalThreshold = secondApprovalThreshold
    }

    /// The default checklist; contracts of ¥500,000.00 or more need two approvers.
    public static let `default` = ContractPolicy(checklist: ContractReview.defaultChecklist,
                                                 secondApprovalThreshold: Money(fen: 500_000_00))
}

/// The result of a contract review: it passes when every required item passed and no item failed.
public struct ReviewOutcome: Sendable, Equatable {
    /// Items that stop the review, in checklist order: required ones not passed, and failed optional ones.
    public var notPassed: [ContractReviewItem]

    public var passed: Bool { notPassed.isEmpty }
}

/// A sales contract's life (SP-4): drafted, reviewed, approved, signed; or cancelled before signing.
public enum ContractStatus: String, Sendable, Codable, CaseIterable {
    case draft, inReview, approved, signed, cancelled
}

/// What must hold before a contract is approved or signed (RSK-S3).
public enum ContractRequirement: String, Sendable, Codable, CaseIterable {
    case reviewPassed
    case approval
    case secondApproval
    case signedFile
}

/// What a contract has, as far as the review rules care.
public struct ContractFacts: Sendable, Equatable {
    public var amount: Money
    public var owner: UUID
    /// Who approved, in order; the owner's own approval and repeats do not count.
    public var approvers: [UUID]
    public var marks: [ReviewMark]
    /// Whether the signed contract (scan or file) is attached.
    public var hasSignedFile: Bool

    public init(amount: Money, owner: UUID, approvers: [UUID] = [], marks: [ReviewMark] = [], hasSignedFile: Bool = false) {
        self.amount = amount
        self.owner = owner
        self.approvers = approvers
        self.marks = marks
        self.hasSignedFile = hasSignedFile
    }
}

/// Why a contract may not move, in words the salesperson can act on; `code` is stable for clients.
public struct ContractMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var missing: [ContractRequirement]
    /// Keys of the checklist items that stop the review.
    public var itemsNotPassed: [String]
    public var message: String
}

/// Contract review before signing (SP-4, RSK-S3): a checklist, approvals by people other than the
/// owner (two different people from the policy's amount on), and the status machine they gate.
public enum ContractReview {
    /// The checklist the policy describes: parties, amount and payment, delivery and acceptance,
    /// liability for breach, disputes, confidentiality, intellectual property (optional), legality.
    public static let defaultChecklist: [ContractReviewItem] = [
        .init(key: "parties", name: .init(zhHans: "签约主体及授权", zhHant: "簽約主體及授權", en: "Parties and their authority to sign")),
        .init(key: "amountAndPayment", name: .init(zhHans: "金额与付款条件", zhHant: "金額與付款條件", en: "Amount and payment terms")),
        .init(key: "deliveryAndAcceptance", name: .init(zhHans: "交付与验收", zhHant: "交付與驗收", en: "Delivery and acceptance")),
        .init(key: "breachLiability", name: .init(zhHans: "违约责任", zhHant: "違約責任", en: "Liability for breach")),
        .init(key: "disputeResolution", name: .init(zhHans: "争议解决", zhHant: "爭議解決", en: "Dispute resolution")),
        .init(key: "confidentiality", name: .init(zhHans: "保密条款", zhHant: "保密條款", en: "Confidentiality")),
        .init(key: "intellectualProperty", name: .init(zhHans: "知识产权", zhHant: "知識產權", en: "Intellectual property"), required: false),
        .init(key: "legality", name: .init(zhHans: "条款合法合规", zhHant: "條款合法合規", en: "Lawfulness and compliance of the terms")),
    ]

    /// Every problem with the reviewer's marks, by field (`marks[3].note`): unknown or repeated
    /// items, and failed items without a note.
    public static func validate(marks: [ReviewMark], checklist: [ContractReviewItem] = defaultChecklist) -> FieldErrors {
        var errors = FieldErrors()
        var seen = Set<String>()
        let keys = Set(checklist.map(\.key))
        for (i, mark) in marks.enumerated() {
            if !keys.contains(mark.itemKey) {
                errors.add("marks[\(i)].itemKey", "unknownItem", "The checklist has no item \"\(mark.itemKey)\".")
            } else if !seen.insert(mark.itemKey).inserted {
                errors.add("marks[\(i)].itemKey", "duplicate", "The item \"\(mark.itemKey)\" is marked twice.")
            }
            if mark.verdict == .failed && isBlank(mark.note) {
                errors.add("marks[\(i)].note", "required", "Say what is wrong with a failed item.")
            }
        }
        return errors
    }

    /// Whether the review passed: every required item passed, and no item failed.
    public static func outcome(marks: [ReviewMark], checklist: [ContractReviewItem] = defaultChecklist) -> ReviewOutcome {
        var verdicts: [String: ReviewVerdict] = [:]
        for mark in marks where verdicts[mark.itemKey] == nil { verdicts[mark.itemKey] = mark.verdict }
        let stopping = checklist.filter { item in
            let verdict = verdicts[item.key] ?? .notChecked
            return verdict == .failed || (item.required && verdict != .passed)
        }
        return ReviewOutcome(notPassed: stopping)
    }

    /// The approvals still missing: one approver other than the owner, and from the policy's
    /// threshold on (amount ≥ threshold) a second one who is neither the owner nor the first.
    public static func missingApprovals(amount: Money, owner: UUID, approvers: [UUID], policy: ContractPolicy = .default) -> [ContractRequirement] {
        var distinct: [UUID] = []
        for a in approvers where a != owner && !distinct.contains(a) { distinct.append(a) }
        let needed = amount >= policy.secondApprovalThreshold ? 2 : 1
        return [ContractRequirement.approval, .secondApproval].enumerated()
            .filter { $0.offset < needed && $0.offset >= distinct.count }.map(\.element)
    }

    /// nil when the contract may move from one status to the other; otherwise what stands in the
    /// way. Approving needs a passed review and the approvals; signing needs those and the signed
    /// file. Until signed a contract may go back to draft or review, or be cancelled; a signed or
    /// cancelled contract is final.
    public static func refusal(from: ContractStatus, to: ContractStatus, facts: ContractFacts, policy: ContractPolicy = .default) -> ContractMoveRefusal? {
        if from == to { return nil }
        switch from {
        case .signed:
            return ContractMoveRefusal(code: "contractSigned", missing: [], itemsNotPassed: [],
                                       message: "A signed contract is final; record an amendment or a termination instead.")
        case .cancelled:
            return ContractMoveRefusal(code: "contractCancelled", missing: [], itemsNotPassed: [],
                                       message: "A cancelled contract is final; draft a new contract instead.")
        case .draft, .inReview, .approved:
            break
        }
        guard to == .approved || to == .signed else { return nil }
        let review = outcome(marks: facts.marks, checklist: policy.checklist)
        var missing: [ContractRequirement] = review.passed ? [] : [.reviewPassed]
        missing += missingApprovals(amount: facts.amount, owner: facts.owner, approvers: facts.approvers, policy: policy)
        if to == .signed && !facts.hasSignedFile { missing.append(.signedFile) }
        guard !missing.isEmpty else { return nil }
        let words = missing.map { describe($0, review: review, facts: facts, policy: policy) }.joined(separator: "; ")
        return ContractMoveRefusal(code: "contractRequirements", missing: missing, itemsNotPassed: review.notPassed.map(\.key),
                                   message: "May not mark \(to == .signed ? "signed" : "approved"): \(words).")
    }

    static func describe(_ r: ContractRequirement, review: ReviewOutcome, facts: ContractFacts, policy: ContractPolicy) -> String {
        switch r {
        case .reviewPassed:
            let names = review.notPassed.map(\.name.en).joined(separator: ", ")
            return "review not passed (\(review.notPassed.count == 1 ? "item" : "items") \(names) not passed)"
        case .approval:
            return "an approver other than the contract's owner is needed"
        case .secondApproval:
            return "contracts of \(policy.secondApprovalThreshold) or more need a second approver, other than the owner and the first approver"
        case .signedFile:
            return "the signed contract file is not attached"
        }
    }

    static func isBlank(_ text: String?) -> Bool {
        text?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true
    }
}
