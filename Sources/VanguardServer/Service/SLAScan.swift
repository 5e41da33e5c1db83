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
        let db = app.db
        // Acting on a point disarms it (warn_at, breach_at set to nil or the next due time), so
        // these ranges hold only the work still to do, however many tickets are open.
        let warnDue = try await Ticket.query(on: db).filter(\.$warnAt <= now).filter(\.$status ~~ openStatuses).limit(1_000).all()
        let breachDue = try await Ticket.query(on: db).filter(\.$breachAt <= now).filter(\.$status ~~ openStatuses).limit(1_000).all()
        guard !warnDue.isEmpty || !breachDue.isEmpty else { return (0, 0) }
        let serviceGroup = try await TicketService.serviceGroup(on: db)
        let groupLeads = try await leads(serviceGroup: serviceGroup, on: db)
        let teamLeads = try await UserAccount.query(on: db).filter(\.$role == Role.lead.rawValue).filter(\.$active == true).all().compactMap(\.id)
        let assignees = Set((warnDue + breachDue).compactMap(\.assigneeMemberId))
        var accounts: [UUID: [UUID]] = [:]
        for u in try await UserAccount.query(on: db).filter(\.$memberId ~~ assignees).all() { accounts[u.memberId!, default: []].append(u.id!) }
        let agentAccounts = accounts
        let agentsOf: @Sendable (Ticket) -> [UUID] = { t in t.assigneeMemberId.flatMap { agentAccounts[$0] } ?? [] }
        let escalating = Set(breachDue.compactMap(\.id))
        let warnings = warnDue.filter { !escalating.contains($0.id!) }
        // One transaction for the whole run: a commit per ticket cost more than the work.
        try await db.writeTransaction { db in
            for t in warnings {
                let due = [t.responseDueAt, t.resolutionDueAt].compactMap { $0 }.min()
                t.warnedAt = now
                t.warnAt = nil
                try await t.save(on: db)
                let what = t.responseDueAt != nil && t.firstResponseAt == nil ? "first response" : "resolution"
                try await Notifier.notify(groupLeads + agentsOf(t), kind: "slaWarning",
                                          title: "\(t.number) is close to its \(what) deadline", body: "\(t.subject) — due \(due.map(TicketService.dueKey) ?? "")",
                                          link: "/tickets/\(t.id!)", at: now, on: db)
                try await Audit.system(.update, "ticket", id: t.id, label: "\(t.number): SLA warning (\(what))", after: nil, at: now, on: db)
            }
            for t in breachDue {
                if let due = t.responseDueAt, due <= now, t.firstResponseAt == nil { t.responseBreached = true }
                if let due = t.resolutionDueAt, due <= now { t.resolutionBreached = true }
                t.escalatedAt = now
                t.warnedAt = now
                t.warnAt = nil
                // A later clock (resolution after a missed first response) escalates in its turn.
                t.breachAt = [t.responseDueAt, t.resolutionDueAt].compactMap { $0 }.filter { $0 > now }.min()
                try await t.save(on: db)
                let what = t.responseBreached && t.firstResponseAt == nil ? "first-response" : "resolution"
                try await TicketService.timeline(t, kind: .note, body: "SLA: \(what) target missed; escalated.", visible: false, from: nil, to: nil, at: now, by: nil, on: db)
                try await Notifier.notify(groupLeads + teamLeads + agentsOf(t), kind: "slaBreach",
                                          title: "\(t.number) missed its \(what) target", body: t.subject, link: "/tickets/\(t.id!)", at: now, on: db)
                try await Audit.system(.update, "ticket", id: t.id, label: "\(t.number): SLA breached (\(what)), escalated", after: nil, at: now, on: db)
            }
        }
        return (warnings.count, breachDue.count)
    }

    /// The service group's lead accounts.
    static func leads(serviceGroup: UUID?, on db: any Database) async throws -> [UUID] {
        guard let serviceGroup else { return [] }
        let members = try await Member.query(on: db).filter(\.$group.$id == serviceGroup).all().compactMap(\.id)
        return try await UserAccount.query(on: db).filter(\.$memberId ~~ members).filter(\.$role == Role.groupLead.rawValue).all().compactMap(\.id)
    }

}
