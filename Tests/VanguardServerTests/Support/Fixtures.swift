import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// A small team in the shape the policy describes (ORG-1): a lead, a sales group with a group
/// lead and a rep, a service group with a lead and an agent, and accounts for HR, finance, an
/// executive and an admin. Every person has an API token.
struct Team {
    struct Person {
        var user: UUID
        var member: UUID?
        var token: String
        var email: String
    }

    var groups: [String: UUID]
    var lead: Person
    var salesLead: Person
    var salesRep: Person
    var serviceLead: Person
    var serviceAgent: Person
    var admin: Person
    var hr: Person
    var finance: Person
    var executive: Person

    func person(_ role: Role) -> Person {
        switch role {
        case .admin: admin
        case .lead: lead
        case .groupLead: salesLead
        case .member: salesRep
        case .hr: hr
        case .finance: finance
        case .executive: executive
        }
    }
}

let teamPassword = "Team#Pass2026"

extension TestWorld {
    func seedTeam() async throws -> Team {
        let groups = Dictionary(uniqueKeysWithValues: try await TeamGroup.query(on: db).all().map { ($0.key, $0.id!) })
        let hash = try await app.password.async.hash(teamPassword)
        var n = 0
        func member(_ name: String, _ nameEn: String, group: String?, supervisor: UUID?) async throws -> Member {
            n += 1
            let m = Member()
            m.employeeNo = String(format: "T%03d", n)
            m.name = name
            m.nameEn = nameEn
            m.email = nameEn.lowercased().replacingOccurrences(of: " ", with: ".") + "@team.test"
            m.position = "Position \(n)"
            m.grade = "P\(n % 5 + 1)"
            m.hireDate = "2024-01-0\(n % 9 + 1)"
            m.$group.id = group.flatMap { groups[$0] }
            m.supervisorId = supervisor
            m.status = "active"
            m.idNumber = "11010519491231002X"
            m.version = 1
            try await m.create(on: db)
            return m
        }
        func person(_ email: String, _ role: Role, _ m: Member?) async throws -> Team.Person {
            let u = UserAccount(email: email, displayName: m?.name ?? email, passwordHash: hash, role: role, memberId: m?.id)
            try await u.create(on: db)
            return Team.Person(user: u.id!, member: m?.id, token: try await token(for: u), email: email)
        }
        let lead = try await member("陈志远", "Chen Zhiyuan", group: nil, supervisor: nil)
        let salesLead = try await member("刘建国", "Liu Jianguo", group: "sales", supervisor: lead.id)
        let salesRep = try await member("何静", "He Jing", group: "sales", supervisor: salesLead.id)
        let serviceLead = try await member("王芳", "Wang Fang", group: "service", supervisor: lead.id)
        let agent = try await member("赵磊", "Zhao Lei", group: "service", supervisor: serviceLead.id)
        return Team(
            groups: groups,
            lead: try await person("lead@team.test", .lead, lead),
            salesLead: try await person("sales.lead@team.test", .groupLead, salesLead),
            salesRep: try await person("sales.rep@team.test", .member, salesRep),
            serviceLead: try await person("service.lead@team.test", .groupLead, serviceLead),
            serviceAgent: try await person("agent@team.test", .member, agent),
            admin: try await person("admin@team.test", .admin, nil),
            hr: try await person("hr@team.test", .hr, nil),
            finance: try await person("finance@team.test", .finance, nil),
            executive: try await person("ceo@team.test", .executive, nil))
    }

    /// A deal for the customer won the way sales wins one (SP-2 … SP-5): needs, an accepted quote,
    /// a reviewed, approved and signed contract; the signature moves the deal to won.
    func signedContract(_ team: Team, customer: UUID, title: String, needs: String, yuan: Int) async throws -> ContractDTO {
        let rep = team.salesRep.token
        let deal = try await api(.POST, "/api/v1/opportunities", token: rep, json: JSONBody([
            "customerId": .string(customer.uuidString), "title": .string(title), "amount": .int(yuan), "stage": "proposal", "needs": .string(needs)])).json(OpportunityDTO.self)
        let quote = try await api(.POST, "/api/v1/quotes", token: rep, raw: """
            {"opportunityId":"\(deal.id)","validUntil":"2026-12-31","lines":[{"productCode":"CRANE","quantity":"1","unitPrice":\(yuan)}]}
            """).json(QuoteDTO.self)
        for s in ["sent", "accepted"] { _ = try await api(.PATCH, "/api/v1/quotes/\(quote.id)", token: rep, json: JSONBody(["status": .string(s)])) }
        let contract = try await api(.POST, "/api/v1/contracts", token: rep, json: JSONBody(["quoteId": .string(quote.id.uuidString)])).json(ContractDTO.self)
        _ = try await api(.PUT, "/api/v1/contracts/\(contract.id)/review", token: rep, raw: SalesContractFlowTests.allPassed)
        _ = try await api(.POST, "/api/v1/contracts/\(contract.id)/approvals", token: team.salesLead.token)
        if yuan >= 500_000 { _ = try await api(.POST, "/api/v1/contracts/\(contract.id)/approvals", token: team.lead.token) }
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: rep)
        headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        _ = try await app.testing().sendRequest(.PUT, "/api/v1/contracts/\(contract.id)/signed-file", headers: headers, body: ByteBuffer(data: SalesContractFlowTests.pdf))
        let signed = try await api(.PATCH, "/api/v1/contracts/\(contract.id)", token: rep, json: JSONBody(["status": "signed"]))
        #expect(signed.status == .ok, "\(signed.body.string)")
        return try signed.json(ContractDTO.self)
    }

    /// Issues an API token straight in the database (the HTTP path has its own tests).
    func token(for user: UserAccount) async throws -> String {
        let secret = Secrets.token(prefix: "vg_")
        try await ApiToken(userId: user.id!, name: "test", tokenHash: Secrets.hash(secret), prefix: String(secret.prefix(10)),
                           now: clock.now(), expiresAt: nil).create(on: db)
        return secret
    }

    func memberBody(_ no: String, name: String = "孙悦", email: String? = nil, group: UUID? = nil, supervisor: UUID? = nil) -> JSONBody {
        JSONBody(["employeeNo": .string(no), "name": .string(name), "nameEn": "Sun Yue",
                  "email": .string(email ?? "\(no.lowercased())@team.test"), "mobile": "13812345678", "position": "销售代表",
                  "grade": "P2", "hireDate": "2025-03-01", "groupId": .id(group), "supervisorId": .id(supervisor), "status": "active"])
    }
}

