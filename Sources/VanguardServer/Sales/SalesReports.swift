import Fluent
import Vapor
import VanguardCore

/// The sales reports (issue 4, item 12): the funnel for a period, win rate, and how long deals
/// stay in each stage, from the recorded stage moves; the same numbers in the API and on the page.
struct SalesReport: Content, Equatable {
    struct FunnelStep: Content, Equatable {
        var stage: String
        var name: String
        var deals: Int
        var amount: Double
    }
    struct StageTime: Content, Equatable {
        var stage: String
        var name: String
        var moves: Int
        var meanDays: Double?
        var medianDays: Double?
    }
    var period: String
    var funnel: [FunnelStep]
    var won: Int
    var lost: Int
    var winRatePercent: Double?
    var wonAmount: Double
    var stageTimes: [StageTime]
}

enum SalesReports {
    static func sales(_ period: TargetPeriod, scope: RecordScope, req: Request) async throws -> SalesReport {
        let pipeline = try await OpportunityService.pipeline(req)
        let from = period.firstDay, to = period.lastDay
        let start = Self.start(of: from), end = Self.start(of: SalesCalendar.adding(days: 1, to: to))
        let deals = try await Opportunity.query(on: req.db).withDeleted().inSalesScope(scope, viaCustomer: false).field(\.$id).field(\.$stage).field(\.$amountFen).field(\.$closedOn).all()
        let ids = deals.compactMap(\.id)
        var moves: [StageChange] = []
        // In slices, so a long list of ids never makes one enormous query.
        for slice in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            moves += try await StageChange.query(on: req.db).filter(\.$opportunity.$id ~~ slice).sort(\.$changedAt).all()
        }
        let inPeriod = moves.filter { $0.changedAt >= start && $0.changedAt < end }
        let funnelStages = pipeline.stages.filter { $0.outcome != .lost }
        let funnel = funnelStages.map { stage -> SalesReport.FunnelStep in
            let entered = inPeriod.filter { $0.toStage == stage.key }
            var seen = Set<UUID>(), amount: Int64 = 0
            for m in entered where seen.insert(m.$opportunity.id).inserted { amount += m.amountFen }
            return .init(stage: stage.key, name: stage.name[req.locale], deals: seen.count, amount: YuanInput.yuan(amount))
        }
        let closed = deals.filter { ($0.closedOn ?? "") >= from.description && ($0.closedOn ?? "") <= to.description }
        let wonKeys = Set(pipeline.stages.filter { $0.outcome == .won }.map(\.key)), lostKeys = Set(pipeline.stages.filter { $0.outcome == .lost }.map(\.key))
        let won = closed.filter { wonKeys.contains($0.stage) }, lost = closed.filter { lostKeys.contains($0.stage) }
        // Time in a stage: from entering it to the next move, for moves out of it during the period.
        var durations: [String: [Double]] = [:]
        for (_, history) in Dictionary(grouping: moves, by: { $0.$opportunity.id }) {
            let sorted = history.sorted { $0.changedAt < $1.changedAt }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.changedAt >= start && b.changedAt < end {
                durations[a.toStage, default: []].append(b.changedAt.timeIntervalSince(a.changedAt) / 86_400)
            }
        }
        let stageTimes = pipeline.openStages.map { stage -> SalesReport.StageTime in
            let d = (durations[stage.key] ?? []).sorted()
            let mean = d.isEmpty ? nil : (d.reduce(0, +) / Double(d.count) * 10).rounded() / 10
            let median = d.isEmpty ? nil : ((d.count % 2 == 1 ? d[d.count / 2] : (d[d.count / 2 - 1] + d[d.count / 2]) / 2) * 10).rounded() / 10
            return .init(stage: stage.key, name: stage.name[req.locale], moves: d.count, meanDays: mean, medianDays: median)
        }
        let decided = won.count + lost.count
        return SalesReport(period: period.description, funnel: funnel, won: won.count, lost: lost.count,
                           winRatePercent: decided == 0 ? nil : (Double(won.count) / Double(decided) * 1000).rounded() / 10,
                           wonAmount: YuanInput.yuan(won.reduce(0) { $0 + $1.amountFen }), stageTimes: stageTimes)
    }

    /// Midnight China time at the start of a date, as an instant.
    static func start(of date: CivilDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
    }
}

/// `GET /api/v1/reports/sales?period=2026-Q4`.
struct SalesReportsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "sales", use: { req in
            let user = try req.requireUser()
            return try await SalesReports.sales(try TargetService.period(req), scope: AccessPolicy.salesScope(user.actor), req: req)
        })
    }
}

