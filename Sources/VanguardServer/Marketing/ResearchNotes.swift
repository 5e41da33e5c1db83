import Fluent
import SQLKit
import Vapor
import VanguardCore

struct ResearchNoteDTO: Content, Equatable {
    var id: UUID
    var title: String
    var observedOn: String
    var sources: [String]
    var findings: String
    var tags: [String]
    var competitorId: UUID?
    var authorId: UUID?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ n: ResearchNote) {
        id = n.id!; title = n.title; observedOn = n.observedOn; sources = n.sourceList; findings = n.findings; tags = n.tagList
        competitorId = n.competitorId; authorId = n.authorMemberId; version = n.version
        createdAt = n.createdAt; updatedAt = n.updatedAt; deletedAt = n.deletedAt
    }
}

/// What a research note form or API call may set.
struct ResearchNoteInput: Content {
    var title: String?
    var observedOn: String?
    var sources: [String]?
    var findings: String?
    var tags: [String]?
    var competitorId: Patch<UUID> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable { case title, observedOn, sources, findings, tags, competitorId }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        observedOn = try c.decodeIfPresentNonNull(String.self, forKey: .observedOn)
        sources = try c.decodeIfPresentNonNull([String].self, forKey: .sources)
        findings = try c.decodeIfPresentNonNull(String.self, forKey: .findings)
        tags = try c.decodeIfPresentNonNull([String].self, forKey: .tags)
        competitorId = try c.decodePatch(UUID.self, forKey: .competitorId)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(title, forKey: .title)
    }

    static let maxSources = 20

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating || title != nil { e.check("title", Validators.required(title, field: "title")) }
        if creating || findings != nil { e.check("findings", Validators.required(findings, field: "findings")) }
        e.check("title", Validators.maxLength(title, 200, field: "title"))
        e.check("findings", Validators.maxLength(findings, 20_000, field: "findings"))
        if creating && observedOn == nil { e.add("observedOn", "required", "This field is required.") }
        if let d = observedOn, CivilDate(d) == nil { e.add("observedOn", "invalidDate", "A date like 2026-09-21.") }
        if (creating || sources != nil) && (sources ?? []).isEmpty { e.add("sources", "required", "Name at least one source: a link, a report, a conversation.") }
        if let sources {
            if sources.count > Self.maxSources { e.add("sources", "tooMany", "At most \(Self.maxSources) sources.") }
            for (i, s) in sources.enumerated() {
                let text = s.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { e.add("sources[\(i)]", "required", "A source cannot be empty.") }
                else if text.unicodeScalars.count > 500 { e.add("sources[\(i)]", "tooLong", "At most 500 characters.") }
                else if text.contains("\n") { e.add("sources[\(i)]", "invalidSource", "One source a line.") }
                else if text.lowercased().hasPrefix("http"), !ContentCalendar.isWebLink(text) {
                    e.add("sources[\(i)]", "invalidUrl", "Not a web address (http:// or https://).")
                }
            }
        }
        if let tags { for err in ResearchTags.problems(tags.map { $0.trimmingCharacters(in: .whitespaces) }) { e.add(err.field, err.code, err.message) } }
        return e
    }
}

/// Research notes (MKT-2, MP-1, LEAD-4): the whole team reads them; the promotion group and a
/// note's author keep them.
enum ResearchNoteService {
    static func find(_ req: Request, withDeleted: Bool = false) async throws -> ResearchNote {
        try await MarketingResearch.find(ResearchNote.self, req, "research note", withDeleted: withDeleted)
    }

