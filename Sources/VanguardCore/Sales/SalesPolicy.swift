import Foundation

/// The sales chapter's part of the policy pack: the pipeline's stages, how prospects are
/// classified, and the industries the team sells to. Every part is optional in the YAML; what is
/// left out falls back to the standard rules.
public struct SalesPolicy: Sendable, Codable, Equatable {
    public struct Industry: Sendable, Codable, Equatable {
        public var key: String
        public var name: LocalizedText
        public init(key: String, name: LocalizedText) { self.key = key; self.name = name }
    }

    public var stages: [PipelineStage]?
    public var classification: CustomerClassification?
    public var industries: [Industry]?
    /// The discount above which the lead approves a quote (RSK-S1).
    public var quotes: QuotePolicy?
    /// The contract checklist and the amount from which a second approver is needed (RSK-S3).
    public var contracts: ContractPolicy?
    /// Credit factors, weights, ratings and limits, and the overdue days that stop new orders (RSK-S2).
    public var credit: CreditPolicy?

    public init(stages: [PipelineStage]? = nil, classification: CustomerClassification? = nil, industries: [Industry]? = nil) {
        self.stages = stages
        self.classification = classification
        self.industries = industries
    }

    public var pipeline: Pipeline { stages.map(Pipeline.init(stages:)) ?? .standard }
    public var effectiveClassification: CustomerClassification { classification ?? .standard }
    public var effectiveIndustries: [Industry] { industries ?? Self.standardIndustries }
    public var effectiveQuotes: QuotePolicy { quotes ?? .default }
    public var effectiveContracts: ContractPolicy { contracts ?? .default }
    public var effectiveCredit: CreditPolicy { credit ?? .default }

    public func problems() -> [FieldError] {
        var errors = effectiveClassification.problems(field: "sales.classification")
        if let stages {
            let keys = stages.map(\.key)
            if Set(keys).count != keys.count { errors.append(.init(field: "sales.stages", code: "duplicate", message: "Stage keys must be unique.")) }
            if !stages.contains(where: { $0.outcome == .open }) || !stages.contains(where: { $0.outcome == .won }) || !stages.contains(where: { $0.outcome == .lost }) {
                errors.append(.init(field: "sales.stages", code: "incompletePipeline", message: "The pipeline needs open stages, a won stage and a lost stage."))
            }
            if stages.contains(where: { !(0...100).contains($0.probability) }) {
                errors.append(.init(field: "sales.stages", code: "outOfRange", message: "A stage's probability is from 0 to 100."))
            }
        }
        let industryKeys = effectiveIndustries.map(\.key)
        if Set(industryKeys).count != industryKeys.count { errors.append(.init(field: "sales.industries", code: "duplicate", message: "Industry keys must be unique.")) }
        return errors
    }

    public static let standardIndustries: [Industry] = [
        Industry(key: "manufacturing", name: LocalizedText(zhHans: "制造业", zhHant: "製造業", en: "Manufacturing")),
        Industry(key: "retail", name: LocalizedText(zhHans: "零售", zhHant: "零售", en: "Retail")),
        Industry(key: "it", name: LocalizedText(zhHans: "信息技术", zhHant: "資訊科技", en: "Information technology")),
        Industry(key: "finance", name: LocalizedText(zhHans: "金融", zhHant: "金融", en: "Finance")),
        Industry(key: "healthcare", name: LocalizedText(zhHans: "医疗健康", zhHant: "醫療健康", en: "Healthcare")),
        Industry(key: "education", name: LocalizedText(zhHans: "教育", zhHant: "教育", en: "Education")),
        Industry(key: "construction", name: LocalizedText(zhHans: "建筑", zhHant: "建築", en: "Construction")),
        Industry(key: "logistics", name: LocalizedText(zhHans: "物流", zhHant: "物流", en: "Logistics")),
        Industry(key: "government", name: LocalizedText(zhHans: "政府及公共事业", zhHant: "政府及公共事業", en: "Government and utilities")),
        Industry(key: "other", name: LocalizedText(zhHans: "其他", zhHant: "其他", en: "Other")),
    ]
}
