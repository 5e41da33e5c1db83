import Fluent
import Vapor
import VanguardCore

/// A sales target for a period at one level (SAL-1, LEAD-1): the team's, a group's or a person's.
final class SalesTarget: Model, @unchecked Sendable {
    static let schema = "sales_targets"

    @ID(key: .id) var id: UUID?
    @Field(key: "period") var period: String
    @Field(key: "level") var level: String
    /// The group's id or the member's id; nil for the team.
    @OptionalField(key: "subject_id") var subjectId: UUID?
    @Field(key: "amount_fen") var amountFen: Int64
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// A forecast the lead committed for a period (RSK-M3): compared with what was actually won at
/// the period's end, it gives the forecast's accuracy.
final class ForecastCommit: Model, @unchecked Sendable {
    static let schema = "forecast_commits"

    @ID(key: .id) var id: UUID?
    @Field(key: "period") var period: String
    @Field(key: "level") var level: String
    @OptionalField(key: "subject_id") var subjectId: UUID?
    @Field(key: "forecast_fen") var forecastFen: Int64
    @Field(key: "committed_on") var committedOn: String
    @OptionalField(key: "committed_by") var committedBy: UUID?

    init() {}
}

struct CreateTargets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SalesTarget.schema)
            .id()
            .field("period", .string, .required)
            .field("level", .string, .required)
            .field("subject_id", .uuid)
            .field("amount_fen", .int64, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.index("targets_period", on: SalesTarget.schema, ["period", "level", "subject_id"])
        try await database.schema(ForecastCommit.schema)
            .id()
            .field("period", .string, .required)
            .field("level", .string, .required)
            .field("subject_id", .uuid)
            .field("forecast_fen", .int64, .required)
            .field("committed_on", .string, .required)
            .field("committed_by", .uuid)
            .create()
        try await database.index("forecast_commits_period", on: ForecastCommit.schema, ["period", "committed_on"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ForecastCommit.schema).delete()
        try await database.schema(SalesTarget.schema).delete()
    }
}

/// One line of the target report: a target, what was won against it, attainment and the forecast.
struct TargetLine: Content, Equatable {
    var level: String
    var id: UUID?
    var parentId: UUID?
    var name: String
    var target: Double
    var actual: Double
    var attainmentPercent: Double?
    var forecast: Double
    var committedForecast: Double?
    var forecastAccuracyPercent: Double?
}

struct TargetReport: Content, Equatable {
    var period: String
    var firstDay: String
    var lastDay: String
    var ended: Bool
    var lines: [TargetLine]
}

/// `PUT /api/v1/targets/{period}`: the whole breakdown at once, all or nothing.
struct TargetInput: Content {
    struct Part: Codable, Sendable { var id: UUID; var amount: Double }
    var team: Double
    var groups: [Part]
    var people: [Part]

    init(team: Double, groups: [Part], people: [Part]) { self.team = team; self.groups = groups; self.people = people }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["team", "groups", "people"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        team = try c.decode(Double.self, forKey: .team)
        groups = try c.decodeIfPresent([Part].self, forKey: .groups) ?? []
        people = try c.decodeIfPresent([Part].self, forKey: .people) ?? []
    }
}

/// Targets, attainment from won deals, the weighted forecast and its accuracy (SAL-1, LEAD-1, RSK-M3).
enum TargetService {
    static func period(_ req: Request) throws -> TargetPeriod {
        // Left out: this quarter. Given, even empty, it must be a period.
        guard let raw = req.parameters.get("period") ?? req.queryString("period") else {
            return TargetPeriod.quarter(req.today.year, (req.today.month - 1) / 3 + 1)!
        }
        guard let p = TargetPeriod(raw) else {
            throw Problem(.badRequest, code: "invalid-period", title: "Not a period.", detail: "Use 2026, 2026-Q4 or 2026-M11.",
                          errors: [FieldError(field: "period", code: "invalidPeriod", message: "Use 2026, 2026-Q4 or 2026-M11.")])
        }
        return p
    }

