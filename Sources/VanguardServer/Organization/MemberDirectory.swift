import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The member list, read straight through SQLKit: the directory is the team's busiest list,
/// and decoding rows column by column is several times faster than building Fluent models.
enum MemberDirectory {
    static let columns = ["id", "employee_no", "name", "name_en", "email", "mobile", "position", "grade", "hire_date",
                          "supervisor_id", "group_id", "status", "id_number", "version", "created_at", "updated_at", "name_order"]

    struct Row: Sendable {
        var dto: MemberDTO
        var idNumber: String?
        var nameOrder: String
    }

    static func page(_ req: Request, list: ListRequest, strict: Bool) async throws -> [Row] {
        try await rows(req, strict: strict, sortColumn: MembersAPI.columns[list.sortField]!, descending: list.descending,
                       after: list.after, limit: list.limit + 1)
    }

    /// Members matching the request's filters, sorted, after a keyset position: a page's rows.
    static func rows(_ req: Request, strict: Bool, sortColumn column: String, descending: Bool,
                     after: (value: String, id: UUID)?, limit: Int) async throws -> [Row] {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let q = try query(req, strict: strict, on: sql, sortColumn: column, descending: descending, after: after)
        return try await ListRow.all(q.columns(columns.map { SQLColumn($0) }).limit(limit)).map(decode)
    }

    /// The query for members matching the request's filters (`q`, `groupId`, `status`,
    /// `supervisorId`), sorted, after a keyset position, its columns left to the caller. Shared by
    /// the list and the export (`MemberExport`) so both filter alike.
    static func query(_ req: Request, strict: Bool, on sql: any SQLDatabase, sortColumn column: String, descending: Bool,
                      after: (value: String, id: UUID)?) throws -> SQLSelectBuilder {
        var q = sql.select().from(Member.schema).where(SQLColumn("deleted_at"), .is, SQLLiteral.null)
        if let pattern = likePattern(try req.queryText("q")) {
            q = q.where(group: { g in
                var g = g
                for c in ["name", "name_en", "employee_no", "email"] {
                    g = g.orWhere(SQLQueryString("lower(\(ident: c)) LIKE \(bind: pattern) ESCAPE '\\'"))
                }
                return g
            })
        }
        if let id = try req.queryUUID("groupId", strict: strict) { q = q.where("group_id", .equal, id) }
        if let s = try req.queryChoice("status", from: MemberStatus.allCases.map(\.rawValue), strict: strict) { q = q.where("status", .equal, s) }
        if let id = try req.queryUUID("supervisorId", strict: strict) { q = q.where("supervisor_id", .equal, id) }
        if let after {
            let op: SQLBinaryOperator = descending ? .lessThan : .greaterThan
            q = q.where(group: { g in
                g.where(SQLColumn(column), op, SQLBind(after.value))
                    .orWhere(group: { $0.where(SQLColumn(column), .equal, SQLBind(after.value)).where(SQLColumn("id"), op, SQLBind(after.id)) })
            })
        }
        let direction: SQLDirection = descending ? .descending : .ascending
        return q.orderBy(column, direction).orderBy("id", direction)
    }

    static func decode(_ r: ListRow) throws -> Row {
        let dto = MemberDTO(
            id: try r.uuid("id"),
            employeeNo: try r.string("employee_no"),
            name: try r.string("name"),
            nameEn: try r.string("name_en"),
            email: try r.string("email"),
            mobile: try r.optionalString("mobile"),
            position: try r.string("position"),
            grade: try r.string("grade"),
            hireDate: try r.string("hire_date"),
            supervisorId: try r.optionalUUID("supervisor_id"),
            groupId: try r.optionalUUID("group_id"),
            status: try r.string("status"),
            idNumber: nil,
            version: try r.int("version"),
            createdAt: try r.optionalDate("created_at"),
            updatedAt: try r.optionalDate("updated_at"),
            deletedAt: nil)
        return Row(dto: dto, idNumber: try r.optionalString("id_number"), nameOrder: try r.string("name_order"))
    }

    /// The value a page's cursor remembers for the sort field.
    static func sortValue(_ r: Row, _ field: String) -> String {
        switch field { case "employeeNo": r.dto.employeeNo; case "hireDate": r.dto.hireDate; default: r.nameOrder }
    }

    /// The page for the API: confidential fields only where the access policy allows.
    static func apiPage(_ req: Request, actor: Actor) async throws -> PageOf<MemberDTO> {
        let list = try ListRequest.parse(req, sortable: MembersAPI.sortable, defaultSort: "name")
        let rows = try await page(req, list: list, strict: true)
        let below = try await actor.memberId.asyncMap { try await MemberService.reports(of: $0, on: req.db) } ?? []
        return list.page(rows, value: { sortValue($0, list.sortField) }, id: { $0.dto.id }, map: { r in
            var dto = r.dto
            let facts = MemberFacts(id: dto.id, groupId: dto.groupId, chain: below.contains(dto.id) ? [actor.memberId!] : [])
            if AccessPolicy.canSeeConfidential(actor, facts) { dto.idNumber = r.idNumber }
            return dto
        })
    }
}
