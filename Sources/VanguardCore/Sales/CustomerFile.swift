import Foundation

/// Whether a customer is a company or a private person (SP-1: the customer file covers both).
public enum CustomerKind: String, Sendable, Codable, CaseIterable {
    case company, individual
}

/// How large a company customer is; one of the classification factors.
public enum CustomerSize: String, Sendable, Codable, CaseIterable {
    case micro, small, medium, large
}

/// Where a prospect was found (SAL-2, SP-1): phone marketing, visits, trade shows, campaigns…
public enum SourceChannel: String, Sendable, Codable, CaseIterable {
    case phoneMarketing, visit, tradeShow, campaign, referral, website, other
}

/// Where a customer stands: a prospect until the first deal is won, then a customer; inactive
/// when the relationship has ended.
public enum CustomerStatus: String, Sendable, Codable, CaseIterable {
    case prospect, customer, inactive
}

/// What a sales activity was (SP-2): a call, a visit, a meeting at a trade show…
public enum ActivityKind: String, Sendable, Codable, CaseIterable {
    case call, visit, tradeShow, meeting, email, other
}

/// Which calendar a contact's birthday is kept in; many customers celebrate the lunar date.
public enum BirthdayCalendar: String, Sendable, Codable, CaseIterable {
    case gregorian, lunar
}

/// The facts about a prospect that its classification rests on (SP-1).
public struct ProspectFacts: Sendable, Equatable {
    public var size: CustomerSize?
    /// What the customer could buy in a year, in yuan.
    public var expectedAnnualYuan: Int64
    public var source: SourceChannel?

    public init(size: CustomerSize?, expectedAnnualYuan: Int64, source: SourceChannel?) {
        self.size = size
        self.expectedAnnualYuan = expectedAnnualYuan
        self.source = source
    }
}

/// The rules from the policy pack that classify and score prospects (SP-1): each factor gives
/// points 0–100, the weights make a score 0–100, and the score's band gives the class (A/B/C).
public struct CustomerClassification: Sendable, Codable, Equatable {
    public struct Band: Sendable, Codable, Equatable {
        public var from: Int64
        public var points: Int
        public init(from: Int64, points: Int) { self.from = from; self.points = points }
    }

    public struct ClassBand: Sendable, Codable, Equatable {
        public var key: String
        public var minScore: Int
        public init(key: String, minScore: Int) { self.key = key; self.minScore = minScore }
    }

    public struct Weights: Sendable, Codable, Equatable {
        public var size: Int
        public var potential: Int
        public var source: Int
        public init(size: Int, potential: Int, source: Int) { self.size = size; self.potential = potential; self.source = source }
    }

    public var weights: Weights
    public var size: [String: Int]
    /// Expected annual purchase (yuan) → points: the highest band reached counts.
    public var potential: [Band]
    public var source: [String: Int]
    /// Highest first: the first class whose minimum score is reached.
    public var classes: [ClassBand]

    public init(weights: Weights, size: [String: Int], potential: [Band], source: [String: Int], classes: [ClassBand]) {
        self.weights = weights
        self.size = size
        self.potential = potential
        self.source = source
        self.classes = classes
    }

    /// The score 0–100, rounded half up.
    public func score(_ f: ProspectFacts) -> Int {
        let total = weights.size + weights.potential + weights.source
        guard total > 0 else { return 0 }
        let sizePoints = f.size.flatMap { size[$0.rawValue] } ?? 0
        let potentialPoints = potential.sorted { $0.from > $1.from }.first { f.expectedAnnualYuan >= $0.from }?.points ?? 0
        let sourcePoints = f.source.flatMap { source[$0.rawValue] } ?? 0
        let weighted = sizePoints * weights.size + potentialPoints * weights.potential + sourcePoints * weights.source
        return min(100, max(0, (weighted * 2 + total) / (2 * total)))
    }

    /// The class for a score: the first band (highest minimum first) the score reaches.
    public func classFor(score: Int) -> String {
        classes.sorted { $0.minScore > $1.minScore }.first { score >= $0.minScore }?.key ?? classes.last?.key ?? "C"
    }

    /// What the pack's classification would break if saved.
    public func problems(field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if classes.isEmpty { errors.append(.init(field: "\(field).classes", code: "required", message: "At least one class is needed.")) }
        if weights.size < 0 || weights.potential < 0 || weights.source < 0 || weights.size + weights.potential + weights.source == 0 {
            errors.append(.init(field: "\(field).weights", code: "invalidWeights", message: "Weights must be zero or more, and not all zero."))
        }
        let points = Array(size.values) + Array(source.values) + potential.map(\.points)
        if points.contains(where: { !(0...100).contains($0) }) {
            errors.append(.init(field: field, code: "outOfRange", message: "Points are from 0 to 100."))
        }
        return errors
    }

    /// The rules used when the policy pack has none: large buyers found by referral are A.
    public static let standard = CustomerClassification(
        weights: Weights(size: 30, potential: 50, source: 20),
        size: ["micro": 10, "small": 40, "medium": 70, "large": 100],
        potential: [Band(from: 1_000_000, points: 100), Band(from: 300_000, points: 70), Band(from: 50_000, points: 40), Band(from: 0, points: 10)],
        source: ["referral": 100, "tradeShow": 70, "visit": 70, "campaign": 50, "phoneMarketing": 40, "website": 40, "other": 20],
        classes: [ClassBand(key: "A", minScore: 70), ClassBand(key: "B", minScore: 40), ClassBand(key: "C", minScore: 0)])
}
