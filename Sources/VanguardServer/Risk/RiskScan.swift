import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Where the risk scan gets its facts: one source per kind of fact (competitor price changes,
/// campaign spend, lead volume, and later the sales and service chapters' facts). A source only
/// reads; the rules that judge its facts live in the policy pack's engine.
protocol RiskFactSource: Sendable {
    /// For the job's log line.
    var name: String { get }
    func facts(on db: any Database, today: CivilDate) async throws -> [any RiskFact]
}

/// The risk early-warning scan (RSK-M2): facts from the registered sources, through the policy
/// pack's rule engine, into `risk_warnings`, one per rule, subject and period; the owner and the
/// team lead are notified of each new warning. Daily through the scheduler, and at once for a
/// single fact (a competitor's price change as it is recorded).
enum RiskScan {
    /// The registered fact sources, asked in this order by the daily scan. A chapter adds its
    /// source here; the sales and service chapters' sources will join these.
    static let sources: [any RiskFactSource] = [CompetitorPriceCutSource(), CampaignSpendSource(), LeadVolumeSource()]

    /// The rules the scan runs: the market rules with the pack's settings. The sales and service
    /// chapters register their rules on the same engine.
    static func engine(_ app: Application) async throws -> RiskEngine {
        try await app.policy.current(on: app.backgroundDB).effectiveMarketing.riskEngine
    }

    static let job = JobSpec(name: "risk-scan", cadence: .daily(hour: 8)) { app, _, now in
        let raised = try await run(app, now: now)
        return "raised \(raised.count) warnings"
    }

    /// One scan over every source's facts; the new warnings.
    @discardableResult
    static func run(_ app: Application, sources: [any RiskFactSource] = sources, now: Date) async throws -> [RiskWarningRecord] {
        let db = app.backgroundDB
        let engine = try await engine(app)
        var facts: [any RiskFact] = []
        for source in sources { facts += try await source.facts(on: db, today: CivilDate.on(now)) }
        let plan = try await prepare(engine.warnings(facts), on: db)
        guard !plan.warnings.isEmpty else { return [] }
        return try await db.writeTransaction { db in try await raise(plan, at: now, on: db) }
    }

    /// The warnings still to raise and who hears of them, read before the write transaction.
    struct Plan: Sendable {
        var warnings: [RiskWarning]
        /// The owner member's active accounts.
        var accounts: [UUID: [UUID]]
        var teamLeads: [UUID]

        static let empty = Plan(warnings: [], accounts: [:], teamLeads: [])
    }

    static func prepare(_ candidates: [RiskWarning], on db: any Database) async throws -> Plan {
        guard !candidates.isEmpty else { return .empty }
        var raised = Set<String>()
        for keys in candidates.map(\.dedupeKey).chunked(500) {
            raised.formUnion(try await RiskWarningRecord.query(on: db).withDeleted().filter(\.$dedupeKey ~~ keys).field(\.$id).field(\.$dedupeKey).all().map(\.dedupeKey))
        }
        let warnings = candidates.filter { !raised.contains($0.dedupeKey) }
        guard !warnings.isEmpty else { return .empty }
        var accounts: [UUID: [UUID]] = [:]
        let owners = Set(warnings.compactMap(\.ownerId))
        if !owners.isEmpty {
            for u in try await UserAccount.query(on: db).filter(\.$memberId ~~ owners).filter(\.$active == true).all() { accounts[u.memberId!, default: []].append(u.id!) }
        }
        return Plan(warnings: warnings, accounts: accounts, teamLeads: try await SLAScan.teamLeads(on: db))
    }

    /// Inserts the plan's warnings inside the caller's transaction (no reads through `req.db`).
    /// `ON CONFLICT DO NOTHING` on the dedupe key: when another instance raised the same warning
    /// in between, this one skips it and notifies nobody. Returns the warnings this call raised.
    static func raise(_ plan: Plan, at now: Date, on db: any Database) async throws -> [RiskWarningRecord] {
        guard !plan.warnings.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        var raised: [RiskWarningRecord] = []
        var notices: [(users: [UUID], title: LocalizedText, body: LocalizedText, link: String?)] = []
        var events: [AuditEvent] = []
        for w in plan.warnings {
            let r = RiskWarningRecord(w, at: now)
            let row: [String: any SQLExpression] = [
                "id": SQLBind(r.id!), "dedupe_key": SQLBind(r.dedupeKey), "rule_key": SQLBind(r.ruleKey), "clause": SQLBind(r.clause),
                "severity": SQLBind(r.severity), "subject_kind": SQLBind(r.subjectKind), "subject_id": SQLBind(r.subjectId), "period": SQLBind(r.period),
                "owner_member_id": r.ownerMemberId.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null,
                "message_zh_hans": SQLBind(r.messageZhHans), "message_zh_hant": SQLBind(r.messageZhHant), "message_en": SQLBind(r.messageEn),
                "measured_bp": r.measuredBP.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null,
                "response_plan": SQLBind(r.responsePlan), "status": SQLBind(r.status), "raised_at": SQLBind(now), "raised_key": SQLBind(r.raisedKey),
                "resolution_note": SQLBind(""), "version": SQLBind(1), "created_at": SQLBind(now), "updated_at": SQLBind(now),
            ]
            let columns = row.keys.sorted()
            let inserted = try await sql.insert(into: RiskWarningRecord.schema).columns(columns).values(columns.map { row[$0]! })
                .ignoringConflicts(with: ["dedupe_key"]).returning("id").all()
            guard !inserted.isEmpty else { continue }
            raised.append(r)
            let users = (r.ownerMemberId.flatMap { plan.accounts[$0] } ?? []) + plan.teamLeads
            let severity = RiskSeverity(rawValue: r.severity) ?? .warning
            let title = LocalizedText(zhHans: "[\(severity.label.zhHans)] \(r.messageZhHans)", zhHant: "[\(severity.label.zhHant)] \(r.messageZhHant)",
                                      en: "[\(severity.label.en)] \(r.messageEn)")
            notices.append((users, title, LocalizedText(zhHans: r.responsePlan, en: r.responsePlan), "/warnings/\(r.id!)"))
            events.append(Audit.systemEvent(.create, "riskWarning", id: r.id, label: "\(r.clause) \(r.ruleKey): \(r.messageZhHans)", at: now))
        }
        try await Audit.insert(events, on: db)
        try await Notifier.notifyAll(notices, kind: "riskWarning", summary: "\(notices.count) new risk warnings", at: now, on: db)
        return raised
    }
}

extension RiskSeverity {
    var label: LocalizedText {
        switch self {
        case .info: LocalizedText(zhHans: "提示", zhHant: "提示", en: "Info")
        case .warning: LocalizedText(zhHans: "预警", zhHant: "預警", en: "Warning")
        case .critical: LocalizedText(zhHans: "严重", zhHant: "嚴重", en: "Critical")
        }
    }
}
