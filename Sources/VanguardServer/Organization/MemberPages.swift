import Fluent
import Vapor
import VanguardCore

/// The member directory on the web: list with search and filters, profile, history, and the
/// form to add or change a member (the same rules as the API, through `MemberService`).
struct MemberPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let m = routes.grouped("members")
        m.get(use: list)
        m.get("new", use: newForm)
        m.get("export", use: { try await MemberExport.download(req: $0, strict: false) })
        m.get("import", use: MemberImportPage.form)
        m.on(.POST, "import", body: .collect(maxSize: ImportFile.maxBodySize), use: MemberImportPage.submit)
        m.post(use: create)
        m.get(":id", use: profile)
        m.get(":id", "edit", use: editForm)
        m.post(":id", use: update)
        m.get(":id", "history", use: history)
        m.post(":id", "delete", use: delete)
        m.post(":id", "restore", use: restore)
    }

    struct Row: Content {
        var id: UUID
        var employeeNo: String
        var name: String
        var nameEn: String
        var position: String
        var grade: String
        var group: String
        var supervisor: String
        var status: String
        var statusLabel: String
        var hireDate: String
    }

    struct SortLink: Encodable {
        var label: String
        var href: String
        var state: String
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var groupId: String
        var status: String
        var groupOptions: [FormField.Option]
        var statusOptions: [FormField.Option]
        var sortLinks: [SortLink]
        var nextHref: String?
        var firstHref: String?
        var exportHref: String
        var exportXlsxHref: String
        var canCreate: Bool
        var filtered: Bool
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(.read, .member(MemberFacts(id: nil, groupId: nil)))
        let list = try ListRequest.parse(req, sortable: MembersAPI.sortable, defaultSort: "name")
        let found = try await MemberDirectory.page(req, list: list, strict: false)
        let rows = found.map(\.dto)
        let groups = try await TeamGroup.query(on: req.db).sort(\.$sortOrder).all()
        let names = try await supervisorNames(rows.compactMap(\.supervisorId), on: req.db)
        let locale = req.locale
        let groupName = { (id: UUID?) -> String in
            groups.first { $0.id == id }.map { LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale] } ?? "—"
        }
        let page = list.page(found, value: { MemberDirectory.sortValue($0, list.sortField) }, id: { $0.dto.id }, map: { r in
            let m = r.dto
            return Row(id: m.id, employeeNo: m.employeeNo, name: m.name, nameEn: m.nameEn, position: m.position, grade: m.grade,
                       group: groupName(m.groupId), supervisor: m.supervisorId.flatMap { names[$0] } ?? "—", status: m.status,
                       statusLabel: req.t(statusKey(m.status)), hireDate: m.hireDate)
        })
        let q = req.query[String.self, at: "q"] ?? ""
        let groupId = req.query[String.self, at: "groupId"] ?? ""
        let status = req.query[String.self, at: "status"] ?? ""
        func query(_ extra: [String: String]) -> String {
            var items = ["q": q, "groupId": groupId, "status": status, "sort": (list.descending ? "-" : "") + list.sortField]
            for (k, v) in extra { items[k] = v }
            let parts = items.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            return "/members" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let sortLinks = [("name", "memberName"), ("employeeNo", "employeeNo"), ("hireDate", "hireDate")].map { field, key -> SortLink in
            let active = list.sortField == field
            let nextDesc = active && !list.descending
            return SortLink(label: req.t(key), href: query(["sort": (nextDesc ? "-" : "") + field, "cursor": ""]),
                            state: active ? (list.descending ? "desc" : "asc") : "")
        }
        let context = ListContext(
            rows: page.items, q: q, groupId: groupId, status: status,
            groupOptions: [FormField.Option(value: "", label: req.t("allGroups"), selected: groupId.isEmpty)]
                + groups.map { FormField.Option(value: $0.id!.uuidString, label: LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale], selected: $0.id!.uuidString == groupId) },
            statusOptions: [FormField.Option(value: "", label: req.t("allStatuses"), selected: status.isEmpty)]
                + MemberStatus.allCases.map { FormField.Option(value: $0.rawValue, label: req.t(statusKey($0.rawValue)), selected: $0.rawValue == status) },
            sortLinks: sortLinks,
            nextHref: page.nextCursor.map { query(["cursor": $0]) },
            firstHref: list.after == nil ? nil : query(["cursor": ""]),
            exportHref: query(["cursor": "", "sort": ""]).replacingOccurrences(of: "/members", with: "/members/export"),
            exportXlsxHref: query(["cursor": "", "sort": "", "format": "xlsx"]).replacingOccurrences(of: "/members", with: "/members/export"),
            canCreate: req.allowed(.create, .member(MemberFacts(id: nil, groupId: nil))),
            filtered: !q.isEmpty || !groupId.isEmpty || !status.isEmpty)
        return try await req.page("Organization/members", title: "navMembers", section: "members", context)
    }

    struct ProfileContext: Encodable {
        var member: MemberDTO
        var groupName: String
        var supervisor: Row?
        var reports: [Row]
        var statusLabel: String
        var showConfidential: Bool
        var canEdit: Bool
        var canDelete: Bool
        var deleted: Bool
        var tab: String
        var events: [HistoryPage.EventView]
    }

    func profile(req: Request) async throws -> Response {
        try await profilePage(req, tab: "profile")
    }

    func history(req: Request) async throws -> Response {
        try await profilePage(req, tab: "history")
    }

    private func profilePage(_ req: Request, tab: String) async throws -> Response {
        let id = try req.uuid("id", "member")
        guard let m = try await Member.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("member") }
        let facts = try await MemberService.facts(m, on: req.db)
        let user = try req.authorize(.read, .member(facts))
        if m.deletedAt != nil { try req.authorize(.restore, .member(facts)) }
        let confidential = AccessPolicy.canSeeConfidential(user.actor, facts)
        let locale = req.locale
        let group = try await m.$group.get(on: req.db)
        let sup = try await m.supervisorId.asyncMap { try await Member.find($0, on: req.db) } ?? nil
        let reports = try await Member.query(on: req.db).filter(\.$supervisorId == id).sort(\.$employeeNo).all()
        var events: [HistoryPage.EventView] = []
        if tab == "history" {
            events = try await HistoryPage.events(req, entityType: "member", id: id, hidden: confidential ? [] : MemberDTO.confidentialFields)
        }
        let context = ProfileContext(
            member: MemberDTO(m, showConfidential: confidential),
            groupName: group.map { LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale] } ?? "—",
            supervisor: sup.map { row($0, req) }, reports: reports.map { row($0, req) },
            statusLabel: req.t(statusKey(m.status)), showConfidential: confidential,
            canEdit: m.deletedAt == nil && req.allowed(.update, .member(facts)),
            canDelete: m.deletedAt == nil && req.allowed(.delete, .member(facts)),
            deleted: m.deletedAt != nil, tab: tab, events: events)
        return try await req.page("Organization/member", title: m.name, section: "members", context)
    }

    // MARK: form

    struct FormContext: Encodable {
        var form: FormView
        var heading: String
        var memberId: UUID?
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        let values = ["status": "active", "groupId": req.query[String.self, at: "groupId"] ?? ""]
        return try await formPage(req, member: nil, values: values, errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        let m = try await find(req)
        let facts = try await MemberService.facts(m, on: req.db)
        try req.authorize(.update, .member(facts))
        return try await formPage(req, member: m, values: Self.values(m), errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .member(MemberFacts(id: nil, groupId: nil)))
        let values = Self.posted(req)
        return try await req.handleForm({ errors, formError in
            try await formPage(req, member: nil, values: values, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            let input = try Self.input(from: values, includeConfidential: true)
            if case .value(let g) = input.groupId { try req.authorize(.create, .member(MemberFacts(id: nil, groupId: g))) }
            let m = try await MemberService.create(input, req: req)
            return req.redirect(to: "/members/\(m.id!)", flash: "memberSaved")
        }
    }

    func update(req: Request) async throws -> Response {
        let m = try await find(req)
        let facts = try await MemberService.facts(m, on: req.db)
        let user = try req.authorize(.update, .member(facts))
        let values = Self.posted(req)
        let versionSent = Int(values["version"] ?? "")
        return try await req.handleForm({ errors, formError in
            try await formPage(req, member: m, values: values, errors: errors, formError: formError, status: .unprocessableEntity)
        }) {
            if let versionSent, versionSent != m.version { throw Problem.preconditionFailed }
            let input = try Self.input(from: values, includeConfidential: AccessPolicy.canSeeConfidential(user.actor, facts))
            if case .value(let g) = input.groupId { try req.authorize(.update, .member(MemberFacts(id: m.id, groupId: g))) }
            _ = try await MemberService.update(m, input, req: req)
            return req.redirect(to: "/members/\(m.id!)", flash: "memberSaved")
        }
    }

    func delete(req: Request) async throws -> Response {
        let m = try await find(req)
        try req.authorize(.delete, .member(try await MemberService.facts(m, on: req.db)))
        do {
            try await MemberService.delete(m, req: req)
        } catch let p as Problem where p.status == .conflict {
            return req.redirect(to: "/members/\(m.id!)", flash: p.detail ?? p.title, kind: "error")
        }
        return req.redirect(to: "/members", flash: "memberDeleted")
    }

    func restore(req: Request) async throws -> Response {
        let id = try req.uuid("id", "member")
        guard let m = try await Member.query(on: req.db).withDeleted().filter(\.$id == id).first(), m.deletedAt != nil else { throw Problem.notFound("member") }
        try req.authorize(.restore, .member(MemberFacts(id: m.id, groupId: m.$group.id)))
        do {
            try await MemberService.restore(m, req: req)
        } catch let p as Problem where p.status == .conflict {
            return req.redirect(to: "/admin/recycle-bin", flash: p.detail ?? p.title, kind: "error")
        }
        return req.redirect(to: "/members/\(id)", flash: "restored")
    }

    private func formPage(_ req: Request, member: Member?, values: [String: String], errors: [FieldError], formError: String?, status: HTTPStatus = .ok) async throws -> Response {
        let locale = req.locale
        let groups = try await TeamGroup.query(on: req.db).sort(\.$sortOrder).all()
        let people = try await Member.query(on: req.db).sort(\.$employeeNo).all().filter { $0.id != member?.id }
        var showConfidential = member == nil
        if let member, let user = req.currentUser {
            showConfidential = AccessPolicy.canSeeConfidential(user.actor, try await MemberService.facts(member, on: req.db))
        }
        func v(_ k: String) -> String { values[k] ?? "" }
        var fields = [
            FormField(name: "employeeNo", label: req.t("employeeNo"), value: v("employeeNo"), required: true),
            FormField(name: "name", label: req.t("memberName"), value: v("name"), required: true),
            FormField(name: "nameEn", label: req.t("nameEn"), value: v("nameEn")),
            FormField(name: "email", label: req.t("email"), type: "email", value: v("email"), required: true),
            FormField(name: "mobile", label: req.t("mobile"), type: "tel", value: v("mobile"), hint: req.t("mobileHint")),
            FormField(name: "position", label: req.t("position"), value: v("position"), required: true),
            FormField(name: "grade", label: req.t("grade"), value: v("grade"), required: true),
            FormField(name: "hireDate", label: req.t("hireDate"), type: "date", value: v("hireDate"), required: true),
            .select("groupId", req.t("group"), value: v("groupId"),
                    options: [("", req.t("noGroup"))] + groups.map { ($0.id!.uuidString, LocalizedText(zhHans: $0.nameZh, en: $0.nameEn)[locale]) }),
            .select("supervisorId", req.t("supervisor"), value: v("supervisorId"),
                    options: [("", req.t("noSupervisor"))] + people.map { ($0.id!.uuidString, "\($0.name) (\($0.employeeNo))") }),
            .select("status", req.t("status"), value: v("status"), options: MemberStatus.allCases.map { ($0.rawValue, req.t(statusKey($0.rawValue))) }, required: true),
        ]
        if showConfidential {
            fields.append(FormField(name: "idNumber", label: req.t("idNumber"), value: v("idNumber"), hint: req.t("confidentialHint")))
        }
        var form = FormView(id: "member-form", action: member.map { "/members/\($0.id!)" } ?? "/members", fields: fields,
                            submitLabel: req.t("save"), cancelHref: member.map { "/members/\($0.id!)" } ?? "/members")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: locale, translations: req.application.translations)
            if let formError { form.formError = [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        }
        form.fields.append(FormField(name: "version", label: "", type: "hidden", value: values["version"] ?? member.map { String($0.version) } ?? ""))
        let heading = member.map { "\(req.t("editMember")): \($0.name)" } ?? req.t("newMember")
        return try await req.page("Organization/member-form", title: heading, section: "members",
                                  FormContext(form: form, heading: heading, memberId: member?.id), status: status)
    }

    static func values(_ m: Member) -> [String: String] {
        ["employeeNo": m.employeeNo, "name": m.name, "nameEn": m.nameEn, "email": m.email, "mobile": m.mobile ?? "",
         "position": m.position, "grade": m.grade, "hireDate": m.hireDate, "groupId": m.$group.id?.uuidString ?? "",
         "supervisorId": m.supervisorId?.uuidString ?? "", "status": m.status, "idNumber": m.idNumber ?? "", "version": String(m.version)]
    }

    static func posted(_ req: Request) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["employeeNo", "name", "nameEn", "email", "mobile", "position", "grade", "hireDate", "groupId", "supervisorId", "status", "idNumber", "version"] {
            values[key] = req.formValue(key) ?? ""
        }
        return values
    }

    /// A web form always sends every field; empty optional fields clear the value.
    static func input(from v: [String: String], includeConfidential: Bool) throws -> MemberInput {
        var input = MemberInput()
        var errors = FieldErrors()
        input.employeeNo = v["employeeNo"]
        input.name = v["name"]
        input.nameEn = v["nameEn"] ?? ""
        input.email = v["email"]
        input.mobile = (v["mobile"] ?? "").isEmpty ? .null : .value(v["mobile"]!)
        input.position = v["position"]
        input.grade = v["grade"]
        input.hireDate = v["hireDate"]
        input.status = v["status"]
        for (key, path) in [("groupId", \MemberInput.groupId), ("supervisorId", \MemberInput.supervisorId)] {
            let raw = v[key] ?? ""
            if raw.isEmpty { input[keyPath: path] = .null }
            else if let id = UUID(uuidString: raw) { input[keyPath: path] = .value(id) }
            else { errors.add(key, "invalidChoice", "Choose from the list.") }
        }
        if includeConfidential {
            input.idNumber = (v["idNumber"] ?? "").isEmpty ? .null : .value(v["idNumber"]!)
        }
        try errors.throwIfAny()
        return input
    }

    private func find(_ req: Request) async throws -> Member {
        guard let m = try await Member.find(try req.uuid("id", "member"), on: req.db) else { throw Problem.notFound("member") }
        return m
    }

    private func row(_ m: Member, _ req: Request) -> Row {
        Row(id: m.id!, employeeNo: m.employeeNo, name: m.name, nameEn: m.nameEn, position: m.position, grade: m.grade,
            group: "", supervisor: "", status: m.status, statusLabel: req.t(statusKey(m.status)), hireDate: m.hireDate)
    }

    private func supervisorNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await Member.query(on: db).withDeleted().filter(\.$id ~~ Set(ids)).all()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0.name) })
    }

    static func format(_ date: Date, _ locale: AppLocale) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: locale == .en ? "en_GB" : locale.rawValue)
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}

func statusKey(_ status: String) -> String {
    "status" + status.prefix(1).uppercased() + status.dropFirst()
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let w): return try await transform(w)
        case .none: return nil
        }
    }
}
