import Fluent
import SQLKit
import Foundation
import Vapor
import VanguardCore

/// Creating, changing, deleting and restoring members: every rule and its history entry, in one
/// transaction, whether the change comes from the API, a web form or an import.
enum MemberService {
    static func facts(_ member: Member, on db: any Database) async throws -> MemberFacts {
        guard let id = member.id else { return MemberFacts(id: nil, groupId: member.$group.id) }
        return MemberFacts(id: id, groupId: member.$group.id, chain: try await reportingLines(above: id, on: db).chain(above: id))
    }

    /// Everyone below `member` in the reporting tree, found by the database (a recursive query that
    /// SQLite and PostgreSQL both run), so a list need not load the whole tree.
    static func reports(of member: UUID, on db: any Database) async throws -> Set<UUID> {
        guard let sql = db as? any SQLDatabase else { return [] }
        let rows = try await sql.raw("""
            WITH RECURSIVE below(id) AS (
                SELECT id FROM \(ident: Member.schema) WHERE supervisor_id = \(bind: member)
                UNION SELECT m.id FROM \(ident: Member.schema) m JOIN below b ON m.supervisor_id = b.id
            ) SELECT id FROM below
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: UUID.self) })
    }

    /// The reporting lines from `start` up to the top, found by the database (a recursive query),
    /// so one member's chain does not need the whole tree. Deleted members end a chain.
    static func reportingLines(above start: UUID, on db: any Database) async throws -> ReportingLines {
        guard let sql = db as? any SQLDatabase else { return ReportingLines(supervisorOf: [:]) }
        let rows = try await sql.raw("""
            WITH RECURSIVE up(id, supervisor_id) AS (
                SELECT id, supervisor_id FROM \(ident: Member.schema) WHERE id = \(bind: start) AND deleted_at IS NULL
                UNION SELECT m.id, m.supervisor_id FROM \(ident: Member.schema) m JOIN up ON m.id = up.supervisor_id
                WHERE m.deleted_at IS NULL
            ) SELECT id, supervisor_id FROM up
            """).all()
        var map: [UUID: UUID] = [:]
        for r in rows {
            if let supervisor = try r.decode(column: "supervisor_id", as: UUID?.self) { map[try r.decode(column: "id", as: UUID.self)] = supervisor }
        }
        return ReportingLines(supervisorOf: map)
    }

    static func create(_ input: MemberInput, req: Request) async throws -> Member {
        try input.validate(creating: true).throwIfAny()
        let member = Member()
        member.version = 1
        member.status = MemberStatus.active.rawValue
        member.nameEn = ""
        apply(input, to: member)
        return try await req.db.writeTransaction { db in
            try await checkReferences(member, on: db)
            try await checkUnique(member, on: db)
            try await member.create(on: db)
            try await Audit.record(.create, "member", id: member.id, label: member.name,
                                   before: Optional<MemberDTO>.none, after: MemberDTO(member, showConfidential: true), request: req, on: db)
            return member
        }
    }

    static func update(_ member: Member, _ input: MemberInput, req: Request) async throws -> Member {
        try input.validate(creating: false).throwIfAny()
        try ETag.check(req, version: member.version)
        let before = MemberDTO(member, showConfidential: true)
        apply(input, to: member)
        return try await req.db.writeTransaction { db in
            try await db.requireVersion(Member.schema, id: member.id, member.version)
            try await checkReferences(member, on: db)
            try await checkUnique(member, on: db)
            guard member.hasChanges else { return member }
            member.version += 1
            try await member.save(on: db)
            try await Audit.record(.update, "member", id: member.id, label: member.name,
                                   before: before, after: MemberDTO(member, showConfidential: true), request: req, on: db)
            return member
        }
    }

    static func delete(_ member: Member, req: Request) async throws {
        try ETag.check(req, version: member.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Member.schema, id: member.id, member.version)
            let reports = try await Member.query(on: db).filter(\.$supervisorId == member.id).count()
            if reports > 0 {
                throw Problem.conflict(nil, "has-reports", "\(member.name) still supervises \(reports) member(s); give them another supervisor first.")
            }
            let before = MemberDTO(member, showConfidential: true)
            try await member.delete(on: db)
            try await Audit.record(.delete, "member", id: member.id, label: member.name,
                                   before: before, after: Optional<MemberDTO>.none, request: req, on: db)
        }
    }

    static func restore(_ member: Member, req: Request) async throws {
        try await req.db.writeTransaction { db in
            try await checkUnique(member, on: db)
            try await member.restore(on: db)
            member.version += 1
            try await member.save(on: db)
            try await Audit.record(.restore, "member", id: member.id, label: member.name,
                                   before: Optional<MemberDTO>.none, after: MemberDTO(member, showConfidential: true), request: req, on: db)
        }
    }

    private static func apply(_ input: MemberInput, to m: Member) {
        if let v = input.employeeNo { m.employeeNo = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.name { m.name = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.nameEn { m.nameEn = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.email { m.email = v.trimmingCharacters(in: .whitespaces).lowercased() }
        if input.mobile.given { m.mobile = input.mobile.applied(to: m.mobile).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.position { m.position = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.grade { m.grade = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.hireDate { m.hireDate = v }
        if input.supervisorId.given { m.supervisorId = input.supervisorId.applied(to: m.supervisorId) }
        if input.groupId.given { m.$group.id = input.groupId.applied(to: m.$group.id) }
        if let v = input.status { m.status = v }
        if input.idNumber.given { m.idNumber = input.idNumber.applied(to: m.idNumber).flatMap { $0.isEmpty ? nil : $0.uppercased() } }
    }

    /// The group and supervisor must exist, and nobody may end up supervising themselves.
    private static func checkReferences(_ m: Member, on db: any Database) async throws {
        var errors = FieldErrors()
        if let groupId = m.$group.id, try await TeamGroup.find(groupId, on: db) == nil {
            errors.add("groupId", "unknownGroup", "No group with this id.")
        }
        if let supervisorId = m.supervisorId {
            if try await Member.find(supervisorId, on: db) == nil {
                errors.add("supervisorId", "unknownMember", "No member with this id.")
            } else if let id = m.id {
                // Only the proposed supervisor's chain matters: a loop means it reaches this member.
                let lines = try await reportingLines(above: supervisorId, on: db)
                if lines.wouldCreateCycle(member: id, supervisor: supervisorId) {
                    errors.add("supervisorId", "reportingCycle", supervisorId == id
                        ? "A member cannot be their own supervisor."
                        : "This supervisor reports to this member (directly or through others); that would make a loop.")
                }
            }
        }
        try errors.throwIfAny()
    }

    private static func checkUnique(_ m: Member, on db: any Database) async throws {
        var q = Member.query(on: db).withDeleted().filter(\.$employeeNo == m.employeeNo)
        if let id = m.id { q = q.filter(\.$id != id) }
        if try await q.first() != nil {
            throw Problem.conflict("employeeNo", "duplicate", "Another member already has employee number \(m.employeeNo).")
        }
        var e = Member.query(on: db).withDeleted().filter(\.$email == m.email)
        if let id = m.id { e = e.filter(\.$id != id) }
        if try await e.first() != nil {
            throw Problem.conflict("email", "duplicate", "Another member already uses \(m.email).")
        }
    }
}
