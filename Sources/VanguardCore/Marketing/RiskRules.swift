import Foundation

/// How urgent a risk warning is (RSK-M2): for information, to act on, to act on now.
public enum RiskSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, critical

    public static func < (a: RiskSeverity, b: RiskSeverity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One rule's settings in the policy pack; what is left out falls back to the rule's standard.
public struct RiskRuleSetting: Sendable, Codable, Equatable {
    public var enabled: Bool?
    /// A warning is raised when the rule's figure is strictly above it.
    public var threshold: Percent?
    public var severity: RiskSeverity?
    /// Above this the warning is critical whatever `severity` says.
    public var criticalThreshold: Percent?
    /// What the owner is expected to do: copied onto the warning, where it can be edited.
    public var responsePlan: LocalizedText?

    public init(enabled: Bool? = nil, threshold: Percent? = nil, severity: RiskSeverity? = nil,
                criticalThreshold: Percent? = nil, responsePlan: LocalizedText? = nil) {
        self.enabled = enabled
        self.threshold = threshold
        self.severity = severity
        self.criticalThreshold = criticalThreshold
        self.responsePlan = responsePlan
    }

    /// This setting with the standard's values where it has none.
    public func over(_ standard: RiskRuleSetting) -> RiskRuleSetting {
        RiskRuleSetting(enabled: enabled ?? standard.enabled, threshold: threshold ?? standard.threshold, severity: severity ?? standard.severity,
                        criticalThreshold: criticalThreshold ?? standard.criticalThreshold, responsePlan: responsePlan ?? standard.responsePlan)
    }

    public func problems(field: String) -> [FieldError] {
        var errors = FieldErrors()
        if let threshold, threshold < .zero { errors.add("\(field).threshold", "negative", "A threshold is 0% or more.") }
        if let c = criticalThreshold, let t = threshold, c < t {
            errors.add("\(field).criticalThreshold", "belowThreshold", "The critical threshold (\(c)) is below the threshold (\(t)).")
        }
        return errors.all
    }
}

/// A typed fact about the business a rule reads: a competitor's price change, a campaign's
/// spend, a week's leads. Chapters add their own facts without touching the engine.
public protocol RiskFact: Sendable {}

/// What a rule found about one subject: how far over its threshold, and in whose words.
public struct RiskFinding: Sendable, Codable, Equatable {
    /// "campaign", "competitorEvent", "channel", "customer"…
    public var subjectKind: String
    public var subjectId: String
    /// The period the finding is about ("2026-03-09", "2026-M03", "campaign"): one warning per
    /// subject and period.
    public var period: String
    public var ownerId: UUID?
    /// The rule's figure, rounded, for people; nil when it has none (spend with no leads at all).
    public var measured: Percent?
    public var message: LocalizedText

    public init(subjectKind: String, subjectId: String, period: String, ownerId: UUID?, measured: Percent?, message: LocalizedText) {
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.period = period
        self.ownerId = ownerId
        self.measured = measured
        self.message = message
    }
}

/// A rule over one kind of fact. It measures and compares with the threshold it is given; the
/// engine supplies the threshold, severity and response plan from the policy pack.
public protocol RiskRule: Sendable {
    associatedtype Fact: RiskFact
    var key: String { get }
    var clause: String { get }
    /// Threshold, severity and response plan when the pack says nothing.
    var standard: RiskRuleSetting { get }
    func finding(_ fact: Fact, threshold: Percent) -> RiskFinding?
}

/// A market-risk (or, later, sales or service) early warning (RSK-M2): what was found, how
/// urgent, whose to handle and the plan to respond. The finding's fields read through
/// (`warning.subjectId`).
@dynamicMemberLookup
public struct RiskWarning: Sendable, Codable, Equatable {
    public var ruleKey: String
    public var clause: String
    public var severity: RiskSeverity
    public var finding: RiskFinding
    public var responsePlan: LocalizedText?

    public init(ruleKey: String, clause: String, severity: RiskSeverity, finding: RiskFinding, responsePlan: LocalizedText?) {
        self.ruleKey = ruleKey
        self.clause = clause
        self.severity = severity
        self.finding = finding
        self.responsePlan = responsePlan
    }

    public subscript<T>(dynamicMember path: KeyPath<RiskFinding, T>) -> T { finding[keyPath: path] }

    /// The same rule, subject and period is one warning, however often the scan runs.
    public var dedupeKey: String { "\(ruleKey)|\(finding.subjectKind):\(finding.subjectId)|\(finding.period)" }
}

/// The rule engine: rules registered with the pack's settings, run over any mix of facts. Each
/// rule sees only the facts of its own type, so a new chapter adds facts and rules, never code here.
public struct RiskEngine: Sendable {
    private var evaluators: [@Sendable (any RiskFact) -> RiskWarning?] = []
    public private(set) var keys: [String] = []

    public init() {}

    /// Adds a rule with the pack's setting for it (nil: the rule's standard); a disabled rule is skipped.
    public mutating func register<R: RiskRule>(_ rule: R, setting: RiskRuleSetting?) {
        let s = (setting ?? RiskRuleSetting()).over(rule.standard)
        keys.append(rule.key)
        guard s.enabled ?? true else { return }
        let threshold = s.threshold ?? .zero
        evaluators.append { fact in
            guard let fact = fact as? R.Fact, let f = rule.finding(fact, threshold: threshold) else { return nil }
            var severity = s.severity ?? .warning
            // The rule itself says whether the critical threshold is passed too: it compares exactly.
            if let critical = s.criticalThreshold, rule.finding(fact, threshold: critical) != nil { severity = .critical }
            return RiskWarning(ruleKey: rule.key, clause: rule.clause, severity: severity, finding: f, responsePlan: s.responsePlan)
        }
    }

    /// The warnings the facts raise, most severe first, without those already raised (by their
    /// `dedupeKey`) and without repeats within this run.
    public func warnings(_ facts: [any RiskFact], alreadyRaised: Set<String> = []) -> [RiskWarning] {
        var seen = alreadyRaised
        var raised: [RiskWarning] = []
        for fact in facts {
            for evaluate in evaluators {
                if let w = evaluate(fact), seen.insert(w.dedupeKey).inserted { raised.append(w) }
            }
        }
        return raised.enumerated().sorted { ($0.element.severity, -$0.offset) > ($1.element.severity, -$1.offset) }.map(\.element)
    }
}
