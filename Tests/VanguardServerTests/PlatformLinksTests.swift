import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Every link a page shows opens for the person it shows it to (platform issue, item 4: access
/// decided in one place, so pages offer only what the policy allows). Walks the demo company's
/// pages as people with narrow rights, following each kind of link once.
@Suite("Links: no page offers what the policy then refuses")
struct PlatformLinksTests {
    /// Links that download a file or change something are left out; the pattern of a link
    /// (record ids as `{id}`) is followed once.
    static func links(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: ##"href="(/[^"#]*)""##)
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).compactMap { Range($0.range(at: 1), in: html).map { String(html[$0]) } }
            .map { $0.replacingOccurrences(of: "&amp;", with: "&") }
            .filter { link in !["export", "/logout", "/print", "signed-file", "download", "/attachments/", "/api/", ".css", ".js", ".svg", "/public/"]
                .contains { link.contains($0) } }
    }

    static func shape(_ link: String) -> String {
        (link.split(separator: "?").first.map(String.init) ?? link)
            .replacingOccurrences(of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, with: "{id}", options: .regularExpression)
    }

    @Test("finance, HR, an executive, a service agent and a salesperson: each link they are shown opens", arguments: [
        "finance@demo.vanguard.cn", "hr@demo.vanguard.cn", "ceo@demo.vanguard.cn", "yang.fan@demo.vanguard.cn", "huang.lijun@demo.vanguard.cn",
    ])
    func everyLinkOpens(email: String) async throws {
        try await withApp { world in
            try await DemoCompany.load(world.app)
            try await SalesDemo.load(world.app)
            try await ServiceDemo.load(world.app)
            try await MarketingResearchDemo.seed(world.app)
            try await MarketingPartnerDemo.seed(world.app)
            try await CampaignDemo.load(world.app)
            let web = WebClient(world)
            #expect(try await web.signIn(email, "Vanguard#2026").status == .seeOther)
            var queue = ["/org", "/my-day", "/customers", "/pipeline", "/receivables", "/tickets", "/care", "/market/campaigns", "/market/channels"]
            var seen = Set<String>(), refused: [String] = [], from: [String: String] = [:]
            while let link = queue.first, seen.count < 120 {
                queue.removeFirst()
                guard seen.insert(Self.shape(link)).inserted else { continue }
                let answer = try await web.get(link)
                guard answer.status.code < 400 else {
                    refused.append("\(link) → \(answer.status.code) (linked from \(from[link] ?? "the start"))")
                    continue
                }
                guard answer.headers.contentType?.subType == "html" else { continue }
                for next in Self.links(in: answer.body.string) where from[next] == nil {
                    from[next] = link
                    queue.append(next)
                }
            }
            #expect(seen.count > 30, "the walk reached the chapters' pages")
            #expect(refused.isEmpty, "\(email): \(refused.joined(separator: "; "))")
        }
    }
}
