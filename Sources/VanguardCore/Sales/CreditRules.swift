import Foundation

/// How risky the customer's industry is, as the credit assessor judges it (RSK-S2).
public enum IndustryRisk: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable {
    case low, medium, high
}

/// A customer's credit rating (RSK-S2), best first: AAA, AA, A, B, C.
public enum CreditRating: String, Sendable, Codable, CaseIterable {
    case aaa = "AAA", aa = "AA", a = "A", b = "B", c = "C"
}

/// A band of a credit factor where more is better: a value of at least `from` earns `points`
/// (the highest band reached counts).
public struct PointsFrom<Value: Comparable & Codable & Sendable>: Codable, Sendable, Equatable {
    public var from: Value
    public var points: Int

    public init(from: Value, points: Int) {
        self.from = from
        self.points = points
    }
}

/// A band of a credit factor where less is better: a value of at most `upTo` earns `points`
/// (the lowest band that holds the value counts; beyond every band earns 0).
public struct PointsUpTo<Value: Comparable & Codable & Sendable>: Codable, Sendable, Equatable {
    public var upTo: Value
    public var points: Int

    public init(upTo: Value, points: Int) {
        self.upTo = upTo
        self.points = points
    }
}

/// What the credit assessor records about a customer (RSK-S2).
public struct CreditFactors: Sendable, Codable, Equatable {
    /// The share of past invoices paid on time, 0–1; nil for a customer with no payment history yet.
    public var onTimeShare: Double?
    /// What the customer owes past its due dates now, in absolute terms.
    public var overdueAmount: Money
    public var yearsInBusiness: Int
    public var registeredCapital: Money
    public var industryRisk: IndustryRisk

    public init(onTimeShare: Double?, overdueAmount: Money = .zero, yearsInBusiness: Int, registeredCapital: Money, industryRisk: IndustryRisk) {
        self.onTimeShare = onTimeShare
        self.overdueAmount = overdueAmount
        self.yearsInBusiness = yearsInBusiness
        self.registeredCapital = registeredCapital
        self.industryRisk = industryRisk
    }
}

/// The points (0–100) each factor earned, or the weight each factor carries, by factor.
public struct CreditFactorValues: Sendable, Codable, Equatable {
    public var paymentHistory: Int
    public var overdueAmount: Int
    public var yearsInBusiness: Int
    public var registeredCapital: Int
    public var industryRisk: Int

    public init(paymentHistory: Int, overdueAmount: Int, yearsInBusiness: Int, registeredCapital: Int, industryRisk: Int) {
        self.paymentHistory = paymentHistory
        self.overdueAmount = overdueAmount
        self.yearsInBusiness = yearsInBusiness
        self.registeredCapital = registeredCapital
        self.industryRisk = industryRisk
    }

    var all: [Int] { [paymentHistory, overdueAmount, yearsInBusiness, registeredCapital, industryRisk] }
}

/// What a rating means (RSK-S2): the lowest score that earns it, the credit limit it grants and
/// how many months until the customer is assessed again.
public struct CreditRatingRule: Sendable, Codable, Equatable {
    public var rating: CreditRating
    public var minimumScore: Int
    public var limit: Money
    public var reviewMonths: Int

    public init(rating: CreditRating, minimumScore: Int, limit: Money, reviewMonths: Int) {
        self.rating = rating
        self.minimumScore = minimumScore
        self.limit = limit
        self.reviewMonths = reviewMonths
    }
}

/// The credit part of the policy pack (RSK-S2): bands that turn each factor into points, the
/// weights that make the score, the ratings with their limits and review periods, and how many
/// days past due a debt may be before new orders wait.
public struct CreditPolicy: Sendable, Codable, Equatable {
    public var weights: CreditFactorValues
    public var onTimeShare: [PointsFrom<Percent>]
    public var noPaymentHistoryPoints: Int
    public var overdueAmount: [PointsUpTo<Money>]
    public var yearsInBusiness: [PointsFrom<Int>]
    public var registeredCapital: [PointsFrom<Money>]
    public var industryRisk: [IndustryRisk: Int]
    /// Best rating first.
    public var ratings: [CreditRatingRule]
    public var maxOverdueDays: Int

