import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The public form's sign-ups are written a batch per transaction (MKT-4 under a stand's rush):
/// the same answers as one by one, and one bad post never costs another its place.
@Suite("Marketing: lead sign-ups written together")
struct MarketingLeadSignUpTests {
    typealias Flow = MarketingCampaignFlowTests

    static func signUp(_ c: CampaignDTO, _ form: LeadForm, _ name: String, mobile: String? = nil, email: String? = nil,
                       from address: String, at: Date) -> LeadSignUps.SignUp {
        let post = LeadBatch.Post(clientKey: RateLimit.clientKey(address),
                                  outcome: form.submit(LeadSubmission(name: name, mobile: mobile, email: email, consent: true), now: at), at: at)
        return LeadSignUps.SignUp(campaignId: c.id, campaignCode: c.code, post: post, requestId: nil, ip: address)
    }

    /// A running campaign, its planner, its form's rules and the moment.
    static func runningForm(_ world: TestWorld) async throws -> (CampaignDTO, PromotionPeople, LeadForm, Date) {
        let team = try await world.seedTeam()
        let p = try await world.seedPromotion(team)
        let c = try await Flow.runningExpo(world, team, p)
        return (c, p, LeadForm(campaignId: c.id, privacyNoticeVersion: "2026-01"), world.clock.now())
    }

    @Test("MKT-4: a batch keeps each sign-up as one by one would: the same person twice is one prospect touched twice, an address's sixth post is slowed, each has its history")
    func batchKeepsEach() async throws {
        try await withApp { world in
            let (c, p, form, now) = try await Self.runningForm(world)
            let batch = [
                Self.signUp(c, form, "王芳", mobile: "13800138000", from: "203.0.113.1", at: now),
                Self.signUp(c, form, "王芳", mobile: "+86 138 0013 8000", email: "wang@example.cn", from: "203.0.113.2", at: now),
                Self.signUp(c, form, "李雷", email: "li@example.cn", from: "203.0.113.3", at: now),
            ] + (0..<6).map { Self.signUp(c, form, "刷单\($0)", mobile: "1390000000\($0)", from: "198.51.100.9", at: now) }
            let results = try await LeadSignUps.write(batch, app: world.app).map { try $0.get() }
            guard case .new(let wang) = results[0] else { Issue.record("\(results[0])"); return }
            #expect(results[1] == .known(wang), "the same mobile in the same batch is the same prospect")
            #expect(results[8] == .limited(retryAfterSeconds: 60))
            #expect(try await Customer.query(on: world.db).filter(\.$source == "campaign").count() == 7, "王芳, 李雷 and five from the flood")
            #expect(try await Contact.query(on: world.db).filter(\.$customer.$id == wang.customer).count() == 1)
            let prospect = try #require(try await Customer.find(wang.customer, on: world.db))
            #expect(prospect.searchText.split(separator: " ").contains("0013"), "the customer search finds the prospect by the mobile given (its four-digit groups)")
            #expect(try await CampaignTouch.query(on: world.db).count() == 8, "every kept post is a touch; the slowed one is not")
            let leads = try await world.api(.GET, "/api/v1/campaigns/\(c.id)/evaluation", token: p.member.token).json(CampaignEvaluationDTO.self)
            #expect(leads.leads == 7, "the roll-up counts each prospect once")
            let history = try await AuditEvent.query(on: world.db).filter(\.$entityType == "campaignLead").all()
            #expect(history.count == 8)
            #expect(history.filter { $0.action == "update" }.count == 1 && history.allSatisfy { $0.entityLabel.hasPrefix(c.code) })
            // The stored bucket goes on counting: the flood's address is still slowed by the next post.
            let next = await LeadSignUps.write([Self.signUp(c, form, "刷单6", mobile: "13900000006", from: "198.51.100.9", at: now)], app: world.app)
            #expect(try next[0].get() == .limited(retryAfterSeconds: 60))
        }
    }

    @Test("MKT-4: a batch that cannot be written is written again one post at a time, so only the bad post fails")
    func badPostAlone() async throws {
        try await withApp { world in
            let (c, _, form, now) = try await Self.runningForm(world)
            var gone = Self.signUp(c, form, "幽灵", mobile: "13700000000", from: "203.0.113.8", at: now)
            gone.campaignId = UUID()  // no such campaign: its touch breaks the foreign key
            let results = await LeadSignUps.write([Self.signUp(c, form, "王芳", mobile: "13800138000", from: "203.0.113.1", at: now), gone,
                                                   Self.signUp(c, form, "李雷", email: "li@example.cn", from: "203.0.113.3", at: now)], app: world.app)
            #expect((try? results[0].get())?.match != nil && (try? results[2].get())?.match != nil)
            #expect((try? results[1].get()) == nil)
            #expect(try await CampaignTouch.query(on: world.db).count() == 2)
            #expect(try await Customer.query(on: world.db).filter(\.$source == "campaign").count() == 2, "the failed post left no prospect behind")
        }
    }

    @Test("MKT-4: forty visitors posting at the same moment are all kept once, and the flood among them is slowed as if it came one by one")
    func concurrentPosts() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Flow.runningExpo(world, team, p)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        // Thirty visitors, one of them posting twice; ten posts from one address.
                        let address = i < 30 ? "203.0.113.\(i + 1)" : "198.51.100.9"
                        let mobile = i == 29 ? "13800000000" : "138000000\(String(format: "%02d", i))"
                        return try await Flow.signUp(world, c.slug, ["name": "访客\(i)", "mobile": mobile, "consent": "true"], from: address).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 35 && statuses.filter { $0 == .tooManyRequests }.count == 5)
            #expect(try await CampaignTouch.query(on: world.db).count() == 35, "every answered sign-up is kept, once")
            #expect(try await Customer.query(on: world.db).filter(\.$source == "campaign").count() == 34, "the visitor who posted twice is one prospect")
        }
    }
}
