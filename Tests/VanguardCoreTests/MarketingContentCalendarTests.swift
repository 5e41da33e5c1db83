import Foundation
import Testing
@testable import VanguardCore

/// The content calendar of the team's online channels (MKT-3).
@Suite("Marketing content calendar (MKT-3)")
struct MarketingContentCalendarTests {
    let now = chinaTime("2026-03-16 10:00")
    let account = UUID()

    @Test("MKT-3: a post goes idea → draft → review → scheduled → published, and review may send it back to draft")
    func happyPath() {
        let ready = PostFacts(channelAccountId: account, scheduledAt: chinaTime("2026-03-18 20:00"), link: "https://mp.weixin.qq.com/s/AbC123", now: now)
        let path: [PostStatus] = [.idea, .draft, .review, .draft, .review, .scheduled, .published]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(ContentCalendar.refusal(from: from, to: to, facts: ready) == nil, "\(from) → \(to)")
        }
        #expect(ContentCalendar.refusal(from: .scheduled, to: .draft, facts: ready) == nil, "pulled before it goes out")
    }

    @Test("MKT-3: skipping review or un-publishing is refused")
    func illegalMoves() {
        let facts = PostFacts(channelAccountId: account, scheduledAt: chinaTime("2026-03-18 20:00"), link: "https://example.com/p", now: now)
        for (from, to) in [(PostStatus.idea, PostStatus.review), (.draft, .scheduled), (.draft, .published), (.review, .published), (.published, .draft)] {
            #expect(ContentCalendar.refusal(from: from, to: to, facts: facts)?.code == "moveNotAllowed", "\(from) → \(to)")
        }
        #expect(ContentCalendar.refusal(from: .published, to: .draft, facts: facts)?.message.contains("stays on the record") == true)
    }

    @Test("MKT-3: scheduling needs a channel account and a time not yet past; publishing needs a web link")
    func requirements() {
        let bare = ContentCalendar.refusal(from: .review, to: .scheduled, facts: PostFacts(now: now))
        #expect(bare?.code == "scheduleRequirements")
        #expect(bare?.missing == [.channelAccount, .scheduledAt])
        let past = ContentCalendar.refusal(from: .review, to: .scheduled, facts: PostFacts(channelAccountId: account, scheduledAt: chinaTime("2026-03-16 09:59"), now: now))
        #expect(past?.code == "scheduledInPast")
        #expect(ContentCalendar.refusal(from: .scheduled, to: .published, facts: PostFacts(now: now))?.code == "linkRequired")
        #expect(ContentCalendar.refusal(from: .scheduled, to: .published, facts: PostFacts(link: "  ", now: now))?.missing == [.link])
        for bad in ["weixin.qq.com/s/x", "javascript:alert(1)", "ftp://example.com/x", "https://", "https://exa mple.com"] {
            #expect(ContentCalendar.refusal(from: .scheduled, to: .published, facts: PostFacts(link: bad, now: now))?.code == "invalidLink", "\(bad)")
        }
        #expect(ContentCalendar.refusal(from: .scheduled, to: .published, facts: PostFacts(link: "HTTP://Example.com/a?b=1", now: now)) == nil)
    }

    struct Post: Sendable, Equatable { var title: String; var at: Date? }

    @Test("MKT-3: the month view is whole weeks, Monday first, each post on its China day")
    func monthGrid() throws {
        let posts = [Post(title: "春季新品预告", at: chinaTime("2026-03-01 20:00")), Post(title: "展会回顾", at: chinaTime("2026-03-16 23:30")),
                     Post(title: "客户案例", at: chinaTime("2026-03-16 08:00")), Post(title: "选题：行业报告", at: nil),
                     Post(title: "四月预热", at: chinaTime("2026-04-05 09:00")), Post(title: "下月中旬", at: chinaTime("2026-04-20 09:00"))]
        let grid = try #require(ContentCalendar.monthGrid(year: 2026, month: 3, items: posts) { $0.at.map(ContentCalendar.chinaDate) })
        // March 2026 starts on a Sunday and ends on a Tuesday: Feb 23 … Apr 5, six weeks.
        #expect(grid.weeks.count == 6)
        #expect(grid.weeks.allSatisfy { $0.count == 7 })
        #expect(grid.weeks[0][0].date == civil("2026-02-23") && !grid.weeks[0][0].inMonth)
        #expect(grid.weeks[0][6].date == civil("2026-03-01") && grid.weeks[0][6].inMonth)
        #expect(grid.weeks[0][6].items.map(\.title) == ["春季新品预告"])
        #expect(grid.weeks[3][0].date == civil("2026-03-16"))
        #expect(grid.weeks[3][0].items.map(\.title) == ["展会回顾", "客户案例"], "in the order given")
        #expect(grid.weeks[5][6].date == civil("2026-04-05") && grid.weeks[5][6].items.map(\.title) == ["四月预热"])
        #expect(grid.weeks.joined().reduce(0) { $0 + $1.items.count } == 4, "undated and out-of-grid posts are left out")
        let february = try #require(ContentCalendar.monthGrid(year: 2027, month: 2, items: [Post]()) { $0.at.map(ContentCalendar.chinaDate) })
        #expect(february.weeks.count == 4, "Feb 2027 starts on a Monday and has 28 days")
        #expect(ContentCalendar.monthGrid(year: 2026, month: 13, items: [Post]()) { _ in nil } == nil)
        #expect(ContentCalendar.chinaDate(chinaTime("2026-03-16 23:59")) == civil("2026-03-16"))
        #expect(ContentCalendar.chinaDate(chinaTime("2026-03-17 00:00")) == civil("2026-03-17"))
    }
}