/// The sales reports and targets on the web: charts where people would rather look than read.
struct SalesReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "sales", use: reports)
        routes.get("targets", use: targets)
        routes.post("targets", ":period", use: saveTargets)
        routes.post("targets", ":period", "commit", use: commit)
    }

    struct PeriodOption: Encodable { var value: String; var selected: Bool }

    static func periods(_ req: Request, current: TargetPeriod) -> [PeriodOption] {
        let year = req.today.year
        var all: [TargetPeriod] = []
        for y in [year - 1, year, year + 1] {
            all.append(TargetPeriod.year(y)!)
            all += (1...4).compactMap { TargetPeriod.quarter(y, $0) }
        }
        all += (1...12).compactMap { TargetPeriod.month(year, $0) }
        return all.map { PeriodOption(value: $0.description, selected: $0 == current) }
    }

    struct ReportContext: Encodable {
        var report: SalesReport
        var periods: [PeriodOption]
        var funnelCharts: [BarChart]
        var timeCharts: [BarChart]
        var wonAmount: String
    }

    func reports(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let period = try TargetService.period(req)
        let report = try await SalesReports.sales(period, scope: AccessPolicy.salesScope(user.actor), req: req)
        let funnel = BarChart(title: req.t("funnelChart"), items: report.funnel.map { ($0.name, Double($0.deals), "stage-\($0.stage)") }, format: { String(Int($0)) })
        let times = BarChart(title: req.t("stageTimeChart"), items: report.stageTimes.map { ($0.name, $0.medianDays ?? 0, "stage-\($0.stage)") }, format: { String(format: "%.1f", $0) })
        return try await req.page("Sales/reports", title: "navReports", section: "reports",
                                  ReportContext(report: report, periods: Self.periods(req, current: period), funnelCharts: [funnel], timeCharts: [times],
                                                wonAmount: SalesNames.yuan(Int64((report.wonAmount * 100).rounded()))))
    }

    struct TargetRow: Encodable {
        var level: String
        var id: String
        var name: String
        var target: String
        var targetInput: String
        var actual: String
        var attainment: String
        var attainmentWidth: Int
        var forecast: String
        var committed: String
        var accuracy: String
    }

    struct TargetsContext: Encodable {
        var report: TargetReport
        var rows: [TargetRow]
        var periods: [PeriodOption]
        var canEdit: Bool
        var charts: [BarChart]
    }

    func targets(req: Request) async throws -> Response {
        try req.authorize(.read, .targets)
        let period = try TargetService.period(req)
        let report = try await TargetService.report(period, req: req)
        func money(_ d: Double) -> String { SalesNames.yuan(Int64((d * 100).rounded())) }
        let rows = report.lines.map { l in
            TargetRow(level: l.level, id: l.id?.uuidString ?? "team", name: l.level == "team" ? req.t("wholeTeam") : l.name, target: money(l.target),
                      // An empty box means "no target here", so a group may be set before its people.
                      targetInput: l.target > 0 ? Money(fen: Int64((l.target * 100).rounded())).yuanText : "", actual: money(l.actual),
                      attainment: l.attainmentPercent.map { String(format: "%.1f%%", $0) } ?? "—", attainmentWidth: Int(min(l.attainmentPercent ?? 0, 100)),
                      forecast: money(l.forecast), committed: l.committedForecast.map(money) ?? "—",
                      accuracy: l.forecastAccuracyPercent.map { String(format: "%.1f%%", $0) } ?? "—")
        }
        let people = report.lines.filter { $0.level == "person" && $0.target > 0 }
        let chart = BarChart(title: req.t("attainmentChart"), items: people.map { ($0.name, $0.attainmentPercent ?? 0, ($0.attainmentPercent ?? 0) >= 100 ? "met" : "short") },
                             format: { String(format: "%.0f%%", $0) })
        return try await req.page("Sales/targets", title: "navTargets", section: "targets",
                                  TargetsContext(report: report, rows: rows, periods: Self.periods(req, current: period),
                                                 canEdit: req.allowed(.update, .targets), charts: people.isEmpty ? [] : [chart]))
    }

    func saveTargets(req: Request) async throws -> Response {
        try req.authorize(.update, .targets)
        let period = try TargetService.period(req)
        let report = try await TargetService.report(period, req: req)
        var e = FieldErrors()
        /// An empty box is "no target here", not zero: a group may be set before its people are.
        func amount(_ key: String) -> Double? {
            let raw = req.formValue(key) ?? ""
            if raw.isEmpty { return nil }
            guard let m = Money.parse(raw) else { e.add(key, "wrongType", "Enter an amount in yuan."); return nil }
            return Double(m.fen) / 100
        }
        let input = TargetInput(team: amount("target_team") ?? 0,
                                groups: report.lines.filter { $0.level == "group" }.compactMap { l in amount("target_\(l.id!.uuidString)").map { .init(id: l.id!, amount: $0) } },
                                people: report.lines.filter { $0.level == "person" }.compactMap { l in amount("target_\(l.id!.uuidString)").map { .init(id: l.id!, amount: $0) } })
        do {
            try e.throwIfAny()
            _ = try await TargetService.save(period, input, req: req)
        } catch let p as Problem where p.status == .unprocessableEntity {
            return req.redirect(to: "/targets?period=\(period)", flash: p.detail ?? p.title, kind: "error")
        } catch let e as FieldErrors {
            return req.redirect(to: "/targets?period=\(period)", flash: e.all.map(\.message).joined(separator: " "), kind: "error")
        }
        return req.redirect(to: "/targets?period=\(period)", flash: "targetsSaved")
    }

    func commit(req: Request) async throws -> Response {
        try req.authorize(.update, .targets)
        let period = try TargetService.period(req)
        _ = try await TargetService.commit(period, req: req)
        return req.redirect(to: "/targets?period=\(period)", flash: "forecastCommitted")
    }
}