    public init(weights: CreditFactorValues, onTimeShare: [PointsFrom<Percent>], noPaymentHistoryPoints: Int,
                overdueAmount: [PointsUpTo<Money>], yearsInBusiness: [PointsFrom<Int>], registeredCapital: [PointsFrom<Money>],
                industryRisk: [IndustryRisk: Int], ratings: [CreditRatingRule], maxOverdueDays: Int) {
        self.weights = weights
        self.onTimeShare = onTimeShare
        self.noPaymentHistoryPoints = noPaymentHistoryPoints
        self.overdueAmount = overdueAmount
        self.yearsInBusiness = yearsInBusiness
        self.registeredCapital = registeredCapital
        self.industryRisk = industryRisk
        self.ratings = ratings
        self.maxOverdueDays = maxOverdueDays
    }

    private static func yuan(_ y: Int64) -> Money { Money(fen: y * 100) }

    /// Sensible numbers for a small B2B sales team; the lead tunes them in the policy pack.
    public static let `default` = CreditPolicy(
        weights: CreditFactorValues(paymentHistory: 35, overdueAmount: 25, yearsInBusiness: 15, registeredCapital: 10, industryRisk: 15),
        onTimeShare: [.init(from: Percent(percent: 98), points: 100), .init(from: Percent(percent: 95), points: 90),
                      .init(from: Percent(percent: 90), points: 75), .init(from: Percent(percent: 80), points: 55),
                      .init(from: Percent(percent: 60), points: 30), .init(from: .zero, points: 0)],
        noPaymentHistoryPoints: 50,
        overdueAmount: [.init(upTo: .zero, points: 100), .init(upTo: yuan(10_000), points: 80),
                        .init(upTo: yuan(50_000), points: 60), .init(upTo: yuan(200_000), points: 30)],
        yearsInBusiness: [.init(from: 10, points: 100), .init(from: 5, points: 80), .init(from: 3, points: 60),
                          .init(from: 1, points: 40), .init(from: 0, points: 20)],
        registeredCapital: [.init(from: yuan(50_000_000), points: 100), .init(from: yuan(10_000_000), points: 85),
                            .init(from: yuan(5_000_000), points: 70), .init(from: yuan(1_000_000), points: 50),
                            .init(from: .zero, points: 30)],
        industryRisk: [.low: 100, .medium: 60, .high: 20],
        ratings: [.init(rating: .aaa, minimumScore: 90, limit: yuan(2_000_000), reviewMonths: 12),
                  .init(rating: .aa, minimumScore: 80, limit: yuan(1_000_000), reviewMonths: 12),
                  .init(rating: .a, minimumScore: 70, limit: yuan(500_000), reviewMonths: 6),
                  .init(rating: .b, minimumScore: 60, limit: yuan(200_000), reviewMonths: 6),
                  .init(rating: .c, minimumScore: 0, limit: .zero, reviewMonths: 3)],
        maxOverdueDays: 90)

    /// What would make the pack's credit section unusable, by field (`ratings[2].minimumScore`).
    public func problems() -> [FieldError] {
        var errors = FieldErrors()
        if weights.all.contains(where: { $0 < 0 }) || weights.all.reduce(0, +) <= 0 {
            errors.add("weights", "invalid", "Weights cannot be negative and must add up to more than zero.")
        }
        let points = onTimeShare.map(\.points) + overdueAmount.map(\.points) + yearsInBusiness.map(\.points)
            + registeredCapital.map(\.points) + Array(industryRisk.values) + [noPaymentHistoryPoints]
        if points.contains(where: { !(0...100).contains($0) }) { errors.add("bands", "outOfRange", "Points lie between 0 and 100.") }
        if IndustryRisk.allCases.contains(where: { industryRisk[$0] == nil }) {
            errors.add("industryRisk", "required", "Give points for low, medium and high industry risk.")
        }
        if ratings.isEmpty { errors.add("ratings", "required", "At least one rating is needed.") }
        for (i, rule) in ratings.enumerated() {
            if i > 0 && rule.minimumScore >= ratings[i - 1].minimumScore {
                errors.add("ratings[\(i)].minimumScore", "notDescending", "List ratings best first, each with a lower minimum score than the one before.")
            }
            if rule.limit.isNegative { errors.add("ratings[\(i)].limit", "negative", "A credit limit cannot be negative.") }
            if rule.reviewMonths < 1 { errors.add("ratings[\(i)].reviewMonths", "tooSmall", "Must be at least 1 month.") }
        }
        if let last = ratings.last, last.minimumScore > 0 {
            errors.add("ratings[\(ratings.count - 1)].minimumScore", "gap", "The last rating must start at score 0 so every customer gets one.")
        }
        if maxOverdueDays < 0 { errors.add("maxOverdueDays", "negative", "Cannot be negative.") }
        return errors.all
    }
}

