import Fluent
import Foundation
import Vapor
import VanguardCore

/// Adding many members from a spreadsheet (HR's usual way to set up a team). Every row is
/// checked first and every problem reported with its row and column; only a file without a
/// single problem is written, in one transaction with one history entry per member.
/// Columns are matched by their titles in any of the three languages, so our own CSV or XLSX
/// export can be imported again; a supervisor is named by employee number (or by a name only
/// one member has), possibly one added by the same file.
enum MemberImport {
    /// Field → the translation key of its column title.
    static let fields: [(field: String, titleKey: String, extra: [String])] = [
        ("employeeNo", "employeeNo", ["员工编号", "工號"]),
        ("name", "memberName", ["name", "名字"]),
        ("nameEn", "nameEn", ["英文姓名"]),
        ("email", "email", ["e-mail", "电子邮件", "邮件"]),
        ("mobile", "mobile", ["phone", "手机", "手机号码", "電話", "手機"]),
        ("position", "position", ["职位", "职务", "職務"]),
        ("grade", "grade", ["级别"]),
        ("hireDate", "hireDate", ["入职时间", "入職日期"]),
        ("group", "group", ["groupId", "组别", "所属小组"]),
        ("supervisor", "supervisor", ["supervisorEmployeeNo", "上级", "上级工号", "上級工號", "主管"]),
        ("status", "status", ["在职状态"]),
        ("idNumber", "idNumber", ["身份证", "身份证号码"]),
    ]

    struct Report: Content {
        var rows: Int
        var created: Int
        var dryRun: Bool
        var ignoredColumns: [String]
    }

    /// Who is importing: a signed-in request, or the command line.
    enum Source {
        case request(Request)
        case commandLine(now: Date)
    }

    static func run(_ table: ImportTable, dryRun: Bool, includeConfidential: Bool, translations: Translations,
                    source: Source, on db: any Database, authorize: (Member) throws -> Void = { _ in }) async throws -> Report {
        let titles = fields.map { f in
            (f.field, [f.field, f.titleKey] + f.extra + AppLocale.allCases.map { translations.text(f.titleKey, $0) })
        }
        let (index, unknown) = table.columns(for: titles)
        var missing = FieldErrors()
        for required in ["employeeNo", "name", "email", "position", "grade", "hireDate"] where index[required] == nil {
            missing.add("file", "missingColumn", "The file has no \(translations.text(fields.first { $0.field == required }!.titleKey, .en)) column (\(required)).")
        }
        try missing.throwIfAny()
        guard !table.rows.isEmpty else { throw ImportFile.unreadable("The file has a header row but no members under it.") }

        let groups = try await TeamGroup.query(on: db).all()
        let existing = try await Member.query(on: db).withDeleted().field(\.$id).field(\.$employeeNo).field(\.$email).field(\.$name).field(\.$deletedAt).all()
        var plan = Plan(existing: existing, groups: groups, translations: translations)
        for (i, row) in table.rows.enumerated() {
            plan.add(row: ImportTable.fileRow(i), values: Dictionary(uniqueKeysWithValues: index.keys.compactMap { f in
                table.value(row, f, in: index).map { (f, SpreadsheetCell.unescapedExport($0)) }
            }), includeConfidential: includeConfidential)
        }
        plan.resolveSupervisors()
        try plan.errors.throwIfAny()
        for m in plan.members { try authorize(m) }

        let report = Report(rows: table.rows.count, created: dryRun ? 0 : plan.members.count, dryRun: dryRun, ignoredColumns: unknown)
        if dryRun { return report }
        let members = plan.members
        try await db.writeTransaction { db in
            try await members.create(on: db)
            switch source {
            case .request(let req):
                for m in members {
                    try await Audit.record(.create, "member", id: m.id, label: m.name, before: Optional<MemberDTO>.none,
                                           after: MemberDTO(m, showConfidential: true), request: req, on: db)
                }
                try await Audit.note(.imported, "member", id: nil, label: "\(members.count) members imported", request: req, on: db)
            case .commandLine(let now):
                for m in members {
                    try await Audit.system(.create, "member", id: m.id, label: m.name,
                                           after: Audit.snapshot(MemberDTO(m, showConfidential: true)), at: now, on: db)
                }
                try await Audit.system(.imported, "member", id: nil, label: "\(members.count) members imported", after: nil, at: now, on: db)
            }
        }
        return report
    }

    /// The members a file would add, and every problem found on the way.
    private struct Plan {
        var members: [Member] = []
        var errors = FieldErrors()
        private var rowOf: [UUID: Int] = [:]
        private var supervisorRef: [UUID: String] = [:]
        private var byEmployeeNo: [String: UUID] = [:]
        private var byName: [String: [UUID]] = [:]
        private var emails: Set<String> = []
        private let groups: [TeamGroup]
        private let translations: Translations