    static func report(_ period: TargetPeriod, req: Request) async throws -> TargetReport {
        let db = req.db
        let pipeline = try await OpportunityService.pipeline(req)
        let groups = try await TeamGroup.query(on: db).sort(\.$sortOrder).all()
        let members = try await Member.query(on: db).filter(\.$group.$id != nil).sort(\.$employeeNo).all()
        let targets = try await SalesTarget.query(on: db).filter(\.$period == period.description).all()
        let commits = try await ForecastCommit.query(on: db).filter(\.$period == period.description).sort(\.$committedOn, .descending).all()
        let from = period.firstDay.description, to = period.lastDay.description
        let wonStages = pipeline.wonStageKeys
        let won = try await Opportunity.query(on: db).filter(\.$stage ~~ wonStages).filter(\.$closedOn >= from).filter(\.$closedOn <= to)
            .field(\.$id).field(\.$ownerMemberId).field(\.$amountFen).all()
        let open = try await Opportunity.query(on: db).filter(\.$stage ~~ pipeline.openStages.map(\.key)).filter(\.$expectedClose >= from).filter(\.$expectedClose <= to)
            .field(\.$id).field(\.$ownerMemberId).field(\.$amountFen).field(\.$stage).field(\.$expectedClose).all()
        let groupOf = Dictionary(uniqueKeysWithValues: members.map { ($0.id!, $0.$group.id) })
        func target(_ level: String, _ id: UUID?) -> Int64 { targets.first { $0.level == level && $0.subjectId == id }?.amountFen ?? 0 }
        func inScope(_ owner: UUID?, _ level: String, _ id: UUID?) -> Bool {
            switch level {
            case "person": return owner == id
            case "group": return owner.flatMap { groupOf[$0] ?? nil } == id
            default: return true
            }
        }
        let ended = req.today > period.lastDay
        func line(_ level: String, _ id: UUID?, _ parent: UUID?, _ name: String) throws -> TargetLine {
            let actual = Money(fen: won.filter { inScope($0.ownerMemberId, level, id) }.reduce(0) { $0 + $1.amountFen })
            let deals = open.filter { inScope($0.ownerMemberId, level, id) }.compactMap { o in
                o.expectedClose.flatMap(CivilDate.init).map { ForecastDeal(amount: Money(fen: o.amountFen), stageKey: o.stage, expectedClose: $0) }
            }
            let forecast = try Targets.forecast(deals: deals, won: actual, period: period, pipeline: pipeline)
            let goal = Money(fen: target(level, id))
            let commit = commits.first { $0.level == level && $0.subjectId == id }
            return TargetLine(level: level, id: id, parentId: parent, name: name, target: YuanInput.yuan(goal.fen), actual: YuanInput.yuan(actual.fen),
                              attainmentPercent: Targets.attainment(actual: actual, target: goal).map { Double($0.basisPoints) / 100 },
                              forecast: YuanInput.yuan(forecast.total.fen), committedForecast: commit.map { YuanInput.yuan($0.forecastFen) },
                              forecastAccuracyPercent: ended ? commit.map { Double(Targets.forecastAccuracy(forecast: Money(fen: $0.forecastFen), actual: actual).basisPoints) / 100 } : nil)
        }
        var lines = [try line("team", nil, nil, "")]
        for g in groups {
            lines.append(try line("group", g.id, nil, LocalizedText(zhHans: g.nameZh, en: g.nameEn)[req.locale]))
            for m in members where m.$group.id == g.id { lines.append(try line("person", m.id, g.id, m.name)) }
        }
        return TargetReport(period: period.description, firstDay: from, lastDay: to, ended: ended, lines: lines)
    }

