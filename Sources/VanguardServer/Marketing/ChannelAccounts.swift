import Fluent
import Vapor
import VanguardCore

/// A channel account as the API shows it (MKT-3).
struct ChannelAccountDTO: Content, Equatable {
    var id: UUID
    var channel: String
    var channelName: String
    var name: String
    var handle: String
    var url: String?
    var ownerId: UUID?
    var followers: Int?
    var active: Bool
    var notes: String
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(_ a: ChannelAccount, channels: [MarketingChannel], locale: AppLocale) {
        id = a.id!; channel = a.channel; channelName = channels.first { $0.key == a.channel }?.name[locale] ?? a.channel
        name = a.name; handle = a.handle; url = a.url; ownerId = a.ownerMemberId; followers = a.followers; active = a.active
        notes = a.notes; version = a.version; createdAt = a.createdAt; updatedAt = a.updatedAt; deletedAt = a.deletedAt
    }
}

struct ChannelAccountInput: Content {
    var channel: String?
    var name: String?
    var handle: String?
    var url: Patch<String> = .absent
    var ownerId: Patch<UUID> = .absent
    var followers: Patch<Int> = .absent
    var active: Bool?
    var notes: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case channel, name, handle, url, ownerId, followers, active, notes }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        channel = try c.decodeIfPresentNonNull(String.self, forKey: .channel)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        handle = try c.decodeIfPresentNonNull(String.self, forKey: .handle)
        url = try c.decodePatch(String.self, forKey: .url)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
        followers = try c.decodePatch(Int.self, forKey: .followers)
        active = try c.decodeIfPresentNonNull(Bool.self, forKey: .active)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    /// The channel must be one the policy pack lists.
    func validate(creating: Bool, channels: [MarketingChannel]) -> FieldErrors {
        var e = FieldErrors()
        if creating || name != nil { e.check("name", Validators.required(name, field: "name")) }
        if creating && channel == nil { e.add("channel", "required", "This field is required.") }
        e.choice("channel", channel, channels.map(\.key))
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("handle", Validators.maxLength(handle, 100, field: "handle"))
        e.check("notes", Validators.maxLength(notes, 2_000, field: "notes"))
        if case .value(let v) = url, !v.isEmpty {
            e.check("url", Validators.maxLength(v, 300, field: "url"))
            if !ContentCalendar.isWebLink(v) { e.add("url", "invalidLink", "Give a web address starting http:// or https://.") }
        }
        if case .value(let n) = followers, n < 0 { e.add("followers", "negative", "A count cannot be negative.") }
        if case .value(let n) = followers, n > Int(Int32.max) { e.add("followers", "outOfRange", "At most \(Int32.max).") }
        return e
    }
}

/// The team's accounts on its online channels (MKT-3).
enum ChannelAccountService {
    static func channels(_ req: Request) async throws -> [MarketingChannel] {
        try await req.application.policy.current(on: req.db).effectiveMarketing.effectiveChannels
    }

    static func find(_ req: Request, withDeleted: Bool = false) async throws -> ChannelAccount {
        let id = try req.uuid("id", "channel account")
        var q = ChannelAccount.query(on: req.db).filter(\.$id == id)
        if withDeleted { q = q.withDeleted() }
        guard let a = try await q.first() else { throw Problem.notFound("channel account") }
        return a
    }

    static func facts(_ a: ChannelAccount, on db: any Database) async throws -> MarketingFacts {
        try await PromotionGroup.facts(owner: a.ownerMemberId, on: db)
    }

    static func new(owner: UUID?) -> ChannelAccount {
        let a = ChannelAccount()
        a.handle = ""; a.ownerMemberId = owner; a.active = true; a.notes = ""; a.version = 1
        return a
    }

    static func delete(_ a: ChannelAccount, req: Request) async throws {
        let channels = try await channels(req)
        try await MarketingWrites.delete(a, req: req) { ChannelAccountDTO($0, channels: channels, locale: .en) }
    }

    static func restore(_ a: ChannelAccount, req: Request) async throws {
        let channels = try await channels(req)
        try await MarketingWrites.restore(a, what: "channel account", req: req) { ChannelAccountDTO($0, channels: channels, locale: .en) }
    }

