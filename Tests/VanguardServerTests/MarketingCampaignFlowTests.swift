import Fluent
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Campaigns from plan to evaluation (MKT-1, MKT-4, MP-2 … MP-4): the plan's rules, approval by
/// the lead above the threshold, spend in any currency, daily figures from ad platforms' files,
/// the public sign-up form and the revenue its leads bring in.
@Suite("Marketing: campaigns, approval, spend, metrics, lead form, attribution and evaluation")
struct MarketingCampaignFlowTests {
    static func at(_ world: TestWorld, _ text: String) {
        world.clock.advance(by: ServiceTests.china(text).timeIntervalSince(world.clock.now()))
    }

    static let expoPlan: JSONBody = JSONBody([
        "name": "2026 上海工业展", "type": "exhibition", "goalMetric": "leads", "goalTarget": 200, "audience": "华东制造企业采购负责人",
        "channels": .array(["offline", "wechat"]), "contentPlan": "展台演示 + 现场扫码报名", "budget": 80000, "startOn": "2026-10-10", "endOn": "2026-10-12",
        "slug": "expo-2026",
    ])

    /// A campaign planned by the planner, approved by the lead and running.
    static func runningExpo(_ world: TestWorld, _ team: Team, _ p: PromotionPeople) async throws -> CampaignDTO {
        at(world, "2026-09-25T10:00:00")
        let c = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: expoPlan).json(CampaignDTO.self)
        for (token, status) in [(p.member.token, "submitted"), (team.lead.token, "approved")] {
            let r = try await world.api(.PATCH, "/api/v1/campaigns/\(c.id)", token: token, json: JSONBody(["status": .string(status)]))
            #expect(r.status == .ok, "\(status): \(r.body.string)")
        }
        at(world, "2026-10-10T09:00:00")
        return try await world.api(.PATCH, "/api/v1/campaigns/\(c.id)", token: p.member.token, json: JSONBody(["status": "running"])).json(CampaignDTO.self)
    }

    @Test("MP-2: a plan that ends before it starts, a negative budget or an unknown channel is refused, naming each field, and nothing is saved")
    func badPlans() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let r = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: JSONBody([
                "name": "坏计划", "type": "exhibition", "budget": -5, "channels": .array(["offline", "fax"]), "startOn": "2026-10-12", "endOn": "2026-10-10",
            ]))
            #expect(r.status == .unprocessableEntity)
            #expect(r.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(r.problemFields) == ["budget", "channels[1]", "endOn"])
            #expect(try await Campaign.query(on: world.db).count() == 0)
            // Nobody outside the promotion group plans campaigns.
            #expect(try await world.api(.POST, "/api/v1/campaigns", token: team.salesRep.token, json: Self.expoPlan).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/campaigns", token: team.salesRep.token).status == .ok, "the whole team reads them")
        }
    }

    @Test("MP-2, MKT-1: a draft is submitted only when complete; above the threshold only the team lead approves; nobody approves their own")
    func approval() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            Self.at(world, "2026-09-25T10:00:00")
            let draft = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: JSONBody(["name": "秋季促销", "type": "promotion"])).json(CampaignDTO.self)
            #expect(draft.status == "draft" && draft.formUrl.hasPrefix("/forms/"))
            let incomplete = try await world.api(.PATCH, "/api/v1/campaigns/\(draft.id)", token: p.member.token, json: JSONBody(["status": "submitted"]))
            #expect(incomplete.status == .conflict)
            #expect(Set(incomplete.problemFields).isSuperset(of: ["status", "goal", "audience", "channels", "budget", "period"]))

            let big = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: Self.expoPlan).json(CampaignDTO.self)
            #expect(big.needsLeadApproval, "¥80,000 is above the ¥50,000 threshold")
            #expect(try await world.api(.PATCH, "/api/v1/campaigns/\(big.id)", token: p.member.token, json: JSONBody(["status": "submitted"])).status == .ok)
            let byGroupLead = try await world.api(.PATCH, "/api/v1/campaigns/\(big.id)", token: p.lead.token, json: JSONBody(["status": "approved"]))
            #expect(byGroupLead.status == .conflict && byGroupLead.problem?.errors?.first?.code == "leadApprovalRequired")
            // Lowering the budget to the threshold lets the promotion group's lead approve it; the edit sent it back to draft.
            let lowered = try await world.api(.PATCH, "/api/v1/campaigns/\(big.id)", token: p.member.token, json: JSONBody(["budget": 50000, "status": "submitted"]))
            #expect(try lowered.json(CampaignDTO.self).status == "submitted")
            let approved = try await world.api(.PATCH, "/api/v1/campaigns/\(big.id)", token: p.lead.token, json: JSONBody(["status": "approved"]))
            #expect(approved.status == .ok)
            #expect(try approved.json(CampaignDTO.self).approvedBy == p.lead.user)

            // The group lead's own campaign goes to the team lead.
            let own = try await world.api(.POST, "/api/v1/campaigns", token: p.lead.token, json: JSONBody([
                "name": "公关稿", "type": "publicRelations", "goalMetric": "impressions", "goalTarget": 100000, "audience": "行业媒体读者",
                "channels": .array(["media"]), "contentPlan": "两篇稿件", "budget": 8000, "startOn": "2026-10-01", "endOn": "2026-10-31",
            ])).json(CampaignDTO.self)
            _ = try await world.api(.PATCH, "/api/v1/campaigns/\(own.id)", token: p.lead.token, json: JSONBody(["status": "submitted"]))
            let self_ = try await world.api(.PATCH, "/api/v1/campaigns/\(own.id)", token: p.lead.token, json: JSONBody(["status": "approved"]))
            #expect(self_.problem?.errors?.first?.code == "ownCampaign")
            #expect(try await world.api(.PATCH, "/api/v1/campaigns/\(own.id)", token: team.lead.token, json: JSONBody(["status": "approved"])).status == .ok)

            // Every move is in the campaign's history.
            let history = try await world.api(.GET, "/api/v1/campaigns/\(big.id)/history", token: team.lead.token)
            #expect(history.body.string.contains("\"approved\""))
        }
    }

    @Test("MP-3: a running campaign's budget cannot be raised; spend in another currency needs the rate, is converted once, and counts against the budget")
    func spend() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            #expect(c.status == "running")
            let raised = try await world.api(.PATCH, "/api/v1/campaigns/\(c.id)", token: p.member.token, json: JSONBody(["budget": 90000]))
            #expect(raised.status == .conflict && raised.problemFields == ["budget"])
            let noRate = try await world.api(.POST, "/api/v1/campaigns/\(c.id)/spend", token: p.member.token,
                                             json: JSONBody(["spentOn": "2026-10-10", "currency": "USD", "amount": 1000]))
            #expect(noRate.status == .unprocessableEntity && noRate.problemFields == ["rate"])
            let usd = try await world.api(.POST, "/api/v1/campaigns/\(c.id)/spend", token: p.member.token,
                                          json: JSONBody(["spentOn": "2026-10-10", "currency": "USD", "amount": 1000, "rate": "7.1234", "note": "海外展位"]))
            #expect(usd.status == .created)
            #expect(try usd.json(CampaignSpendDTO.self).cny == 7123.40)
            _ = try await world.api(.POST, "/api/v1/campaigns/\(c.id)/spend", token: p.member.token, json: JSONBody(["spentOn": "2026-10-11", "amount": 75000]))
            let e = try await world.api(.GET, "/api/v1/campaigns/\(c.id)/evaluation", token: team.lead.token).json(CampaignEvaluationDTO.self)
            #expect(e.spend == 82123.40 && e.budget == 80000)
            #expect(e.spendOfBudget == 102.65)
            // RSK-M2: the entry that took the campaign over its budget raised the warning at once, for its owner.
            let overBudget = try await RiskWarningRecord.query(on: world.db).filter(\.$ruleKey == "campaignOverBudget").all()
            #expect(overBudget.count == 1 && overBudget.first?.subjectId == c.id.uuidString && overBudget.first?.ownerMemberId == p.member.member)
            #expect(try await world.api(.POST, "/api/v1/campaigns/\(c.id)/spend", token: team.salesRep.token, json: JSONBody(["spentOn": "2026-10-11", "amount": 1])).status == .forbidden)
        }
    }

    @Test("MP-3, MKT-3: daily figures from an ad platform's file; unknown campaigns or the same day twice write nothing; a day imported again replaces the first")
    func metricsImport() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            func upload(_ path: String, _ csv: String) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: p.member.token)
                headers.replaceOrAdd(name: .contentType, value: "text/csv")
                return try await world.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: csv))
            }
            let bad = try await upload("/api/v1/campaign-metrics/import", """
            日期,推广计划,渠道,展现量,点击量,线索,花费
            2026-10-10,\(c.code),百度,12000,340,12,"1,560.50"
            2026-10-10,\(c.code),百度,100,3,0,10
            2026-10-11,C9999-NOPE,百度,1,1,1,1
            """)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["rows[3].day", "rows[4].campaign"])
            #expect(try await world.api(.GET, "/api/v1/campaigns/\(c.id)/metrics", token: p.member.token).json([CampaignMetrics.RowDTO].self).isEmpty)

            let good = try await upload("/api/v1/campaigns/\(c.id)/metrics/import", """
            Date,Channel,Impressions,Clicks,Leads,Cost,CTR
            2026-10-10,baidu,12000,340,12,1560.50,2.8%
            2026/10/11,douyin,50000,900,30,3000
            """)
            #expect(good.status == .ok, "\(good.body.string)")
            #expect(try good.json(CampaignMetrics.Report.self).ignoredColumns == ["CTR"])
            let again = try await world.api(.POST, "/api/v1/campaigns/\(c.id)/metrics", token: p.member.token, json: JSONBody([
                "rows": .array([JSONBodyValue.object(["channel": "baidu", "day": "2026-10-10", "impressions": 13000, "clicks": 400, "leads": 15, "cost": 1800])]),
            ]))
            #expect(again.status == .ok)
            let rows = try await world.api(.GET, "/api/v1/campaigns/\(c.id)/metrics", token: p.member.token).json([CampaignMetrics.RowDTO].self)
            #expect(rows.map(\.day) == ["2026-10-10", "2026-10-11"] && rows.first?.clicks == 400, "the day was replaced, not added")
            let e = try await world.api(.GET, "/api/v1/campaigns/\(c.id)/evaluation", token: team.lead.token).json(CampaignEvaluationDTO.self)
            #expect((e.impressions, e.clicks, e.platformLeads, e.platformCost) == (63000, 1300, 45, 4800))
            #expect(e.byChannel.map(\.channel) == ["baidu", "douyin"])
        }
    }

    /// The public form as a visitor's browser sends it: the page first (its form token), then the post.
    static func signUp(_ world: TestWorld, _ slug: String, _ fields: [String: String], from address: String = "203.0.113.7") async throws -> TestingHTTPResponse {
        let web = WebClient(world)
        try await web.get("/forms/\(slug)")
        web.extraHeaders = [("X-Forwarded-For", address)]
        return try await web.post("/forms/\(slug)", form: fields)
    }

    @Test("MKT-4, PIPL: a sign-up without consent is refused with what was typed kept; a robot's is dropped; a genuine one becomes a prospect with a contact, attributed to the campaign and its UTM source")
    func leadForm() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            let noConsent = try await Self.signUp(world, c.slug, ["name": "周涛", "mobile": "13900001111", "company": "苏州精工机械"])
            #expect(noConsent.status == .unprocessableEntity)
            #expect(noConsent.body.string.contains("id=\"e-consent\"") && noConsent.body.string.contains("value=\"13900001111\""))
            let robot = try await Self.signUp(world, c.slug, ["name": "bot", "mobile": "13900002222", "consent": "true", "website": "http://spam.example"])
            #expect(robot.status == .ok && robot.body.string.contains("lead-thanks"), "answered like a success")
            #expect(try await Customer.query(on: world.db).filter(\.$source == "campaign").count() == 0)

            let ok = try await Self.signUp(world, c.slug, ["name": "周涛", "mobile": "139-0000-1111", "company": "苏州精工机械", "consent": "true", "utm_source": "WeChat"])
            #expect(ok.status == .ok && ok.body.string.contains("lead-thanks"))
            let customer = try #require(try await Customer.query(on: world.db).filter(\.$source == "campaign").first())
            #expect(customer.name == "苏州精工机械" && customer.status == "prospect" && customer.kind == "company")
            let contact = try #require(try await Contact.query(on: world.db).filter(\.$customer.$id == customer.id!).first())
            #expect(contact.mobile == "13900001111")
            let leads = try await world.api(.GET, "/api/v1/campaigns/\(c.id)/leads", token: p.member.token).json([CampaignResultsAPI.LeadDTO].self)
            #expect(leads.count == 1 && leads.first?.utmSource == "wechat")
            let touch = try #require(try await CampaignTouch.query(on: world.db).first())
            #expect(touch.privacyNoticeVersion == "2026-01", "the consent's proof: which notice was agreed to")
            // The same person again is the same prospect, touched twice.
            _ = try await Self.signUp(world, c.slug, ["name": "周涛", "mobile": "13900001111", "consent": "true"])
            #expect(try await Customer.query(on: world.db).filter(\.$source == "campaign").count() == 1)
            #expect(try await CampaignTouch.query(on: world.db).count() == 2)
            // A draft's form takes nobody.
            let draft = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: JSONBody(["name": "草稿", "type": "content", "slug": "draft-form"]))
            #expect(draft.status == .created)
            #expect(try await WebClient(world).get("/forms/draft-form").status == .gone)
        }
    }

    @Test("MKT-4: a flood from one address is slowed (429 with Retry-After, input kept) while other visitors sign up; every sign-up let through is kept")
    func flood() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            var statuses: [HTTPStatus] = []
            for i in 0..<8 {
                let r = try await Self.signUp(world, c.slug, ["name": "刷单\(i)", "mobile": "1380000\(String(format: "%04d", i))", "consent": "true"], from: "198.51.100.9")
                statuses.append(r.status)
                if r.status == .tooManyRequests {
                    #expect(Int(r.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
                    #expect(r.body.string.contains("刷单\(i)"), "what was typed stays on the page")
                }
            }
            #expect(statuses == Array(repeating: .ok, count: 5) + Array(repeating: .tooManyRequests, count: 3))
            let other = try await Self.signUp(world, c.slug, ["name": "真实访客", "email": "buyer@example.com", "consent": "true"], from: "203.0.113.50")
            #expect(other.status == .ok)
            #expect(try await CampaignTouch.query(on: world.db).count() == 6, "five from the flood, one genuine; none of the refused")
            // A minute later the address may post again.
            world.clock.advance(by: 61)
            #expect(try await Self.signUp(world, c.slug, ["name": "刷单8", "mobile": "13800000008", "consent": "true"], from: "198.51.100.9").status == .ok)
        }
    }

    @Test("MKT-1: a deleted campaign's form takes nobody; it waits in the recycle bin and comes back with its leads; the history names it in the reader's language")
    func recycleBin() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            #expect(try await Self.signUp(world, c.slug, ["name": "王芳", "mobile": "13800138000", "consent": "true"]).status == .ok)
            let path = "/api/v1/campaigns/\(c.id)"
            #expect(try await world.api(.DELETE, path, token: p.member.token, headers: [("If-Match", "\"v\(c.version)\"")]).status == .forbidden,
                    "the planner does not delete")
            #expect(try await world.api(.DELETE, path, token: p.lead.token, headers: [("If-Match", "\"v\(c.version)\"")]).status == .noContent)
            #expect(try await WebClient(world).get("/forms/\(c.slug)").status == .notFound, "a deleted campaign's form is gone")
            #expect(try await world.api(.GET, path, token: p.lead.token).status == .notFound)

            let boss = WebClient(world)
            try await boss.signIn("lead@team.test")
            boss.acceptLanguage = "zh-Hans"
            try await boss.get("/admin/recycle-bin")
            #expect(boss.lastBody.contains("\(c.code) 2026 上海工业展") && boss.lastBody.contains("推广活动"), "in the bin, named as a campaign")
            #expect(try await boss.post("/admin/recycle-bin/campaign/\(c.id)/restore", form: [:]).status == .seeOther)
            let back = try await world.api(.GET, path, token: p.member.token)
            #expect(back.status == .ok && back.headers.first(name: .eTag) == "\"v\(c.version + 1)\"", "restored as a new version")
            let leads = try await world.api(.GET, "\(path)/leads", token: p.member.token).json([CampaignResultsAPI.LeadDTO].self)
            #expect(leads.count == 1, "its leads came back with it")
            #expect(try await world.api(.POST, "\(path)/restore", token: p.lead.token).status == .conflict, "only a deleted campaign is restored")

            boss.acceptLanguage = "en"
            try await boss.get("/admin/audit?entityType=campaign")
            #expect(boss.lastBody.contains(">Campaign<") && !boss.lastBody.contains("entityCampaign"), "a label, never a bare key")
            #expect(boss.lastBody.contains("value=\"campaignLead\""), "every kind of record can be filtered on")
        }
    }

    /// The campaign roll-ups as rows (first touches with their deal marks, months of figures), to
    /// compare what the writes kept with a rebuild from the records.
    static func rollUps(_ world: TestWorld) async throws -> [String] {
        let sql = world.db as! any SQLDatabase
        let leads = try await sql.raw("SELECT campaign_id, customer_id, first_day, has_opportunity, has_won FROM campaign_leads ORDER BY campaign_id, customer_id").all()
            .map { "\(try $0.decode(column: "campaign_id", as: UUID.self))|\(try $0.decode(column: "customer_id", as: UUID.self))|\(try $0.decode(column: "first_day", as: String.self))|\(try $0.decode(column: "has_opportunity", as: Bool.self))|\(try $0.decode(column: "has_won", as: Bool.self))" }
        let months = try await sql.raw("SELECT campaign_id, month, impressions, cost_fen FROM campaign_metric_months ORDER BY campaign_id, month").all()
            .map { "\(try $0.decode(column: "campaign_id", as: UUID.self))|\(try $0.decode(column: "month", as: String.self))|\(try $0.decode(column: "impressions", as: Int.self))|\(try $0.decode(column: "cost_fen", as: Int.self))" }
        return leads + months
    }

    @Test("MP-4: a won deal deleted takes its credit and its win from the campaign; a lead merged into another customer takes its touches along; the kept roll-ups equal the rebuilt ones")
    func correctionsKeepTheFigures() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let expo = try await Self.runningExpo(world, team, p)
            for i in 0..<2 {
                _ = try await Self.signUp(world, expo.slug, ["name": "访客\(i)", "mobile": "1370000000\(i)", "company": "客户\(i)有限公司", "consent": "true"], from: "203.0.113.\(i + 1)")
            }
            let leads = try await Customer.query(on: world.db).filter(\.$source == "campaign").sort(\.$name).all()
            for c in leads {
                _ = try await world.api(.PATCH, "/api/v1/customers/\(c.id!)", token: team.lead.token, json: JSONBody(["ownerId": .id(team.salesRep.member)]))
            }
            Self.at(world, "2026-11-05T15:00:00")
            let contract = try await world.signedContract(team, customer: leads[0].id!, title: "产线改造", needs: "两条产线", yuan: 120000)
            func evaluation() async throws -> CampaignEvaluationDTO {
                try await world.api(.GET, "/api/v1/campaigns/\(expo.id)/evaluation", token: team.lead.token).json(CampaignEvaluationDTO.self)
            }
            let before = try await evaluation()
            #expect(before.wins == 1 && before.wonRevenue == 120000)

            // The won deal is deleted: the campaign no longer counts it.
            let deal = try await world.api(.GET, "/api/v1/opportunities/\(contract.opportunityId)", token: team.salesRep.token)
            let deleted = try await world.api(.DELETE, "/api/v1/opportunities/\(contract.opportunityId)", token: team.salesLead.token,
                                              headers: [("If-Match", deal.headers.first(name: .eTag) ?? "")])
            #expect(deleted.status == .noContent, "\(deleted.body.string)")
            let after = try await evaluation()
            #expect((after.leads, after.opportunities, after.wins, after.wonRevenue) == (2, 0, 0, 0))
            #expect(try await CampaignCredit.query(on: world.db).count() == 0)

            // The second lead turns out to be a customer sales already had: merged, the campaign's touch moves with it.
            let known = try await world.api(.POST, "/api/v1/customers?allowDuplicates=true", token: team.salesRep.token, json: JSONBody(["name": "客户1集团", "source": "visit"])).json(CustomerDTO.self)
            let merged = try await world.api(.POST, "/api/v1/customers/\(known.id)/merge", token: team.salesRep.token,
                                             json: JSONBody(["duplicateId": .string(leads[1].id!.uuidString)]), headers: [("If-Match", "\"v\(known.version)\"")])
            #expect(merged.status == .ok, "\(merged.body.string)")
            #expect(try await CampaignTouch.query(on: world.db).filter(\.$customerId == known.id).count() == 1)
            #expect(try await evaluation().leads == 2, "still two people brought in by the expo")
            let kept = try await Self.rollUps(world)
            try await CampaignRollUps.rebuild(wonStages: ["won"], on: world.db)
            #expect(try await Self.rollUps(world) == kept)
            #expect(kept.contains { $0.contains(known.id.uuidString) }, "the survivor is the expo's lead now")
        }
    }

    @Test("MP-4, MKT-4: a lead who becomes a won deal credits the campaign; first and last touch; cost per lead, conversion and ROI; the period evaluation and its export")
    func attributionAndEvaluation() async throws {
        try await withApp { world in
            world.app.settings.trustForwardedFor = true
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let expo = try await Self.runningExpo(world, team, p)
            _ = try await world.api(.POST, "/api/v1/campaigns/\(expo.id)/spend", token: p.member.token, json: JSONBody(["spentOn": "2026-10-10", "amount": 40000]))
            for i in 0..<4 {
                _ = try await Self.signUp(world, expo.slug, ["name": "访客\(i)", "mobile": "1370000000\(i)", "company": "客户\(i)有限公司", "consent": "true"], from: "203.0.113.\(i + 1)")
            }
            // A later webinar touches the first visitor again before the deal is won.
            Self.at(world, "2026-10-20T10:00:00")
            var webinarPlan = Self.expoPlan.values
            webinarPlan["name"] = "线上研讨会"; webinarPlan["type"] = "content"; webinarPlan["budget"] = 5000; webinarPlan["slug"] = "webinar"
            webinarPlan["startOn"] = "2026-10-20"; webinarPlan["endOn"] = "2026-10-31"
            let webinar = try await world.api(.POST, "/api/v1/campaigns", token: p.member.token, json: JSONBody(webinarPlan)).json(CampaignDTO.self)
            _ = try await world.api(.PATCH, "/api/v1/campaigns/\(webinar.id)", token: p.member.token, json: JSONBody(["status": "submitted"]))
            _ = try await world.api(.PATCH, "/api/v1/campaigns/\(webinar.id)", token: p.lead.token, json: JSONBody(["status": "approved"]))
            _ = try await Self.signUp(world, "webinar", ["name": "访客0", "mobile": "13700000000", "consent": "true"], from: "203.0.113.99")

            // Sales works the first two visitors: one deal won (¥120,000), one still open.
            let customers = try await Customer.query(on: world.db).filter(\.$source == "campaign").sort(\.$name).all()
            #expect(customers.count == 4)
            _ = try await world.api(.PATCH, "/api/v1/customers/\(customers[0].id!)", token: team.lead.token, json: JSONBody(["ownerId": .id(team.salesRep.member)]))
            _ = try await world.api(.PATCH, "/api/v1/customers/\(customers[1].id!)", token: team.lead.token, json: JSONBody(["ownerId": .id(team.salesRep.member)]))
            _ = try await world.api(.POST, "/api/v1/opportunities", token: team.salesRep.token, json: JSONBody([
                "customerId": .id(customers[1].id), "title": "备件", "amount": 8000, "source": "campaign"]))
            Self.at(world, "2026-11-05T15:00:00")
            _ = try await world.signedContract(team, customer: customers[0].id!, title: "产线改造", needs: "两条产线", yuan: 120000)
            #expect(try await CampaignCredit.query(on: world.db).count() == 1, "signing the contract won the deal and credited it")

            let first = try await world.api(.GET, "/api/v1/campaigns/\(expo.id)/evaluation", token: team.lead.token).json(CampaignEvaluationDTO.self)
            #expect((first.leads, first.opportunities, first.wins) == (4, 2, 1))
            #expect(first.costPerLead == 10000 && first.costPerAcquisition == 40000)
            #expect(first.leadToOpportunity == 50 && first.wonRevenue == 120000 && first.returnOnInvestment == 200)
            #expect(first.goalAttainment == 2, "4 of 200 leads")
            let last = try await world.api(.GET, "/api/v1/campaigns/\(expo.id)/evaluation?model=lastTouch", token: team.lead.token).json(CampaignEvaluationDTO.self)
            #expect(last.wonRevenue == 0 && last.wonRevenueFirstTouch == 120000, "the webinar touched the buyer last")
            let w = try await world.api(.GET, "/api/v1/campaigns/\(webinar.id)/evaluation?model=lastTouch", token: team.lead.token).json(CampaignEvaluationDTO.self)
            #expect(w.wonRevenue == 120000 && w.leads == 1)

            // The roll-ups kept by the writes are those rebuilt from the records: first touches with
            // their deal marks, and the months of the figures.
            _ = try await world.api(.POST, "/api/v1/campaigns/\(expo.id)/metrics", token: p.member.token, json: JSONBody([
                "rows": .array([.object(["channel": "wechat", "day": "2026-10-10", "impressions": 5000, "cost": 300]), .object(["channel": "wechat", "day": "2026-11-02", "impressions": 7000, "cost": 200])]),
            ]))
            let kept = try await Self.rollUps(world)
            try await CampaignRollUps.rebuild(wonStages: ["won"], on: world.db)
            #expect(try await Self.rollUps(world) == kept)
            #expect(kept.filter { $0.hasSuffix("|true|true") }.count == 2, "the buyer is a won lead of both the expo and the webinar")
            #expect(kept.count == 5 + 2, "four leads of the expo, one of the webinar, and two months of figures")

            // The credits kept by the stage change are those rebuilt from the deals and touches.
            let credits = try await CampaignCredit.query(on: world.db).all().map { [$0.opportunityId, $0.firstCampaignId, $0.lastCampaignId] as [UUID?] }
            try await CampaignCredits.rebuild(wonStages: ["won"], on: world.db)
            let rebuilt = try await CampaignCredit.query(on: world.db).all().map { [$0.opportunityId, $0.firstCampaignId, $0.lastCampaignId] as [UUID?] }
            #expect(credits == rebuilt && credits == [[credits.first?[0] ?? nil, expo.id, webinar.id]])

            let q4 = try await world.api(.GET, "/api/v1/campaign-evaluation?period=2026-Q4", token: team.executive.token).json(PeriodEvaluationDTO.self)
            #expect(q4.campaigns.map(\.code) == [expo.code, webinar.code])
            #expect(q4.total.leads == 5 && q4.total.spend == 40000 && q4.total.wonRevenue == 120000)
            #expect(try await world.api(.GET, "/api/v1/campaign-evaluation?period=2026-Q5", token: team.lead.token).problemFields == ["period"])
            let csv = try await world.api(.GET, "/api/v1/campaign-evaluation/export?period=2026-Q4&format=csv", token: team.lead.token)
            #expect(csv.status == .ok && csv.body.string.contains(expo.code) && csv.body.string.contains("120000"))
            let xlsx = try await world.api(.GET, "/api/v1/campaign-evaluation/export?period=2026-Q4&format=xlsx", token: team.lead.token)
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 1000)
        }
    }

    @Test("MP-2 … MP-4 on the web: the plan form keeps what was typed beside its errors; the campaign page shows the figures, moves it and closes the evaluation with lessons")
    func web() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            Self.at(world, "2026-09-25T10:00:00")
            let web = WebClient(world)
            try await web.signIn("promo@team.test")
            #expect(try await web.get("/market/campaigns").status == .ok)
            #expect(web.lastBody.contains("new-campaign"))
            try await web.get("/market/campaigns/new")
            let bad = try await web.post("/market/campaigns", form: ["name": "展会", "type": "exhibition", "budget": "-1", "startOn": "2026-10-12", "endOn": "2026-10-10"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"e-budget\"") && bad.body.string.contains("id=\"e-endOn\"") && bad.body.string.contains("value=\"展会\""))
            let created = try await web.post("/market/campaigns", form: ["name": "展会", "type": "exhibition", "budget": "30000", "goalMetric": "leads", "goalTarget": "100",
                                                                     "audience": "采购", "contentPlan": "展台", "startOn": "2026-10-10", "endOn": "2026-10-12",
                                                                     "ownerId": p.member.member!.uuidString, "channels[]": "offline"])
            #expect(created.status == .seeOther)
            let c = try #require(try await Campaign.query(on: world.db).first())
            #expect(c.channelKeys == ["offline"])
            try await web.get("/market/campaigns/\(c.id!)")
            #expect(web.lastBody.contains("move-submitted"))
            #expect(try await web.post("/market/campaigns/\(c.id!)/status", form: ["status": "submitted"]).status == .seeOther)
            let lead = WebClient(world)
            try await lead.signIn("promo.lead@team.test")
            try await lead.get("/market/campaigns/\(c.id!)")
            #expect(lead.lastBody.contains("move-approved"), "¥30,000 is within the group lead's limit")
            #expect(try await lead.post("/market/campaigns/\(c.id!)/status", form: ["status": "approved"]).status == .seeOther)
            try await web.get("/market/campaigns/\(c.id!)")
            #expect(web.lastBody.contains("form-link"))
            Self.at(world, "2026-10-13T09:00:00")
            try await web.signIn("promo@team.test")
            try await web.get("/market/campaigns/\(c.id!)")
            for status in ["running", "finished"] { _ = try await web.post("/market/campaigns/\(c.id!)/status", form: ["status": status]) }
            _ = try await web.post("/market/campaigns/\(c.id!)/lessons", form: ["lessons": "展位靠近入口效果好", "followUp": "明年提前订展位", "evaluate": "true"])
            let final = try #require(try await Campaign.find(c.id, on: world.db))
            #expect(final.status == "evaluated" && final.lessons == "展位靠近入口效果好")
            #expect(try await web.get("/market/evaluation?period=2026-Q4").status == .ok)
            #expect(web.lastBody.contains(c.code))
            let sales = WebClient(world)
            try await sales.signIn(team.salesRep.email)
            try await sales.get("/market/campaigns/\(c.id!)")
            #expect(!sales.lastBody.contains("edit-campaign"), "sellers read campaigns, they do not change them")
        }
    }

    @Test("serve --demo (issue 6, item 9): a quarter of campaigns in every status, with spend, daily figures, leads and credited deals; loading twice adds nothing")
    func demo() async throws {
        try await withApp { world in
            try await DemoCompany.load(world.app)
            try await SalesDemo.load(world.app)
            try await MarketingResearchDemo.seed(world.app)
            try await MarketingPartnerDemo.seed(world.app)
            try await CampaignDemo.load(world.app)
            #expect(try await Competitor.query(on: world.db).count() == 3)
            #expect(try await ResearchNote.query(on: world.db).count() == 8)
            #expect(try await RiskWarningRecord.query(on: world.db).filter(\.$ruleKey == "competitorPriceCut").count() == 1, "the demo's price cut warns")
            #expect(try await Partner.query(on: world.db).count() == 4)
            #expect(try await ContentPost.query(on: world.db).count() == 25)
            #expect(try await CampaignSpend.query(on: world.db).filter(\.$partnerId != nil).count() > 0, "some spend was with the demo's partners")
            let campaigns = try await Campaign.query(on: world.db).all()
            #expect(Set(campaigns.map(\.status)) == Set(CampaignStatus.allCases.map(\.rawValue)))
            #expect(try await CampaignSpend.query(on: world.db).filter(\.$currency == "USD").count() == 1)
            #expect(try await CampaignTouch.query(on: world.db).count() > 20)
            #expect(try await CampaignCredit.query(on: world.db).count() > 0, "some demo deals were won after a campaign")
            let lead = try #require(try await UserAccount.query(on: world.db).filter(\.$role == "lead").first())
            let token = try await world.token(for: lead)
            let today = CivilDate.on(world.clock.now())
            let q = TargetPeriod.quarter(today.year, (today.month - 1) / 3 + 1)!
            let evaluation = try await world.api(.GET, "/api/v1/campaign-evaluation?period=\(q)", token: token).json(PeriodEvaluationDTO.self)
            #expect(evaluation.total.spend > 0 && evaluation.total.leads > 0)
            try await CampaignDemo.load(world.app)
            #expect(try await Campaign.query(on: world.db).count() == campaigns.count)
        }
    }

    @Test("RSK-M2: the team's leads in the last whole week, far below the four weeks before, raise a lead-volume warning for the promotion group's lead; a normal week raises none")
    func leadVolume() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let p = try await world.seedPromotion(team)
            let c = try await Self.runningExpo(world, team, p)
            var customers: [UUID] = []
            for i in 0..<12 {
                let x = Customer()
                x.id = UUID(); x.name = "客户\(i)"; x.nameKey = "客户\(i)"; x.kind = "company"; x.region = ""; x.source = "campaign"; x.status = "prospect"
                x.expectedAnnualYuan = 0; x.score = 0; x.customerClass = "C"; x.address = ""; x.notes = ""; x.searchText = ""; x.version = 1
                try await x.create(on: world.db)
                customers.append(x.id!)
            }
            func touch(_ customer: UUID, _ day: String) async throws {
                let t = CampaignTouch()
                t.campaignId = c.id; t.customerId = customer; t.kind = "form"; t.at = ServiceTests.china(day + "T10:00:00"); t.onDay = day
                try await t.create(on: world.db)
            }
            // Four weeks of ten leads each (Mondays 2026-10-12 … 2026-11-02), then two in the week of 2026-11-09.
            for (w, monday) in ["2026-10-13", "2026-10-20", "2026-10-27", "2026-11-03"].enumerated() {
                for k in 0..<10 { try await touch(customers[(w + k) % 12], monday) }
            }
            for k in 0..<2 { try await touch(customers[k], "2026-11-10") }
            let raised = try await RiskScan.run(world.app, sources: [LeadVolumeSource()], now: ServiceTests.china("2026-11-17T08:00:00"))
            #expect(raised.map(\.ruleKey) == ["leadVolumeDrop"])
            #expect(raised.first?.ownerMemberId == p.lead.member && raised.first?.severity == "critical", "80 % down is past the critical 50 %")
            #expect(raised.first?.period == "W2026-11-09")
            // The next week is back to normal: nothing new.
            for k in 0..<10 { try await touch(customers[k], "2026-11-17") }
            #expect(try await RiskScan.run(world.app, sources: [LeadVolumeSource()], now: ServiceTests.china("2026-11-24T08:00:00")).isEmpty)
        }
    }
}
