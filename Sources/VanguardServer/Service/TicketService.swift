import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// What a ticket form or API call may set. Status moves go through the same input, so a move and
/// the cause it needs can come in one request.
struct TicketInput: Content {
    var type: String?
    var channel: String?
    var priority: String?
    var status: String?
    var subject: String?
    var description: String?
    var customerId: UUID?
    var contactId: Patch<UUID> = .absent
    var orderId: Patch<UUID> = .absent
    var assigneeId: Patch<UUID> = .absent
    var cause: Patch<String> = .absent
    var resolution: String?
    /// A note for the timeline that goes with a status move.
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, channel, priority, status, subject, description, customerId, contactId, orderId, assigneeId, cause, resolution, note
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresentNonNull(String.self, forKey: .type)
        channel = try c.decodeIfPresentNonNull(String.self, forKey: .channel)
        priority = try c.decodeIfPresentNonNull(String.self, forKey: .priority)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        subject = try c.decodeIfPresentNonNull(String.self, forKey: .subject)
        description = try c.decodeIfPresentNonNull(String.self, forKey: .description)
        customerId = try c.decodeIfPresentNonNull(UUID.self, forKey: .customerId)
        contactId = try c.decodePatch(UUID.self, forKey: .contactId)
        orderId = try c.decodePatch(UUID.self, forKey: .orderId)
        assigneeId = try c.decodePatch(UUID.self, forKey: .assigneeId)
        cause = try c.decodePatch(String.self, forKey: .cause)
        resolution = try c.decodeIfPresentNonNull(String.self, forKey: .resolution)
        note = try c.decodeIfPresentNonNull(String.self, forKey: .note)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(subject, forKey: .subject)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || subject != nil { e.check("subject", Validators.required(subject, field: "subject")) }
        if creating && customerId == nil { e.add("customerId", "required", "This field is required.") }
        if creating && type == nil { e.add("type", "required", "This field is required.") }
        e.check("subject", Validators.maxLength(subject, 200, field: "subject"))
        e.check("description", Validators.maxLength(description, 10_000, field: "description"))
        e.check("resolution", Validators.maxLength(resolution, 5_000, field: "resolution"))
        e.check("note", Validators.maxLength(note, 5_000, field: "note"))
        e.choice("type", type, TicketType.allCases.map(\.rawValue))
        e.choice("channel", channel, TicketChannel.allCases.map(\.rawValue))
        e.choice("priority", priority, TicketPriority.allCases.map(\.rawValue))
        e.choice("status", status, TicketStatus.allCases.map(\.rawValue))
        return e
    }
}

/// Tickets: opening, changing, moving through the status machine, and keeping their SLA clocks.
enum TicketService {
    static let nothingDue = "9999-12-31T23:59:59Z"

    static func policy(_ req: Request) async throws -> ServicePolicy {
        try await req.application.policy.current(on: req.db).effectiveService
    }

    /// The group that runs the service queues: the policy's group keyed "service".
    static func serviceGroup(on db: any Database) async throws -> UUID? {
        try await TeamGroup.query(on: db).filter(\.$key == "service").first()?.id
    }

    static func facts(_ t: Ticket, on db: any Database) async throws -> ServiceFacts {
        try await facts(assignee: t.assigneeMemberId, customer: t.customerId, on: db)
    }

    static func facts(assignee: UUID?, customer: UUID?, on db: any Database) async throws -> ServiceFacts {
        let c = try await customer.asyncFlatMap { try await Customer.query(on: db).withDeleted().filter(\.$id == $0).first() }
        let owner = c?.ownerMemberId
        let group = try await owner.asyncFlatMap { try await Member.find($0, on: db)?.$group.id }
        return ServiceFacts(assignee: assignee, customerOwner: owner, customerGroup: group, serviceGroup: try await serviceGroup(on: db))
    }

    static func find(_ req: Request) async throws -> Ticket {
        guard let t = try await Ticket.find(try req.uuid("id", "ticket"), on: req.db) else { throw Problem.notFound("ticket") }
        return t
    }

