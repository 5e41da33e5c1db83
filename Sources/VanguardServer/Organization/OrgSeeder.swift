import Fluent
import Foundation
import VanguardCore

/// Brings the organisation in line with the policy pack: every group and department it names
/// exists, and the duties shown are the pack's. Never deletes what people added.
enum OrgSeeder {
    static func apply(_ pack: PolicyPack, on db: any Database) async throws {
        for (index, g) in pack.groups.enumerated() {
            let group: TeamGroup
            if let existing = try await TeamGroup.query(on: db).withDeleted().filter(\.$key == g.key).first() {
                group = existing
            } else {
                group = TeamGroup()
                group.key = g.key
                group.nameZh = g.name.zhHans
                group.nameEn = g.name.en
                group.missionZh = g.mission.zhHans
                group.missionEn = g.mission.en
                group.sortOrder = (index + 1) * 10
                group.version = 1
                try await group.create(on: db)
            }
            try await replaceDuties(g.duties, group: group.id, on: db)
        }
        try await replaceDuties(pack.lead.duties, group: nil, on: db)
        for d in pack.departments where try await Department.query(on: db).withDeleted().filter(\.$code == d.code).first() == nil {
            let dept = Department()
            dept.code = d.code
            dept.nameZh = d.name.zhHans
            dept.nameEn = d.name.en
            dept.handles = d.handles?.zhHans ?? ""
            dept.handlesEn = d.handles?.en ?? ""
            dept.version = 1
            try await dept.create(on: db)
        }
    }

    private static func replaceDuties(_ duties: [PolicyPack.Clause], group: UUID?, on db: any Database) async throws {
        let old = Duty.query(on: db)
        if let group { old.filter(\.$group.$id == group) } else { old.filter(\.$group.$id == nil) }
        try await old.delete()
        for (i, clause) in duties.enumerated() {
            let duty = Duty()
            duty.$group.id = group
            duty.clause = clause.clause
            duty.textZh = clause.text.zhHans
            duty.textZhHant = clause.text.zhHant
            duty.textEn = clause.text.en
            duty.sortOrder = i
            try await duty.create(on: db)
        }
    }
}
