import Fluent
import SQLKit
import Vapor
import VanguardCore

struct DutyDTO: Content {
    var clause: String
    var text: LocalizedText
}

struct GroupDTO: Content {
    var id: UUID
    var key: String
    var name: LocalizedText
    var mission: LocalizedText
    var leadMemberId: UUID?
    var sortOrder: Int
    var duties: [DutyDTO]
    var memberCount: Int
    var version: Int
    var deletedAt: Date?

    init(_ g: TeamGroup, duties: [Duty], memberCount: Int) {
        id = g.id!
        key = g.key
        name = LocalizedText(zhHans: g.nameZh, en: g.nameEn)
        mission = LocalizedText(zhHans: g.missionZh, en: g.missionEn)
        leadMemberId = g.leadMemberId
        sortOrder = g.sortOrder
        self.duties = duties.map { DutyDTO(clause: $0.clause, text: LocalizedText(zhHans: $0.textZh, zhHant: $0.textZhHant, en: $0.textEn)) }
        self.memberCount = memberCount
        version = g.version
        deletedAt = g.deletedAt
    }
}

struct GroupInput: Content {
    var key: String?
    var nameZh: String?
    var nameEn: String?
    var missionZh: String?
    var missionEn: String?
    var leadMemberId: Patch<UUID> = .absent
    var sortOrder: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case key, nameZh, nameEn, missionZh, missionEn, leadMemberId, sortOrder
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decodeIfPresentNonNull(String.self, forKey: .key)
        nameZh = try c.decodeIfPresentNonNull(String.self, forKey: .nameZh)
        nameEn = try c.decodeIfPresentNonNull(String.self, forKey: .nameEn)
        missionZh = try c.decodeIfPresentNonNull(String.self, forKey: .missionZh)
        missionEn = try c.decodeIfPresentNonNull(String.self, forKey: .missionEn)
        leadMemberId = try c.decodePatch(UUID.self, forKey: .leadMemberId)
        sortOrder = try c.decodeIfPresentNonNull(Int.self, forKey: .sortOrder)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encodeIfPresent(nameZh, forKey: .nameZh)
        try c.encodeIfPresent(nameEn, forKey: .nameEn)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        let required: [(String, String?)] = [("key", key), ("nameZh", nameZh), ("nameEn", nameEn)]
        for (field, value) in required where creating || value != nil {
            e.check(field, Validators.required(value, field: field))
        }
        if let key, !key.isEmpty, !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            e.add("key", "invalidKey", "Use letters, digits and hyphens only.")
        }
        e.check("key", Validators.maxLength(key, 40, field: "key"))
        e.check("nameZh", Validators.maxLength(nameZh, 100, field: "nameZh"))
        e.check("nameEn", Validators.maxLength(nameEn, 100, field: "nameEn"))
        e.check("missionZh", Validators.maxLength(missionZh, 2000, field: "missionZh"))
        e.check("missionEn", Validators.maxLength(missionEn, 2000, field: "missionEn"))
        if let s = sortOrder, !(0...1000).contains(s) { e.add("sortOrder", "outOfRange", "From 0 to 1000.") }
        return e
    }
}

/// `/api/v1/groups`: the groups under the team lead and their duties (ORG-1, ORG-2, G-4).
struct GroupsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let groups = routes.grouped("groups")
        groups.get(use: list)
        groups.post(use: create)
        groups.get(":id", use: show)
        groups.patch(":id", use: update)
        groups.delete(":id", use: delete)
        groups.post(":id", "restore", use: restore)
        groups.get(":id", "history", use: history)
    }

    func history(req: Request) async throws -> Response {
        try req.authorize(.read, .group)
        let id = try req.uuid("id", "group")
        guard try await TeamGroup.query(on: req.db).withDeleted().filter(\.$id == id).first() != nil else { throw Problem.notFound("group") }
        return try await AuditAPI.page(req, entityType: "group", entityId: id, hidden: [])
    }

    func list(req: Request) async throws -> PageOf<GroupDTO> {
        try req.authorize(.read, .group)
        let groups = try await TeamGroup.query(on: req.db).sort(\.$sortOrder).sort(\.$key).all()
        return PageOf(items: try await GroupService.dtos(groups, on: req.db), nextCursor: nil)
    }

    func show(req: Request) async throws -> Response {
        try req.authorize(.read, .group)
        let group = try await GroupService.find(req)
        return try await GroupService.dtos([group], on: req.db)[0].response(version: group.version)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .group)
        let group = try await GroupService.create(try req.decodeJSON(GroupInput.self), req: req)
        return try await GroupService.dtos([group], on: req.db)[0].created(at: "/api/v1/groups/\(group.id!)", version: group.version)
    }

    func update(req: Request) async throws -> Response {
        try req.authorize(.update, .group)
        let group = try await GroupService.update(try await GroupService.find(req), try req.decodeJSON(GroupInput.self), req: req)
        return try await GroupService.dtos([group], on: req.db)[0].response(version: group.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.authorize(.delete, .group)
        try await GroupService.delete(try await GroupService.find(req), req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        try req.authorize(.restore, .group)
        let id = try req.uuid("id", "group")
        guard let group = try await TeamGroup.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("group") }
        try await GroupService.restore(group, req: req)
        return try await GroupService.dtos([group], on: req.db)[0].response(version: group.version)
    }
}

