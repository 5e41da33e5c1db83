import Foundation
import Testing
@testable import VanguardCore

/// The public lead form of a campaign (MKT-4, PIPL) and its rate limit.
@Suite("Marketing lead form and rate limit (MKT-4)")
struct MarketingLeadFormTests {
    let campaign = UUID()
    let now = chinaTime("2026-03-16 10:00")
    var form: LeadForm { LeadForm(campaignId: campaign, privacyNoticeVersion: "2026-01") }

    @Test("MKT-4: a sign-up with consent becomes a prospect attributed to the campaign and UTM source, with the privacy notice's version")
    func accepted() {
        let outcome = form.submit(LeadSubmission(name: " 王芳 ", mobile: "+86 138-0013-8000", email: "Wang.Fang@Example.CN", company: "华东机械",
                                                 consent: true, utmSource: "WeChat"), now: now)
        guard case .accepted(let p) = outcome else { Issue.record("expected a prospect, got \(outcome)"); return }
        #expect(p.campaignId == campaign)
        #expect(p.name == "王芳")
        #expect(p.mobile == "13800138000")
        #expect(p.email == "wang.fang@example.cn")
        #expect(p.utmSource == "wechat")
        #expect(p.consentAt == now)
        #expect(p.privacyNoticeVersion == "2026-01")
        let custom = LeadForm(campaignId: campaign, privacyNoticeVersion: "2026-07")
        guard case .accepted(let q) = custom.submit(LeadSubmission(name: "李雷", email: "li@example.com", consent: true), now: now) else {
            Issue.record("an e-mail alone is a way to reach the person"); return
        }
        #expect(q.privacyNoticeVersion == "2026-07" && q.mobile == nil && q.utmSource == nil)
    }

    @Test("MKT-4, PIPL: without consent nothing is kept, and the form says so beside the checkbox")
    func consentRequired() {
        let outcome = form.submit(LeadSubmission(name: "王芳", mobile: "13800138000", consent: false), now: now)
        guard case .invalid(let errors) = outcome else { Issue.record("must be refused"); return }
        #expect(errors.all.map(\.field) == ["consent"])
        #expect(errors.first("consent")?.code == "consentRequired")
    }

    @Test("MKT-4: name, a way to reach the person, a mainland mobile and a valid e-mail are checked all at once")
    func fieldErrors() {
        guard case .invalid(let none) = form.submit(LeadSubmission(name: "", consent: true), now: now) else { Issue.record("must be refused"); return }
        #expect(Set(none.all.map { "\($0.field) \($0.code)" }) == ["name required", "mobile contactRequired"])
        guard case .invalid(let bad) = form.submit(LeadSubmission(name: "王芳", mobile: "12345", email: "wang@", consent: true), now: now) else {
            Issue.record("must be refused"); return
        }
        #expect(Set(bad.all.map { "\($0.field) \($0.code)" }) == ["mobile invalidMobile", "email invalidEmail"])
        let long = LeadSubmission(name: String(repeating: "名", count: 101), email: "a@b.cn", message: String(repeating: "x", count: 2001), consent: true)
        guard case .invalid(let tooLong) = form.submit(long, now: now) else { Issue.record("must be refused"); return }
        #expect(Set(tooLong.all.map { "\($0.field) \($0.code)" }) == ["name tooLong", "message tooLong"])
    }

    @Test("MKT-4: a filled honeypot is answered like a success and kept nowhere, whatever else was sent")
    func honeypot() {
        #expect(form.submit(LeadSubmission(name: "Bot", email: "bot@spam.example", consent: true, honeypot: "http://spam.example"), now: now) == .discarded)
        #expect(form.submit(LeadSubmission(consent: false, honeypot: "x"), now: now) == .discarded, "no field errors to teach the robot")
        if case .discarded = form.submit(LeadSubmission(name: "王芳", mobile: "13800138000", consent: true, honeypot: "  "), now: now) {
            Issue.record("a blank honeypot is a person")
        }
    }

    @Test("MKT-4: a flood from one address is slowed with Retry-After; every post let through counts; the bucket refills with time")
    func rateLimit() {
        var limiter = RateLimiter(limit: RateLimit(capacity: 3, refillSeconds: 60))
        let ip = "203.0.113.7"
        #expect((0..<3).map { _ in limiter.take(client: ip, now: now) } == [.allowed, .allowed, .allowed])
        #expect(limiter.take(client: ip, now: now) == .limited(retryAfterSeconds: 60))
        #expect(limiter.take(client: ip, now: now + 45) == .limited(retryAfterSeconds: 15))
        #expect(limiter.take(client: "198.51.100.1", now: now) == .allowed, "another address has its own bucket")
        #expect(limiter.take(client: ip, now: now + 60) == .allowed, "one token back after a minute")
        #expect(limiter.take(client: ip, now: now + 61) == .limited(retryAfterSeconds: 59))
        #expect(limiter.take(client: ip, now: now + 60 + 150) == .allowed, "two and a half minutes: two tokens, the half kept for later")
        #expect(limiter.take(client: ip, now: now + 60 + 150) == .allowed)
        #expect(limiter.take(client: ip, now: now + 60 + 150) == .limited(retryAfterSeconds: 30))
        #expect(limiter.take(client: ip, now: now + 60 + 180) == .allowed)
        // A flood of 100 posts in 10 minutes lets through the bucket plus one a minute, no more.
        var flood = RateLimiter(limit: .standard)
        let allowed = (0..<100).filter { i in flood.take(client: "192.0.2.9", now: now + Double(i) * 6) == .allowed }.count
        #expect(allowed == 5 + 9)
    }

    @Test("MKT-4: the bucket never overfills, a clock behind it takes nothing, and full buckets are forgotten")
    func bucketEdges() {
        let limit = RateLimit(capacity: 2, refillSeconds: 10)
        let (_, used) = limit.take(nil, now: now)
        #expect(used.tokens == 1)
        #expect(limit.refilled(used, now: now + 3600).tokens == 2)
        #expect(limit.refilled(used, now: now - 30) == used, "another instance's slower clock")
        var limiter = RateLimiter(limit: limit)
        _ = limiter.take(client: "203.0.113.7", now: now)
        _ = limiter.take(client: "203.0.113.8", now: now + 9)
        limiter.prune(now: now + 12)
        #expect(Array(limiter.buckets.keys) == ["203.0.113.8"])
    }

    @Test("MKT-4: IPv6 clients are limited by their /64 network")
    func clientKeys() {
        #expect(RateLimit.clientKey("203.0.113.7") == "203.0.113.7")
        #expect(RateLimit.clientKey("2001:db8:85a3:1:aaaa::1") == "2001:db8:85a3:1::/64")
        #expect(RateLimit.clientKey("2001:DB8:85A3:0001:bbbb:cccc:dddd:eeee") == "2001:db8:85a3:1::/64")
        #expect(RateLimit.clientKey("2001:db8::1") == "2001:db8:0:0::/64")
        #expect(RateLimit.clientKey("fe80::1%eth0") == "fe80:0:0:0::/64")
        #expect(RateLimit.clientKey("::ffff:203.0.113.7") == "203.0.113.7")
        var limiter = RateLimiter(limit: RateLimit(capacity: 1, refillSeconds: 60))
        #expect(limiter.take(client: "2001:db8:85a3:1::1", now: now) == .allowed)
        #expect(limiter.take(client: "2001:db8:85a3:1::2", now: now) == .limited(retryAfterSeconds: 60), "rotating addresses in the /64 does not help")
    }
}