/// A customer's credit assessment (RSK-S2): the points per factor, the weighted score, the rating,
/// the credit limit it grants and when it must be reviewed.
public struct CreditAssessment: Sendable, Codable, Equatable {
    public var points: CreditFactorValues
    public var score: Int
    public var rating: CreditRating
    public var limit: Money
    public var assessedOn: CivilDate
    public var nextReview: CivilDate

    public init(points: CreditFactorValues, score: Int, rating: CreditRating, limit: Money, assessedOn: CivilDate, nextReview: CivilDate) {
        self.points = points
        self.score = score
        self.rating = rating
        self.limit = limit
        self.assessedOn = assessedOn
        self.nextReview = nextReview
    }

    /// An assessment is valid from the day it is made through its next review date.
    public func isValid(on date: CivilDate) -> Bool { assessedOn <= date && date <= nextReview }
}

/// Whether an order may go ahead on credit (RSK-S2).
public enum CreditDecision: String, Sendable, Codable {
    case allowed, allowedWithOverride, refused
}

/// One reason an order fails the credit check; `code` is stable for clients.
public struct CreditReason: Sendable, Codable, Equatable {
    public var code: String
    public var message: String
}

/// The lead's decision to let an order through despite the credit check, with the reason on record.
public struct CreditOverride: Sendable, Codable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// What the credit check needs to know about the customer and the new order.
public struct OrderCreditFacts: Sendable, Equatable {
    public var unpaidInvoices: Money
    public var uninvoicedOrders: Money
    public var orderAmount: Money
    public var limit: Money
    /// From the receivables ageing: days the oldest unpaid invoice is past due (0 when none is).
    public var oldestOverdueDays: Int
    /// The customer's latest assessment; nil when never assessed.
    public var assessment: CreditAssessment?
    public var today: CivilDate

    public init(unpaidInvoices: Money, uninvoicedOrders: Money = .zero, orderAmount: Money, limit: Money,
                oldestOverdueDays: Int = 0, assessment: CreditAssessment?, today: CivilDate) {
        self.unpaidInvoices = unpaidInvoices
        self.uninvoicedOrders = uninvoicedOrders
        self.orderAmount = orderAmount
        self.limit = limit
        self.oldestOverdueDays = oldestOverdueDays
        self.assessment = assessment
        self.today = today
    }

    /// The facts from the receivables ageing and the assessment, whose limit applies.
    public init(ageing: ReceivablesAgeing, uninvoicedOrders: Money, orderAmount: Money, assessment: CreditAssessment?, today: CivilDate) {
        self.init(unpaidInvoices: ageing.totalOutstanding, uninvoicedOrders: uninvoicedOrders, orderAmount: orderAmount,
                  limit: assessment?.limit ?? .zero, oldestOverdueDays: ageing.oldestOverdueDays, assessment: assessment, today: today)
    }
}

/// The credit check's answer: the decision, every reason against the order, and the exposure the
/// order would make.
public struct CreditCheckResult: Sendable, Equatable {
    public var decision: CreditDecision
    public var reasons: [CreditReason]
    /// Open exposure plus this order; nil when the figures are too large to add.
    public var exposureAfterOrder: Money?
    public var overrideReason: String?

    public var codes: [String] { reasons.map(\.code) }
}

/// The credit rules (RSK-S2): assess a customer from weighted factors, and check each order
/// against the limit, old debts and the assessment's validity.
public enum CreditRules {
    /// Every problem with the assessor's input at once, by field.
    public static func validate(_ f: CreditFactors) -> FieldErrors {
        var errors = FieldErrors()
        if let share = f.onTimeShare, !(share.isFinite && (0...1).contains(share)) {
            errors.add("onTimeShare", "outOfRange", "The share paid on time lies between 0 and 1 (got \(share)).")
        }
        if f.overdueAmount.isNegative { errors.add("overdueAmount", "negative", "Cannot be negative (got \(f.overdueAmount)).") }
        if f.yearsInBusiness < 0 { errors.add("yearsInBusiness", "negative", "Cannot be negative (got \(f.yearsInBusiness)).") }
        if f.registeredCapital.isNegative { errors.add("registeredCapital", "negative", "Cannot be negative (got \(f.registeredCapital)).") }
        return errors
    }

    static func points<V>(_ value: V, _ bands: [PointsFrom<V>]) -> Int {
        bands.filter { $0.from <= value }.max { $0.from < $1.from }?.points ?? 0
    }

