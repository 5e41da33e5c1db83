import Fluent
import Foundation
import Vapor

/// One of the company's other departments the team hands work to (LEAD-2): product, finance, legal…
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "name_en") var nameEn: String
    /// What the team hands this department, in Chinese and English.
    @Field(key: "handles") var handles: String
    @Field(key: "handles_en") var handlesEn: String
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// A group under the team lead (ORG-1): Market Promotion, Sales, Customer Service, and any added.
final class TeamGroup: Model, @unchecked Sendable {
    static let schema = "team_groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "mission_zh") var missionZh: String
    @Field(key: "mission_en") var missionEn: String
    @OptionalField(key: "lead_member_id") var leadMemberId: UUID?
    @Field(key: "sort_order") var sortOrder: Int
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

/// A duty from the policy (G-4, ORG-2): the team lead's (group nil) or a group's.
final class Duty: Model, @unchecked Sendable {
    static let schema = "duties"

    @ID(key: .id) var id: UUID?
    @OptionalParent(key: "group_id") var group: TeamGroup?
    @Field(key: "clause") var clause: String
    @Field(key: "text_zh") var textZh: String
    @Field(key: "text_zh_hant") var textZhHant: String
    @Field(key: "text_en") var textEn: String
    @Field(key: "sort_order") var sortOrder: Int

    init() {}
}

/// A member of the team: employee profile, position, grade, reporting line (ORG-1).
final class Member: Model, ListedProperties, @unchecked Sendable {
    static let schema = "members"

    @ID(key: .id) var id: UUID?
    @Field(key: "employee_no") var employeeNo: String
    @Field(key: "name") var name: String
    @Field(key: "name_en") var nameEn: String
    /// What the directory sorts by: the name's pinyin (`PinyinOrder`), kept by `NameOrderKeeper`.
    @Field(key: "name_order") var nameOrder: String
    @Field(key: "email") var email: String
    @OptionalField(key: "mobile") var mobile: String?
    @Field(key: "position") var position: String
    @Field(key: "grade") var grade: String
    @Field(key: "hire_date") var hireDate: String
    @OptionalField(key: "supervisor_id") var supervisorId: UUID?
    @OptionalParent(key: "group_id") var group: TeamGroup?
    @Field(key: "status") var status: String
    /// Resident identity number: confidential to HR, the person and their chain of command.
    @OptionalField(key: "id_number") var idNumber: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    /// Listed, not found by reflection for every row (`ListedProperties`).
    var properties: [any AnyProperty] { [$id, $employeeNo, $name, $nameEn, $nameOrder, $email, $mobile, $position, $grade, $hireDate, $supervisorId, $group, $status, $idNumber, $version, $createdAt, $updatedAt, $deletedAt] }

    init() { nameOrder = "" }
}

extension Member: PinyinNamed {}

enum MemberStatus: String, CaseIterable, Codable, Sendable {
    case active, probation, onLeave, left
}
