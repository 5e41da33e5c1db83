import Foundation
import Vapor
import VanguardCore

/// A member as the API shows it. `idNumber` is present only for those allowed to see it.
struct MemberDTO: Content {
    var id: UUID
    var employeeNo: String
    var name: String
    var nameEn: String
    var email: String
    var mobile: String?
    var position: String
    var grade: String
    var hireDate: String
    var supervisorId: UUID?
    var groupId: UUID?
    var status: String
    var idNumber: String?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    init(id: UUID, employeeNo: String, name: String, nameEn: String, email: String, mobile: String?, position: String,
         grade: String, hireDate: String, supervisorId: UUID?, groupId: UUID?, status: String, idNumber: String?,
         version: Int, createdAt: Date?, updatedAt: Date?, deletedAt: Date?) {
        self.id = id; self.employeeNo = employeeNo; self.name = name; self.nameEn = nameEn; self.email = email
        self.mobile = mobile; self.position = position; self.grade = grade; self.hireDate = hireDate
        self.supervisorId = supervisorId; self.groupId = groupId; self.status = status; self.idNumber = idNumber
        self.version = version; self.createdAt = createdAt; self.updatedAt = updatedAt; self.deletedAt = deletedAt
    }

    init(_ m: Member, showConfidential: Bool) {
        id = m.id!
        employeeNo = m.employeeNo
        name = m.name
        nameEn = m.nameEn
        email = m.email
        mobile = m.mobile
        position = m.position
        grade = m.grade
        hireDate = m.hireDate
        supervisorId = m.supervisorId
        groupId = m.$group.id
        status = m.status
        idNumber = showConfidential ? m.idNumber : nil
        version = m.version
        createdAt = m.createdAt
        updatedAt = m.updatedAt
        deletedAt = m.deletedAt
    }

    /// Fields hidden from those who may not see a member's confidential data.
    static let confidentialFields: Set<String> = ["idNumber"]
}

/// What a client may send to create (all required fields) or change (any subset) a member.
struct MemberInput: Content {
    var employeeNo: String?
    var name: String?
    var nameEn: String?
    var email: String?
    var mobile: Patch<String> = .absent
    var position: String?
    var grade: String?
    var hireDate: String?
    var supervisorId: Patch<UUID> = .absent
    var groupId: Patch<UUID> = .absent
    var status: String?
    var idNumber: Patch<String> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable {
        case employeeNo, name, nameEn, email, mobile, position, grade, hireDate, supervisorId, groupId, status, idNumber
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        employeeNo = try c.decodeIfPresentNonNull(String.self, forKey: .employeeNo)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        nameEn = try c.decodeIfPresentNonNull(String.self, forKey: .nameEn)
        email = try c.decodeIfPresentNonNull(String.self, forKey: .email)
        mobile = try c.decodePatch(String.self, forKey: .mobile)
        position = try c.decodeIfPresentNonNull(String.self, forKey: .position)
        grade = try c.decodeIfPresentNonNull(String.self, forKey: .grade)
        hireDate = try c.decodeIfPresentNonNull(String.self, forKey: .hireDate)
        supervisorId = try c.decodePatch(UUID.self, forKey: .supervisorId)
        groupId = try c.decodePatch(UUID.self, forKey: .groupId)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        idNumber = try c.decodePatch(String.self, forKey: .idNumber)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(employeeNo, forKey: .employeeNo)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(email, forKey: .email)
    }

    /// Field checks that need no database: formats, lengths, required fields on create.
    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            for (field, value) in [("employeeNo", employeeNo), ("name", name), ("email", email), ("position", position), ("grade", grade), ("hireDate", hireDate)] {
                e.check(field, Validators.required(value, field: field))
            }
        } else {
            for (field, value) in [("employeeNo", employeeNo), ("name", name), ("email", email), ("position", position), ("grade", grade), ("hireDate", hireDate)] where value != nil {
                e.check(field, Validators.required(value, field: field))
            }
        }
        e.check("employeeNo", Validators.maxLength(employeeNo, 32, field: "employeeNo"))
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("nameEn", Validators.maxLength(nameEn, 100, field: "nameEn"))
        e.check("position", Validators.maxLength(position, 100, field: "position"))
        e.check("grade", Validators.maxLength(grade, 20, field: "grade"))
        if let email, !email.isEmpty { e.check("email", Validators.email(email)) }
        if case .value(let m) = mobile { e.check("mobile", Validators.prcMobile(m)) }
        if case .value(let id) = idNumber { e.check("idNumber", Validators.prcIdNumber(id)) }
        if let hireDate, !hireDate.isEmpty, CivilDate(hireDate) == nil {
            e.add("hireDate", "invalidDate", "Use a real date as yyyy-MM-dd.")
        }
        if let status, MemberStatus(rawValue: status) == nil {
            e.add("status", "invalidChoice", "One of: \(MemberStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return e
    }
}
