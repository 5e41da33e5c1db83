import Foundation
import Testing
@testable import VanguardCore

/// Contract review before signing (SP-4, RSK-S3): the checklist, the approvals and the status rules.
@Suite("Contract review (SP-4, RSK-S3)")
struct SalesContractTests {
    let owner = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    let lead = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    let legal = UUID(uuidString: "00000000-0000-0000-0000-00000000000C")!

    /// Every required item passed; the optional intellectual-property item left unchecked.
    var allPassed: [ReviewMark] {
        ContractReview.defaultChecklist.filter(\.required).map { ReviewMark(itemKey: $0.key, verdict: .passed) }
    }

    func marks(_ changes: [String: ReviewVerdict]) -> [ReviewMark] {
        allPassed.map { ReviewMark(itemKey: $0.itemKey, verdict: changes[$0.itemKey] ?? .passed, note: changes[$0.itemKey] == .failed ? "见附注" : nil) }
    }

    @Test("the default checklist covers the terms the policy names, in three languages")
    func checklist() {
        let keys = ContractReview.defaultChecklist.map(\.key)
        #expect(keys == ["parties", "amountAndPayment", "deliveryAndAcceptance", "breachLiability", "disputeResolution",
                         "confidentiality", "intellectualProperty", "legality"])
        #expect(ContractReview.defaultChecklist.first?.name[.zhHans] == "签约主体及授权")
        #expect(ContractReview.defaultChecklist.first?.name[.zhHant] == "簽約主體及授權")
        #expect(ContractReview.defaultChecklist.allSatisfy { !$0.name.en.isEmpty && !$0.name.zhHant.isEmpty })
        #expect(ContractReview.defaultChecklist.filter { !$0.required }.map(\.key) == ["intellectualProperty"])
    }

    @Test("the review passes when every required item passed")
    func passes() {
        #expect(ContractReview.outcome(marks: allPassed).passed)
    }

    @Test("a required item failed or not checked stops the review; so does a failed optional item")
    func stops() {
        let outcome = ContractReview.outcome(marks: marks(["disputeResolution": .failed, "confidentiality": .notChecked]))
        #expect(!outcome.passed)
        #expect(outcome.notPassed.map(\.key) == ["disputeResolution", "confidentiality"])
        let missing = ContractReview.outcome(marks: Array(allPassed.dropLast()))
        #expect(missing.notPassed.map(\.key) == ["legality"], "an item with no mark is not checked")
        let ipFailed = ContractReview.outcome(marks: allPassed + [ReviewMark(itemKey: "intellectualProperty", verdict: .failed, note: "归属不明")])
        #expect(ipFailed.notPassed.map(\.key) == ["intellectualProperty"])
    }

    @Test("a failed item needs a note; unknown and repeated items are refused")
    func markValidation() {
        let errors = ContractReview.validate(marks: [
            ReviewMark(itemKey: "parties", verdict: .failed, note: "  "),
            ReviewMark(itemKey: "warranty", verdict: .passed),
            ReviewMark(itemKey: "parties", verdict: .passed),
            ReviewMark(itemKey: "legality", verdict: .failed, note: "违约金过高"),
        ])
        #expect(errors.first("marks[0].note")?.code == "required")
        #expect(errors.first("marks[1].itemKey")?.code == "unknownItem")
        #expect(errors.first("marks[2].itemKey")?.code == "duplicate")
        #expect(errors.first("marks[3].note") == nil)
        #expect(errors.all.count == 3)
    }

    @Test("below the threshold one approver other than the owner suffices")
    func oneApprover() {
        let amount = Money(fen: 499_999_99)
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: []) == [.approval])
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [owner]) == [.approval], "the owner cannot approve their own contract")
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [lead]).isEmpty)
    }

    @Test("at or above the threshold a second approver, neither the owner nor the first, is needed (RSK-S3)")
    func secondApprover() {
        let amount = Money(fen: 500_000_00)
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: []) == [.approval, .secondApproval])
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [lead]) == [.secondApproval])
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [lead, lead]) == [.secondApproval])
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [lead, owner]) == [.secondApproval])
        #expect(ContractReview.missingApprovals(amount: amount, owner: owner, approvers: [lead, legal]).isEmpty)
        let lower = ContractPolicy(checklist: ContractReview.defaultChecklist, secondApprovalThreshold: Money(fen: 100_000_00))
        #expect(ContractReview.missingApprovals(amount: Money(fen: 100_000_00), owner: owner, approvers: [lead], policy: lower) == [.secondApproval])
    }

    @Test("may not mark signed: review not passed, with the items named")
    func signedNeedsReview() throws {
        let facts = ContractFacts(amount: Money(fen: 100_000_00), owner: owner, approvers: [lead],
                                  marks: marks(["disputeResolution": .failed, "confidentiality": .notChecked]), hasSignedFile: true)
        let refused = try #require(ContractReview.refusal(from: .approved, to: .signed, facts: facts))
        #expect(refused.code == "contractRequirements")
        #expect(refused.missing == [.reviewPassed])
        #expect(refused.itemsNotPassed == ["disputeResolution", "confidentiality"])
        #expect(refused.message == "May not mark signed: review not passed (items Dispute resolution, Confidentiality not passed).")
    }

    @Test("approving needs the passed review and the approvals; signing also the signed file")
    func gates() {
        var facts = ContractFacts(amount: Money(fen: 800_000_00), owner: owner, approvers: [lead], marks: allPassed)
        let approve = ContractReview.refusal(from: .inReview, to: .approved, facts: facts)
        #expect(approve?.missing == [.secondApproval])
        #expect(approve?.message.contains("contracts of ¥500,000.00 or more need a second approver") == true)
        facts.approvers = [lead, legal]
        #expect(ContractReview.refusal(from: .inReview, to: .approved, facts: facts) == nil)
        #expect(ContractReview.refusal(from: .approved, to: .signed, facts: facts)?.missing == [.signedFile])
        facts.hasSignedFile = true
        #expect(ContractReview.refusal(from: .approved, to: .signed, facts: facts) == nil)
        let nothing = ContractFacts(amount: Money(fen: 800_000_00), owner: owner)
        #expect(ContractReview.refusal(from: .draft, to: .signed, facts: nothing)?.missing == [.reviewPassed, .approval, .secondApproval, .signedFile])
    }

    @Test("until signed a contract may go back or be cancelled; a signed or cancelled contract is final")
    func finality() {
        let facts = ContractFacts(amount: Money(fen: 1_00), owner: owner)
        #expect(ContractReview.refusal(from: .draft, to: .inReview, facts: facts) == nil)
        #expect(ContractReview.refusal(from: .inReview, to: .draft, facts: facts) == nil)
        #expect(ContractReview.refusal(from: .approved, to: .draft, facts: facts) == nil)
        for status in [ContractStatus.draft, .inReview, .approved] {
            #expect(ContractReview.refusal(from: status, to: .cancelled, facts: facts) == nil)
        }
        for target in [ContractStatus.draft, .inReview, .approved, .cancelled] {
            #expect(ContractReview.refusal(from: .signed, to: target, facts: facts)?.code == "contractSigned")
        }
        #expect(ContractReview.refusal(from: .cancelled, to: .draft, facts: facts)?.code == "contractCancelled")
    }
}
