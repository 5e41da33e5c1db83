import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

@Suite("Accounts: sign-in, sessions, tokens, lock-out (platform issue, item 3)")
struct PlatformAuthTests {
    @Test("signing in on the web opens a session stored in the database and lands on the org chart")
    func webSignIn() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            let answer = try await web.signIn(team.lead.email)
            #expect(answer.status == .seeOther)
            #expect(answer.headers.first(name: .location) == "/org")
            #expect(try await WebSession.query(on: world.db).count() == 1)
            let org = try await web.get("/org")
            #expect(org.status == .ok)
            #expect(org.body.string.contains("陈志远"))
        }
    }

    @Test("the session cookie is HttpOnly and SameSite, and a new id is issued at every sign-in")
    func sessionRotation() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            let first = try await web.signIn(team.lead.email)
            let cookie = first.headers[.setCookie].first { $0.hasPrefix("vg_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.lowercased().contains("samesite=lax"))
            let firstId = web.cookies["vg_session"]
            try await web.get("/org")
            #expect(try await web.post("/login", form: ["email": team.lead.email, "password": teamPassword]).status == .seeOther)
            #expect(web.cookies["vg_session"] != nil)
            #expect(web.cookies["vg_session"] != firstId)
            // The old session no longer exists.
            #expect(try await WebSession.query(on: world.db).count() == 1)
        }
    }

    @Test("a wrong password keeps the typed e-mail and says what is wrong")
    func wrongPassword() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            let answer = try await web.signIn(team.lead.email, "Wrong#Pass2026")
            #expect(answer.status == .unauthorized)
            #expect(answer.body.string.contains("E-mail or password is wrong."))
            #expect(answer.body.string.contains("value=\"lead@team.test\""))
        }
    }

    @Test("five failed sign-ins lock the account for the policy's minutes, even with the right password")
    func lockOut() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let login = { (password: String) in
                try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": .string(team.salesRep.email), "password": .string(password)]))
            }
            for _ in 1...4 { #expect(try await login("Wrong#Pass2026").problem?.type == "/problems/bad-credentials") }
            #expect(try await login("Wrong#Pass2026").problem?.type == "/problems/locked")
            #expect(try await login(teamPassword).problem?.type == "/problems/locked")
            world.clock.advance(by: 16 * 60)
            #expect(try await login(teamPassword).status == .created)
            let events = try await AuditEvent.query(on: world.db).filter(\.$action == "lockedOut").count()
            #expect(events == 1)
        }
    }

    @Test("a session idle longer than the policy's limit ends, and the person is sent to sign in")
    func idleTimeout() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.lead.email)
            world.clock.advance(by: 29 * 60)
            #expect(try await web.get("/org").status == .ok)
            world.clock.advance(by: 31 * 60)
            let answer = try await web.get("/org")
            #expect(answer.status == .seeOther)
            #expect(answer.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(try await WebSession.query(on: world.db).count() == 0)
        }
    }

    @Test("a form posted without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.admin.email)
            try await web.get("/departments/new")
            let answer = try await web.post("/departments", form: ["code": "pr", "nameZh": "公关部", "nameEn": "PR"], csrf: "forged")
            #expect(answer.status == .forbidden)
            #expect(try await Department.query(on: world.db).filter(\.$code == "pr").count() == 0)
        }
    }

    @Test("signing out ends the session; the next page asks to sign in")
    func signOut() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.lead.email)
            try await web.get("/org")
            #expect(try await web.post("/logout", form: [:]).status == .seeOther)
            #expect(try await web.get("/org").status == .seeOther)
        }
    }

    @Test("API tokens: issued for e-mail and password, listed, revoked; a revoked token is refused")
    func tokens() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let created = try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": .string(team.hr.email), "password": .string(teamPassword), "name": "payroll sync"]))
            #expect(created.status == .created)
            let token = try created.json(TokenCreated.self)
            #expect(try await world.api(.GET, "/api/v1/me", token: token.token).json(UserDTO.self).email == team.hr.email)
            let list = try await world.api(.GET, "/api/v1/auth/tokens", token: token.token).json(PageOf<TokenDTO>.self)
            #expect(list.items.contains { $0.name == "payroll sync" && token.token.hasPrefix($0.prefix) })
            #expect(try await world.api(.DELETE, "/api/v1/auth/tokens/\(token.id)", token: token.token).status == .noContent)
            let refused = try await world.api(.GET, "/api/v1/me", token: token.token)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
        }
    }

    @Test("a token that has expired is refused")
    func expiredToken() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let created = try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": .string(team.hr.email), "password": .string(teamPassword), "expiresInDays": 1]))
            let token = try created.json(TokenCreated.self).token
            #expect(try await world.api(.GET, "/api/v1/me", token: token).status == .ok)
            world.clock.advance(by: 86400 + 1)
            #expect(try await world.api(.GET, "/api/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test("changing the password checks the current one and the policy's rules, and ends other sessions")
    func changePassword() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let other = WebClient(world)
            try await other.signIn(team.salesRep.email)
            let wrong = try await world.api(.POST, "/api/v1/auth/password", token: team.salesRep.token,
                                            json: JSONBody(["currentPassword": "nope", "newPassword": "Brand#New2027"]))
            #expect(wrong.problemFields == ["currentPassword"])
            let weak = try await world.api(.POST, "/api/v1/auth/password", token: team.salesRep.token,
                                           json: JSONBody(["currentPassword": .string(teamPassword), "newPassword": "short"]))
            #expect(weak.problemFields == ["newPassword"])
            let ok = try await world.api(.POST, "/api/v1/auth/password", token: team.salesRep.token,
                                         json: JSONBody(["currentPassword": .string(teamPassword), "newPassword": "Brand#New2027"]))
            #expect(ok.status == .noContent)
            #expect(try await other.get("/org").status == .seeOther)
            #expect(try await WebClient(world).signIn(team.salesRep.email, "Brand#New2027").status == .seeOther)
        }
    }

    @Test("every answer carries the security headers")
    func securityHeaders() async throws {
        try await withApp { world in
            let answer = try await WebClient(world).get("/login")
            #expect(answer.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(answer.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(answer.headers.first(name: "Referrer-Policy") == "same-origin")
            #expect(answer.headers.first(name: "X-Request-Id") != nil)
        }
    }

    @Test("on an empty database a one-time set-up link creates the first admin, then stops working")
    func setupLink() async throws {
        try await withApp { world in
            try await Bootstrap.ensureFirstAdmin(world.app)
            #expect(try await SetupToken.query(on: world.db).count() == 1)
            // The link's secret is only printed; make a known one for the test.
            try await SetupToken.query(on: world.db).delete()
            let secret = "known-secret"
            try await SetupToken(tokenHash: Secrets.hash(secret), expiresAt: world.clock.now().addingTimeInterval(3600)).create(on: world.db)
            let web = WebClient(world)
            #expect(try await web.get("/setup?token=wrong").status == .notFound)
            #expect(try await web.get("/setup?token=\(secret)").status == .ok)
            let weak = try await web.post("/setup?token=\(secret)", form: ["email": "boss@co.cn", "displayName": "Boss", "password": "weak"])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.body.string.contains("value=\"boss@co.cn\""))
            let done = try await web.post("/setup?token=\(secret)", form: ["email": "boss@co.cn", "displayName": "Boss", "password": "Strong#Pass2026"])
            #expect(done.status == .seeOther)
            #expect(try await UserAccount.query(on: world.db).first()?.appRole == .admin)
            #expect(try await WebClient(world).get("/setup?token=\(secret)").status == .notFound)
        }
    }

    @Test("VANGUARD_ADMIN_EMAIL and VANGUARD_ADMIN_PASSWORD create the first admin")
    func adminFromEnvironment() async throws {
        try await withApp { world in
            world.app.settings.adminEmail = "first@co.cn"
            world.app.settings.adminPassword = "Opening#Day2026"
            try await Bootstrap.ensureFirstAdmin(world.app)
            let created = try await world.api(.POST, "/api/v1/auth/token", json: JSONBody(["email": "first@co.cn", "password": "Opening#Day2026"]))
            #expect(created.status == .created)
        }
    }
}