/// A browser stand-in: keeps cookies, reads the form token from the last page, posts forms.
final class WebClient {
    let world: TestWorld
    var cookies: [String: String] = [:]
    var lastBody = ""
    var acceptLanguage = "en"
    /// Sent with every request (a proxy's X-Forwarded-For…).
    var extraHeaders: [(String, String)] = []

    init(_ world: TestWorld) { self.world = world }

    var csrf: String? {
        guard let range = lastBody.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(lastBody[range]).components(separatedBy: "value=\"").last?.replacingOccurrences(of: "\"", with: "")
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let r = try await world.app.testing().sendRequest(.GET, path, headers: headers())
        absorb(r)
        return r
    }

    @discardableResult
    func post(_ path: String, form: [String: String], csrf override: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        if fields["_csrf"] == nil { fields["_csrf"] = override ?? csrf ?? "" }
        var h = headers()
        h.contentType = .urlEncodedForm
        let body = fields.map { "\($0.key.formEncoded)=\($0.value.formEncoded)" }.joined(separator: "&")
        let r = try await world.app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: body))
        absorb(r)
        return r
    }

    /// Sends any body with its content type, keeping cookies as a browser would.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, body: Data, contentType: String, extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var h = headers()
        h.replaceOrAdd(name: .contentType, value: contentType)
        for (name, value) in extra { h.replaceOrAdd(name: name, value: value) }
        let r = try await world.app.testing().sendRequest(method, path, headers: h, body: ByteBuffer(data: body))
        absorb(r)
        return r
    }

    /// Signs in through the real form; returns the answer to the POST.
    @discardableResult
    func signIn(_ email: String, _ password: String = teamPassword) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", form: ["email": email, "password": password])
    }

    private func headers() -> HTTPHeaders {
        var h = HTTPHeaders()
        if !cookies.isEmpty { h.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        h.replaceOrAdd(name: .acceptLanguage, value: acceptLanguage)
        for (name, value) in extraHeaders { h.replaceOrAdd(name: name, value: value) }
        return h
    }

    private func absorb(_ r: TestingHTTPResponse) {
        for header in r.headers[.setCookie] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let expired = header.lowercased().contains("expires=thu, 01 jan 1970") || header.contains("Max-Age=0")
            if expired || parts[1].isEmpty { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        if r.headers.contentType?.subType == "html" { lastBody = r.body.string }
    }
}

extension String {
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}

/// The promotion group: its lead and a member, with API tokens; the market-promotion records are theirs to keep.
struct PromotionPeople {
    var lead: Team.Person
    var member: Team.Person
}

extension TestWorld {
    /// The promotion group's lead and a member (the standard team has nobody there).
    func seedPromotion(_ team: Team) async throws -> PromotionPeople {
        PromotionPeople(lead: try await promoter("林晓", email: "promo.lead@team.test", role: .groupLead),
                        member: try await promoter("郑楠", email: "promo@team.test"))
    }

    /// A member of the promotion group (the team fixture has none), with an account and a token.
    func promoter(_ name: String = "周凯", email: String = "promoter@team.test", role: Role = .member) async throws -> Team.Person {
        let group = try await PromotionGroup.id(on: db)
        let m = Member()
        m.employeeNo = "P-" + email.prefix(6); m.name = name; m.nameEn = "Promoter"; m.email = email; m.position = "市场专员"; m.grade = "P3"
        m.hireDate = "2024-03-01"; m.status = "active"; m.version = 1; m.$group.id = group
        try await m.create(on: db)
        let u = UserAccount(email: email, displayName: name, passwordHash: try await app.password.async.hash(teamPassword), role: role, memberId: m.id)
        try await u.create(on: db)
        return Team.Person(user: u.id!, member: m.id, token: try await token(for: u), email: email)
    }
}

