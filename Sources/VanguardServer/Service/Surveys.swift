import Fluent
import Foundation
import Vapor
import VanguardCore

struct SurveyDTO: Content, Equatable {
    var id: UUID
    var ticketId: UUID
    /// The private link to send to the customer.
    var link: String
    var sentAt: Date
    var answeredAt: Date?
    var score: Int?
    var comment: String

    init(_ s: SatisfactionSurvey) {
        id = s.id!; ticketId = s.ticketId; link = "/survey/\(s.token)"; sentAt = s.sentAt; answeredAt = s.answeredAt; score = s.score; comment = s.comment
    }
}

struct SurveyAnswer: Content {
    var score: Int?
    var comment: String?

    func validate() -> FieldErrors {
        var e = FieldErrors()
        if let score { if !(1...5).contains(score) { e.add("score", "outOfRange", "Choose from 1 (very unhappy) to 5 (very happy).") } }
        else { e.add("score", "required", "Choose from 1 (very unhappy) to 5 (very happy).") }
        e.check("comment", Validators.maxLength(comment, 2_000, field: "comment"))
        return e
    }
}

/// The satisfaction survey after a ticket closes (CP-2, CP-3): one per closing, answered once.
enum SurveyService {
    static func send(for t: Ticket, at now: Date, on db: any Database) async throws {
        let s = SatisfactionSurvey()
        s.ticketId = t.id!
        s.token = Secrets.token(prefix: "")
        s.sentAt = now
        s.comment = ""
        try await s.create(on: db)
    }

    static func find(token: String, on db: any Database) async throws -> SatisfactionSurvey {
        guard token.count <= 100, let s = try await SatisfactionSurvey.query(on: db).filter(\.$token == token).first() else {
            throw Problem.notFound("survey")
        }
        return s
    }

    /// Records the customer's answer; a comment becomes a feedback item for the service group to
    /// route (CP-3). Answering twice is refused and changes nothing.
    static func answer(_ s: SatisfactionSurvey, _ input: SurveyAnswer, at now: Date, on db: any Database) async throws {
        try input.validate().throwIfAny()
        try await db.writeTransaction { db in
            guard let fresh = try await SatisfactionSurvey.find(s.id, on: db), fresh.answeredAt == nil else {
                throw Problem.conflict(nil, "survey-answered", "This survey has already been answered. Thank you!")
            }
            fresh.score = input.score
            fresh.comment = input.comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            fresh.answeredAt = now
            try await fresh.save(on: db)
            try await ServiceDays.recordSurvey(score: fresh.score ?? 0, at: now, on: db)
            let ticket = try await Ticket.find(fresh.ticketId, on: db)
            if !fresh.comment.isEmpty, let ticket {
                let f = FeedbackService.new(owner: ticket.assigneeMemberId, at: now)
                f.customerId = ticket.customerId
                f.source = FeedbackSource.survey.rawValue
                f.category = "service"   // the standard category for what customers say about the service
                f.summary = String("\(ticket.number) ★\(fresh.score ?? 0): \(fresh.comment)".prefix(300))
                f.detail = fresh.comment
                try await f.create(on: db)
            }
            try await Audit.system(.update, "ticket", id: fresh.ticketId, label: "\(ticket?.number ?? "") survey answered: \(fresh.score ?? 0)/5",
                                   after: try Audit.snapshot(SurveyDTO(fresh)), at: now, on: db)
        }
    }
}

/// The customer's side, no sign-in: the survey page (`GET/POST /survey/{token}`).
struct SurveyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("survey", ":token", use: show)
        routes.post("survey", ":token", use: submit)
    }

    struct Context: Encodable {
        var ticketNumber: String
        var subject: String
        var answered: Bool
        var thanks: Bool
        var form: FormView?
    }

    func show(req: Request) async throws -> Response {
        let s = try await SurveyService.find(token: req.parameters.get("token") ?? "", on: req.db)
        return try await page(req, s, values: [:], errors: [], thanks: false, status: .ok)
    }

    func submit(req: Request) async throws -> Response {
        let s = try await SurveyService.find(token: req.parameters.get("token") ?? "", on: req.db)
        let v = [String: String](uniqueKeysWithValues: ["score", "comment"].compactMap { k in (try? req.content.get(String.self, at: k)).map { (k, $0) } })
        do {
            try await SurveyService.answer(s, SurveyAnswer(score: v["score"].flatMap { Int($0) }, comment: v["comment"]), at: req.now, on: req.db)
            return try await page(req, s, values: v, errors: [], thanks: true, status: .ok)
        } catch let invalid as FieldErrors {
            return try await page(req, s, values: v, errors: invalid.all, thanks: false, status: .unprocessableEntity)
        } catch let problem as Problem {
            let errors = problem.errors.isEmpty ? [FieldError(field: "score", code: problem.code, message: problem.detail ?? problem.title)] : problem.errors
            return try await page(req, s, values: v, errors: errors, thanks: false, status: problem.status)
        }
    }

    private func page(_ req: Request, _ s: SatisfactionSurvey, values v: [String: String], errors: [FieldError], thanks: Bool, status: HTTPStatus) async throws -> Response {
        let t = try await Ticket.find(s.ticketId, on: req.db)
        var form: FormView?
        if s.answeredAt == nil && !thanks {
            var f = FormView(id: "survey-form", action: "/survey/\(s.token)", fields: [
                .select("score", req.t("surveyScore"), value: v["score"] ?? "", options: [("", "—")] + (1...5).reversed().map { (String($0), req.t("surveyScore\($0)")) }, required: true),
                FormField(name: "comment", label: req.t("surveyComment"), type: "textarea", value: v["comment"] ?? "", rows: 4),
            ], submitLabel: req.t("surveySend"), submitId: "send-survey", dirtyWarn: false)
            if !errors.isEmpty { f.show(errors, locale: req.locale, translations: req.application.translations) }
            form = f
        }
        return try await req.page("Service/survey", title: "surveyTitle", section: "", Context(
            ticketNumber: t?.number ?? "", subject: t?.subject ?? "", answered: s.answeredAt != nil || thanks, thanks: thanks, form: form), status: status)
    }
}

/// `POST /api/v1/surveys/{token}`: the same answer as JSON, no sign-in.
struct SurveyAnswerAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("surveys", ":token", use: answer)
    }

    func answer(req: Request) async throws -> SurveyDTO {
        let s = try await SurveyService.find(token: req.parameters.get("token") ?? "", on: req.db)
        try await SurveyService.answer(s, try req.decodeJSON(SurveyAnswer.self), at: req.now, on: req.db)
        return SurveyDTO(try await SatisfactionSurvey.find(s.id, on: req.db)!)
    }
}
