import Fluent
import Foundation
import Vapor
import VanguardCore

/// Partners on the web (MKT-5): the list, a partner's profile with its contacts, engagements,
/// agreed total, spend and average rating, and the forms for each. A refused form comes back with
/// the message beside the field and the input kept.
struct PartnerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("market", "partners")
        p.get(use: list)
        p.get("new", use: newForm)
        p.post(use: create)
        p.get(":id", use: show)
        p.get(":id", "edit", use: editForm)
        p.post(":id", use: update)
        p.post(":id", "delete", use: delete)
        p.get(":id", "contacts", "new", use: newContact)
        p.post(":id", "contacts", use: addContact)
        p.get(":id", "contacts", ":contactId", use: editContact)
        p.post(":id", "contacts", ":contactId", use: updateContact)
        p.post(":id", "contacts", ":contactId", "delete", use: deleteContact)
        p.get(":id", "engagements", "new", use: newEngagement)
        p.post(":id", "engagements", use: addEngagement)
        p.get(":id", "engagements", ":engagementId", use: editEngagement)
        p.post(":id", "engagements", ":engagementId", use: updateEngagement)
        p.post(":id", "engagements", ":engagementId", "delete", use: deleteEngagement)
    }

    // MARK: list

    struct Row: Encodable { var id: UUID; var name: String; var kind: String; var kindKey: String; var owner: String; var website: String? }
    struct ListContext: Encodable { var rows: [Row]; var q: String; var kinds: [FormField.Option]; var nextHref: String?; var canCreate: Bool }

    func list(req: Request) async throws -> Response {
        let list = try PartnerList.parse(req, strict: false)
        let page = list.paging.cut(try await list.query.all(), value: list.value, id: { $0.id })
        let owners = try await SalesNames.members(page.shown.compactMap(\.ownerMemberId), on: req.db)
        let q = req.queryString("q") ?? "", kind = req.queryString("kind") ?? ""
        let canCreate = req.allowed(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        return try await req.page("Marketing/partners", title: "navPartners", section: "partners", ListContext(
            rows: page.shown.map { Row(id: $0.id!, name: $0.name, kind: $0.partnerKind.name[req.locale], kindKey: $0.kind,
                                       owner: $0.ownerMemberId.flatMap { owners[$0] } ?? "—", website: $0.website) },
            q: q, kinds: [FormField.Option(value: "", label: req.t("allKinds"), selected: kind.isEmpty)]
                + PartnerKind.allCases.map { FormField.Option(value: $0.rawValue, label: $0.name[req.locale], selected: $0.rawValue == kind) },
            nextHref: page.next.map { SalesNames.href("/market/partners", ["cursor": $0, "q": q, "kind": kind]) }, canCreate: canCreate))
    }

    // MARK: one partner

    struct ContactRow: Encodable { var id: UUID; var name: String; var title: String; var mobile: String; var email: String }
    struct EngagementRow: Encodable {
        var id: UUID; var title: String; var period: String; var amount: String; var status: String; var statusLabel: String
        var rating: Int?; var stars: String; var ratingComment: String; var campaignId: UUID?
    }
    struct ShowContext: Encodable {
        var partner: PartnerDTO
        var owner: String
        var contacts: [ContactRow]
        var engagements: [EngagementRow]
        var agreedTotal: String
        var spend: String
        var averageRating: String?
        var ratedEngagements: Int
        var canEdit: Bool
    }

    func show(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        let facts = try await PartnerService.facts(p, on: req.db)
        try req.authorize(.read, .marketingRecord(facts))
        let contacts = try await PartnerService.contacts(p, on: req.db)
        let engagements = try await PartnerService.engagements(p, on: req.db)
        let summary = try await PartnerService.summary(p, engagements: engagements, on: req.db)
        let owner = try await SalesNames.members([p.ownerMemberId].compactMap { $0 }, on: req.db)
        return try await req.page("Marketing/partner", title: p.name, section: "partners", ShowContext(
            partner: PartnerDTO(p, locale: req.locale), owner: p.ownerMemberId.flatMap { owner[$0] } ?? "—",
            contacts: contacts.map { ContactRow(id: $0.id!, name: $0.name, title: $0.title, mobile: $0.mobile ?? "", email: $0.email ?? "") },
            engagements: engagements.map { e in
                EngagementRow(id: e.id!, title: e.title, period: e.startOn + (e.endOn.map { " – " + $0 } ?? ""), amount: SalesNames.yuan(e.agreedAmountFen),
                              status: e.status, statusLabel: e.engagementStatus.name[req.locale], rating: e.rating,
                              stars: e.rating.map { String(repeating: "★", count: $0) + String(repeating: "☆", count: 5 - $0) } ?? "",
                              ratingComment: e.ratingComment, campaignId: e.campaignId)
            },
            agreedTotal: SalesNames.yuan(engagements.reduce(0) { $0 + $1.agreedAmountFen }),
            spend: SalesNames.yuan(try await PartnerSpend.fen(partner: p.id!, engagements: engagements, on: req.db)),
            averageRating: summary.averageRating.map { String(format: "%.1f", $0) }, ratedEngagements: summary.ratedEngagements,
            canEdit: req.allowed(.update, .marketingRecord(facts))))
    }

    // MARK: the partner form

    private func partnerForm(_ req: Request, action: String, values v: [String: String], errors: [FieldError], cancel: String) async throws -> FormView {
        var form = FormView(id: "partner-form", action: action, fields: [
            FormField(name: "name", label: req.t("partnerName"), value: v["name"] ?? "", required: true),
            .select("kind", req.t("partnerKind"), value: v["kind"], options: PartnerKind.allCases.map { ($0.rawValue, $0.name[req.locale]) }, required: true),
            FormField(name: "uscc", label: req.t("uscc"), value: v["uscc"] ?? "", hint: req.t("usccHint")),
            FormField(name: "website", label: req.t("website"), type: "url", value: v["website"] ?? ""),
            .select("ownerId", req.t("owner"), value: v["ownerId"], options: [("", "—")] + (try await PromotionGroup.ownerOptions(on: req.db))),
            FormField(name: "notes", label: req.t("notes"), type: "textarea", value: v["notes"] ?? "", rows: 3),
        ], submitLabel: req.t("save"), submitId: "save-partner", cancelHref: cancel)
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return form
    }

    static let partnerKeys = ["name", "kind", "uscc", "website", "ownerId", "notes"]

    static func partnerInput(_ v: [String: String]) -> PartnerInput {
        var input = PartnerInput()
        input.name = v["name"]; input.kind = v["kind"]; input.notes = v["notes"]
        input.uscc = .value(v["uscc"] ?? ""); input.website = .value(v["website"] ?? "")
        input.ownerId = UUID(uuidString: v["ownerId"] ?? "").map { .value($0) } ?? .null
        return input
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let form = try await partnerForm(req, action: "/market/partners", values: ["kind": "adAgency", "ownerId": user.actor.memberId?.uuidString ?? ""],
                                         errors: [], cancel: "/market/partners")
        return try await MarketingForm.render(req, title: "newPartner", section: "partners", form: form)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let v = SalesNames.posted(req, Self.partnerKeys)
        return try await MarketingForm.submit(req, title: "newPartner", section: "partners", form: { try await partnerForm(req, action: "/market/partners", values: v, errors: $0, cancel: "/market/partners") }) {
            let p = try await PartnerService.save(PartnerService.new(owner: nil), Self.partnerInput(v), creating: true, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "partnerSaved")
        }
    }

    func editForm(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        let facts = try await PartnerService.facts(p, on: req.db)
        try req.authorize(.update, .marketingRecord(facts))
        let v = ["name": p.name, "kind": p.kind, "uscc": p.uscc ?? "", "website": p.website ?? "", "ownerId": p.ownerMemberId?.uuidString ?? "", "notes": p.notes]
        let form = try await partnerForm(req, action: "/market/partners/\(p.id!)", values: v, errors: [], cancel: "/market/partners/\(p.id!)")
        return try await MarketingForm.render(req, title: "editPartner", section: "partners", form: form, subtitle: p.name,
                                              deleteAction: req.allowed(.delete, .marketingRecord(facts)) ? "/market/partners/\(p.id!)/delete" : nil)
    }

    func delete(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.delete, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerService.delete(p, req: req)
        return req.redirect(to: "/market/partners", flash: "partnerDeleted")
    }

    func update(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, Self.partnerKeys)
        return try await MarketingForm.submit(req, title: "editPartner", section: "partners", subtitle: p.name, form: { try await partnerForm(req, action: "/market/partners/\(p.id!)", values: v, errors: $0, cancel: "/market/partners/\(p.id!)") }) {
            _ = try await PartnerService.save(p, Self.partnerInput(v), creating: false, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "partnerSaved")
        }
    }

    // MARK: contacts

    private func contactForm(_ req: Request, _ p: Partner, action: String, values v: [String: String], errors: [FieldError]) -> FormView {
        var form = FormView(id: "partner-contact-form", action: action, fields: [
            FormField(name: "name", label: req.t("contactName"), value: v["name"] ?? "", required: true),
            FormField(name: "title", label: req.t("contactTitle"), value: v["title"] ?? ""),
            FormField(name: "mobile", label: req.t("mobile"), type: "tel", value: v["mobile"] ?? "", autocomplete: "off"),
            FormField(name: "email", label: req.t("email"), type: "email", value: v["email"] ?? "", autocomplete: "off"),
        ], submitLabel: req.t("save"), submitId: "save-contact", cancelHref: "/market/partners/\(p.id!)")
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return form
    }

    static let contactKeys = ["name", "title", "mobile", "email"]

    /// The posted contact: an empty mobile or e-mail clears it.
    static func contactInput(_ v: [String: String]) -> PartnerContactInput {
        var input = PartnerContactInput()
        input.name = v["name"]; input.title = v["title"]
        input.mobile = (v["mobile"] ?? "").isEmpty ? .null : .value(v["mobile"]!)
        input.email = (v["email"] ?? "").isEmpty ? .null : .value(v["email"]!)
        return input
    }

    func newContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let form = contactForm(req, p, action: "/market/partners/\(p.id!)/contacts", values: [:], errors: [])
        return try await MarketingForm.render(req, title: "addPartnerContact", section: "partners", form: form, subtitle: p.name)
    }

    func addContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, Self.contactKeys)
        let action = "/market/partners/\(p.id!)/contacts"
        return try await MarketingForm.submit(req, title: "addPartnerContact", section: "partners", subtitle: p.name,
                                              form: { contactForm(req, p, action: action, values: v, errors: $0) }) {
            _ = try await PartnerContactService.save(PartnerContactService.new(partner: p.id!), Self.contactInput(v), creating: true, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "contactSaved")
        }
    }

    func editContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let c = try await PartnerContactService.find(req, partner: p)
        let action = "/market/partners/\(p.id!)/contacts/\(c.id!)"
        let form = contactForm(req, p, action: action, values: ["name": c.name, "title": c.title, "mobile": c.mobile ?? "", "email": c.email ?? ""], errors: [])
        return try await MarketingForm.render(req, title: "editPartnerContact", section: "partners", form: form, subtitle: "\(p.name) · \(c.name)",
                                              deleteAction: action + "/delete")
    }

    func updateContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let c = try await PartnerContactService.find(req, partner: p)
        let v = SalesNames.posted(req, Self.contactKeys)
        let action = "/market/partners/\(p.id!)/contacts/\(c.id!)"
        return try await MarketingForm.submit(req, title: "editPartnerContact", section: "partners", subtitle: "\(p.name) · \(c.name)",
                                              form: { contactForm(req, p, action: action, values: v, errors: $0) }) {
            _ = try await PartnerContactService.save(c, Self.contactInput(v), creating: false, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "contactSaved")
        }
    }

    func deleteContact(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerContactService.delete(try await PartnerContactService.find(req, partner: p), req: req)
        return req.redirect(to: "/market/partners/\(p.id!)", flash: "contactDeleted")
    }

    // MARK: engagements

    static let engagementKeys = ["title", "startOn", "endOn", "agreedAmount", "status", "rating", "ratingComment", "notes", "campaignId"]

    private func engagementForm(_ req: Request, _ p: Partner, action: String, values v: [String: String], errors: [FieldError]) -> FormView {
        var form = FormView(id: "engagement-form", action: action, fields: [
            FormField(name: "title", label: req.t("engagementTitle"), value: v["title"] ?? "", required: true),
            FormField(name: "startOn", label: req.t("startOn"), type: "date", value: v["startOn"] ?? "", required: true),
            FormField(name: "endOn", label: req.t("endOn"), type: "date", value: v["endOn"] ?? ""),
            FormField(name: "agreedAmount", label: req.t("agreedAmountYuan"), type: "text", value: v["agreedAmount"] ?? ""),
            .select("status", req.t("status"), value: v["status"], options: EngagementStatus.allCases.map { ($0.rawValue, $0.name[req.locale]) }),
            .select("rating", req.t("rating"), value: v["rating"], options: [("", "—")] + PartnerRules.ratings.map { (String($0), String(repeating: "★", count: $0)) }),
            FormField(name: "ratingComment", label: req.t("ratingComment"), type: "textarea", value: v["ratingComment"] ?? "", hint: req.t("ratingHint"), rows: 2),
            FormField(name: "campaignId", label: req.t("campaignIdOptional"), value: v["campaignId"] ?? ""),
            FormField(name: "notes", label: req.t("notes"), type: "textarea", value: v["notes"] ?? "", rows: 2),
        ], submitLabel: req.t("save"), submitId: "save-engagement", cancelHref: "/market/partners/\(p.id!)")
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return form
    }

    /// The posted form as an engagement input; text that is not a number or an id is reported by field.
    static func engagementInput(_ v: [String: String]) throws -> PartnerEngagementInput {
        var input = PartnerEngagementInput()
        var e = FieldErrors()
        input.title = v["title"]; input.startOn = (v["startOn"] ?? "").isEmpty ? nil : v["startOn"]
        input.endOn = (v["endOn"] ?? "").isEmpty ? .null : .value(v["endOn"]!)
        if let text = v["agreedAmount"]?.replacingOccurrences(of: ",", with: ""), !text.isEmpty {
            if let d = Double(text) { input.agreedAmount = d } else { e.add("agreedAmount", "invalidAmount", "Give the amount in yuan, e.g. 12000 or 12000.50.") }
        }
        input.status = v["status"].flatMap { $0.isEmpty ? nil : $0 }
        input.rating = (v["rating"] ?? "").isEmpty ? .null : Int(v["rating"]!).map { .value($0) } ?? .null
        input.ratingComment = v["ratingComment"]; input.notes = v["notes"]
        if let text = v["campaignId"], !text.isEmpty {
            if let id = UUID(uuidString: text) { input.campaignId = .value(id) } else { e.add("campaignId", "invalidId", "Not a campaign id.") }
        } else { input.campaignId = .null }
        try e.throwIfAny()
        return input
    }

    func newEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let form = engagementForm(req, p, action: "/market/partners/\(p.id!)/engagements", values: ["startOn": req.today.description, "status": "planned"], errors: [])
        return try await MarketingForm.render(req, title: "addEngagement", section: "partners", form: form, subtitle: p.name)
    }

    func addEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let v = SalesNames.posted(req, Self.engagementKeys)
        return try await MarketingForm.submit(req, title: "addEngagement", section: "partners", subtitle: p.name, form: { engagementForm(req, p, action: "/market/partners/\(p.id!)/engagements", values: v, errors: $0) }) {
            _ = try await PartnerEngagementService.save(PartnerEngagementService.new(partner: p.id!), try Self.engagementInput(v), creating: true, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "engagementSaved")
        }
    }

    func editEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let e = try await PartnerEngagementService.find(req, partner: p)
        let v = ["title": e.title, "startOn": e.startOn, "endOn": e.endOn ?? "", "agreedAmount": String(format: "%.2f", YuanInput.yuan(e.agreedAmountFen)),
                 "status": e.status, "rating": e.rating.map(String.init) ?? "", "ratingComment": e.ratingComment, "notes": e.notes,
                 "campaignId": e.campaignId?.uuidString ?? ""]
        let form = engagementForm(req, p, action: "/market/partners/\(p.id!)/engagements/\(e.id!)", values: v, errors: [])
        return try await MarketingForm.render(req, title: "editEngagement", section: "partners", form: form, subtitle: "\(p.name) · \(e.title)",
                                              deleteAction: "/market/partners/\(p.id!)/engagements/\(e.id!)/delete")
    }

    /// Whoever keeps the partner removes its engagements (as in the API).
    func deleteEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        try await PartnerEngagementService.delete(try await PartnerEngagementService.find(req, partner: p), req: req)
        return req.redirect(to: "/market/partners/\(p.id!)", flash: "engagementDeleted")
    }

    func updateEngagement(req: Request) async throws -> Response {
        let p = try await PartnerService.find(req)
        try req.authorize(.update, .marketingRecord(try await PartnerService.facts(p, on: req.db)))
        let e = try await PartnerEngagementService.find(req, partner: p)
        let v = SalesNames.posted(req, Self.engagementKeys)
        return try await MarketingForm.submit(req, title: "editEngagement", section: "partners", subtitle: "\(p.name) · \(e.title)", form: { engagementForm(req, p, action: "/market/partners/\(p.id!)/engagements/\(e.id!)", values: v, errors: $0) }) {
            _ = try await PartnerEngagementService.save(e, try Self.engagementInput(v), creating: false, req: req)
            return req.redirect(to: "/market/partners/\(p.id!)", flash: "engagementSaved")
        }
    }
}

/// One form on a page of its own, drawn by `Shared/form.leaf` (the marketing pages' forms).
enum MarketingForm {
    struct Context: Encodable { var heading: String; var subtitle: String?; var form: FormView; var deleteAction: String? }

    /// `deleteAction`: where the page's Delete button posts, for those who may delete the record.
    static func render(_ req: Request, title: String, section: String, form: FormView, subtitle: String? = nil, deleteAction: String? = nil,
                       status: HTTPStatus = .ok) async throws -> Response {
        try await req.page("Marketing/form", title: title, section: section,
                           Context(heading: req.t(title), subtitle: subtitle, form: form, deleteAction: deleteAction), status: status)
    }

    /// Runs a posted form's work; a refusal draws the form again (`form` gets the field errors)
    /// with the messages beside the fields, the input kept, and the problem's detail on top.
    static func submit(_ req: Request, title: String, section: String, subtitle: String? = nil,
                       form: ([FieldError]) async throws -> FormView, _ work: () async throws -> Response) async throws -> Response {
        try await req.handleForm({ errors, summary in
            var f = try await form(errors)
            if let summary { f.formError = summary }
            return try await render(req, title: title, section: section, form: f, subtitle: subtitle, status: .unprocessableEntity)
        }, work)
    }
}
