import Fluent
import Vapor
import VanguardCore

/// `/api/v1/members`: the team's member records (ORG-1).
struct MembersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let members = routes.grouped("members")
        members.get(use: list)
        members.get("export", use: { try await MemberExport.download(req: $0, strict: true) })
        members.on(.POST, "import", body: .collect(maxSize: ImportFile.maxBodySize), use: importFile)
        members.post(use: create)
        members.get(":id", use: show)
        members.patch(":id", use: update)
        members.delete(":id", use: delete)
        members.post(":id", "restore", use: restore)
        members.get(":id", "history", use: history)
    }

    static let sortable = ["name", "employeeNo", "hireDate"]
    static let columns = ["name": "name_order", "employeeNo": "employee_no", "hireDate": "hire_date"]

    func list(req: Request) async throws -> Response {
        let user = try req.authorize(.read, .member(MemberFacts(id: nil, groupId: nil)))
        return MemberDTO.pageResponse(try await MemberDirectory.apiPage(req, actor: user.actor))
    }

    func show(req: Request) async throws -> Response {
        let member = try await find(req)
        let facts = try await MemberService.facts(member, on: req.db)
        let user = try req.authorize(.read, .member(facts))
        return try MemberDTO(member, showConfidential: AccessPolicy.canSeeConfidential(user.actor, facts)).response(version: member.version)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        let input = try req.decodeJSON(MemberInput.self)
        if case .value(let g) = input.groupId {
            try req.authorize(.create, .member(MemberFacts(id: nil, groupId: g)))
        }
        let member = try await MemberService.create(input, req: req)
        return try MemberDTO(member, showConfidential: true).created(at: "/api/v1/members/\(member.id!)", version: member.version)
    }

    /// `POST /api/v1/members/import[?dryRun=true]` with a CSV or XLSX file as the body.
    func importFile(req: Request) async throws -> MemberImport.Report {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        let dryRun = try req.queryBool("dryRun") ?? false
        let table = try ImportFile.table(from: try req.uploadedFile())
        return try await MemberImport.run(table, dryRun: dryRun, includeConfidential: true, translations: req.application.translations,
                                          source: .request(req), on: req.db) { m in
            try req.authorize(.create, .member(MemberFacts(id: nil, groupId: m.$group.id)))
        }
    }

    func update(req: Request) async throws -> Response {
        let member = try await find(req)
        try req.authorize(.update, .member(try await MemberService.facts(member, on: req.db)))
        let input = try req.decodeJSON(MemberInput.self)
        if case .value(let g) = input.groupId {
            // Moving someone into a group needs the right over that group too.
            try req.authorize(.update, .member(MemberFacts(id: member.id, groupId: g)))
        }
        let updated = try await MemberService.update(member, input, req: req)
        let facts = try await MemberService.facts(updated, on: req.db)
        return try MemberDTO(updated, showConfidential: AccessPolicy.canSeeConfidential(try req.requireUser().actor, facts)).response(version: updated.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let member = try await find(req)
        try req.authorize(.delete, .member(try await MemberService.facts(member, on: req.db)))
        try await MemberService.delete(member, req: req)
        return .noContent
    }

    func restore(req: Request) async throws -> Response {
        let id = try req.uuid("id", "member")
        guard let member = try await Member.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("member") }
        try req.authorize(.restore, .member(MemberFacts(id: member.id, groupId: member.$group.id)))
        guard member.deletedAt != nil else { throw Problem.conflict(nil, "not-deleted", "This member is not deleted.") }
        try await MemberService.restore(member, req: req)
        return try MemberDTO(member, showConfidential: false).response(version: member.version)
    }

    func history(req: Request) async throws -> Response {
        let id = try req.uuid("id", "member")
        guard let member = try await Member.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("member") }
        let facts = try await MemberService.facts(member, on: req.db)
        let user = try req.authorize(.read, .member(facts))
        let hidden = AccessPolicy.canSeeConfidential(user.actor, facts) ? [] : MemberDTO.confidentialFields
        return try await AuditAPI.page(req, entityType: "member", entityId: id, hidden: hidden)
    }

    private func find(_ req: Request) async throws -> Member {
        guard let m = try await Member.find(try req.uuid("id", "member"), on: req.db) else { throw Problem.notFound("member") }
        return m
    }
}
