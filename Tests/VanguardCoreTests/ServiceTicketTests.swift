import Foundation
import Testing
@testable import VanguardCore

/// The ticket status machine (SVC-1, SVC-2, CP-1, CP-2): allowed moves, what a resolution needs,
/// closing and reopening, and the clocks' view of a ticket's history.
@Suite("Service tickets (SVC-1, SVC-2, CP-1, CP-2)")
struct ServiceTicketTests {
    let rules = TicketRules()
    let now = chinaTime("2026-03-16 10:00")
    let done = TicketFacts(cause: "delivery", resolution: "补发了缺失的配件，客户已确认收到。")

    @Test("a complaint goes new → acknowledged → in progress ⇄ waiting → resolved → closed")
    func happyPath() {
        let path: [TicketStatus] = [.new, .acknowledged, .inProgress, .waitingOnCustomer, .inProgress, .waitingOnDepartment, .resolved, .closed]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(rules.refusal(from: from, to: to, facts: done, now: now) == nil, "\(from) → \(to)")
        }
    }

    @Test("resolving needs a cause from the policy's list and what was done")
    func resolutionNeedsCause() {
        let bare = rules.refusal(from: .inProgress, to: .resolved, facts: TicketFacts(), now: now)
        #expect(bare?.code == "resolutionRequirements")
        #expect(bare?.missing == [.cause, .resolution])
        #expect(bare?.message.contains("cause") == true)
        #expect(rules.refusal(from: .inProgress, to: .resolved, facts: TicketFacts(cause: "product", resolution: "  "), now: now)?.missing == [.resolution])
        let unknown = rules.refusal(from: .inProgress, to: .resolved, facts: TicketFacts(cause: "weather", resolution: "已处理"), now: now)
        #expect(unknown?.code == "unknownCause")
        #expect(unknown?.missing == [.cause])
        #expect(unknown?.message.contains("weather") == true)
        #expect(rules.refusal(from: .new, to: .resolved, facts: done, now: now) == nil, "an inquiry answered on the spot")
    }

    @Test("only a resolved ticket can be closed, and a new ticket goes to another department only after acknowledgement")
    func illegalMoves() {
        #expect(rules.refusal(from: .inProgress, to: .closed, facts: done, now: now)?.code == "notResolved")
        #expect(rules.refusal(from: .new, to: .closed, facts: done, now: now)?.code == "notResolved")
        #expect(rules.refusal(from: .new, to: .waitingOnDepartment, facts: done, now: now)?.code == "moveNotAllowed")
        #expect(rules.refusal(from: .closed, to: .resolved, facts: done, now: now)?.code == "moveNotAllowed")
        #expect(rules.refusal(from: .resolved, to: .acknowledged, facts: done, now: now)?.code == "moveNotAllowed")
    }

    @Test("a resolved or closed ticket may be reopened into progress within 7 days of its resolution")
    func reopen() {
        let recent = TicketFacts(cause: "product", resolution: "更换", resolvedAt: chinaTime("2026-03-10 10:00"))
        #expect(rules.refusal(from: .resolved, to: .inProgress, facts: recent, now: now) == nil)
        #expect(rules.refusal(from: .closed, to: .inProgress, facts: recent, now: now) == nil)
        let old = TicketFacts(cause: "product", resolution: "更换", resolvedAt: chinaTime("2026-03-09 09:59"))
        let refused = rules.refusal(from: .closed, to: .inProgress, facts: old, now: now)
        #expect(refused?.code == "reopenWindowPassed")
        #expect(refused?.message.contains("7 days") == true)
        let never = TicketRules(reopenWindowDays: 0)
        #expect(never.refusal(from: .resolved, to: .inProgress, facts: recent, now: now)?.code == "reopenNotAllowed")
    }

    @Test("leaving 'new' is the first response; later moves are not")
    func firstResponseMoves() {
        #expect(TicketRules.countsAsFirstResponse(from: .new, to: .acknowledged))
        #expect(TicketRules.countsAsFirstResponse(from: .new, to: .resolved))
        #expect(!TicketRules.countsAsFirstResponse(from: .acknowledged, to: .inProgress))
        #expect(!TicketRules.countsAsFirstResponse(from: .new, to: .waitingOnDepartment), "not an allowed move")
    }

    @Test("the clocks read a ticket's history: first response, waiting on the customer, resolution and reopening")
    func timelineFromHistory() {
        let created = chinaTime("2026-03-09 09:00")
        var changes = [
            TicketStatusChange(at: chinaTime("2026-03-09 09:20"), from: .new, to: .acknowledged),
            TicketStatusChange(at: chinaTime("2026-03-09 09:30"), from: .acknowledged, to: .inProgress),
            TicketStatusChange(at: chinaTime("2026-03-09 10:00"), from: .inProgress, to: .waitingOnCustomer),
            TicketStatusChange(at: chinaTime("2026-03-10 10:00"), from: .waitingOnCustomer, to: .inProgress),
            TicketStatusChange(at: chinaTime("2026-03-10 11:00"), from: .inProgress, to: .waitingOnDepartment),
            TicketStatusChange(at: chinaTime("2026-03-10 15:00"), from: .waitingOnDepartment, to: .resolved),
        ]
        let resolved = TicketTimeline(createdAt: created, changes: changes)
        #expect(resolved.firstResponseAt == chinaTime("2026-03-09 09:20"))
        #expect(resolved.resolvedAt == chinaTime("2026-03-10 15:00"))
        let target = SLAPolicy().target(for: .complaint, priority: .normal)
        let clock = SLAClock.resolution(resolved, target: target, now: chinaTime("2026-03-12 10:00"), calendar: WorkingCalendar())
        #expect(clock.state == .met)
        // 09:00–10:00 on Monday, then 10:00–15:00 on Tuesday less lunch; waiting on the department counts.
        #expect(clock.elapsedMinutes == 60 + 210)

        changes.append(TicketStatusChange(at: chinaTime("2026-03-12 09:00"), from: .resolved, to: .inProgress))
        let reopened = TicketTimeline(createdAt: created, changes: changes)
        #expect(reopened.resolvedAt == nil)
        let running = SLAClock.resolution(reopened, target: target, now: chinaTime("2026-03-12 10:00"), calendar: WorkingCalendar())
        #expect(running.state == .running)
        #expect(running.elapsedMinutes == 60 + 210 + 60, "the days it stood resolved do not count")

        let earlyReply = TicketTimeline(createdAt: created, changes: changes, firstReplyAt: chinaTime("2026-03-09 09:05"))
        #expect(earlyReply.firstResponseAt == chinaTime("2026-03-09 09:05"), "an e-mail reply before the status change counts")
    }

    @Test("causes, feedback categories, channels and statuses have names in every language")
    func names() {
        #expect(TicketRules.standardCauses.map(\.key) == ["product", "delivery", "installation", "billing", "serviceAttitude", "misuse", "other"])
        #expect(TicketRules.standardFeedbackCategories.map(\.key) == ["product", "service", "price", "delivery", "market", "competitor", "other"])
        let texts = TicketRules.standardCauses.map(\.name) + TicketRules.standardFeedbackCategories.map(\.name)
            + TicketChannel.allCases.map(\.name) + TicketStatus.allCases.map(\.name) + TicketType.allCases.map(\.name)
        #expect(texts.allSatisfy { !$0.zhHans.isEmpty && !$0.zhHant.isEmpty && !$0.en.isEmpty && $0.zhHans != $0.en })
        #expect(TicketChannel.wechat.name[.zhHans] == "微信")
    }
}
