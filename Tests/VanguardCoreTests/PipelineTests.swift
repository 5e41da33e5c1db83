import Testing
@testable import VanguardCore

/// The sales pipeline's stage rules (SAL-3, SP-1 … SP-4): which moves are allowed and what must
/// be on a deal before it enters a stage.
@Suite("Pipeline stages (SAL-3, SP-1..4)")
struct PipelineTests {
    let pipeline = Pipeline.standard

    @Test("a prospect is visited, then given a proposal once its needs are known (SP-2, SP-3)")
    func needsBeforeProposal() {
        #expect(pipeline.refusal(from: "prospect", to: "visited", facts: .init()) == nil)
        let refused = pipeline.refusal(from: "visited", to: "proposal", facts: .init())
        #expect(refused?.missing == [.needs])
        #expect(refused?.message.contains("needs") == true)
        #expect(pipeline.refusal(from: "visited", to: "proposal", facts: .init(hasNeeds: true)) == nil)
    }

    @Test("negotiation needs a quote (SP-3); won needs a signed contract (SP-4)")
    func quoteAndContract() {
        #expect(pipeline.refusal(from: "proposal", to: "negotiation", facts: .init(hasNeeds: true))?.missing == [.quote])
        #expect(pipeline.refusal(from: "negotiation", to: "won", facts: .init(hasNeeds: true, hasQuote: true))?.missing == [.signedContract])
        #expect(pipeline.refusal(from: "negotiation", to: "won", facts: .init(hasNeeds: true, hasQuote: true, hasSignedContract: true)) == nil)
    }

    @Test("jumping stages still needs everything the skipped stages require")
    func skipping() {
        let refused = pipeline.refusal(from: "prospect", to: "won", facts: .init(hasSignedContract: true))
        #expect(refused?.missing == [.needs, .quote])
        #expect(pipeline.refusal(from: "prospect", to: "negotiation", facts: .init(hasNeeds: true, hasQuote: true)) == nil)
    }

    @Test("a deal may step back, and be lost from any open stage only with a reason")
    func backAndLost() {
        #expect(pipeline.refusal(from: "negotiation", to: "visited", facts: .init(hasNeeds: true, hasQuote: true)) == nil)
        #expect(pipeline.refusal(from: "proposal", to: "lost", facts: .init())?.missing == [.lossReason])
        #expect(pipeline.refusal(from: "proposal", to: "lost", facts: .init(lossReason: "  ")) != nil, "a blank reason is no reason")
        #expect(pipeline.refusal(from: "prospect", to: "lost", facts: .init(lossReason: "预算取消")) == nil)
    }

    @Test("a won deal is final; a lost one may be reopened into an open stage only")
    func terminal() {
        let all = OpportunityFacts(hasNeeds: true, hasQuote: true, hasSignedContract: true, lossReason: "x")
        #expect(pipeline.refusal(from: "won", to: "negotiation", facts: all)?.code == "dealWon")
        #expect(pipeline.refusal(from: "won", to: "lost", facts: all)?.code == "dealWon")
        #expect(pipeline.refusal(from: "lost", to: "won", facts: all)?.code == "dealLost")
        #expect(pipeline.refusal(from: "lost", to: "visited", facts: all) == nil)
    }

    @Test("unknown stages are refused by name")
    func unknown() {
        #expect(pipeline.refusal(from: "prospect", to: "signed", facts: .init())?.code == "unknownStage")
        #expect(pipeline.refusal(from: "prospect", to: "signed", facts: .init())?.message.contains("signed") == true)
    }
}
