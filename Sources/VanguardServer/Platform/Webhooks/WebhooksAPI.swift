import Fluent
import Vapor
import VanguardCore

struct WebhookDTO: Content {
    var id: UUID
    var name: String
    var kind: String
    var url: String
    var events: String
    var active: Bool
    var version: Int

    init(_ w: Webhook) {
        id = w.id!; name = w.name; kind = w.kind; url = w.url; events = w.events; active = w.active; version = w.version
    }
}

struct WebhookInput: Content {
    var name: String?
    var kind: String?
    var url: String?
    var events: String?
    var active: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, kind, url, events, active }

    init(name: String? = nil, kind: String? = nil, url: String? = nil, events: String? = nil, active: Bool? = nil) {
        self.name = name; self.kind = kind; self.url = url; self.events = events; self.active = active
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        kind = try c.decodeIfPresentNonNull(String.self, forKey: .kind)
        url = try c.decodeIfPresentNonNull(String.self, forKey: .url)
        events = try c.decodeIfPresentNonNull(String.self, forKey: .events)
        active = try c.decodeIfPresentNonNull(Bool.self, forKey: .active)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        for (field, value) in [("name", name), ("kind", kind), ("url", url)] where creating || value != nil {
            e.check(field, Validators.required(value, field: field))
        }
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("url", Validators.maxLength(url, 1000, field: "url"))
        if let kind, !kind.isEmpty, WebhookKind(rawValue: kind) == nil {
            e.add("kind", "invalidChoice", "One of: \(WebhookKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let url, !url.isEmpty, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || URL(string: url)?.host == nil {
            e.add("url", "invalidURL", "Use the bot's full http(s) address.")
        }
        e.check("events", Validators.maxLength(events, 500, field: "events"))
        return e
    }
}

/// `/api/v1/webhooks`: group-bot webhooks (WeCom, DingTalk, Feishu). Admins only.
struct WebhooksAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let w = routes.grouped("webhooks")
        w.get(use: list)
        w.post(use: create)
        w.get(":id", use: show)
        w.patch(":id", use: update)
        w.delete(":id", use: delete)
    }

    func list(req: Request) async throws -> PageOf<WebhookDTO> {
        try req.authorize(.read, .webhook)
        return PageOf(items: try await Webhook.query(on: req.db).sort(\.$name).all().map(WebhookDTO.init), nextCursor: nil)
    }

    func show(req: Request) async throws -> Response {
        try req.authorize(.read, .webhook)
        let w = try await find(req)
        return try WebhookDTO(w).response(version: w.version)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .webhook)
        let w = try await Self.create(try req.decodeJSON(WebhookInput.self), req: req)
        return try WebhookDTO(w).created(at: "/api/v1/webhooks/\(w.id!)", version: w.version)
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .webhook)
        let w = try await find(req)
        let input = try req.decodeJSON(WebhookInput.self)
        try input.validate(creating: false).throwIfAny()
        try ETag.check(req, version: w.version)
        let before = WebhookDTO(w)
        if let v = input.name { w.name = v }
        if let v = input.kind { w.kind = v }
        if let v = input.url { w.url = v }
        if let v = input.events { w.events = v.isEmpty ? "*" : v }
        if let v = input.active { w.active = v }
        if w.hasChanges {
            w.version += 1
            try await req.db.writeTransaction { db in
                try await db.requireVersion(Webhook.schema, id: w.id, w.version)
                try await w.save(on: db)
                try await Audit.record(.update, "webhook", id: w.id, label: w.name, before: before, after: WebhookDTO(w), request: req, on: db)
            }
        }
        return try WebhookDTO(w).response(version: w.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.authorize(.delete, .webhook)
        let w = try await find(req)
        try ETag.check(req, version: w.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Webhook.schema, id: w.id, w.version)
            try await w.delete(on: db)
            try await Audit.record(.delete, "webhook", id: w.id, label: w.name, before: WebhookDTO(w), after: Optional<WebhookDTO>.none, request: req, on: db)
        }
        return .noContent
    }

    /// Adds a webhook (API and admin page alike): checked, stored and audited together.
    static func create(_ input: WebhookInput, req: Request) async throws -> Webhook {
        try input.validate(creating: true).throwIfAny()
        let w = Webhook()
        w.name = input.name!; w.kind = input.kind!; w.url = input.url!
        w.events = input.events.flatMap { $0.isEmpty ? nil : $0 } ?? "*"
        w.active = input.active ?? true
        w.version = 1
        try await req.db.writeTransaction { db in
            try await w.create(on: db)
            try await Audit.record(.create, "webhook", id: w.id, label: w.name, before: Optional<WebhookDTO>.none, after: WebhookDTO(w), request: req, on: db)
        }
        return w
    }

    private func find(_ req: Request) async throws -> Webhook {
        guard let w = try await Webhook.find(try req.uuid("id", "webhook"), on: req.db) else { throw Problem.notFound("webhook") }
        return w
    }
}