        init(existing: [Member], groups: [TeamGroup], translations: Translations) {
            self.groups = groups
            self.translations = translations
            for m in existing {
                byEmployeeNo[m.employeeNo.lowercased()] = m.id
                emails.insert(m.email.lowercased())
                if m.deletedAt == nil { byName[m.name, default: []].append(m.id!) }
            }
        }

        mutating func add(row: Int, values: [String: String], includeConfidential: Bool) {
            var rowErrors = FieldErrors()
            for (field, value) in values where SpreadsheetCell.isFormula(value) {
                rowErrors.add(field, "formula", "Looks like a spreadsheet formula; formulas are not imported.")
            }
            var input = MemberInput()
            input.employeeNo = values["employeeNo"]
            input.name = values["name"]
            input.nameEn = values["nameEn"]
            input.email = values["email"]?.lowercased()
            if let v = values["mobile"] { input.mobile = .value(v.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "")) }
            input.position = values["position"]
            input.grade = values["grade"]
            input.hireDate = values["hireDate"].map { v in CivilDate(v) == nil ? SpreadsheetCell.excelSerialDate(v) ?? Self.slashDate(v) ?? v : v }
            if let v = values["status"] {
                let match = MemberStatus.allCases.first { s in
                    s.rawValue.lowercased() == v.lowercased() || AppLocale.allCases.contains { translations.text(statusKey(s.rawValue), $0) == v }
                }
                input.status = match?.rawValue ?? v
            }
            if let v = values["idNumber"] {
                if includeConfidential { input.idNumber = .value(v) } else { rowErrors.add("idNumber", "forbidden", "You may not set ID numbers.") }
            }
            if let v = values["group"] {
                if let g = groups.first(where: { $0.nameZh == v || $0.nameEn.lowercased() == v.lowercased() || $0.key == v || $0.id?.uuidString.lowercased() == v.lowercased() }) {
                    input.groupId = .value(g.id!)
                } else {
                    rowErrors.add("group", "unknownGroup", "No group is called \(v).")
                }
            }
            for e in input.validate(creating: true).all where rowErrors.first(e.field) == nil { rowErrors.add(e.field, e.code, e.message) }
            if let no = input.employeeNo, !no.isEmpty, byEmployeeNo[no.lowercased()] != nil {
                rowErrors.add("employeeNo", "duplicate", "Employee number \(no) is already taken (by a member or an earlier row).")
            }
            if let email = input.email, !email.isEmpty, emails.contains(email) {
                rowErrors.add("email", "duplicate", "\(email) is already used (by a member or an earlier row).")
            }
            for e in rowErrors.all {
                errors.add("rows[\(row)].\(e.field)", e.code, "Row \(row), \(e.field): \(e.message)")
            }
            guard rowErrors.isEmpty else { return }
            let m = Member()
            m.id = UUID.timeOrdered()
            m.version = 1
            m.employeeNo = input.employeeNo!
            m.name = input.name!
            m.nameEn = input.nameEn ?? ""
            m.email = input.email!
            m.mobile = input.mobile.applied(to: nil)
            m.position = input.position!
            m.grade = input.grade!
            m.hireDate = input.hireDate!
            m.status = input.status ?? MemberStatus.active.rawValue
            m.$group.id = input.groupId.applied(to: nil)
            m.idNumber = input.idNumber.applied(to: nil)?.uppercased()
            members.append(m)
            rowOf[m.id!] = row
            byEmployeeNo[m.employeeNo.lowercased()] = m.id
            emails.insert(m.email)
            byName[m.name, default: []].append(m.id!)
            if let ref = values["supervisor"] { supervisorRef[m.id!] = ref }
        }

        /// Supervisors may be members already on file or rows of this file; no loops.
        mutating func resolveSupervisors() {
            for m in members {
                guard let ref = supervisorRef[m.id!], let row = rowOf[m.id!] else { continue }
                if let id = byEmployeeNo[ref.lowercased()] {
                    m.supervisorId = id
                } else if let ids = byName[ref], ids.count == 1 {
                    m.supervisorId = ids[0]
                } else if let ids = byName[ref], ids.count > 1 {
                    errors.add("rows[\(row)].supervisor", "ambiguous", "Row \(row), supervisor: several members are called \(ref); use the employee number.")
                } else {
                    errors.add("rows[\(row)].supervisor", "unknownMember", "Row \(row), supervisor: no member has employee number or name \(ref).")
                }
            }
            // Existing members never report to new ones, so a loop can only run through this file's rows.
            let lines = ReportingLines(supervisorOf: Dictionary(uniqueKeysWithValues: members.compactMap { m in m.supervisorId.map { (m.id!, $0) } }))
            for m in members {
                guard let s = m.supervisorId, lines.wouldCreateCycle(member: m.id!, supervisor: s), let row = rowOf[m.id!] else { continue }
                errors.add("rows[\(row)].supervisor", "reportingCycle", "Row \(row), supervisor: this would make a reporting loop.")
            }
        }

        /// `2024/3/5` → `2024-03-05`, as Excel shows dates on a Chinese system.
        static func slashDate(_ v: String) -> String? {
            let parts = v.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            return String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
        }
    }
}
