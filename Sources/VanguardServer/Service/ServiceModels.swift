import Fluent
import Foundation
import Vapor
import VanguardCore

/// A customer's inquiry, complaint, dispute or after-sales request (SVC-1, SVC-2, CP-1, CP-2).
/// The SLA due times are worked out by `VanguardCore.SLAClock` at every change and kept here, so
/// the queue and the SLA scan are index look-ups rather than sums over every ticket's history.
final class Ticket: Model, @unchecked Sendable {
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "type") var type: String
    @Field(key: "channel") var channel: String
    @Field(key: "priority") var priority: String
    @Field(key: "status") var status: String
    @Field(key: "subject") var subject: String
    @Field(key: "description") var description: String
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "contact_id") var contactId: UUID?
    @OptionalField(key: "order_id") var orderId: UUID?
    @OptionalField(key: "assignee_member_id") var assigneeMemberId: UUID?
    @OptionalField(key: "created_by") var createdBy: UUID?
    @OptionalField(key: "cause") var cause: String?
    @Field(key: "resolution") var resolution: String
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "first_response_at") var firstResponseAt: Date?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// Due times of the running clocks (nil once a clock stopped); the earlier one, as sortable
    /// text, orders the queue ("9999…" when nothing is due).
    @OptionalField(key: "response_due_at") var responseDueAt: Date?
    @OptionalField(key: "resolution_due_at") var resolutionDueAt: Date?
    @Field(key: "due_key") var dueKey: String
    /// When the group lead is to be warned, and when they were; when the ticket escalated.
    @OptionalField(key: "warn_at") var warnAt: Date?
    @OptionalField(key: "warned_at") var warnedAt: Date?
    @OptionalField(key: "breach_at") var breachAt: Date?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    @Field(key: "response_breached") var responseBreached: Bool
    @Field(key: "resolution_breached") var resolutionBreached: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var ticketStatus: TicketStatus { TicketStatus(rawValue: status) ?? .new }
    var ticketType: TicketType { TicketType(rawValue: type) ?? .inquiry }
    var ticketPriority: TicketPriority { TicketPriority(rawValue: priority) ?? .normal }
}

/// One entry on a ticket's timeline: an internal note, an update the customer sees, or a status move.
final class TicketUpdate: Model, @unchecked Sendable {
    static let schema = "ticket_updates"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "body") var body: String
    @Field(key: "customer_visible") var customerVisible: Bool
    @OptionalField(key: "from_status") var fromStatus: String?
    @OptionalField(key: "to_status") var toStatus: String?
    @OptionalField(key: "author_user_id") var authorUserId: UUID?
    @Field(key: "at") var at: Date

    init() {}
}

enum TicketUpdateKind: String, CaseIterable, Codable, Sendable { case note, customerUpdate, status }

/// Work a complaint needs from another company department (SVC-2, LEAD-2): who there holds it,
/// by when, and what they answered.
final class DepartmentTask: Model, @unchecked Sendable {
    static let schema = "department_tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "department_id") var departmentId: UUID
    @Field(key: "request") var request: String
    /// The person in that department who holds it (departments have no accounts here).
    @Field(key: "holder") var holder: String
    @OptionalField(key: "owner_member_id") var ownerMemberId: UUID?
    @Field(key: "due_on") var dueOn: String
    @Field(key: "status") var status: String
    @Field(key: "answer") var answer: String
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}
}

enum DepartmentTaskStatus: String, CaseIterable, Codable, Sendable { case open, answered, cancelled }

/// The satisfaction survey sent when a ticket closes (CP-2, SVC-1): answered once, through a
/// private link that needs no sign-in; a forged or used link is refused.
final class SatisfactionSurvey: Model, @unchecked Sendable {
    static let schema = "satisfaction_surveys"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    /// The link's secret (128 random bits): the agent may need to send the link again.
    @Field(key: "token") var token: String
    @Field(key: "sent_at") var sentAt: Date
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "score") var score: Int?
    @Field(key: "comment") var comment: String

    init() {}
}

/// A relationship-care task (CP-4): a return visit, a birthday wish or a festival greeting,
/// created once by the daily job (`dedupe_key` is unique) and done by an agent with the outcome.
final class CareTaskRecord: Model, @unchecked Sendable {
    static let schema = "care_tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "customer_id") var customerId: UUID
    @OptionalField(key: "contact_id") var contactId: UUID?
    @OptionalField(key: "festival") var festival: String?
    @Field(key: "occasion") var occasion: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "message_zh_hans") var messageZhHans: String
    @Field(key: "message_zh_hant") var messageZhHant: String
    @Field(key: "message_en") var messageEn: String
    @Field(key: "status") var status: String
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "done_by") var doneBy: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}
}

enum CareTaskStatus: String, CaseIterable, Codable, Sendable { case open, done, skipped }
