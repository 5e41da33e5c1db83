import Foundation
import Testing
@testable import VanguardCore

/// Sign-ups written together in one transaction decide exactly as if written one by one (MKT-4).
@Suite("Marketing lead sign-ups written in a batch (MKT-4)")
struct MarketingLeadBatchTests {
    let campaign = UUID()
    let now = chinaTime("2026-03-16 10:00")
    var form: LeadForm { LeadForm(campaignId: campaign, privacyNoticeVersion: "2026-01") }

    func post(_ address: String, name: String = "王芳", mobile: String? = nil, email: String? = nil, consent: Bool = true, trap: String? = nil) -> LeadBatch.Post {
        LeadBatch.Post(clientKey: RateLimit.clientKey(address),
                       outcome: form.submit(LeadSubmission(name: name, mobile: mobile, email: email, consent: consent, honeypot: trap), now: now), at: now)
    }

    /// Ids handed out in order, so a test can name them.
    final class IDs {
        var made: [UUID] = []
        func next() -> UUID { let id = UUID(); made.append(id); return id }
    }

    @Test("MKT-4: one address's posts in a batch take its tokens in turn; the sixth within the minute is slowed, another address is not")
    func bucketsInTurn() {
        var batch = LeadBatch(limit: .standard, buckets: [:], byMobile: [:], byEmail: [:])
        let posts = (0..<6).map { post("10.0.0.1", name: "访客\($0)", mobile: "1380013800\($0)") } + [post("10.0.0.2", mobile: "13900139000")]
        let ids = IDs()
        let (decisions, changed) = batch.decide(posts, newID: ids.next)
        #expect(decisions.prefix(5).allSatisfy { if case .new = $0 { true } else { false } })
        #expect(decisions[5] == .limited(retryAfterSeconds: 60))
        if case .new = decisions[6] {} else { Issue.record("another address is not slowed: \(decisions[6])") }
        #expect(changed["10.0.0.1"]?.tokens == 0)
        #expect(changed["10.0.0.2"]?.tokens == 4)
    }

    @Test("MKT-4: a bucket stored as empty slows the address's first post of the batch too")
    func storedBucket() {
        var batch = LeadBatch(limit: .standard, buckets: ["10.0.0.9": .init(tokens: 0, refilledAt: now.addingTimeInterval(-20))], byMobile: [:], byEmail: [:])
        let (decisions, _) = batch.decide([post("10.0.0.9", mobile: "13800138000")], newID: UUID.init)
        #expect(decisions == [.limited(retryAfterSeconds: 40)])
    }

    @Test("MKT-4: the same person twice in one batch, by mobile or else by e-mail, is one new prospect; a kept one is touched again")
    func samePersonOnce() {
        let kept = LeadBatch.Match(customer: UUID(), contact: UUID())
        var batch = LeadBatch(limit: .standard, buckets: [:], byMobile: [:], byEmail: ["li@example.com": kept])
        let ids = IDs()
        let (decisions, _) = batch.decide([
            post("10.0.0.1", mobile: "+86 138-0013-8000"),
            post("10.0.0.2", mobile: "13800138000", email: "other@example.com"),
            post("10.0.0.3", name: "李雷", email: "LI@example.com"),
            post("10.0.0.4", name: "韩梅梅", email: "han@example.com"),
            post("10.0.0.5", name: "韩梅梅", mobile: "13700137000", email: "han@example.com"),
        ], newID: ids.next)
        let first = LeadBatch.Match(customer: ids.made[0], contact: ids.made[1])
        let han = LeadBatch.Match(customer: ids.made[2], contact: ids.made[3])
        #expect(decisions == [.new(first), .known(first), .known(kept), .new(han), .known(han)])
        #expect(ids.made.count == 4)
    }

    @Test("MKT-4, PIPL: a refused or trapped post takes a token but keeps nothing")
    func refusedKeepNothing() {
        var batch = LeadBatch(limit: RateLimit(capacity: 2, refillSeconds: 60), buckets: [:], byMobile: [:], byEmail: [:])
        let (decisions, _) = batch.decide([
            post("10.0.0.1", mobile: "13800138000", consent: false),
            post("10.0.0.1", mobile: "13800138000", trap: "http://spam"),
            post("10.0.0.1", mobile: "13800138000"),
        ], newID: UUID.init)
        if case .invalid(let e) = decisions[0] { #expect(e.all.map(\.field) == ["consent"]) } else { Issue.record("\(decisions[0])") }
        #expect(decisions[1] == .discarded)
        #expect(decisions[2] == .limited(retryAfterSeconds: 60))
        #expect(decisions.compactMap(\.match).isEmpty)
    }

    @Test("MKT-4: the look-ups are the accepted posts' phone keys and e-mails")
    func lookups() {
        let (mobiles, emails) = LeadBatch.lookups([post("1", mobile: "+86 138 0013 8000", email: "A@b.cn"), post("2", mobile: "13900139000", consent: false)])
        #expect(mobiles == ["13800138000"])
        #expect(emails == ["a@b.cn"])
    }
}