enum GroupService {
    static func find(_ req: Request) async throws -> TeamGroup {
        guard let g = try await TeamGroup.find(try req.uuid("id", "group"), on: req.db) else { throw Problem.notFound("group") }
        return g
    }

    static func dtos(_ groups: [TeamGroup], on db: any Database) async throws -> [GroupDTO] {
        let ids = groups.compactMap(\.id)
        let duties = try await Duty.query(on: db).filter(\.$group.$id ~~ ids).sort(\.$sortOrder).all()
        let counts = try await memberCounts(on: db)
        return groups.map { g in
            GroupDTO(g, duties: duties.filter { $0.$group.id == g.id }, memberCount: g.id.flatMap { counts[$0] } ?? 0)
        }
    }

    /// Members per group, counted by the database.
    static func memberCounts(on db: any Database) async throws -> [UUID: Int] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        let rows = try await sql.select().column("group_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Member.schema).where(SQLColumn("deleted_at"), .is, SQLLiteral.null).where(SQLColumn("group_id"), .isNot, SQLLiteral.null)
            .groupBy("group_id").all()
        var counts: [UUID: Int] = [:]
        for r in rows { counts[try r.decode(column: "group_id", as: UUID.self)] = try r.decode(column: "n", as: Int.self) }
        return counts
    }

    static func create(_ input: GroupInput, req: Request) async throws -> TeamGroup {
        try input.validate(creating: true).throwIfAny()
        let g = TeamGroup()
        g.version = 1
        g.missionZh = ""
        g.missionEn = ""
        g.sortOrder = 100
        apply(input, to: g)
        return try await req.db.writeTransaction { db in
            try await check(g, on: db)
            try await g.create(on: db)
            try await Audit.record(.create, "group", id: g.id, label: g.nameEn, before: Optional<GroupSnapshot>.none, after: GroupSnapshot(g), request: req, on: db)
            return g
        }
    }

    static func update(_ g: TeamGroup, _ input: GroupInput, req: Request) async throws -> TeamGroup {
        try input.validate(creating: false).throwIfAny()
        try ETag.check(req, version: g.version)
        let before = GroupSnapshot(g)
        apply(input, to: g)
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(TeamGroup.schema, id: g.id, g.version)
            try await check(g, on: db)
            guard g.hasChanges else { return g }
            g.version += 1
            try await g.save(on: db)
            try await Audit.record(.update, "group", id: g.id, label: g.nameEn, before: before, after: GroupSnapshot(g), request: req, on: db)
            return g
        }
    }

    /// A group that still has members cannot be deleted: they would be left without a group.
    static func delete(_ g: TeamGroup, req: Request) async throws {
        try ETag.check(req, version: g.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(TeamGroup.schema, id: g.id, g.version)
            let count = try await Member.query(on: db).filter(\.$group.$id == g.id).count()
            if count > 0 {
                throw Problem.conflict(nil, "group-has-members", "The group still has \(count) member(s); move them to another group first.")
            }
            try await g.delete(on: db)
            try await Audit.record(.delete, "group", id: g.id, label: g.nameEn, before: GroupSnapshot(g), after: Optional<GroupSnapshot>.none, request: req, on: db)
        }
    }

    static func restore(_ g: TeamGroup, req: Request) async throws {
        guard g.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This group is not deleted.") }
        try await req.db.writeTransaction { db in
            try await g.restore(on: db)
            g.version += 1
            try await g.save(on: db)
            try await Audit.record(.restore, "group", id: g.id, label: g.nameEn, before: Optional<GroupSnapshot>.none, after: GroupSnapshot(g), request: req, on: db)
        }
    }

    private static func apply(_ input: GroupInput, to g: TeamGroup) {
        if let v = input.key { g.key = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.nameZh { g.nameZh = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.nameEn { g.nameEn = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.missionZh { g.missionZh = v }
        if let v = input.missionEn { g.missionEn = v }
        if input.leadMemberId.given { g.leadMemberId = input.leadMemberId.applied(to: g.leadMemberId) }
        if let v = input.sortOrder { g.sortOrder = v }
    }

    private static func check(_ g: TeamGroup, on db: any Database) async throws {
        var q = TeamGroup.query(on: db).withDeleted().filter(\.$key == g.key)
        if let id = g.id { q = q.filter(\.$id != id) }
        if try await q.first() != nil { throw Problem.conflict("key", "duplicate", "Another group already uses the key \(g.key).") }
        if let lead = g.leadMemberId, try await Member.find(lead, on: db) == nil {
            throw Problem.invalid("leadMemberId", "unknownMember", "No member with this id.")
        }
    }
}

/// What the history keeps of a group.
struct GroupSnapshot: Codable {
    var key: String
    var nameZh: String
    var nameEn: String
    var missionZh: String
    var missionEn: String
    var leadMemberId: UUID?
    var sortOrder: Int

    init(_ g: TeamGroup) {
        key = g.key; nameZh = g.nameZh; nameEn = g.nameEn; missionZh = g.missionZh; missionEn = g.missionEn
        leadMemberId = g.leadMemberId; sortOrder = g.sortOrder
    }
}
