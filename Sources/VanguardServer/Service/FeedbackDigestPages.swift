import Fluent
import Foundation
import Vapor
import VanguardCore

/// `GET /api/v1/feedback/digest?month=2026-10` and its page (SVC-3, CP-3): the month's feedback
/// per department. Readers are those of the service analysis.
struct FeedbackDigestAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("feedback", "digest", use: { req in
            try req.authorize(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: req.db)))
            let (month, days) = try FeedbackDigestPages.month(req, strict: true)
            return try await FeedbackDigestService.digest(month: month, days: days, categories: try await TicketService.policy(req).effectiveFeedbackCategories,
                                                          locale: req.locale, on: req.db)
        })
    }
}

struct FeedbackDigestPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("feedback", "digest", use: page)
    }

    /// `month=yyyy-MM`, by default last month (the one the digest on the 1st covers).
    static func month(_ req: Request, strict: Bool) throws -> (String, (first: CivilDate, last: CivilDate)) {
        if let text = try req.queryText("month", max: 7) {
            if let days = FeedbackDigest.month(text) { return (text, days) }
            if strict { throw Problem.invalid("month", "invalidMonth", "Give a month as yyyy-MM, e.g. 2026-10.") }
        } else if strict, req.url.query?.contains("month=") == true {
            throw Problem.invalid("month", "invalidMonth", "Give a month as yyyy-MM, e.g. 2026-10.")
        }
        let days = FeedbackDigest.previousMonth(of: req.today)
        return (FeedbackDigest.label(days.first), days)
    }

    struct MonthOption: Encodable { var value: String; var selected: Bool }
    struct Context: Encodable {
        var digest: FeedbackDigestReport
        var months: [MonthOption]
        var charts: [BarChart]
    }

    func page(req: Request) async throws -> Response {
        try req.authorize(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: req.db)))
        let (month, days) = try Self.month(req, strict: false)
        let digest = try await FeedbackDigestService.digest(month: month, days: days, categories: try await TicketService.policy(req).effectiveFeedbackCategories,
                                                            locale: req.locale, on: req.db)
        var day = req.today
        var months: [String] = []
        for _ in 0..<12 {
            months.append(FeedbackDigest.label(day))
            day = FeedbackDigest.previousMonth(of: day).first
        }
        if !months.contains(month) { months.insert(month, at: 0) }
        let count = { (d: Double) in String(Int(d)) }
        return try await req.page("Service/feedback-digest", title: "navFeedbackDigest", section: "feedback-digest", Context(
            digest: digest, months: months.map { MonthOption(value: $0, selected: $0 == month) },
            charts: digest.departments.isEmpty ? [] : [BarChart(title: req.t("feedbackReceived"), items: digest.departments.map { ($0.name, Double($0.received), "received") }, format: count),
                                                       BarChart(title: req.t("feedbackWaiting"), items: digest.departments.map { ($0.name, Double($0.open + $0.backlog), "late") }, format: count)]))
    }
}