    static func points<V>(_ value: V, _ bands: [PointsUpTo<V>]) -> Int {
        bands.filter { value <= $0.upTo }.min { $0.upTo < $1.upTo }?.points ?? 0
    }

    /// The assessment the policy gives these factors on `date`: points per factor from the bands,
    /// the score as their weighted average (rounded half up), the rating whose minimum score it
    /// reaches, that rating's limit, and the next review that many months later.
    public static func assess(_ f: CreditFactors, on date: CivilDate, policy: CreditPolicy = .default) -> CreditAssessment {
        let history = f.onTimeShare.map { share in
            points(Percent(basisPoints: Int64((min(max(share, 0), 1) * 10_000).rounded())), policy.onTimeShare)
        } ?? policy.noPaymentHistoryPoints
        let earned = CreditFactorValues(
            paymentHistory: history,
            overdueAmount: points(f.overdueAmount, policy.overdueAmount),
            yearsInBusiness: points(f.yearsInBusiness, policy.yearsInBusiness),
            registeredCapital: points(f.registeredCapital, policy.registeredCapital),
            industryRisk: policy.industryRisk[f.industryRisk] ?? 0)
        let weightSum = max(policy.weights.all.reduce(0, +), 1)
        let weighted = zip(earned.all, policy.weights.all).reduce(0) { $0 + $1.0 * $1.1 }
        let score = Int(Money.divideRoundingHalfUp(Int64(weighted), by: Int64(weightSum)))
        let rule = policy.ratings.first { score >= $0.minimumScore } ?? policy.ratings.last
        return CreditAssessment(points: earned, score: score, rating: rule?.rating ?? .c, limit: rule?.limit ?? .zero,
                                assessedOn: date, nextReview: SalesCalendar.adding(months: rule?.reviewMonths ?? 0, to: date))
    }

    /// The credit check on a new order. It is refused when open exposure (unpaid invoices and
    /// orders not yet invoiced) plus the order would exceed the limit, when any debt is more than
    /// `maxOverdueDays` (90) days past due, or when there is no valid assessment. The lead may let
    /// a refused order through with an override that gives a reason; every reason is listed.
    public static func checkOrder(_ facts: OrderCreditFacts, override: CreditOverride? = nil, policy: CreditPolicy = .default) -> CreditCheckResult {
        var reasons: [CreditReason] = []
        let exposure = try? facts.unpaidInvoices + facts.uninvoicedOrders
        let after = exposure.flatMap { try? $0 + facts.orderAmount }
        if let exposure, let after {
            if after > facts.limit {
                let over = Money(fen: after.fen - facts.limit.fen)
                reasons.append(CreditReason(code: "overLimit", message:
                    "Open exposure \(exposure) (unpaid invoices \(facts.unpaidInvoices), orders not yet invoiced \(facts.uninvoicedOrders)) plus this order \(facts.orderAmount) makes \(after), \(over) over the credit limit of \(facts.limit)."))
            }
        } else {
            reasons.append(CreditReason(code: "amountTooLarge", message: "These amounts are too large to add up; check the order amount."))
        }
        if facts.oldestOverdueDays > policy.maxOverdueDays {
            reasons.append(CreditReason(code: "debtOverdue", message:
                "The customer has a debt \(facts.oldestOverdueDays) days past due; new orders wait while any debt is more than \(policy.maxOverdueDays) days past due."))
        }
        if let a = facts.assessment {
            if !a.isValid(on: facts.today) {
                let when = a.nextReview < facts.today ? "expired after \(a.nextReview)" : "is dated \(a.assessedOn), after today"
                reasons.append(CreditReason(code: "noValidAssessment", message: "The customer's credit assessment \(when); assess the customer's credit again first."))
            }
        } else {
            reasons.append(CreditReason(code: "noValidAssessment", message: "The customer's credit has not been assessed; assess it first."))
        }
        guard !reasons.isEmpty else { return CreditCheckResult(decision: .allowed, reasons: [], exposureAfterOrder: after) }
        if let override {
            let reason = override.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            if !reason.isEmpty {
                return CreditCheckResult(decision: .allowedWithOverride, reasons: reasons, exposureAfterOrder: after, overrideReason: reason)
            }
            reasons.append(CreditReason(code: "overrideNeedsReason", message: "The lead's override needs a reason on record."))
        }
        return CreditCheckResult(decision: .refused, reasons: reasons, exposureAfterOrder: after)
    }
}