    static func save(_ a: ChannelAccount, _ input: ChannelAccountInput, creating: Bool, req: Request) async throws -> ChannelAccount {
        let channels = try await channels(req)
        try input.validate(creating: creating, channels: channels).throwIfAny()
        if !creating { try ETag.check(req, version: a.version) }
        let before = creating ? nil : ChannelAccountDTO(a, channels: channels, locale: .en)
        if let v = input.channel { a.channel = v }
        if let v = input.name { a.name = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = input.handle { a.handle = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if input.url.given { a.url = input.url.applied(to: a.url).flatMap { $0.isEmpty ? nil : $0 } }
        if input.ownerId.given { a.ownerMemberId = input.ownerId.applied(to: a.ownerMemberId) }
        if input.followers.given { a.followers = input.followers.applied(to: a.followers) }
        if let v = input.active { a.active = v }
        if let v = input.notes { a.notes = v }
        return try await req.db.writeTransaction { db in
            if !creating { try await db.requireVersion(ChannelAccount.schema, id: a.id, a.version) }
            try await PromotionGroup.checkOwner(a.ownerMemberId, on: db)
            return try await MarketingWrites.commit(a, creating: creating, before: before, req: req, on: db) { ChannelAccountDTO($0, channels: channels, locale: .en) }
        }
    }
}

/// `/api/v1/channel-accounts` (MKT-3).
struct ChannelAccountsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("channel-accounts")
        a.get(use: list)
        a.post(use: create)
        a.get(":id", use: show)
        a.patch(":id", use: update)
        a.delete(":id", use: delete)
        a.post(":id", "restore", use: restore)
        a.get(":id", "history", use: history)
    }

    static let sortable = ["name", "channel"]

    func list(req: Request) async throws -> PageOf<ChannelAccountDTO> {
        let (list, rows) = try await ChannelAccountList.page(req, strict: true)
        let channels = try await ChannelAccountService.channels(req), locale = req.locale
        return list.page(rows, value: { list.sortField == "channel" ? $0.channel : $0.name }, id: { $0.id },
                         map: { ChannelAccountDTO($0, channels: channels, locale: locale) })
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ChannelAccountInput.self)
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let a = try await ChannelAccountService.save(ChannelAccountService.new(owner: user.actor.memberId), input, creating: true, req: req)
        return try ChannelAccountDTO(a, channels: try await ChannelAccountService.channels(req), locale: req.locale)
            .created(at: "/api/v1/channel-accounts/\(a.id!)", version: a.version)
    }

    func show(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req)
        try req.authorize(.read, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        return try ChannelAccountDTO(a, channels: try await ChannelAccountService.channels(req), locale: req.locale).response(version: a.version)
    }

    func update(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req)
        try req.authorize(.update, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        let saved = try await ChannelAccountService.save(a, try req.decodeJSON(ChannelAccountInput.self), creating: false, req: req)
        return try ChannelAccountDTO(saved, channels: try await ChannelAccountService.channels(req), locale: req.locale).response(version: saved.version)
    }

    /// An account leaves the list; its posts keep pointing at it (the history shows it).
    func delete(req: Request) async throws -> HTTPStatus {
        let a = try await ChannelAccountService.find(req)
        try req.authorize(.delete, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        try await ChannelAccountService.delete(a, req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req, withDeleted: true)
        try req.authorize(.restore, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        try await ChannelAccountService.restore(a, req: req)
        let channels = try await ChannelAccountService.channels(req)
        return try ChannelAccountDTO(a, channels: channels, locale: req.locale).response(version: a.version)
    }

    func history(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req, withDeleted: true)
        try req.authorize(.read, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        return try await AuditAPI.page(req, entityType: "channelAccount", entityId: a.id!, hidden: [])
    }
}

/// The channel account list (API and page): search, channel, owner and active filters.
enum ChannelAccountList {
    static func page(_ req: Request, strict: Bool) async throws -> (ListRequest, [ChannelAccount]) {
        try req.authorize(.read, .marketingRecord(MarketingFacts(promotionGroup: nil)))
        let list = try ListRequest.parse(req, sortable: ChannelAccountsAPI.sortable, defaultSort: "name")
        let q = ChannelAccount.query(on: req.db).search(try req.queryText("q"), in: ["name", "handle"])
        if let v = try req.queryText("channel", max: 40) { q.filter(\.$channel == v) }
        if let v = try req.queryUUID("ownerId", strict: strict) { q.filter(\.$ownerMemberId == v) }
        if let v = try req.queryBool("active") { q.filter(\.$active == v) }
        return (list, try await list.apply(to: q, column: list.sortField).all())
    }
}