    static func facts(_ n: ResearchNote?, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: n?.authorMemberId, on: db)
    }

    static func new(author: UUID?) -> ResearchNote {
        let n = ResearchNote()
        n.version = 1; n.sources = ""; n.findings = ""; n.tags = ""; n.tagsKey = ""; n.authorMemberId = author
        return n
    }

    /// Saves a new or changed note (already authorised): checks, the competitor it names, the
    /// If-Match version, then the change and its history entry in one transaction.
    static func save(_ n: ResearchNote, _ input: ResearchNoteInput, creating: Bool, req: Request) async throws -> ResearchNote {
        try input.validate(creating: creating).throwIfAny()
        if case .value(let id) = input.competitorId, try await Competitor.find(id, on: req.db) == nil {
            throw Problem.invalid("competitorId", "notFound", "No competitor with that id.")
        }
        if !creating { try ETag.check(req, version: n.version) }
        let before = creating ? nil : ResearchNoteDTO(n)
        if let v = input.title { n.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.observedOn { n.observedOn = CivilDate(v)!.description }
        if let v = input.findings { n.findings = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.sources { n.sources = v.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: "\n") }
        if let v = input.tags {
            let tags = ResearchTags.normalize(v)
            n.tags = tags.joined(separator: ","); n.tagsKey = ResearchTags.stored(tags)
        }
        n.competitorId = input.competitorId.applied(to: n.competitorId)
        return try await MarketingResearch.write(n, creating: creating, type: "researchNote", label: { $0.title }, before: before, snapshot: ResearchNoteDTO.init, req: req)
    }
}

/// `/api/v1/research-notes` (MKT-2, MP-1): list with text and tag search, and the usual record operations.
struct ResearchNotesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let notes = routes.grouped("research-notes")
        notes.get(use: list)
        notes.post(use: create)
        notes.get(":id", use: show)
        notes.patch(":id", use: update)
        notes.delete(":id", use: delete)
        notes.post(":id", "restore", use: restore)
        notes.get(":id", "history", use: history)
    }

    static let sortable = ["observedOn", "title"]

    /// The list for the API and the page: `q` in title, findings and sources; `tag`; `competitorId`.
    static func query(_ req: Request, strict: Bool) throws -> (ListRequest, QueryBuilder<ResearchNote>) {
        let list = try ListRequest.parse(req, sortable: sortable, defaultSort: "-observedOn")
        let q = ResearchNote.query(on: req.db).search(try req.queryText("q"), in: ["title", "findings", "sources"])
        if let tag = try req.queryText("tag", max: ResearchTags.maxLength)?.trimmingCharacters(in: .whitespaces), !tag.isEmpty,
           let pattern = likePattern("," + tag + ",") {
            q.filter(.sql(SQLQueryString("lower(\(ident: ResearchNote.schema).tags_key) LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        if let id = try req.queryUUID("competitorId", strict: strict) { q.filter(\.$competitorId == id) }
        return (list, list.apply(to: q, column: list.sortField == "title" ? "title" : "observed_on"))
    }

    static func sortValue(_ list: ListRequest) -> (ResearchNote) -> String {
        { list.sortField == "title" ? $0.title : $0.observedOn }
    }

    func list(req: Request) async throws -> PageOf<ResearchNoteDTO> {
        try req.authorize(.read, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db)))
        let (list, q) = try Self.query(req, strict: true)
        return list.page(try await q.all(), value: Self.sortValue(list), id: { $0.id }, map: ResearchNoteDTO.init)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.authorize(.create, .marketingRecord(try await ResearchNoteService.facts(nil, on: req.db)))
        let n = try await ResearchNoteService.save(ResearchNoteService.new(author: user.actor.memberId), try req.decodeJSON(ResearchNoteInput.self), creating: true, req: req)
        return try ResearchNoteDTO(n).created(at: "/api/v1/research-notes/\(n.id!)", version: n.version)
    }

    func show(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req)
        try req.authorize(.read, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        return try ResearchNoteDTO(n).response(version: n.version)
    }

    func update(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req)
        try req.authorize(.update, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        let saved = try await ResearchNoteService.save(n, try req.decodeJSON(ResearchNoteInput.self), creating: false, req: req)
        return try ResearchNoteDTO(saved).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let n = try await ResearchNoteService.find(req)
        try req.authorize(.delete, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        try await MarketingResearch.softDelete(n, type: "researchNote", label: n.title, snapshot: ResearchNoteDTO(n), req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        try await MarketingResearch.restore(n, type: "researchNote", label: n.title, req: req) { ResearchNoteDTO($0) }
        return try ResearchNoteDTO(n).response(version: n.version)
    }

    func history(req: Request) async throws -> Response {
        let n = try await ResearchNoteService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await ResearchNoteService.facts(n, on: req.db)))
        return try await AuditAPI.page(req, entityType: "researchNote", entityId: n.id!, hidden: [])
    }
}
