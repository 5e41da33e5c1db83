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
    /// Counted by the database: one aggregate query per figure and two ordered look-ups per
    /// percentile, each over the period's rows by an index on their time.
    static func report(_ period: TargetPeriod, req: Request) async throws -> ServiceReport {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let policy = try await TicketService.policy(req)
        let locale = req.locale
        let postgres = sql.dialect.name == "postgresql"
        let start = period.firstDay.startInChina, end = SalesCalendar.adding(days: 1, to: period.lastDay).startInChina
        let openedIn = SQLQueryString("opened_at >= \(bind: start) AND opened_at < \(bind: end) AND deleted_at IS NULL")
        let resolvedIn = SQLQueryString("resolved_at >= \(bind: start) AND resolved_at < \(bind: end) AND deleted_at IS NULL")
        func seconds(_ from: String, _ to: String) -> SQLQueryString {
            postgres ? "EXTRACT(EPOCH FROM (\(ident: to) - \(ident: from)))" : "(\(ident: to) - \(ident: from))"
        }
        func grouped(_ column: String, _ filter: SQLQueryString) async throws -> [(String, Int)] {
            try await sql.raw("SELECT \(ident: column) AS k, COUNT(*) AS n FROM \(ident: Ticket.schema) WHERE " + filter + " AND \(ident: column) IS NOT NULL GROUP BY \(ident: column) ORDER BY n DESC, k")
                .all().map { (try $0.decode(column: "k", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        }
        let types = Dictionary(uniqueKeysWithValues: try await grouped("type", openedIn))
        let channels = Dictionary(uniqueKeysWithValues: try await grouped("channel", openedIn))
        let causes = try await grouped("cause", resolvedIn)

        let firstResponse = try await times(sql, seconds("opened_at", "first_response_at"),
                                            SQLQueryString("first_response_at IS NOT NULL AND ") + openedIn)
        let resolution = try await times(sql, seconds("opened_at", "resolved_at"), resolvedIn)
        let attainment = try await sql.raw("""
            SELECT CAST(SUM(CASE WHEN response_breached THEN 0 ELSE 1 END) AS BIGINT) AS response_met,
                   CAST(SUM(CASE WHEN resolution_breached THEN 0 ELSE 1 END) AS BIGINT) AS resolution_met, COUNT(*) AS n
            FROM \(ident: Ticket.schema)
            """ + SQLQueryString(" WHERE ") + resolvedIn).first()
        let decided = try attainment?.decode(column: "n", as: Int.self) ?? 0
        func percent(_ column: String) throws -> Double? {
            guard decided > 0, let met = try attainment?.decode(column: column, as: Int?.self) else { return nil }
            return (Double(met) / Double(decided) * 1000).rounded() / 10
        }

        let scores = try await sql.raw("""
            SELECT score, COUNT(*) AS n FROM \(ident: SatisfactionSurvey.schema)
            WHERE answered_at >= \(bind: start) AND answered_at < \(bind: end) AND score IS NOT NULL GROUP BY score
            """).all()
        var distribution = [0, 0, 0, 0, 0]
        for r in scores {
            let s = try r.decode(column: "score", as: Int.self)
            if (1...5).contains(s) { distribution[s - 1] = try r.decode(column: "n", as: Int.self) }
        }
        let answers = distribution.reduce(0, +)
        let average = answers == 0 ? nil : (Double(distribution.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(answers) * 100).rounded() / 100

        let threshold = policy.effectiveRepeatComplaintThreshold
        let complainers = try await sql.raw("""
            SELECT t.customer_id AS id, c.name AS name, COUNT(*) AS n FROM \(ident: Ticket.schema) t JOIN \(ident: Customer.schema) c ON c.id = t.customer_id
            WHERE t.type = \(bind: TicketType.complaint.rawValue) AND t.opened_at >= \(bind: start) AND t.opened_at < \(bind: end) AND t.deleted_at IS NULL
            GROUP BY t.customer_id, c.name HAVING COUNT(*) >= \(bind: threshold) ORDER BY n DESC, c.name LIMIT 50
            """).all().map { ServiceReport.Complainer(customerId: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                                                      complaints: try $0.decode(column: "n", as: Int.self)) }

        let departments = try await Department.query(on: req.db).sort(\.$code).all()
        var turnaround: [ServiceReport.Department] = []
        for d in departments {
            let answered = SQLQueryString("department_id = \(bind: d.id!) AND answered_at >= \(bind: start) AND answered_at < \(bind: end)")
            let t = try await times(sql, seconds("created_at", "answered_at"), answered, table: DepartmentTask.schema)
            let overdue = try await DepartmentTask.query(on: req.db).filter(\.$departmentId == d.id!).filter(\.$status == DepartmentTaskStatus.open.rawValue)
                .filter(\.$dueOn < req.today.description).count()
            guard t.count > 0 || overdue > 0 else { continue }
            turnaround.append(.init(id: d.id!, name: locale == .en ? d.nameEn : d.nameZh, answered: t.count,
                                    medianHours: t.medianMinutes.map { (Double($0) / 60 * 10).rounded() / 10 }, openOverdue: overdue))
        }

        let causeNames = Dictionary(uniqueKeysWithValues: policy.ticketRules.causes.map { ($0.key, $0.name[locale]) })
        return ServiceReport(
            period: period.description, opened: types.values.reduce(0, +),
            byType: TicketType.allCases.map { .init(key: $0.rawValue, name: $0.name[locale], count: types[$0.rawValue] ?? 0) },
            byChannel: TicketChannel.allCases.map { .init(key: $0.rawValue, name: $0.name[locale], count: channels[$0.rawValue] ?? 0) },
            firstResponse: firstResponse, resolution: resolution,
            responseAttainmentPercent: try percent("response_met"), resolutionAttainmentPercent: try percent("resolution_met"),
            satisfactionAverage: average, satisfactionCount: answers, satisfactionDistribution: distribution,
            topCauses: causes.prefix(10).map { .init(key: $0.0, name: causeNames[$0.0] ?? $0.0, count: $0.1) },
            repeatComplainers: complainers, departments: turnaround)
    }

    /// Median and p90 (nearest rank, as `ServiceStatistics`) of a duration over matching rows,
    /// found by the database: a count, then the two ranks by offset.
    static func times(_ sql: any SQLDatabase, _ seconds: SQLQueryString, _ filter: SQLQueryString, table: String = Ticket.schema) async throws -> ServiceReport.Times {
        let n = try await sql.raw(SQLQueryString("SELECT COUNT(*) AS n FROM \(ident: table) WHERE ") + filter).first()?.decode(column: "n", as: Int.self) ?? 0
        guard n > 0 else { return .init(count: 0, medianMinutes: nil, p90Minutes: nil) }
        func at(_ p: Double) async throws -> Int? {
            let offset = max(0, Int((p * Double(n)).rounded(.up)) - 1)
            let query = SQLQueryString("SELECT CAST(") + seconds + SQLQueryString(" AS DOUBLE PRECISION) AS s FROM \(ident: table) WHERE ") + filter
                + SQLQueryString(" ORDER BY s LIMIT 1 OFFSET \(unsafeRaw: String(offset))")
            return try await sql.raw(query).first()?.decode(column: "s", as: Double?.self).map { Int(($0 / 60).rounded()) }
        }
        return .init(count: n, medianMinutes: try await at(0.5), p90Minutes: try await at(0.9))
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
            firstResponse: times(r.firstResponse), resolution: times(r.resolution)))
    }
}
