import Foundation

/// What must be on an opportunity before it may enter a stage (SP-2 … SP-4): the needs learned on
/// a visit before a proposal, a quote before negotiating, a signed contract before it is won, and
/// a reason whenever a deal is lost.
public enum StageRequirement: String, Sendable, Codable, CaseIterable {
    case needs
    case quote
    case signedContract
    case lossReason
}

/// One stage of the pipeline, as the policy pack describes it.
public struct PipelineStage: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable { case open, won, lost }

    public var key: String
    public var name: LocalizedText
    /// The chance of winning a deal in this stage, 0–100, for the weighted forecast.
    public var probability: Int
    public var outcome: Outcome
    public var requires: [StageRequirement]

    public init(key: String, name: LocalizedText, probability: Int, outcome: Outcome = .open, requires: [StageRequirement] = []) {
        self.key = key
        self.name = name
        self.probability = probability
        self.outcome = outcome
        self.requires = requires
    }
}

/// What an opportunity has, as far as the stage rules care.
public struct OpportunityFacts: Sendable, Equatable {
    public var hasNeeds: Bool
    public var hasQuote: Bool
    public var hasSignedContract: Bool
    public var lossReason: String?

    public init(hasNeeds: Bool = false, hasQuote: Bool = false, hasSignedContract: Bool = false, lossReason: String? = nil) {
        self.hasNeeds = hasNeeds
        self.hasQuote = hasQuote
        self.hasSignedContract = hasSignedContract
        self.lossReason = lossReason
    }

    func satisfies(_ requirement: StageRequirement) -> Bool {
        switch requirement {
        case .needs: hasNeeds
        case .quote: hasQuote
        case .signedContract: hasSignedContract
        case .lossReason: !(lossReason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true)
        }
    }
}

/// Why a stage move was refused, in words the salesperson can act on; `code` is stable for clients.
public struct StageMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var missing: [StageRequirement]
    public var message: String
}

/// The sales pipeline's stage machine (SAL-3, SP-1 … SP-4). Open stages form a line; a deal may
/// move forward several stages at once or step back, and may be lost from any open stage. What a
/// stage requires must hold when the deal enters it, and also for every stage it skips, so
/// jumping straight to "won" still needs the needs, the quote and the signed contract. A won
/// deal is final; a lost one may be reopened into an open stage (its reason stays on record).
public struct Pipeline: Sendable, Equatable {
    public var stages: [PipelineStage]

    public init(stages: [PipelineStage]) {
        self.stages = stages
    }

    public func stage(_ key: String) -> PipelineStage? { stages.first { $0.key == key } }

    public var openStages: [PipelineStage] { stages.filter { $0.outcome == .open } }
    /// The keys of the stages that count as won (revenue, attribution, a prospect becoming a customer).
    public var wonStageKeys: [String] { stages.filter { $0.outcome == .won }.map(\.key) }
    public var firstStage: PipelineStage? { openStages.first }

    /// nil when the move is allowed; otherwise what stands in the way.
    public func refusal(from: String, to: String, facts: OpportunityFacts) -> StageMoveRefusal? {
        guard let source = stage(from), let target = stage(to) else {
            return StageMoveRefusal(code: "unknownStage", missing: [], message: "No stage is called \(stage(from) == nil ? from : to).")
        }
        if from == to { return nil }
        if source.outcome == .won {
            return StageMoveRefusal(code: "dealWon", missing: [], message: "A won deal is final; record a new opportunity for further business.")
        }
        if source.outcome == .lost && target.outcome != .open {
            return StageMoveRefusal(code: "dealLost", missing: [], message: "A lost deal can only be reopened into an open stage.")
        }
        var needed: [StageRequirement] = []
        switch target.outcome {
        case .lost:
            needed = target.requires.contains(.lossReason) ? target.requires : target.requires + [.lossReason]
        case .open, .won:
            // Entering a stage means having passed every open stage up to it (the won stage sits after all of them).
            let line = openStages.map(\.key)
            let end = target.outcome == .won ? line.count : (line.firstIndex(of: to) ?? 0) + 1
            for s in openStages.prefix(end) { needed += s.requires }
            needed += target.outcome == .won ? target.requires : []
        }
        var seen = Set<StageRequirement>()
        let missing = needed.filter { seen.insert($0).inserted && !facts.satisfies($0) }
        guard !missing.isEmpty else { return nil }
        let words = missing.map(Self.describe).joined(separator: ", ")
        return StageMoveRefusal(code: "stageRequirements", missing: missing,
                                message: "Before \(target.name.en) the deal needs: \(words).")
    }

    static func describe(_ r: StageRequirement) -> String {
        switch r {
        case .needs: "the customer's needs, learned on a visit"
        case .quote: "a quote"
        case .signedContract: "a signed contract"
        case .lossReason: "the reason it was lost"
        }
    }

    /// The pipeline the policy describes (SP-1 … SP-4), used when the policy pack has none.
    public static let standard = Pipeline(stages: [
        PipelineStage(key: "prospect", name: LocalizedText(zhHans: "潜在客户", zhHant: "潛在客戶", en: "Prospect"), probability: 10),
        PipelineStage(key: "visited", name: LocalizedText(zhHans: "已拜访", zhHant: "已拜訪", en: "Visited"), probability: 20),
        PipelineStage(key: "proposal", name: LocalizedText(zhHans: "方案报价", zhHant: "方案報價", en: "Proposal"), probability: 40, requires: [.needs]),
        PipelineStage(key: "negotiation", name: LocalizedText(zhHans: "商务谈判", zhHant: "商務談判", en: "Negotiation"), probability: 70, requires: [.quote]),
        PipelineStage(key: "won", name: LocalizedText(zhHans: "赢单", zhHant: "贏單", en: "Won"), probability: 100, outcome: .won, requires: [.signedContract]),
        PipelineStage(key: "lost", name: LocalizedText(zhHans: "输单", zhHant: "輸單", en: "Lost"), probability: 0, outcome: .lost, requires: [.lossReason]),
    ])
}
