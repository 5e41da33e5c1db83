import Fluent
import Vapor
import VanguardCore

/// The org chart (ORG-1, ORG-2, LEAD-2, G-4): the lead and their duties, each group with its
/// mission, duties and reporting tree, and the departments the team hands work to.
struct OrgChartPage {
    struct PersonCard: Encodable {
        var id: UUID
        var name: String
        var nameEn: String
        var position: String
        var grade: String
        var status: String
        var statusLabel: String
        var children: [PersonCard]
    }

    struct DutyView: Encodable {
        var clause: String
        var text: String
    }

    struct GroupView: Encodable {
        var id: UUID
        var key: String
        var name: String
        var mission: String
        var duties: [DutyView]
        var tree: [PersonCard]
        var memberCount: Int
    }

    struct DepartmentView: Encodable {
        var code: String
        var name: String
        var handles: String
    }

    struct Context: Encodable {
        var teamName: String
        var leadTitle: String
        var lead: PersonCard?
        var leadDuties: [DutyView]
        var groups: [GroupView]
        var departments: [DepartmentView]
        var canEditGroups: Bool
        var unassigned: [PersonCard]
        /// The reader's newest open risk warnings (RSK-M2): the lead sees them where they land.
        var openWarnings: [WarningPages.Row]
    }

    static func render(_ req: Request) async throws -> Response {
        try req.authorize(.read, .group)
        let locale = req.locale
        let pack = try await req.application.policy.current(on: req.db)
        let groups = try await TeamGroup.query(on: req.db).sort(\.$sortOrder).sort(\.$key).all()
        let members = try await Member.query(on: req.db).sort(\.$employeeNo).all()
        let duties = try await Duty.query(on: req.db).sort(\.$sortOrder).all()
        let departments = try await Department.query(on: req.db).sort(\.$code).all()
        let leadUser = try await UserAccount.query(on: req.db).filter(\.$role == Role.lead.rawValue).filter(\.$memberId != nil).first()
        let leadMember = members.first { $0.id == leadUser?.memberId } ?? members.first { $0.$group.id == nil && $0.supervisorId == nil }

        func dutyView(_ d: Duty) -> DutyView {
            DutyView(clause: d.clause, text: LocalizedText(zhHans: d.textZh, zhHant: d.textZhHant, en: d.textEn)[locale])
        }
        func card(_ m: Member, within pool: [Member], depth: Int) -> PersonCard {
            let children = depth >= 3 ? [] : pool.filter { $0.supervisorId == m.id }.map { card($0, within: pool, depth: depth + 1) }
            return PersonCard(id: m.id!, name: m.name, nameEn: m.nameEn, position: m.position, grade: m.grade, status: m.status,
                              statusLabel: req.t("status" + m.status.prefix(1).uppercased() + m.status.dropFirst()), children: children)
        }

        let groupViews = groups.map { g -> GroupView in
            let inGroup = members.filter { $0.$group.id == g.id }
            let ids = Set(inGroup.compactMap(\.id))
            // Roots: the group lead first, then anyone whose supervisor is outside the group.
            let roots = inGroup.filter { $0.supervisorId == nil || !ids.contains($0.supervisorId!) }
                .sorted { ($0.id == g.leadMemberId ? 0 : 1, $0.employeeNo) < ($1.id == g.leadMemberId ? 0 : 1, $1.employeeNo) }
            return GroupView(id: g.id!, key: g.key, name: LocalizedText(zhHans: g.nameZh, en: g.nameEn)[locale],
                             mission: LocalizedText(zhHans: g.missionZh, en: g.missionEn)[locale],
                             duties: duties.filter { $0.$group.id == g.id }.map(dutyView),
                             tree: roots.map { card($0, within: inGroup, depth: 0) }, memberCount: inGroup.count)
        }
        let unassigned = members.filter { $0.$group.id == nil && $0.id != leadMember?.id }.map { card($0, within: [], depth: 3) }
        let context = Context(
            teamName: pack.team.name[locale], leadTitle: pack.lead.title[locale],
            lead: leadMember.map { card($0, within: [], depth: 3) },
            leadDuties: duties.filter { $0.$group.id == nil }.map(dutyView),
            groups: groupViews,
            departments: departments.map { d in
                DepartmentView(code: d.code, name: locale == .en ? d.nameEn : d.nameZh,
                               handles: locale == .en ? (d.handlesEn.isEmpty ? d.handles : d.handlesEn) : (d.handles.isEmpty ? d.handlesEn : d.handles))
            },
            canEditGroups: req.allowed(.update, .group), unassigned: unassigned, openWarnings: try await WarningPages.panel(req))
        return try await req.page("Organization/orgchart", title: "navOrg", section: "org", context)
    }
}