@Suite("Bearer tokens across instances")
struct TokenCacheTests {
    @Test("a token revoked on another instance stops working here within the cache's two seconds")
    func revocationDelay() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            #expect(try await world.api(.GET, "/api/v1/me", token: team.salesRep.token).status == .ok)
            // Another instance revokes it: the database changes, this instance is not told.
            try await ApiToken.query(on: world.db).filter(\.$user.$id == team.salesRep.user).set(\.$revokedAt, to: world.clock.now()).update()
            world.clock.advance(by: 1)
            #expect(try await world.api(.GET, "/api/v1/me", token: team.salesRep.token).status == .ok, "still cached")
            world.clock.advance(by: 2)
            #expect(try await world.api(.GET, "/api/v1/me", token: team.salesRep.token).status == .unauthorized)
        }
    }

    @Test("on the same instance, a change to the account takes effect at once")
    func sameInstance() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            #expect(try await world.api(.GET, "/api/v1/users", token: team.salesRep.token).status == .forbidden)
            _ = try await world.api(.PATCH, "/api/v1/users/\(team.salesRep.user)", token: team.admin.token, json: JSONBody(["role": "admin"]))
            #expect(try await world.api(.GET, "/api/v1/users", token: team.salesRep.token).status == .ok)
            _ = try await world.api(.PATCH, "/api/v1/users/\(team.salesRep.user)", token: team.admin.token, json: JSONBody(["active": false]))
            #expect(try await world.api(.GET, "/api/v1/me", token: team.salesRep.token).status == .unauthorized)
        }
    }
}
