import Foundation
import Testing
@testable import VanguardCore

/// Research notes' tags (MKT-2, MP-1) and the risk warning's status flow (RSK-M2).
@Suite("Market research tags and warning status (MKT-2, RSK-M2)")
struct MarketingResearchRulesTests {
    @Test("MKT-2: tags typed with Chinese or Latin separators are trimmed, kept in order, and counted once whatever their case")
    func tagsParse() {
        #expect(ResearchTags.parse("价格战, 华东；渠道、 Price War\nprice war ,, ") == ["价格战", "华东", "渠道", "Price War"])
        #expect(ResearchTags.parse("   ").isEmpty)
        #expect(ResearchTags.stored(["价格战", "Price War"]) == ",价格战,price war,")
        #expect(ResearchTags.stored([]) == "")
    }

    @Test("MKT-2: too many tags, a long tag or a separator inside a tag is refused, naming the tag")
    func tagProblems() {
        #expect(ResearchTags.problems(["a", "b"]).isEmpty)
        #expect(ResearchTags.problems((1...11).map { "t\($0)" }).map(\.code) == ["tooMany"])
        #expect(ResearchTags.problems(["ok", String(repeating: "长", count: 31)]).map(\.field) == ["tags[1]"])
        #expect(ResearchTags.problems(["a,b"]).map(\.code) == ["invalidTag"])
        #expect(ResearchTags.problems(["  "]).map(\.code) == ["required"])
    }

    @Test("RSK-M2: a warning moves open → acknowledged → resolved, resolving needs a note, and resolved is final")
    func warningFlow() {
        #expect(RiskWarningStatus.open.problems(movingTo: .acknowledged, resolutionNote: nil).isEmpty)
        #expect(RiskWarningStatus.open.problems(movingTo: .resolved, resolutionNote: "已调整报价").isEmpty)
        #expect(RiskWarningStatus.acknowledged.problems(movingTo: .resolved, resolutionNote: " ").map(\.field) == ["resolutionNote"])
        #expect(RiskWarningStatus.resolved.problems(movingTo: .open, resolutionNote: nil).map(\.code) == ["invalidMove"])
        #expect(RiskWarningStatus.acknowledged.problems(movingTo: .open, resolutionNote: nil).map(\.code) == ["invalidMove"])
        #expect(RiskWarningStatus.resolved.problems(movingTo: .resolved, resolutionNote: nil).isEmpty, "staying put is no move")
        #expect(RiskWarningStatus.allCases.filter(\.isOpen) == [.open, .acknowledged])
    }
}
