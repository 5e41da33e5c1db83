import Fluent
import Vapor
import VanguardCore

extension AdminPages {
    struct AuditRow: Encodable {
        var when: String
        var who: String
        var action: String
        var actionLabel: String
        var entityType: String
        var entityLabel: String
        var link: String?
        var changes: [AuditChange]
    }

    struct AuditContext: Encodable {
        var rows: [AuditRow]
        var entityType: String
        var typeOptions: [FormField.Option]
        var nextHref: String?
    }

    /// The global history (G-5), newest first, filterable by record type.
    func audit(req: Request) async throws -> Response {
        try req.authorize(.read, .auditTrail)
        let list = try ListRequest.parse(req, sortable: ["occurredAt"], defaultSort: "-occurredAt")
        let type = req.query[String.self, at: "entityType"] ?? ""
        let q = AuditEvent.query(on: req.db)
        if !type.isEmpty { q.filter(\.$entityType == type) }
        let rows = try await list.applyByTime(to: q, column: "occurred_at").all()
        let locale = req.locale
        let hidden = MemberDTO.confidentialFields
        let page = list.page(rows, value: { String($0.occurredAt.timeIntervalSince1970) }, id: { $0.id }) { e in
            AuditEventDTO(e, hidden: hidden)
        }
        let named = try await AuditNames.named(page.items.map(\.changes), locale: locale, on: req.db)
        let context = AuditContext(
            rows: zip(page.items, named).map { e, changes in
                AuditRow(when: MemberPages.format(e.occurredAt, locale), who: e.actorName, action: e.action,
                         actionLabel: req.t("action" + e.action.prefix(1).uppercased() + e.action.dropFirst()),
                         entityType: req.t(AuditedRecords.labelKey(e.entityType)), entityLabel: e.entityLabel,
                         link: e.entityType == "member" && e.action != "delete" ? e.entityId.map { "/members/\($0)/history" } : nil,
                         changes: changes.map { AuditChange(field: req.fieldLabel($0.field), before: $0.before, after: $0.after) })
            },
            entityType: type,
            typeOptions: [FormField.Option(value: "", label: req.t("allTypes"), selected: type.isEmpty)]
                + AuditedRecords.types.map { FormField.Option(value: $0, label: req.t(AuditedRecords.labelKey($0)), selected: $0 == type) },
            nextHref: page.nextCursor.map { "/admin/audit?cursor=\($0)" + (type.isEmpty ? "" : "&entityType=\(type)") })
        return try await req.page("Admin/audit", title: "navAudit", section: "audit", context)
    }

    struct BinRow: Encodable {
        var type: String
        var typeLabel: String
        var id: UUID
        var label: String
        var deletedAt: String
    }

    struct BinContext: Encodable {
        var rows: [BinRow]
    }

    /// Deleted business records, restorable by those allowed to restore them.
    func recycleBin(req: Request) async throws -> Response {
        try req.authorize(.read, .auditTrail)
        let locale = req.locale
        var rows: [BinRow] = []
        func row(_ type: String, _ id: UUID?, _ label: String, _ at: Date?) -> BinRow {
            BinRow(type: type, typeLabel: req.t(AuditedRecords.labelKey(type)), id: id!, label: label,
                   deletedAt: at.map { MemberPages.format($0, locale) } ?? "")
        }
        for m in try await Member.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("member", m.id, "\(m.name) (\(m.employeeNo))", m.deletedAt))
        }
        for g in try await TeamGroup.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("group", g.id, g.nameZh, g.deletedAt))
        }
        for d in try await Department.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("department", d.id, d.nameZh, d.deletedAt))
        }
        // The market-promotion chapter's research, competitors, campaigns, partners, channel accounts and posts (MKT-1 … MKT-5).
        for n in try await ResearchNote.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("researchNote", n.id, n.title, n.deletedAt))
        }
        for c in try await Competitor.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("competitor", c.id, c.name, c.deletedAt))
        }
        for e in try await CompetitorEvent.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("competitorEvent", e.id, e.title, e.deletedAt))
        }
        for c in try await Campaign.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("campaign", c.id, "\(c.code) \(c.name)", c.deletedAt))
        }
        for p in try await Partner.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("partner", p.id, p.name, p.deletedAt))
        }
        for a in try await ChannelAccount.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("channelAccount", a.id, a.name, a.deletedAt))
        }
        for p in try await ContentPost.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
            rows.append(row("contentPost", p.id, p.title, p.deletedAt))
        }
        if req.allowed(.restore, .user(id: nil)) {
            for u in try await UserAccount.query(on: req.db).withDeleted().filter(\.$deletedAt != nil).all() {
                rows.append(row("user", u.id, u.email, u.deletedAt))
            }
        }
        return try await req.page("Admin/recycle-bin", title: "navRecycle", section: "recycle", BinContext(rows: rows.sorted { $0.deletedAt > $1.deletedAt }))
    }

    func restore(req: Request) async throws -> Response {
        let id = try req.uuid("id", "record")
        switch req.parameters.get("type") {
        case "member":
            guard let m = try await Member.query(on: req.db).withDeleted().filter(\.$id == id).first(), m.deletedAt != nil else { throw Problem.notFound("member") }
            try req.authorize(.restore, .member(MemberFacts(id: m.id, groupId: m.$group.id)))
            try await MemberService.restore(m, req: req)
        case "group":
            try req.authorize(.restore, .group)
            guard let g = try await TeamGroup.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("group") }
            try await GroupService.restore(g, req: req)
        case "department":
            try req.authorize(.restore, .department)
            guard let d = try await Department.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("department") }
            try await DepartmentService.restore(d, req: req)
        case "user":
            try req.authorize(.restore, .user(id: id))
            guard let u = try await UserAccount.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("user") }
            try await UserService.restore(u, req: req)
        // The market research records and campaigns restore as their API does (same rule, same checks).
        case "researchNote": _ = try await ResearchNotesAPI().restore(req: req)
        case "competitor": _ = try await CompetitorsAPI().restore(req: req)
        case "competitorEvent": _ = try await CompetitorEventsAPI().restore(req: req)
        case "campaign": _ = try await CampaignsAPI().restore(req: req)
        case "partner":
            guard let p = try await Partner.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("partner") }
            try req.authorize(.restore, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
            try await PartnerService.restore(p, req: req)
        case "channelAccount":
            guard let a = try await ChannelAccount.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("channel account") }
            try req.authorize(.restore, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
            try await ChannelAccountService.restore(a, req: req)
        case "contentPost":
            guard let p = try await ContentPost.query(on: req.db).withDeleted().filter(\.$id == id).first() else { throw Problem.notFound("post") }
            try req.authorize(.restore, .marketingRecord(try await ContentPostService.facts(p, on: req.db)))
            try await ContentPostService.restore(p, req: req)
        default:
            throw Problem.notFound("record type")
        }
        return req.redirect(to: "/admin/recycle-bin", flash: "restored")
    }
}