    /// Replaces a period's breakdown after checking that groups add up to the team and each
    /// group's people to the group (SAL-1). Nothing is saved unless all of it adds up.
    static func save(_ period: TargetPeriod, _ input: TargetInput, req: Request) async throws -> TargetReport {
        var e = FieldErrors()
        let team = YuanInput.fen(input.team, field: "team", into: &e) ?? 0
        var groupAmounts: [UUID: Int64] = [:], peopleAmounts: [UUID: Int64] = [:]
        for (i, g) in input.groups.enumerated() { if let f = YuanInput.fen(g.amount, field: "groups[\(i)].amount", into: &e) { groupAmounts[g.id] = f } }
        for (i, p) in input.people.enumerated() { if let f = YuanInput.fen(p.amount, field: "people[\(i)].amount", into: &e) { peopleAmounts[p.id] = f } }
        try e.throwIfAny()
        let groups = try await TeamGroup.query(on: req.db).filter(\.$id ~~ Set(groupAmounts.keys)).all()
        let members = try await Member.query(on: req.db).filter(\.$id ~~ Set(peopleAmounts.keys)).all()
        for (i, g) in input.groups.enumerated() where !groups.contains(where: { $0.id == g.id }) { e.add("groups[\(i)].id", "unknownGroup", "No group with this id.") }
        for (i, p) in input.people.enumerated() {
            guard let m = members.first(where: { $0.id == p.id }) else { e.add("people[\(i)].id", "unknownMember", "No member with this id."); continue }
            if m.$group.id.flatMap({ groupAmounts[$0] }) == nil { e.add("people[\(i)].id", "groupWithoutTarget", "\(m.name)'s group has no target in this breakdown.") }
        }
        try e.throwIfAny()
        let tree = TargetNode(level: .team, key: "team", name: "team", amount: Money(fen: team), children: groups.map { g in
            TargetNode(level: .group, key: g.id!.uuidString, name: g.nameEn, amount: Money(fen: groupAmounts[g.id!]!),
                       children: members.filter { $0.$group.id == g.id }.map { TargetNode(level: .person, key: $0.id!.uuidString, name: $0.name, amount: Money(fen: peopleAmounts[$0.id!]!)) })
        })
        let gaps = Targets.splitGaps(tree)
        if !gaps.isEmpty {
            throw Problem(.unprocessableEntity, code: "split-mismatch", title: "The breakdown does not add up.", detail: gaps.map(\.message).joined(separator: " "),
                          errors: gaps.map { FieldError(field: $0.path == "" ? "groups" : "people", code: "splitMismatch", message: $0.message) })
        }
        let rows: [(String, UUID?, Int64)] = [("team", nil, team)] + groupAmounts.map { ("group", $0.key, $0.value) } + peopleAmounts.map { ("person", $0.key, $0.value) }
        let label = "\(period): team \(Money(fen: team)), \(groupAmounts.count) groups, \(peopleAmounts.count) people"
        try await req.db.writeTransaction { db in
            try await SalesTarget.query(on: db).filter(\.$period == period.description).delete()
            for (level, id, amount) in rows {
                let t = SalesTarget()
                t.period = period.description; t.level = level; t.subjectId = id; t.amountFen = amount
                try await t.create(on: db)
            }
            try await Audit.note(.update, "target", id: nil, label: label, request: req, on: db)
        }
        return try await report(period, req: req)
    }

    /// Records today's forecast for every line as the lead's commitment (RSK-M3).
    static func commit(_ period: TargetPeriod, req: Request) async throws -> TargetReport {
        let current = try await report(period, req: req)
        let today = req.today.description
        let user = req.currentUser?.actor.userId
        try await req.db.writeTransaction { db in
            try await ForecastCommit.query(on: db).filter(\.$period == period.description).filter(\.$committedOn == today).delete()
            for l in current.lines {
                let c = ForecastCommit()
                c.period = period.description; c.level = l.level; c.subjectId = l.id; c.forecastFen = Int64((l.forecast * 100).rounded())
                c.committedOn = today; c.committedBy = user
                try await c.create(on: db)
            }
            try await Audit.note(.update, "target", id: nil, label: "\(period): forecast committed (team \(current.lines.first?.forecast ?? 0))", request: req, on: db)
        }
        return try await report(period, req: req)
    }
}

/// `/api/v1/targets/{period}`: the breakdown with attainment and forecast; set by the lead.
struct TargetsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let t = routes.grouped("targets")
        t.get(use: { req in
            try req.authorize(.read, .targets)
            return try await TargetService.report(try TargetService.period(req), req: req)
        })
        t.get(":period", use: { req in
            try req.authorize(.read, .targets)
            return try await TargetService.report(try TargetService.period(req), req: req)
        })
        t.get(":period", "export", use: { try await SalesExport.targets(req: $0, strict: true) })
        t.put(":period", use: { req in
            try req.authorize(.update, .targets)
            let period = try TargetService.period(req)
            return try await TargetService.save(period, try req.decodeJSON(TargetInput.self), req: req)
        })
        t.post(":period", "forecast-commits", use: { req in
            try req.authorize(.update, .targets)
            return try await TargetService.commit(try TargetService.period(req), req: req)
        })
    }
}
