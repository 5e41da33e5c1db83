import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The service analysis for a period (SVC-5, RSK-C1): volumes by type and channel, response and
/// resolution times (median and p90), SLA attainment, satisfaction, top causes, repeat
/// complainers and how fast other departments answer.
struct ServiceReport: Content {
    struct Count: Content, Equatable { var key: String; var name: String; var count: Int }
    struct Times: Content, Equatable { var count: Int; var medianMinutes: Int?; var p90Minutes: Int? }
    struct Department: Content, Equatable { var id: UUID; var name: String; var answered: Int; var medianHours: Double?; var openOverdue: Int }
    struct Complainer: Content, Equatable { var customerId: UUID; var name: String; var complaints: Int }

    var period: String
    var opened: Int
    var byType: [Count]
    var byChannel: [Count]
    var firstResponse: Times
    var resolution: Times
    var responseAttainmentPercent: Double?
    var resolutionAttainmentPercent: Double?
    var satisfactionAverage: Double?
    var satisfactionCount: Int
    /// Answers scoring 1 … 5.
    var satisfactionDistribution: [Int]
    var topCauses: [Count]
    var repeatComplainers: [Complainer]
    var departments: [Department]
}

enum ServiceReports {
    /// Volumes, times, attainment, satisfaction and causes are summed from the daily roll-up
    /// (`ServiceDays`); repeat complainers are counted on an index of complaints by day and
    /// customer, and department turnaround from the period's answered department tasks.
    static func report(_ period: TargetPeriod, req: Request) async throws -> ServiceReport {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let policy = try await TicketService.policy(req)
        let locale = req.locale
        let start = period.firstDay.startInChina, end = SalesCalendar.adding(days: 1, to: period.lastDay).startInChina
        let totals = try await ServiceDays.totals(from: period.firstDay, through: period.lastDay, on: sql)
        func counts(_ m: ServiceDayFigures.Measure) -> [String: Int] { totals[m] ?? [:] }
        func times(_ m: ServiceDayFigures.Measure) -> ServiceReport.Times {
            let buckets = Dictionary(counts(m).compactMap { k, n in Int(k).map { ($0, n) } }, uniquingKeysWith: +)
            return .init(count: buckets.values.reduce(0, +), medianMinutes: DurationHistogram.percentile(50, of: buckets),
                         p90Minutes: DurationHistogram.percentile(90, of: buckets))
        }
        let attainment = counts(.resolvedAttainment)
        func percent(_ clock: String) -> Double? {
            let met = attainment["\(clock).met"] ?? 0, breached = attainment["\(clock).breached"] ?? 0
            guard met + breached > 0 else { return nil }
            return (Double(met) / Double(met + breached) * 1000).rounded() / 10
        }
        let scores = counts(.surveyScore)
        let distribution = (1...5).map { scores[String($0)] ?? 0 }
        let answers = distribution.reduce(0, +)
        let average = answers == 0 ? nil : (Double(distribution.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(answers) * 100).rounded() / 100

        let threshold = policy.effectiveRepeatComplaintThreshold
        let complainers = try await sql.raw("""
            SELECT g.customer_id AS id, c.name AS name, g.n AS n FROM (
              SELECT customer_id, COUNT(*) AS n FROM \(ident: Ticket.schema)
              WHERE type = \(bind: TicketType.complaint.rawValue) AND opened_at >= \(bind: start) AND opened_at < \(bind: end) AND deleted_at IS NULL
              GROUP BY customer_id HAVING COUNT(*) >= \(bind: threshold)
            ) g JOIN \(ident: Customer.schema) c ON c.id = g.customer_id
            ORDER BY g.n DESC, c.name LIMIT 50
            """).all().map { ServiceReport.Complainer(customerId: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                                                      complaints: try $0.decode(column: "n", as: Int.self)) }

        let departments = try await departmentTurnaround(req.db, start: start, end: end, today: req.today, locale: locale)
        let causeNames = Dictionary(uniqueKeysWithValues: policy.ticketRules.causes.map { ($0.key, $0.name[locale]) })
        let types = counts(.openedByType), channels = counts(.openedByChannel)
        let causes = counts(.resolvedByCause).filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        return ServiceReport(
            period: period.description, opened: types.values.reduce(0, +),
            byType: TicketType.allCases.map { .init(key: $0.rawValue, name: $0.name[locale], count: types[$0.rawValue] ?? 0) },
            byChannel: TicketChannel.allCases.map { .init(key: $0.rawValue, name: $0.name[locale], count: channels[$0.rawValue] ?? 0) },
            firstResponse: times(.responseMinutes), resolution: times(.resolutionMinutes),
            responseAttainmentPercent: percent("response"), resolutionAttainmentPercent: percent("resolution"),
            satisfactionAverage: average, satisfactionCount: answers, satisfactionDistribution: distribution,
            topCauses: causes.prefix(10).map { .init(key: $0.key, name: causeNames[$0.key] ?? $0.key, count: $0.value) },
            repeatComplainers: complainers, departments: departments)
    }

    /// How fast each department answered the tasks a ticket gave it (LEAD-2), and how many of its
    /// open tasks are past due today: two queries for all departments.
    static func departmentTurnaround(_ db: any Database, start: Date, end: Date, today: CivilDate,
                                     locale: AppLocale) async throws -> [ServiceReport.Department] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let seconds = sql.seconds(from: "created_at", to: "answered_at")
        var answered: [UUID: [Int]] = [:], overdue: [UUID: Int] = [:]
        for r in try await sql.raw("""
            SELECT department_id, CAST(\(seconds) AS DOUBLE PRECISION) AS s FROM \(ident: DepartmentTask.schema)
            WHERE answered_at >= \(bind: start) AND answered_at < \(bind: end)
            """).all() {
            answered[try r.decode(column: "department_id", as: UUID.self), default: []].append(DurationHistogram.minutes(seconds: try r.decode(column: "s", as: Double.self)))
        }
        for r in try await sql.raw("""
            SELECT department_id, COUNT(*) AS n FROM \(ident: DepartmentTask.schema)
            WHERE status = \(bind: DepartmentTaskStatus.open.rawValue) AND due_on < \(bind: today.description) GROUP BY department_id
            """).all() {
            overdue[try r.decode(column: "department_id", as: UUID.self)] = try r.decode(column: "n", as: Int.self)
        }
        return try await Department.query(on: db).sort(\.$code).all().compactMap { d in
            let minutes = answered[d.id!] ?? [], late = overdue[d.id!] ?? 0
            guard !minutes.isEmpty || late > 0 else { return nil }
            return .init(id: d.id!, name: locale == .en ? d.nameEn : d.nameZh, answered: minutes.count,
                         medianHours: ServiceStatistics.median(minutes).map { (Double($0) / 60 * 10).rounded() / 10 }, openOverdue: late)
        }
    }
}

