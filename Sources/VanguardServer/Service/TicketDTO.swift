import Foundation
import Vapor
import VanguardCore

struct TicketDTO: Content, Equatable {
    var id: UUID
    var number: String
    var type: String
    var channel: String
    var priority: String
    var status: String
    var statusName: String
    var subject: String
    var description: String
    var customerId: UUID
    var contactId: UUID?
    var orderId: UUID?
    var assigneeId: UUID?
    var cause: String?
    var resolution: String
    var openedAt: Date
    var firstResponseAt: Date?
    var resolvedAt: Date?
    var closedAt: Date?
    var responseDueAt: Date?
    var resolutionDueAt: Date?
    var escalatedAt: Date?
    var responseBreached: Bool
    var resolutionBreached: Bool
    var version: Int

    init(_ t: Ticket, locale: AppLocale) {
        id = t.id!; number = t.number; type = t.type; channel = t.channel; priority = t.priority; status = t.status
        statusName = t.ticketStatus.name[locale]; subject = t.subject; description = t.description; customerId = t.customerId
        contactId = t.contactId; orderId = t.orderId; assigneeId = t.assigneeMemberId; cause = t.cause; resolution = t.resolution
        openedAt = t.openedAt; firstResponseAt = t.firstResponseAt; resolvedAt = t.resolvedAt; closedAt = t.closedAt
        responseDueAt = t.responseDueAt; resolutionDueAt = t.resolutionDueAt; escalatedAt = t.escalatedAt
        responseBreached = t.responseBreached; resolutionBreached = t.resolutionBreached; version = t.version
    }
}

/// One SLA clock as the agent sees it now.
struct SLAClockDTO: Content, Equatable {
    var state: String
    var targetMinutes: Int
    var elapsedMinutes: Int
    var remainingMinutes: Int
    var dueAt: Date?
    var warnAt: Date?
    var warning: Bool

    init(_ r: SLAClockReading) {
        state = r.state.rawValue; targetMinutes = r.targetMinutes; elapsedMinutes = r.elapsedMinutes; remainingMinutes = r.remainingMinutes
        dueAt = r.dueAt; warnAt = r.warnAt; warning = r.isWarning
    }
}

struct TicketUpdateDTO: Content, Equatable {
    var id: UUID
    var kind: String
    var body: String
    var customerVisible: Bool
    var fromStatus: String?
    var toStatus: String?
    var authorUserId: UUID?
    var at: Date

    init(_ u: TicketUpdate) {
        id = u.id!; kind = u.kind; body = u.body; customerVisible = u.customerVisible; fromStatus = u.fromStatus; toStatus = u.toStatus
        authorUserId = u.authorUserId; at = u.at
    }
}

struct DepartmentTaskDTO: Content, Equatable {
    var id: UUID
    var ticketId: UUID
    var departmentId: UUID
    var request: String
    var holder: String
    var ownerId: UUID?
    var dueOn: String
    var status: String
    var answer: String
    var answeredAt: Date?
    var overdue: Bool
    var version: Int

    init(_ d: DepartmentTask, today: CivilDate) {
        id = d.id!; ticketId = d.ticketId; departmentId = d.departmentId; request = d.request; holder = d.holder; ownerId = d.ownerMemberId
        dueOn = d.dueOn; status = d.status; answer = d.answer; answeredAt = d.answeredAt; version = d.version
        overdue = d.status == DepartmentTaskStatus.open.rawValue && (CivilDate(d.dueOn).map { $0 < today } ?? false)
    }
}

/// A ticket with everything its page shows: clocks now, timeline, department tasks, survey.
struct TicketDetailDTO: Content {
    var ticket: TicketDTO
    var responseClock: SLAClockDTO
    var resolutionClock: SLAClockDTO
    var updates: [TicketUpdateDTO]
    var departmentTasks: [DepartmentTaskDTO]
    /// The departments whose open tasks hold the ticket up (SVC-2).
    var waitingOn: [UUID]
    var survey: SurveyDTO?
}
