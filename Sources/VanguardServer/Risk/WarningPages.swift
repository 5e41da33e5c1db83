import Fluent
import Vapor
import VanguardCore

/// Risk warnings on the web (RSK-M2): the open warnings the reader may see, most recent first,
/// and one warning with its response plan, to acknowledge and resolve.
struct WarningPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("warnings", use: list)
        routes.get("warnings", ":id", use: show)
        routes.post("warnings", ":id", use: update)
    }

    struct Row: Encodable {
        var id: UUID; var severity: String; var severityLabel: String; var message: String; var clause: String; var owner: String
        var raised: String; var status: String; var statusLabel: String; var measured: String?
    }
    struct ListContext: Encodable { var rows: [Row]; var statuses: [FormField.Option]; var severities: [FormField.Option]; var nextHref: String? }

    func list(req: Request) async throws -> Response {
        let (list, q) = try WarningService.query(req, strict: false, defaultStatus: RiskWarningStatus.open.rawValue)
        let page = list.cut(try await q.all(), value: { $0.raisedKey }, id: { $0.id })
        let owners = try await SalesNames.members(page.shown.compactMap(\.ownerMemberId), on: req.db)
        let status = req.queryString("status").flatMap { $0.isEmpty ? nil : $0 } ?? RiskWarningStatus.open.rawValue
        let severity = req.queryString("severity") ?? ""
        return try await req.page("Risk/warnings", title: "navWarnings", section: "warnings", ListContext(
            rows: page.shown.map { Self.row($0, owners, req) },
            statuses: (WarningService.statuses + ["any"]).map { FormField.Option(value: $0, label: req.t("warning_" + $0), selected: $0 == status) },
            severities: [FormField.Option(value: "", label: req.t("allSeverities"), selected: severity.isEmpty)]
                + RiskSeverity.allCases.map { FormField.Option(value: $0.rawValue, label: $0.label[req.locale], selected: $0.rawValue == severity) },
            nextHref: page.next.map { SalesNames.href("/warnings", ["cursor": $0, "status": status, "severity": severity]) }))
    }

    /// The reader's newest open warnings, for the panel on the page the lead lands on (RSK-M2).
    static func panel(_ req: Request, limit: Int = 5) async throws -> [Row] {
        guard let user = req.currentUser else { return [] }
        let open = try await WarningService.scoped(RiskWarningRecord.query(on: req.db), user.actor)
            .filter(\.$status ~~ RiskWarningStatus.allCases.filter(\.isOpen).map(\.rawValue)).sort(\.$raisedKey, .descending).limit(limit).all()
        let owners = try await SalesNames.members(open.compactMap(\.ownerMemberId), on: req.db)
        return open.map { row($0, owners, req) }
    }

    static func row(_ w: RiskWarningRecord, _ owners: [UUID: String], _ req: Request) -> Row {
        Row(id: w.id!, severity: w.severity, severityLabel: (RiskSeverity(rawValue: w.severity) ?? .warning).label[req.locale], message: w.message[req.locale],
            clause: w.clause, owner: w.ownerMemberId.flatMap { owners[$0] } ?? "—", raised: TicketPages.when(w.raisedAt, req), status: w.status,
            statusLabel: w.warningStatus.name[req.locale], measured: w.measuredBP.map { Percent(basisPoints: $0).description })
    }

    struct Handling: Encodable { var by: String; var at: String }
    struct ShowContext: Encodable {
        var warning: Row; var responsePlan: String; var resolutionNote: String; var acknowledged: Handling?; var resolved: Handling?
        var canEdit: Bool; var canAcknowledge: Bool; var canResolve: Bool; var version: Int
        var values: [String: String]; var errors: [String: String]; var formError: String?
    }

    func show(req: Request) async throws -> Response {
        let w = try await WarningService.find(req)
        return try await render(req, w, values: [:], errors: [], formError: nil, status: .ok)
    }

    private func render(_ req: Request, _ w: RiskWarningRecord, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus) async throws -> Response {
        let facts = try await WarningService.facts(w, on: req.db)
        try req.authorize(.read, .riskWarning(facts))
        let owners = try await SalesNames.members([w.ownerMemberId].compactMap { $0 }, on: req.db)
        let people = Dictionary(uniqueKeysWithValues: try await UserAccount.query(on: req.db).filter(\.$id ~~ Set([w.acknowledgedBy, w.resolvedBy].compactMap { $0 })).all()
            .map { ($0.id!, $0.displayName) })
        func handled(_ by: UUID?, _ at: Date?) -> Handling? { at.map { Handling(by: by.flatMap { people[$0] } ?? "—", at: TicketPages.when($0, req)) } }
        var messages: [String: String] = [:]
        for e in errors where messages[e.field] == nil {
            messages[e.field] = req.application.translations.message(e, req.locale)
        }
        let canEdit = req.allowed(.update, .riskWarning(facts))
        return try await req.page("Risk/warning", title: "navWarnings", section: "warnings", ShowContext(
            warning: Self.row(w, owners, req), responsePlan: w.responsePlan, resolutionNote: w.resolutionNote,
            acknowledged: handled(w.acknowledgedBy, w.acknowledgedAt), resolved: handled(w.resolvedBy, w.resolvedAt),
            canEdit: canEdit && w.warningStatus.isOpen, canAcknowledge: canEdit && w.warningStatus.moves.contains(.acknowledged),
            canResolve: canEdit && w.warningStatus.moves.contains(.resolved), version: w.version,
            values: values, errors: messages, formError: formError ?? (errors.isEmpty ? nil : req.t("formHasErrors"))), status: status)
    }

    /// One form: the plan as edited, and the button pressed (save, acknowledge, resolve with the note).
    func update(req: Request) async throws -> Response {
        let w = try await WarningService.find(req)
        try req.authorize(.update, .riskWarning(try await WarningService.facts(w, on: req.db)))
        let v = SalesNames.posted(req, ["responsePlan", "status", "resolutionNote", "version"])
        return try await req.handleForm({ errors, formError in
            let fresh = try await RiskWarningRecord.find(w.id, on: req.db) ?? w
            return try await render(req, fresh, values: v, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            if let sent = Int(v["version"] ?? ""), sent != w.version { throw Problem.preconditionFailed }
            var input = RiskWarningInput()
            input.responsePlan = v["responsePlan"]
            if let s = v["status"], !s.isEmpty { input.status = s }
            if input.status == RiskWarningStatus.resolved.rawValue { input.resolutionNote = v["resolutionNote"] ?? "" }
            _ = try await WarningService.update(w, input, req: req)
            return req.redirect(to: "/warnings/\(w.id!)", flash: "warningSaved")
        }
    }
}
