import Vapor
import VanguardCore

/// The service chapter's part of the OpenAPI document.
enum ServiceOpenAPI {
    typealias S = OpenAPISchemas
    typealias D = OpenAPIDocument

    static let date = S.str(format: "date")
    static let dateTime = S.str(format: "date-time", nullable: true)
    static let types = TicketType.allCases.map(\.rawValue), statuses = TicketStatus.allCases.map(\.rawValue)
    static let priorities = TicketPriority.allCases.map(\.rawValue), channels = TicketChannel.allCases.map(\.rawValue)

    static var paths: [(String, JSONValue)] {
        let paging = [D.param("limit"), D.param("cursor")]
        let id = D.param("id"), ifMatch = D.param("ifMatch")
        let token: JSONValue = ["name": "token", "in": "path", "required": true, "schema": S.str(100)]
        let attachmentId: JSONValue = ["name": "attachmentId", "in": "path", "required": true, "schema": S.uuid]
        let period = D.query("period", S.str(8, min: 4, pattern: "^[0-9]{4}(-Q[1-4]|-M(0[1-9]|1[0-2]))?$"), "2026, 2026-Q4 or 2026-M11; this quarter if left out.")
        let files: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        return [
            ("/api/v1/tickets", [
                "get": D.op("listTickets", "The service queues, most urgent first (SVC-1)", tag: "Tickets", params: [
                    D.param("q"), D.query("queue", S.enumeration(TicketList.queues)), D.query("status", S.enumeration(statuses + ["open", "any"])),
                    D.query("type", S.enumeration(types)), D.query("priority", S.enumeration(priorities)), D.query("customerId", S.uuid),
                    D.query("sort", S.enumeration(["due", "-due", "number", "-number"])),
                ] + paging, ok: [("200", D.json("TicketPage", "One page."))], errors: []),
                "post": D.op("createTicket", "Open a ticket; its SLA clocks start (CP-1, CP-2)", tag: "Tickets", body: "TicketCreate",
                             ok: [("201", D.json("Ticket", "Opened.", etag: true, location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/tickets/{id}", [
                "get": D.op("getTicket", "A ticket with its clocks, timeline, department tasks and survey", tag: "Tickets", params: [id],
                            ok: [("200", D.json("TicketDetail", "The ticket.", etag: true))], errors: ["404"]),
                "patch": D.op("updateTicket", "Change a ticket or move it through its statuses", tag: "Tickets", params: [id, ifMatch], body: "TicketPatch",
                              ok: [("200", D.json("Ticket", "Changed.", etag: true))], errors: ["404", "409", "412", "413", "415"]),
            ]),
            ("/api/v1/tickets/{id}/history", ["get": D.op("ticketHistory", "The ticket's history, newest first", tag: "Tickets", params: [id] + paging,
                                                        ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
            ("/api/v1/tickets/{id}/updates", [
                "get": D.op("ticketUpdates", "The ticket's timeline, oldest first", tag: "Tickets", params: [id],
                            ok: [("200", ["description": "The timeline.", "content": ["application/json": ["schema": S.array(S.ref("TicketUpdate"))]]])], errors: ["404"]),
                "post": D.op("addTicketUpdate", "An internal note, or an update the customer sees (CP-2)", tag: "Tickets", params: [id], body: "TicketUpdateCreate",
                             ok: [("201", D.json("TicketUpdate", "Added."))], errors: ["404", "413", "415"]),
            ]),
            ("/api/v1/tickets/{id}/department-tasks", ["post": D.op("addDepartmentTask", "Ask another department for its part (SVC-2)", tag: "Tickets",
                                                                   params: [id], body: "DepartmentTaskCreate",
                                                                   ok: [("201", D.json("DepartmentTask", "Asked.", etag: true, location: true))], errors: ["404", "409", "413", "415"])]),
            ("/api/v1/tickets/{id}/handoffs", ["post": D.op("handOffToSales", "A renewal or upsell signal for the customer's salesperson (SVC-4)", tag: "Tickets",
                                                           params: [id], body: "Handoff",
                                                           ok: [("201", ["description": "The follow-up created.", "content": ["application/json": ["schema": S.object([("activityId", S.uuid)], required: ["activityId"])]]])],
                                                           errors: ["404", "409", "413", "415"])]),
            ("/api/v1/tickets/{id}/attachments", [
                "get": D.op("listTicketAttachments", "The ticket's files, oldest first (SVC-1)", tag: "Tickets", params: [id],
                            ok: [("200", ["description": "The files.", "content": ["application/json": ["schema": S.array(S.ref("TicketAttachment"))]]])], errors: ["404"]),
                "post": D.withBody(D.op("addTicketAttachment", "Attach a file; its type is read from its bytes (SVC-1)", tag: "Tickets", params: [id],
                                        ok: [("201", ["description": "Attached.", "content": ["application/json": ["schema": S.ref("TicketAttachment")]],
                                                      "headers": ["Location": ["description": "Where to download it.", "schema": S.str()]]])],
                                        errors: ["404", "413", "415"]),
                                   D.fileUpload([("customerVisible", S.bool)])),
            ]),
            ("/api/v1/tickets/{id}/attachments/{attachmentId}", [
                "get": D.op("downloadTicketAttachment", "Download one of the ticket's files", tag: "Tickets", params: [id, attachmentId],
                            ok: [("200", D.storedFile)], errors: ["404"]),
                "delete": D.op("removeTicketAttachment", "Take a file off the ticket (kept in the history)", tag: "Tickets", params: [id, attachmentId],
                               ok: [("204", D.noContent)], errors: ["404"]),
            ]),
            ("/api/v1/department-tasks", ["get": D.op("listDepartmentTasks", "What other departments owe the service team", tag: "Tickets", params: [
                D.query("status", S.enumeration(DepartmentTaskStatus.allCases.map(\.rawValue))), D.query("departmentId", S.uuid), D.query("ticketId", S.uuid),
                D.query("mine", S.enumeration(["true", "false"])), D.query("sort", S.enumeration(["dueOn", "-dueOn"])),
            ] + paging, ok: [("200", D.json("DepartmentTaskPage", "One page."))], errors: [])]),
            ("/api/v1/department-tasks/{id}", ["patch": D.op("updateDepartmentTask", "Record the department's answer", tag: "Tickets", params: [id, ifMatch],
                                                            body: "DepartmentTaskPatch", ok: [("200", D.json("DepartmentTask", "Changed.", etag: true))],
                                                            errors: ["404", "412", "413", "415"])]),
            ("/api/v1/care-tasks", ["get": D.op("listCareTasks", "The care list: return visits, birthdays, festival greetings (CP-4)", tag: "Care", params: [
                D.query("status", S.enumeration(CareTaskStatus.allCases.map(\.rawValue) + ["any"])), D.query("due", S.enumeration(["today", "all"])),
                D.query("kind", S.enumeration(CareTask.Kind.allCases.map(\.rawValue))), D.query("customerId", S.uuid), D.query("sort", S.enumeration(["dueOn", "-dueOn"])),
            ] + paging, ok: [("200", D.json("CareTaskPage", "One page."))], errors: [])]),
            ("/api/v1/care-tasks/{id}", ["patch": D.op("updateCareTask", "Mark a care task done with its outcome", tag: "Care", params: [id, ifMatch],
                                                      body: "CareTaskPatch", ok: [("200", D.json("CareTask", "Changed.", etag: true))],
                                                      errors: ["404", "412", "413", "415"])]),
            ("/api/v1/reports/service", ["get": D.op("serviceReport", "The service analysis for a period (SVC-5)", tag: "Reports",
                                                    params: [period], ok: [("200", D.json("ServiceReport", "The figures."))], errors: [])]),
            ("/api/v1/reports/service/export", ["get": D.op("exportServiceReport", "The service analysis as CSV (a section per table) or XLSX (a sheet per table)",
                                                           tag: "Reports", params: [period, D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                           ok: [("200", ["description": "The file.", "content": .object([("text/csv", ["schema": ["type": "string"]]),
                                                                                                                          (Response.xlsxType.description, files)])])],
                                                           errors: [])]),
            ("/api/v1/feedback/digest", ["get": D.op("feedbackDigest", "The month's feedback per department: received by category, answered, still waiting (SVC-3, CP-3)", tag: "Reports",
                                                    params: [D.query("month", S.str(7, min: 7, pattern: "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"), "yyyy-MM; last month if left out.")],
                                                    ok: [("200", D.json("FeedbackDigest", "The digest."))], errors: [])]),
            ("/api/v1/surveys/{token}", ["post": D.op("answerSurvey", "The customer's satisfaction answer, through the survey's private link", tag: "Surveys",
                                                     params: [token], body: "SurveyAnswer", ok: [("200", D.json("Survey", "Thank you."))],
                                                     errors: ["404", "409", "413", "415"], secured: false)]),
        ]
    }

    static var schemas: [(String, JSONValue)] {
        let ticketInput: [(String, JSONValue)] = [
            ("type", S.enumeration(types)), ("channel", S.enumeration(channels)), ("priority", S.enumeration(priorities)), ("status", S.enumeration(statuses)),
            ("subject", S.str(200, min: 1, pattern: #"\S"#)), ("description", S.str(10_000)), ("customerId", S.uuid), ("contactId", S.nullableUUID),
            ("orderId", S.nullableUUID), ("assigneeId", S.nullableUUID), ("cause", S.str(50, nullable: true)), ("resolution", S.str(5_000)), ("note", S.str(5_000)),
        ]
        let clock = S.object([("state", S.enumeration(SLAClockState.allCases.map(\.rawValue))), ("targetMinutes", S.int), ("elapsedMinutes", S.int),
                              ("remainingMinutes", S.int), ("dueAt", dateTime), ("warnAt", dateTime), ("warning", S.bool)],
                             required: ["state", "targetMinutes", "elapsedMinutes", "remainingMinutes", "warning"])
        let taskInput: [(String, JSONValue)] = [
            ("departmentId", S.uuid), ("request", S.str(2_000, min: 1, pattern: #"\S"#)), ("holder", S.str(100)), ("ownerId", S.uuid),
            ("dueOn", date), ("status", S.enumeration(DepartmentTaskStatus.allCases.map(\.rawValue))), ("answer", S.str(5_000)),
        ]
        let count = S.object([("key", S.str()), ("name", S.str()), ("count", S.int)], required: ["key", "name", "count"])
        let nullableNumber: JSONValue = ["type": "number", "nullable": true]
        let times = S.object([("count", S.int), ("medianMinutes", ["type": "integer", "nullable": true]), ("p90Minutes", ["type": "integer", "nullable": true])], required: ["count"])
        return [
            ("Ticket", S.object([("id", S.uuid), ("number", S.str()), ("type", S.enumeration(types)), ("channel", S.enumeration(channels)),
                                 ("priority", S.enumeration(priorities)), ("status", S.enumeration(statuses)), ("statusName", S.str()), ("subject", S.str()),
                                 ("description", S.str()), ("customerId", S.uuid), ("contactId", S.nullableUUID), ("orderId", S.nullableUUID),
                                 ("assigneeId", S.nullableUUID), ("cause", S.str(nullable: true)), ("resolution", S.str()), ("openedAt", S.str(format: "date-time")),
                                 ("firstResponseAt", dateTime), ("resolvedAt", dateTime), ("closedAt", dateTime), ("responseDueAt", dateTime),
                                 ("resolutionDueAt", dateTime), ("escalatedAt", dateTime), ("responseBreached", S.bool), ("resolutionBreached", S.bool), ("version", S.int)],
                                required: ["id", "number", "type", "status", "subject", "customerId", "openedAt", "version"])),
            ("TicketPage", S.page("Ticket")),
            ("TicketCreate", S.object(ticketInput, required: ["type", "subject", "customerId"], closed: true)),
            ("TicketPatch", S.object(ticketInput, required: [], closed: true)),
            ("TicketUpdate", S.object([("id", S.uuid), ("kind", S.enumeration(TicketUpdateKind.allCases.map(\.rawValue))), ("body", S.str()),
                                       ("customerVisible", S.bool), ("fromStatus", S.str(nullable: true)), ("toStatus", S.str(nullable: true)),
                                       ("authorUserId", S.nullableUUID), ("at", S.str(format: "date-time"))], required: ["id", "kind", "body", "at"])),
            ("TicketUpdateCreate", S.object([("body", S.str(5_000, min: 1, pattern: #"\S"#)), ("customerVisible", S.bool)], required: ["body"], closed: true)),
            ("TicketDetail", S.object([("ticket", S.ref("Ticket")), ("responseClock", clock), ("resolutionClock", clock),
                                       ("updates", S.array(S.ref("TicketUpdate"))), ("departmentTasks", S.array(S.ref("DepartmentTask"))),
                                       ("waitingOn", S.array(S.uuid)), ("survey", S.ref("Survey"))],
                                      required: ["ticket", "responseClock", "resolutionClock", "updates", "departmentTasks", "waitingOn"])),
            ("DepartmentTask", S.object([("id", S.uuid), ("ticketId", S.uuid), ("departmentId", S.uuid), ("request", S.str()), ("holder", S.str()),
                                         ("ownerId", S.nullableUUID), ("dueOn", date), ("status", S.enumeration(DepartmentTaskStatus.allCases.map(\.rawValue))),
                                         ("answer", S.str()), ("answeredAt", dateTime), ("overdue", S.bool), ("version", S.int)],
                                        required: ["id", "ticketId", "departmentId", "request", "dueOn", "status", "version"])),
            ("DepartmentTaskPage", S.page("DepartmentTask")),
            ("DepartmentTaskCreate", S.object(taskInput, required: ["departmentId", "request", "dueOn"], closed: true)),
            ("DepartmentTaskPatch", S.object(taskInput, required: [], closed: true)),
            ("Handoff", S.object([("kind", S.enumeration(["renewal", "upsell"])), ("note", S.str(1_000, min: 1, pattern: #"\S"#))], required: ["kind", "note"], closed: true)),
            ("CareTask", S.object([("id", S.uuid), ("kind", S.enumeration(CareTask.Kind.allCases.map(\.rawValue))), ("customerId", S.uuid),
                                   ("contactId", S.nullableUUID), ("festival", S.str(nullable: true)), ("occasion", date), ("dueOn", date), ("message", S.str()),
                                   ("status", S.enumeration(CareTaskStatus.allCases.map(\.rawValue))), ("outcome", S.str()), ("doneAt", dateTime), ("version", S.int)],
                                  required: ["id", "kind", "customerId", "dueOn", "status", "version"])),
            ("CareTaskPage", S.page("CareTask")),
            ("CareTaskPatch", S.object([("status", S.enumeration(CareTaskStatus.allCases.map(\.rawValue))), ("outcome", S.str(2_000))], required: [], closed: true)),
            ("Survey", S.object([("id", S.uuid), ("ticketId", S.uuid), ("link", S.str()), ("sentAt", S.str(format: "date-time")), ("answeredAt", dateTime),
                                 ("score", ["type": "integer", "minimum": 1, "maximum": 5, "nullable": true]), ("comment", S.str())],
                                required: ["id", "ticketId", "link", "sentAt", "comment"])),
            ("ServiceReport", S.object([
                ("period", S.str()), ("opened", S.int), ("byType", S.array(count)), ("byChannel", S.array(count)), ("firstResponse", times), ("resolution", times),
                ("responseAttainmentPercent", nullableNumber), ("resolutionAttainmentPercent", nullableNumber), ("satisfactionAverage", nullableNumber),
                ("satisfactionCount", S.int), ("satisfactionDistribution", S.array(S.int)), ("topCauses", S.array(count)),
                ("repeatComplainers", S.array(S.object([("customerId", S.uuid), ("name", S.str()), ("complaints", S.int)], required: ["customerId", "name", "complaints"]))),
                ("departments", S.array(S.object([("id", S.uuid), ("name", S.str()), ("answered", S.int), ("medianHours", nullableNumber), ("openOverdue", S.int)],
                                                 required: ["id", "name", "answered", "openOverdue"]))),
            ], required: ["period", "opened", "byType", "byChannel", "firstResponse", "resolution", "satisfactionCount", "satisfactionDistribution", "topCauses", "repeatComplainers", "departments"])),
            ("FeedbackDigest", S.object([
                ("month", S.str()),
                ("departments", S.array(S.object([
                    ("departmentId", S.nullableUUID), ("name", S.str()), ("contactEmail", S.str(nullable: true)), ("received", S.int), ("answered", S.int),
                    ("open", S.int), ("backlog", S.int), ("byCategory", S.array(count)),
                    ("waitingLongest", S.array(S.object([("id", S.uuid), ("summary", S.str()), ("category", S.str()), ("receivedOn", S.str())],
                                                        required: ["id", "summary", "category", "receivedOn"]))),
                ], required: ["name", "received", "answered", "open", "backlog", "byCategory", "waitingLongest"]))),
            ], required: ["month", "departments"])),
            ("TicketAttachment", S.object([("id", S.uuid), ("ticketId", S.uuid), ("name", S.str()), ("size", S.int), ("type", S.str()), ("sha256", S.str()),
                                           ("uploadedBy", S.nullableUUID), ("uploadedByName", S.str()), ("at", S.str(format: "date-time")),
                                           ("customerVisible", S.bool), ("href", S.str())],
                                          required: ["id", "ticketId", "name", "size", "type", "sha256", "uploadedByName", "at", "customerVisible", "href"])),
            ("SurveyAnswer", S.object([("score", ["type": "integer", "minimum": 1, "maximum": 5]), ("comment", S.str(2_000))], required: ["score"], closed: true)),
        ]
    }
}