    static func new(createdBy: UUID?, assignee: UUID?, now: Date, today: CivilDate) -> Ticket {
        let t = Ticket()
        t.number = ""   // counted when the ticket is written (`DocumentNumbers`)
        t.channel = TicketChannel.phone.rawValue
        t.priority = TicketPriority.normal.rawValue
        t.status = TicketStatus.new.rawValue
        t.description = ""
        t.resolution = ""
        t.createdBy = createdBy
        t.assigneeMemberId = assignee
        t.openedAt = now
        t.dueKey = nothingDue
        t.responseBreached = false
        t.resolutionBreached = false
        t.version = 1
        return t
    }

    /// Opens a ticket (already authorised): an agent who takes the call owns it unless they hand
    /// it to someone; a seller's ticket lands unassigned in the queue.
    static func open(_ input: TicketInput, req: Request) async throws -> Ticket {
        let user = try req.requireUser()
        let inService = try await serviceGroup(on: req.db).map { $0 == user.actor.groupId } ?? false
        return try await save(new(createdBy: user.actor.userId, assignee: inService ? user.actor.memberId : nil, now: req.now, today: req.today),
                              input, creating: true, req: req)
    }

    /// Saves a new or changed ticket: fields, then a status move checked by the rules, then the
    /// clocks, the timeline entry and the history entry, all in one transaction.
    static func save(_ t: Ticket, _ input: TicketInput, creating: Bool, req: Request) async throws -> Ticket {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: t.version) }
        let policy = try await policy(req)
        let rules = policy.ticketRules
        if case .value(let key) = input.cause, !key.isEmpty, rules.cause(key) == nil {
            throw Problem.invalid("cause", "invalidChoice", "One of: \(rules.causes.map(\.key).joined(separator: ", ")).")
        }
        let before = creating ? nil : TicketDTO(t, locale: .en)
        let figuresBefore = creating ? nil : ServiceDays.figures(t)
        if let v = input.type { t.type = v }
        if let v = input.channel { t.channel = v }
        if let v = input.priority { t.priority = v }
        if let v = input.subject { t.subject = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.description { t.description = v }
        if let v = input.customerId, creating { t.customerId = v }
        if input.contactId.given { t.contactId = input.contactId.applied(to: t.contactId) }
        if input.orderId.given { t.orderId = input.orderId.applied(to: t.orderId) }
        if input.assigneeId.given { t.assigneeMemberId = input.assigneeId.applied(to: t.assigneeMemberId) }
        if input.cause.given { t.cause = input.cause.applied(to: t.cause).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.resolution { t.resolution = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        let now = req.now
        let actor = req.currentUser?.actor.userId
        let target = input.status.flatMap(TicketStatus.init(rawValue:))
        let note = input.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let calendar = policy.effectiveCalendar.workingCalendar()
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(Ticket.schema, id: t.id, t.version) }
            try await checkLinks(t, on: db)
            var move: (from: TicketStatus, to: TicketStatus)?
            if let target, target != t.ticketStatus {
                let from = t.ticketStatus
                let facts = TicketFacts(cause: t.cause, resolution: t.resolution.isEmpty ? nil : t.resolution, resolvedAt: t.resolvedAt)
                if let refusal = rules.refusal(from: from, to: target, facts: facts, now: now) {
                    throw Problem(.conflict, code: "ticket-move-refused", title: "This ticket cannot move to \(target.rawValue) yet.", detail: refusal.message,
                                  errors: [FieldError(field: "status", code: refusal.code, message: refusal.message)]
                                      + refusal.missing.map { FieldError(field: $0.rawValue, code: "required", message: refusal.message) })
                }
                move = (from, target)
                t.status = target.rawValue
                switch target {
                case .resolved: t.resolvedAt = now
                case .closed: t.closedAt = now
                default:
                    if !target.isOpen { break }
                    t.resolvedAt = nil; t.closedAt = nil
                }
            }
            if creating {
                t.id = UUID.timeOrdered()
                t.number = try await DocumentNumbers.next(.ticket, on: CivilDate.on(t.openedAt), in: db)
            } else {
                guard t.hasChanges || move != nil || !(note ?? "").isEmpty else { return t }
                t.version += 1
            }
            if let move {
                try await timeline(t, kind: .status, body: note ?? "", visible: false, from: move.from, to: move.to, at: now, by: actor, on: db)
            } else if let note, !note.isEmpty {
                try await timeline(t, kind: .note, body: note, visible: false, from: nil, to: nil, at: now, by: actor, on: db)
            }
            try await refreshClocks(t, policy: policy, calendar: calendar, now: now, on: db)
            if creating { try await t.create(on: db) } else { try await t.save(on: db) }
            try await ServiceDays.record(from: figuresBefore, to: t, on: db)
            if move?.to == .closed { try await SurveyService.send(for: t, at: now, on: db) }
            try await Audit.record(creating ? .create : .update, "ticket", id: t.id, label: "\(t.number) \(t.subject)",
                                   before: before, after: TicketDTO(t, locale: .en), request: req, on: db)
            return t
        }
    }

    /// An after-sales request recorded on an order becomes a ticket in the unassigned queue, inside
    /// the caller's transaction (the policy is read before it: `req.db` must not be used inside).
    @discardableResult
    static func openAfterSales(for o: SalesOrder, text: String, policy: ServicePolicy, req: Request, on db: any Database) async throws -> Ticket {
        let t = new(createdBy: req.currentUser?.actor.userId, assignee: nil, now: req.now, today: req.today)
        t.id = UUID.timeOrdered()
        t.type = TicketType.afterSales.rawValue
        t.subject = String("\(o.number): \(text)".prefix(200))
        t.description = text
        t.customerId = o.customerId
        t.orderId = o.id
        t.number = try await DocumentNumbers.next(.ticket, on: req.today, in: db)
        try await t.create(on: db)
        try await refreshClocks(t, policy: policy, calendar: policy.effectiveCalendar.workingCalendar(), now: req.now, on: db)
        try await t.save(on: db)
        try await ServiceDays.record(from: nil, to: t, on: db)
        try await Audit.record(.create, "ticket", id: t.id, label: "\(t.number) \(t.subject)", before: Optional<TicketDTO>.none,
                               after: TicketDTO(t, locale: .en), request: req, on: db)
        return t
    }

    /// An internal note or an update the customer sees (CP-2: progress fed back). The first update
    /// the customer sees is the first response if nothing answered them before.
    static func addUpdate(_ t: Ticket, body: String, customerVisible: Bool, req: Request) async throws -> TicketUpdate {
        var e = FieldErrors()
        e.check("body", Validators.required(body, field: "body"))
        e.check("body", Validators.maxLength(body, 5_000, field: "body"))
        try e.throwIfAny()
        let policy = try await policy(req)
        let calendar = policy.effectiveCalendar.workingCalendar()
        let now = req.now, actor = req.currentUser?.actor.userId
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await req.db.writeTransaction { db in
            let update = try await timeline(t, kind: customerVisible ? .customerUpdate : .note, body: text, visible: customerVisible,
                                            from: nil, to: nil, at: now, by: actor, on: db)
            if customerVisible && t.firstResponseAt == nil {
                let figuresBefore = ServiceDays.figures(t)
                try await refreshClocks(t, policy: policy, calendar: calendar, now: now, on: db)
                t.version += 1
                try await t.save(on: db)
                try await ServiceDays.record(from: figuresBefore, to: t, on: db)
            }
            try await Audit.note(.update, "ticket", id: t.id, label: "\(t.number): \(customerVisible ? "update to the customer" : "internal note")", request: req, on: db)
            return update
        }
    }

    @discardableResult
    static func timeline(_ t: Ticket, kind: TicketUpdateKind, body: String, visible: Bool, from: TicketStatus?, to: TicketStatus?,
                         at: Date, by: UUID?, on db: any Database) async throws -> TicketUpdate {
        let u = TicketUpdate()
        u.ticketId = t.id!
        u.kind = kind.rawValue
        u.body = body
        u.customerVisible = visible
        u.fromStatus = from?.rawValue
        u.toStatus = to?.rawValue
        u.authorUserId = by
        u.at = at
        try await u.create(on: db)
        return u
    }

    /// Works out both SLA clocks from the ticket's timeline and keeps their due, warning and
    /// breach times on the ticket (CP-1, CP-2, RSK-C1).
    static func refreshClocks(_ t: Ticket, policy: ServicePolicy, calendar: WorkingCalendar, now: Date, on db: any Database) async throws {
        let updates = try await TicketUpdate.query(on: db).filter(\.$ticketId == t.id!).sort(\.$at).all()
        let readings = clocks(t, updates: updates, policy: policy, calendar: calendar, now: now)
        t.firstResponseAt = readings.response.stoppedAt ?? t.firstResponseAt
        let running = { (r: SLAClockReading) in r.state == .running }
        t.responseDueAt = running(readings.response) ? readings.response.dueAt : nil
        t.resolutionDueAt = running(readings.resolution) ? readings.resolution.dueAt : nil
        t.responseBreached = readings.response.isBreached
        t.resolutionBreached = readings.resolution.isBreached
        let due = [t.responseDueAt, t.resolutionDueAt].compactMap { $0 }.min()
        // The SLA watch looks only at tickets whose warning or breach is still to be acted on: a
        // point already warned or escalated is not armed again.
        let warn = [readings.response, readings.resolution].filter(running).compactMap(\.warnAt).min()
        t.warnAt = warn.flatMap { w in (t.warnedAt.map { $0 >= w } ?? false) ? nil : w }
        t.breachAt = due.flatMap { b in (t.escalatedAt.map { $0 >= b } ?? false) ? nil : b }
        t.dueKey = due.map(dueKey) ?? nothingDue
    }

    /// Both clocks from the ticket's timeline: its status moves, and the first update the customer saw.
    static func clocks(_ t: Ticket, updates: [TicketUpdate], policy: ServicePolicy, calendar: WorkingCalendar, now: Date)
        -> (response: SLAClockReading, resolution: SLAClockReading) {
        let changes = updates.compactMap { u -> TicketStatusChange? in
            guard u.kind == TicketUpdateKind.status.rawValue, let from = u.fromStatus.flatMap(TicketStatus.init), let to = u.toStatus.flatMap(TicketStatus.init) else { return nil }
            return TicketStatusChange(at: u.at, from: from, to: to)
        }
        let timeline = TicketTimeline(createdAt: t.openedAt, changes: changes, firstReplyAt: updates.first { $0.customerVisible }?.at)
        let sla = policy.effectiveSLA
        let target = sla.target(for: t.ticketType, priority: t.ticketPriority)
        return (SLAClock.firstResponse(timeline, target: target, defaultWarnFraction: sla.effectiveWarnAtFraction, now: now, calendar: calendar),
                SLAClock.resolution(timeline, target: target, defaultWarnFraction: sla.effectiveWarnAtFraction, now: now, calendar: calendar))
    }

    static func dueKey(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// The customer, contact and order named must exist, and the contact and order must be the customer's.
    private static func checkLinks(_ t: Ticket, on db: any Database) async throws {
        var e = FieldErrors()
        if try await Customer.find(t.customerId, on: db) == nil { e.add("customerId", "unknownCustomer", "No customer with this id.") }
        if let id = t.contactId {
            let c = try await Contact.find(id, on: db)
            if c?.$customer.id != t.customerId { e.add("contactId", "unknownContact", "No contact with this id at this customer.") }
        }
        if let id = t.orderId {
            let o = try await SalesOrder.find(id, on: db)
            if o?.customerId != t.customerId { e.add("orderId", "unknownOrder", "No order with this id for this customer.") }
        }
        if let id = t.assigneeMemberId, try await Member.find(id, on: db) == nil { e.add("assigneeId", "unknownMember", "No member with this id.") }
        try e.throwIfAny()
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
