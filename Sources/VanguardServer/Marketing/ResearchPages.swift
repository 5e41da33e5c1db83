import Fluent
import Vapor
import VanguardCore

/// Market research on the web (MKT-2, MP-1, LEAD-4): the notes, searched by text and tag, and
/// the form to write or change one. A refused form comes back with each message beside its field
/// and what was typed kept.
struct ResearchPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("market", "research")
        r.get(use: list)
        r.get("new", use: newForm)
        r.post(use: create)
        r.get(":id", "edit", use: editForm)
        r.post(":id", use: update)
    }

    struct Row: Encodable {
        var id: UUID; var title: String; var observedOn: String; var findings: String; var tags: [String]; var sources: [Source]
        var competitor: String?; var competitorId: UUID?; var author: String; var canEdit: Bool
    }
    struct Source: Encodable { var text: String; var link: Bool }
    struct ListContext: Encodable { var rows: [Row]; var q: String; var tag: String; var canCreate: Bool; var nextHref: String? }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db)))
        let (list, q) = try ResearchNotesAPI.query(req, strict: false)
        let page = list.cut(try await q.all(), value: ResearchNotesAPI.sortValue(list), id: { $0.id })
        let competitors = try await Self.competitorNames(page.shown.compactMap(\.competitorId), on: req.db)
        let authors = try await SalesNames.members(page.shown.compactMap(\.authorMemberId), on: req.db)
        var rows: [Row] = []
        for n in page.shown {
            rows.append(Row(id: n.id!, title: n.title, observedOn: n.observedOn, findings: n.findings, tags: n.tagList,
                            sources: n.sourceList.map { Source(text: $0, link: ContentCalendar.isWebLink($0)) },
                            competitor: n.competitorId.flatMap { competitors[$0] }, competitorId: n.competitorId,
                            author: n.authorMemberId.flatMap { authors[$0] } ?? "—",
                            canEdit: req.allowed(.update, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))))
        }
        let (text, tag) = (req.queryString("q") ?? "", req.queryString("tag") ?? "")
        return try await req.page("Marketing/research", title: "navResearch", section: "research", ListContext(
            rows: rows, q: text, tag: tag, canCreate: req.allowed(.create, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db))),
            nextHref: page.next.map { SalesNames.href("/market/research", ["cursor": $0, "q": text, "tag": tag]) }))
    }

    static func competitorNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await Competitor.query(on: db).withDeleted().filter(\.$id ~~ Set(ids)).all().map { ($0.id!, $0.name) })
    }

    // MARK: the form

    struct FormContext: Encodable { var form: FormView; var heading: String }
    static let keys = ["title", "observedOn", "competitorId", "sources", "findings", "tags", "version"]

    private func formPage(_ req: Request, note: ResearchNote?, values v: [String: String], errors: [FieldError], formError: String?,
                          status: HTTPStatus = .ok) async throws -> Response {
        let competitors = try await Competitor.query(on: req.db).sort(\.$name).limit(500).all()
        var form = FormView(id: "research-form", action: note.map { "/market/research/\($0.id!)" } ?? "/market/research", fields: [
            FormField(name: "title", label: req.t("researchTitle"), value: v["title"] ?? "", required: true),
            FormField(name: "observedOn", label: req.t("observedOn"), type: "date", value: v["observedOn"] ?? req.today.description, required: true),
            .select("competitorId", req.t("competitor"), value: v["competitorId"], options: [("", "—")] + competitors.map { ($0.id!.uuidString, $0.name) }),
            FormField(name: "sources", label: req.t("researchSources"), type: "textarea", value: v["sources"] ?? "", required: true, hint: req.t("researchSourcesHint"), rows: 3),
            FormField(name: "findings", label: req.t("researchFindings"), type: "textarea", value: v["findings"] ?? "", required: true, rows: 6),
            FormField(name: "tags", label: req.t("tags"), value: v["tags"] ?? "", hint: req.t("researchTagsHint")),
            FormField(name: "version", label: "", type: "hidden", value: v["version"] ?? ""),
        ], submitLabel: req.t("save"), submitId: "save-research", cancelHref: "/market/research")
        // "sources[2]" and "tags[0]" are told beside the field they came from.
        let placed = errors.map { e in FieldError(field: e.field.components(separatedBy: "[").first ?? e.field, code: e.code, message: e.message) }
        if !placed.isEmpty || formError != nil { form.show(placed, locale: req.locale, translations: req.application.translations) }
        if let formError { form.formError = [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        return try await req.page("Marketing/research-form", title: note == nil ? "newResearchNote" : "editResearchNote", section: "research",
                                  FormContext(form: form, heading: req.t(note == nil ? "newResearchNote" : "editResearchNote")), status: status)
    }

    static func input(_ v: [String: String]) -> ResearchNoteInput {
        var input = ResearchNoteInput()
        input.title = v["title"]; input.findings = v["findings"]
        input.observedOn = (v["observedOn"] ?? "").isEmpty ? nil : v["observedOn"]
        input.sources = (v["sources"] ?? "").components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        input.tags = ResearchTags.parse(v["tags"] ?? "")
        let competitor = v["competitorId"] ?? ""
        input.competitorId = competitor.isEmpty ? .null : UUID(uuidString: competitor).map { .value($0) } ?? .absent
        return input
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db)))
        return try await formPage(req, note: nil, values: ["competitorId": req.queryString("competitorId") ?? ""], errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.authorize(.create, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await req.handleForm({ errors, formError in
            try await formPage(req, note: nil, values: v, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            _ = try await ResearchNoteService.save(ResearchNoteService.new(author: user.actor.memberId), Self.input(v), creating: true, req: req)
            return req.redirect(to: "/market/research", flash: "researchSaved")
        }
    }

    func editForm(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req)
        try req.authorize(.update, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        return try await formPage(req, note: n, values: [
            "title": n.title, "observedOn": n.observedOn, "competitorId": n.competitorId?.uuidString ?? "", "sources": n.sources,
            "findings": n.findings, "tags": n.tagList.joined(separator: ", "), "version": String(n.version),
        ], errors: [], formError: nil)
    }

    func update(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req)
        try req.authorize(.update, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await req.handleForm({ errors, formError in
            try await formPage(req, note: n, values: v, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            if let sent = Int(v["version"] ?? ""), sent != n.version { throw Problem.preconditionFailed }
            _ = try await ResearchNoteService.save(n, Self.input(v), creating: false, req: req)
            return req.redirect(to: "/market/research", flash: "researchSaved")
        }
    }
}