/// `GET /api/v1/reports/service?period=2026-Q4` and its page.
struct ServiceReportsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "service", use: { req in
            try req.authorize(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: req.db)))
            return try await ServiceReports.report(try TargetService.period(req), req: req)
        })
    }
}

struct ServiceReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "service", use: page)
    }

    struct Context: Encodable {
        var report: ServiceReport
        var periods: [SalesReportPages.PeriodOption]
        var charts: [BarChart]
        var csatCharts: [BarChart]
        var responseAttainment: String
        var resolutionAttainment: String
        var firstResponse: String
        var resolution: String
        /// Customers' pages open for who reads every customer (the lead, admins, executives); the
        /// service group reads the names here.
        var canOpenCustomers: Bool
    }

    func page(req: Request) async throws -> Response {
        try req.authorize(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: req.db)))
        let period = try TargetService.period(req)
        let r = try await ServiceReports.report(period, req: req)
        let count = { (d: Double) in String(Int(d)) }
        func percent(_ p: Double?) -> String { p.map { String(format: "%.1f%%", $0) } ?? "—" }
        func times(_ t: ServiceReport.Times) -> String {
            guard let m = t.medianMinutes, let p = t.p90Minutes else { return "—" }
            return "\(TicketPages.minutes(m, req)) / \(TicketPages.minutes(p, req))"
        }
        return try await req.page("Service/reports", title: "navServiceReport", section: "service-report", Context(
            report: r, periods: SalesReportPages.periods(req, current: period),
            charts: [BarChart(title: req.t("ticketsByType"), items: r.byType.map { ($0.name, Double($0.count), "type-\($0.key)") }, format: count),
                     BarChart(title: req.t("ticketsByChannel"), items: r.byChannel.map { ($0.name, Double($0.count), "channel-\($0.key)") }, format: count)],
            csatCharts: [BarChart(title: req.t("satisfaction"), items: r.satisfactionDistribution.enumerated().map { ("★\($0.offset + 1)", Double($0.element), "score-\($0.offset + 1)") }, format: count)],
            responseAttainment: percent(r.responseAttainmentPercent), resolutionAttainment: percent(r.resolutionAttainmentPercent),
            firstResponse: times(r.firstResponse), resolution: times(r.resolution),
            canOpenCustomers: req.allowed(.read, .salesRecord(SalesFacts(owner: nil, group: nil)))))
    }
}
