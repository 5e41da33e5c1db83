import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The SLA watch (CP-1, CP-2, RSK-C1), every minute: a ticket past its warning point warns its
/// agent and the service group lead; a ticket past its due time escalates to the group lead and
/// the team lead. Both look-ups walk an index over the few tickets that are due, so the scan
/// costs the same with a hundred or a hundred thousand open tickets.
enum SLAScan {
    static let job = JobSpec(name: "sla-scan", cadence: .every(seconds: 60)) { app, _, now in
        let (warned, escalated) = try await run(app, now: now)
        return "warned \(warned), escalated \(escalated)"
    }

    static let openStatuses = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)

    static func run(_ app: Application, now: Date) async throws -> (warned: Int, escalated: Int) {
        let db = app.backgroundDB
        // Acting on a point disarms it (warn_at, breach_at set to nil or the next due time), so
        // these ranges hold only the work still to do, however many tickets are open.
        let warnDue = try await Ticket.query(on: db).filter(\.$warnAt <= now).filter(\.$status ~~ openStatuses).limit(1_000).all()
        let breachDue = try await Ticket.query(on: db).filter(\.$breachAt <= now).filter(\.$status ~~ openStatuses).limit(1_000).all()
        guard !warnDue.isEmpty || !breachDue.isEmpty else { return (0, 0) }
        let serviceGroup = try await TicketService.serviceGroup(on: db)
        let groupLeads = try await leads(serviceGroup: serviceGroup, on: db)
        let teamLeads = try await Self.teamLeads(on: db)
        let assignees = Set((warnDue + breachDue).compactMap(\.assigneeMemberId))
        var accounts: [UUID: [UUID]] = [:]
        for u in try await UserAccount.query(on: db).filter(\.$memberId ~~ assignees).all() { accounts[u.memberId!, default: []].append(u.id!) }
        let agentAccounts = accounts
        let agentsOf: @Sendable (Ticket) -> [UUID] = { t in t.assigneeMemberId.flatMap { agentAccounts[$0] } ?? [] }
        let escalating = Set(breachDue.compactMap(\.id))
        let warnings = warnDue.filter { !escalating.contains($0.id!) }
        // One transaction and set-based writes for the whole run: a burst of a thousand breaches
        // (after downtime, or a morning's backlog) is a handful of statements, not thousands.
        let warnIds = warnings.compactMap(\.id), breachIds = breachDue.compactMap(\.id)
        var notes: [TicketUpdate] = [], events: [AuditEvent] = []
        var warned: [(users: [UUID], title: LocalizedText, body: LocalizedText, link: String?)] = [], breached = warned
        for t in warnings {
            let due = [t.responseDueAt, t.resolutionDueAt].compactMap { $0 }.min()
            let response = t.responseDueAt != nil && t.firstResponseAt == nil
            let what = response ? "first response" : "resolution"
            let dueText = due.map(TicketService.dueKey) ?? ""
            warned.append((groupLeads + agentsOf(t),
                           LocalizedText(zhHans: "\(t.number) 即将超过\(response ? "首次响应" : "解决")时限", zhHant: "\(t.number) 即將超過\(response ? "首次回應" : "解決")時限",
                                         en: "\(t.number) is close to its \(what) deadline"),
                           LocalizedText(zhHans: "\(t.subject) — 截止 \(dueText)", en: "\(t.subject) — due \(dueText)"), "/tickets/\(t.id!)"))
            events.append(Audit.systemEvent(.update, "ticket", id: t.id, label: "\(t.number): SLA warning (\(what))", at: now))
        }
        for t in breachDue {
            let what = (t.responseDueAt.map { $0 <= now } ?? false) && t.firstResponseAt == nil ? "first-response" : "resolution"
            let note = TicketUpdate()
            note.ticketId = t.id!; note.kind = TicketUpdateKind.note.rawValue; note.body = "SLA: \(what) target missed; escalated."
            note.customerVisible = false; note.at = now
            notes.append(note)
            let missed = what == "first-response"
                ? LocalizedText(zhHans: "\(t.number) 超过首次响应时限，已升级", zhHant: "\(t.number) 超過首次回應時限，已升級", en: "\(t.number) missed its first-response target")
                : LocalizedText(zhHans: "\(t.number) 超过解决时限，已升级", zhHant: "\(t.number) 超過解決時限，已升級", en: "\(t.number) missed its resolution target")
            breached.append((groupLeads + teamLeads + agentsOf(t), missed, LocalizedText(zhHans: t.subject, en: t.subject), "/tickets/\(t.id!)"))
            events.append(Audit.systemEvent(.update, "ticket", id: t.id, label: "\(t.number): SLA breached (\(what)), escalated", at: now))
        }
        let (allNotes, allEvents, warnNotices, breachNotices) = (notes, events, warned, breached)
        try await db.writeTransaction { db in
            let sql = db as! any SQLDatabase
            for ids in warnIds.chunked(500) {
                try await sql.raw("UPDATE \(ident: Ticket.schema) SET warned_at = \(bind: now), warn_at = NULL WHERE id IN (\(binds: ids))").run()
            }
            for ids in breachIds.chunked(500) {
                // The breached flags, and the next clock still to run out (resolution after a missed first response).
                try await sql.raw("""
                    UPDATE \(ident: Ticket.schema) SET escalated_at = \(bind: now), warned_at = \(bind: now), warn_at = NULL,
                      response_breached = CASE WHEN response_due_at <= \(bind: now) AND first_response_at IS NULL THEN \(bind: true) ELSE response_breached END,
                      resolution_breached = CASE WHEN resolution_due_at <= \(bind: now) THEN \(bind: true) ELSE resolution_breached END,
                      breach_at = CASE
                        WHEN response_due_at > \(bind: now) AND (resolution_due_at IS NULL OR resolution_due_at <= \(bind: now) OR response_due_at < resolution_due_at) THEN response_due_at
                        WHEN resolution_due_at > \(bind: now) THEN resolution_due_at
                        ELSE NULL END
                    WHERE id IN (\(binds: ids))
                    """).run()
            }
            for chunk in allNotes.chunked(500) { try await chunk.create(on: db) }
            for chunk in allEvents.chunked(500) { try await chunk.create(on: db) }
            try await Notifier.notifyAll(warnNotices, kind: "slaWarning", summary: "\(warnNotices.count) tickets close to their deadline", at: now, on: db)
            try await Notifier.notifyAll(breachNotices, kind: "slaBreach", summary: "\(breachNotices.count) tickets missed their targets; escalated", at: now, on: db)
        }
        return (warnings.count, breachDue.count)
    }

    /// The team lead's active accounts.
    static func teamLeads(on db: any Database) async throws -> [UUID] {
        try await UserAccount.query(on: db).filter(\.$role == Role.lead.rawValue).filter(\.$active == true).all().compactMap(\.id)
    }

    /// The service group's lead accounts.
    static func leads(serviceGroup: UUID?, on db: any Database) async throws -> [UUID] {
        guard let serviceGroup else { return [] }
        let members = try await Member.query(on: db).filter(\.$group.$id == serviceGroup).all().compactMap(\.id)
        return try await UserAccount.query(on: db).filter(\.$memberId ~~ members).filter(\.$role == Role.groupLead.rawValue).all().compactMap(\.id)
    }

}
