import Fluent
import Vapor
import VanguardCore

/// The customer file on the web (SP-1, SAL-2): list with search and filters, one page with
/// everything about a customer, and the forms to add and change customers, contacts and activities.
struct CustomerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("customers")
        c.get(use: list)
        c.get("new", use: newForm)
        c.get("picker", use: CustomerPicker.options)
        c.get("export", use: { try await SalesExport.customers(req: $0, strict: false) })
        c.get("import", use: CustomerImportPage.form)
        c.on(.POST, "import", body: .collect(maxSize: ImportFile.maxBodySize), use: CustomerImportPage.submit)
        c.post(use: create)
        c.get(":id", use: show)
        c.get(":id", "history", use: history)
        c.get(":id", "edit", use: editForm)
        c.post(":id", use: update)
        c.post(":id", "delete", use: delete)
        c.post(":id", "contacts", use: addContact)
        c.post(":id", "activities", use: addActivity)
    }

    struct Row: Content {
        var id: UUID
        var name: String
        var customerClass: String
        var score: Int
        var industry: String
        var region: String
        var source: String
        var status: String
        var statusLabel: String
        var owner: String
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var classOptions: [FormField.Option]
        var statusOptions: [FormField.Option]
        var sourceOptions: [FormField.Option]
        var sortLinks: [MemberPages.SortLink]
        var nextHref: String?
        var firstHref: String?
        var filtered: Bool
        var canCreate: Bool
        var exportHref: String
        var exportXlsxHref: String
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        let list = try ListRequest.parse(req, sortable: CustomersAPI.sortable, defaultSort: "name")
        let rows = try await CustomerList.query(req, scope: AccessPolicy.salesScope(user.actor), list: list, strict: false)
        let owners = try await SalesNames.members(rows.compactMap(\.ownerMemberId), on: req.db)
        let industries = Dictionary(uniqueKeysWithValues: sales.effectiveIndustries.map { ($0.key, $0.name[req.locale]) })
        let page = list.page(rows, value: { CustomerList.sortValue($0, list.sortField) }, id: { $0.id }, map: { c in
            Row(id: c.id!, name: c.name, customerClass: c.customerClass, score: c.score, industry: c.industry.flatMap { industries[$0] } ?? "—",
                region: c.region, source: req.t("source_" + c.source), status: c.status, statusLabel: req.t("customer_" + c.status),
                owner: c.ownerMemberId.flatMap { owners[$0] } ?? "—")
        })
        let params = ["q", "class", "status", "source", "ownerId"].reduce(into: [String: String]()) { $0[$1] = req.queryString($1) ?? "" }
        func href(_ extra: [String: String]) -> String {
            SalesNames.href("/customers", params.merging(["sort": (list.descending ? "-" : "") + list.sortField]) { $1 }.merging(extra) { $1 })
        }
        let sortLinks = [("name", "customerName"), ("class", "customerClass"), ("score", "score")].map { field, key in
            let active = list.sortField == field
            return MemberPages.SortLink(label: req.t(key), href: href(["sort": (active && !list.descending ? "-" : "") + field, "cursor": ""]),
                                        state: active ? (list.descending ? "desc" : "asc") : "")
        }
        func options(_ name: String, _ all: String, _ values: [(String, String)]) -> [FormField.Option] {
            [FormField.Option(value: "", label: req.t(all), selected: params[name]!.isEmpty)]
                + values.map { FormField.Option(value: $0.0, label: $0.1, selected: $0.0 == params[name]) }
        }
        let context = ListContext(
            rows: page.items, q: params["q"]!,
            classOptions: options("class", "allClasses", sales.effectiveClassification.classes.map { ($0.key, $0.key) }),
            statusOptions: options("status", "allStatuses", CustomerStatus.allCases.map { ($0.rawValue, req.t("customer_" + $0.rawValue)) }),
            sourceOptions: options("source", "allSources", SourceChannel.allCases.map { ($0.rawValue, req.t("source_" + $0.rawValue)) }),
            sortLinks: sortLinks, nextHref: page.nextCursor.map { href(["cursor": $0]) },
            firstHref: list.after == nil ? nil : href(["cursor": ""]),
            filtered: params.values.contains { !$0.isEmpty },
            canCreate: req.allowed(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId))),
            exportHref: SalesNames.href("/customers/export", params), exportXlsxHref: SalesNames.href("/customers/export", params.merging(["format": "xlsx"]) { $1 }))
        return try await req.page("Sales/customers", title: "navCustomers", section: "customers", context)
    }

    // MARK: one customer

    struct ContactRow: Encodable { var id: UUID; var name: String; var title: String; var mobile: String; var email: String; var wechat: String; var birthday: String; var isPrimary: Bool }
    struct ActivityRow: Encodable { var id: UUID; var kind: String; var occurredOn: String; var owner: String; var summary: String; var needs: String; var nextStep: String; var nextStepOn: String; var done: Bool }
    /// `open`: still in the pipeline, so a quote may be made for it (a won or lost deal is decided).
    struct DealRow: Encodable {
        var id: UUID; var title: String; var stage: String; var amount: String; var expectedClose: String; var owner: String; var open: Bool
        /// The deal's form opens for who may change the deal; the others read the row.
        var canEdit: Bool
    }
    struct QuoteRow: Encodable { var id: UUID; var number: String; var status: String; var statusLabel: String; var net: String; var validUntil: String }
    struct OrderRow: Encodable { var id: UUID; var number: String; var status: String; var statusLabel: String; var amount: String; var plannedDelivery: String; var actualDelivery: String; var late: Bool }

    struct TicketRow: Encodable { var id: UUID; var number: String; var subject: String; var status: String; var statusLabel: String; var type: String; var canOpen: Bool }

    struct ShowContext: Encodable {
        var customer: CustomerDTO
        /// Separate because the DTO's JSON key is `class`, a word templates should not lean on.
        var customerClass: String
        var expectedAnnual: String
        var kindLabel: String
        var industry: String
        var size: String
        var source: String
        var statusLabel: String
        var owner: String
        var contacts: [ContactRow]
        var activities: [ActivityRow]
        var deals: [DealRow]
        var quotes: [QuoteRow]
        /// Orders under the customer's contracts, newest first, with their delivery (SP-5).
        var orders: [OrderRow]
        var credit: CreditView
        /// The customer's service tickets, newest first (SVC-4: sellers see what service knows).
        var tickets: [TicketRow]
        var canEdit: Bool
        var canLog: Bool
        var tab: String
        var events: [HistoryPage.EventView]
        /// One form each, in a list so the page can draw them with the shared inline form.
        var contactForms: [FormView]
        var activityForms: [FormView]
    }

    func show(req: Request) async throws -> Response { try await customerPage(req, tab: "file") }
    func history(req: Request) async throws -> Response { try await customerPage(req, tab: "history") }

    private func customerPage(_ req: Request, tab: String, contactForm: FormView? = nil, activityForm: FormView? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let c = try await CustomerService.find(req, withDeleted: tab == "history")
        let facts = try await CustomerService.facts(c, on: req.db)
        let serviceGroup = try await TicketService.serviceGroup(on: req.db)
        let user = try req.authorize(.read, .salesRecord(facts))
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        let contacts = try await Contact.query(on: req.db).filter(\.$customer.$id == c.id!).sort(\.$isPrimary, .descending).sort(\.$name).all()
        let activities = try await SalesActivity.query(on: req.db).filter(\.$customer.$id == c.id!).sort(\.$occurredOn, .descending).sort(\.$createdAt, .descending).limit(100).all()
        let deals = try await Opportunity.query(on: req.db).filter(\.$customer.$id == c.id!).sort(\.$createdAt, .descending).all()
        let dealGroups = try await SalesNames.groups(of: deals.compactMap(\.ownerMemberId), on: req.db)
        let quotes = try await Quote.query(on: req.db).filter(\.$customerId == c.id!).sort(\.$createdAt, .descending).limit(50).all()
        let names = try await SalesNames.members([c.ownerMemberId].compactMap { $0 } + activities.compactMap(\.ownerMemberId) + deals.compactMap(\.ownerMemberId), on: req.db)
        let pipeline = sales.pipeline
        let events = tab == "history" ? try await HistoryPage.events(req, entityType: "customer", id: c.id!, hidden: []) : []
        let context = ShowContext(
            customer: CustomerDTO(c), customerClass: c.customerClass,
            expectedAnnual: String(SalesNames.yuan(c.expectedAnnualYuan * 100).dropLast(3)), kindLabel: req.t("kind_" + c.kind),
            industry: c.industry.flatMap { key in sales.effectiveIndustries.first { $0.key == key }?.name[req.locale] } ?? "—",
            size: c.size.map { req.t("size_" + $0) } ?? "—", source: req.t("source_" + c.source), statusLabel: req.t("customer_" + c.status),
            owner: c.ownerMemberId.flatMap { names[$0] } ?? "—",
            contacts: contacts.map { p in ContactRow(id: p.id!, name: p.name, title: p.title, mobile: p.mobile ?? "", email: p.email ?? "", wechat: p.wechat ?? "",
                                                     birthday: ContactPages.birthday(p, req), isPrimary: p.isPrimary) },
            activities: activities.map { ActivityRow(id: $0.id!, kind: req.t("activity_" + $0.kind), occurredOn: $0.occurredOn, owner: $0.ownerMemberId.flatMap { names[$0] } ?? "—",
                                                     summary: $0.summary, needs: $0.needs, nextStep: $0.nextStep, nextStepOn: $0.nextStepOn ?? "", done: $0.nextStepDoneAt != nil) },
            deals: deals.map { d in DealRow(id: d.id!, title: d.title, stage: pipeline.stage(d.stage)?.name[req.locale] ?? d.stage,
                                            amount: SalesNames.yuan(d.amountFen), expectedClose: d.expectedClose ?? "—", owner: d.ownerMemberId.flatMap { names[$0] } ?? "—",
                                            open: pipeline.stage(d.stage)?.outcome == .open,
                                            canEdit: req.allowed(.update, .salesRecord(SalesFacts(owner: d.ownerMemberId, group: d.ownerMemberId.flatMap { dealGroups[$0] })))) },
            quotes: quotes.map { QuoteRow(id: $0.id!, number: $0.number, status: $0.status, statusLabel: req.t("quote_" + $0.status),
                                          net: SalesNames.yuan($0.netFen), validUntil: $0.validUntil) },
            orders: try await SalesOrder.query(on: req.db).filter(\.$customerId == c.id!).sort(\.$number, .descending).limit(50).all().map {
                let dto = OrderDTO($0, today: req.today)
                return OrderRow(id: $0.id!, number: $0.number, status: $0.status, statusLabel: req.t("order_" + $0.status), amount: SalesNames.yuan($0.amountFen),
                                plannedDelivery: $0.plannedDelivery, actualDelivery: $0.actualDelivery ?? "", late: dto.late)
            },
            credit: try await CreditView.load(c, facts: facts, req: req),
            tickets: try await Ticket.query(on: req.db).filter(\.$customerId == c.id!).sort(\.$openedAt, .descending).limit(20).all().map {
                TicketRow(id: $0.id!, number: $0.number, subject: $0.subject, status: $0.status, statusLabel: $0.ticketStatus.name[req.locale], type: $0.ticketType.name[req.locale],
                          canOpen: req.allowed(.read, .serviceRecord(ServiceFacts(assignee: $0.assigneeMemberId, customerOwner: facts.owner,
                                                                                  customerGroup: facts.group, serviceGroup: serviceGroup))))
            },
            canEdit: c.deletedAt == nil && req.allowed(.update, .salesRecord(facts)),
            canLog: c.deletedAt == nil && req.allowed(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId))),
            tab: tab, events: events,
            contactForms: [contactForm ?? Self.contactForm(req, customer: c.id!, values: [:])],
            activityForms: [activityForm ?? Self.activityForm(req, customer: c.id!, values: ["occurredOn": req.today.description, "kind": "visit"])])
        return try await req.page("Sales/customer", title: c.name, section: "customers", context, status: status)
    }

    static func contactForm(_ req: Request, customer: UUID, values v: [String: String]) -> FormView {
        FormView(id: "contact-form", action: "/customers/\(customer)/contacts", fields: [
            FormField(name: "name", label: req.t("contactName"), value: v["name"] ?? "", required: true),
            FormField(name: "title", label: req.t("contactTitle"), value: v["title"] ?? ""),
            FormField(name: "mobile", label: req.t("mobile"), type: "tel", value: v["mobile"] ?? "", hint: req.t("mobileHint")),
            FormField(name: "email", label: req.t("email"), type: "email", value: v["email"] ?? ""),
            FormField(name: "wechat", label: req.t("wechat"), value: v["wechat"] ?? ""),
            FormField(name: "birthday", label: req.t("birthday"), type: "date", value: v["birthday"] ?? ""),
            .select("birthdayCalendar", req.t("birthdayCalendar"), value: v["birthdayCalendar"] ?? "gregorian",
                    options: BirthdayCalendar.allCases.map { ($0.rawValue, req.t("calendar_" + $0.rawValue)) }),
            FormField(name: "isPrimary", label: req.t("primaryContact"), type: "checkbox", checked: v["isPrimary"] == "true"),
        ], submitLabel: req.t("addContact"), submitId: "add-contact", dirtyWarn: false)
    }

    static func activityForm(_ req: Request, customer: UUID, values v: [String: String]) -> FormView {
        FormView(id: "activity-form", action: "/customers/\(customer)/activities", fields: [
            .select("kind", req.t("activityKind"), value: v["kind"], options: ActivityKind.allCases.map { ($0.rawValue, req.t("activity_" + $0.rawValue)) }, required: true),
            FormField(name: "occurredOn", label: req.t("occurredOn"), type: "date", value: v["occurredOn"] ?? "", required: true),
            FormField(name: "summary", label: req.t("activitySummary"), type: "textarea", value: v["summary"] ?? "", required: true, rows: 2),
            FormField(name: "needs", label: req.t("needsLearned"), type: "textarea", value: v["needs"] ?? "", rows: 2),
            FormField(name: "nextStep", label: req.t("nextStep"), value: v["nextStep"] ?? ""),
            FormField(name: "nextStepOn", label: req.t("nextStepOn"), type: "date", value: v["nextStepOn"] ?? ""),
        ], submitLabel: req.t("logActivity"), submitId: "log-activity", dirtyWarn: false)
    }

    func addContact(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.update, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, ["name", "title", "mobile", "email", "wechat", "birthday", "birthdayCalendar", "isPrimary"])
        return try await req.handleForm({ errors, formError in
            var form = Self.contactForm(req, customer: c.id!, values: v)
            form.show(errors, locale: req.locale, translations: req.application.translations)
            return try await customerPage(req, tab: "file", contactForm: form, status: .unprocessableEntity)
        }) {
            var input = ContactInput()
            input.customerId = c.id
            input.name = v["name"]; input.title = v["title"]; input.notes = ""
            func text(_ key: String) -> Patch<String> { (v[key] ?? "").isEmpty ? .null : .value(v[key]!) }
            input.mobile = text("mobile"); input.email = text("email"); input.wechat = text("wechat")
            input.birthday = text("birthday"); input.birthdayCalendar = v["birthdayCalendar"].flatMap { $0.isEmpty ? nil : $0 }
            input.isPrimary = v["isPrimary"] == "true"
            _ = try await ContactService.save(ContactService.new(), input, creating: true, req: req)
            return req.redirect(to: "/customers/\(c.id!)#contacts", flash: "contactSaved")
        }
    }

    func addActivity(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let c = try await CustomerService.find(req)
        try req.authorize(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, ["kind", "occurredOn", "summary", "needs", "nextStep", "nextStepOn"])
        return try await req.handleForm({ errors, formError in
            var form = Self.activityForm(req, customer: c.id!, values: v)
            form.show(errors, locale: req.locale, translations: req.application.translations)
            return try await customerPage(req, tab: "file", activityForm: form, status: .unprocessableEntity)
        }) {
            var input = ActivityInput()
            input.customerId = c.id
            input.kind = v["kind"]; input.occurredOn = v["occurredOn"]; input.summary = v["summary"]; input.needs = v["needs"]; input.nextStep = v["nextStep"]
            input.nextStepOn = (v["nextStepOn"] ?? "").isEmpty ? .null : .value(v["nextStepOn"]!)
            _ = try await ActivityService.save(ActivityService.new(owner: user.actor.memberId), input, creating: true, req: req)
            return req.redirect(to: "/customers/\(c.id!)#activities", flash: "activitySaved")
        }
    }

    // MARK: the customer form

    struct FormContext: Encodable {
        var form: FormView
        var heading: String
        var duplicates: [DuplicateRow]
    }

    struct DuplicateRow: Encodable { var id: UUID; var name: String; var reasons: String; var readable: Bool }

    static let fields = ["name", "kind", "uscc", "industry", "region", "size", "source", "status", "expectedAnnualYuan", "phone", "email", "address", "notes", "version", "allowDuplicates"]

    func newForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        return try await formPage(req, customer: nil, values: ["kind": "company", "status": "prospect", "source": "visit", "expectedAnnualYuan": "0"], errors: [], formError: nil)
    }

    func editForm(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.update, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        return try await formPage(req, customer: c, values: Self.values(c), errors: [], formError: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let v = SalesNames.posted(req, Self.fields)
        return try await saveForm(req, customer: nil, values: v) {
            try await CustomerService.create(try Self.input(v), allowDuplicates: v["allowDuplicates"] == "true", req: req)
        }
    }

    func update(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.update, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        let v = SalesNames.posted(req, Self.fields)
        return try await saveForm(req, customer: c, values: v) {
            if let sent = Int(v["version"] ?? ""), sent != c.version { throw Problem.preconditionFailed }
            return try await CustomerService.update(c, try Self.input(v), req: req)
        }
    }

    /// Saves the form; a likely duplicate comes back to the form with the matches listed and a
    /// box to confirm that this is a different customer.
    private struct PossibleDuplicate: Error {}

    private func saveForm(_ req: Request, customer: Customer?, values: [String: String], _ save: () async throws -> Customer) async throws -> Response {
        do {
            return try await req.handleForm({ errors, formError in
                try await formPage(req, customer: customer, values: values, errors: errors, formError: formError, status: .unprocessableEntity)
            }) {
                let saved: Customer
                do { saved = try await save() } catch let p as Problem where p.code == "possible-duplicate" { throw PossibleDuplicate() }
                return req.redirect(to: "/customers/\(saved.id!)", flash: "customerSaved")
            }
        } catch is PossibleDuplicate {
            return try await formPage(req, customer: customer, values: values, errors: [], formError: req.t("possibleDuplicate"), status: .conflict, checkDuplicates: true)
        }
    }

    func delete(req: Request) async throws -> Response {
        let c = try await CustomerService.find(req)
        try req.authorize(.delete, .salesRecord(try await CustomerService.facts(c, on: req.db)))
        do {
            try await CustomerService.delete(c, req: req)
        } catch let p as Problem where p.status == .conflict {
            return req.redirect(to: "/customers/\(c.id!)", flash: p.detail ?? p.title, kind: "error")
        }
        return req.redirect(to: "/customers", flash: "deletedToBin")
    }

    private func formPage(_ req: Request, customer: Customer?, values v: [String: String], errors: [FieldError], formError: String?,
                          status: HTTPStatus = .ok, checkDuplicates: Bool = false) async throws -> Response {
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        func value(_ k: String) -> String { v[k] ?? "" }
        var fields = [
            FormField(name: "name", label: req.t("customerName"), value: value("name"), required: true),
            .select("kind", req.t("customerKind"), value: value("kind"), options: CustomerKind.allCases.map { ($0.rawValue, req.t("kind_" + $0.rawValue)) }, required: true),
            FormField(name: "uscc", label: req.t("uscc"), value: value("uscc"), hint: req.t("usccHint")),
            .select("industry", req.t("industry"), value: value("industry"), options: [("", "—")] + sales.effectiveIndustries.map { ($0.key, $0.name[req.locale]) }),
            FormField(name: "region", label: req.t("region"), value: value("region")),
            .select("size", req.t("customerSize"), value: value("size"), options: [("", "—")] + CustomerSize.allCases.map { ($0.rawValue, req.t("size_" + $0.rawValue)) }),
            .select("source", req.t("sourceChannel"), value: value("source"), options: SourceChannel.allCases.map { ($0.rawValue, req.t("source_" + $0.rawValue)) }, required: true),
            .select("status", req.t("status"), value: value("status"), options: CustomerStatus.allCases.map { ($0.rawValue, req.t("customer_" + $0.rawValue)) }, required: true),
            FormField(name: "expectedAnnualYuan", label: req.t("expectedAnnualYuan"), type: "number", value: value("expectedAnnualYuan"), hint: req.t("expectedAnnualHint")),
            FormField(name: "phone", label: req.t("phone"), type: "tel", value: value("phone")),
            FormField(name: "email", label: req.t("email"), type: "email", value: value("email")),
            FormField(name: "address", label: req.t("address"), value: value("address")),
            FormField(name: "notes", label: req.t("notes"), type: "textarea", value: value("notes")),
            FormField(name: "version", label: "", type: "hidden", value: value("version")),
        ]
        var duplicates: [DuplicateRow] = []
        if checkDuplicates {
            let found = try await CustomerService.duplicates(name: value("name"), uscc: value("uscc").isEmpty ? nil : value("uscc"),
                                                             phone: value("phone").isEmpty ? nil : value("phone"), excluding: customer?.id, on: req.db)
            for (c, reasons) in found.prefix(10) {
                let readable = req.allowed(.read, .salesRecord(try await CustomerService.facts(c, on: req.db)))
                duplicates.append(DuplicateRow(id: c.id!, name: readable ? c.name : req.t("someoneElsesCustomer"),
                                               reasons: reasons.map { req.t("duplicate_" + $0.rawValue) }.joined(separator: ", "), readable: readable))
            }
            fields.append(FormField(name: "allowDuplicates", label: req.t("confirmDifferentCustomer"), type: "checkbox"))
        }
        var form = FormView(id: "customer-form", action: customer.map { "/customers/\($0.id!)" } ?? "/customers", fields: fields,
                            submitLabel: req.t("save"), cancelHref: customer.map { "/customers/\($0.id!)" } ?? "/customers")
        if !errors.isEmpty || formError != nil {
            form.show(errors, locale: req.locale, translations: req.application.translations)
            if let formError { form.formError = errors.isEmpty ? formError : [form.formError, formError].compactMap { $0 }.joined(separator: " ") }
        }
        let heading = customer.map { "\(req.t("edit")): \($0.name)" } ?? req.t("newCustomer")
        return try await req.page("Sales/customer-form", title: heading, section: "customers",
                                  FormContext(form: form, heading: heading, duplicates: duplicates), status: status)
    }

    static func values(_ c: Customer) -> [String: String] {
        ["name": c.name, "kind": c.kind, "uscc": c.uscc ?? "", "industry": c.industry ?? "", "region": c.region, "size": c.size ?? "",
         "source": c.source, "status": c.status, "expectedAnnualYuan": String(c.expectedAnnualYuan), "phone": c.phone ?? "",
         "email": c.email ?? "", "address": c.address, "notes": c.notes, "version": String(c.version)]
    }

    /// A web form sends every field; an empty optional field clears the value.
    static func input(_ v: [String: String]) throws -> CustomerInput {
        var input = CustomerInput()
        input.name = v["name"]; input.kind = v["kind"]; input.region = v["region"]; input.source = v["source"]; input.status = v["status"]
        input.address = v["address"]; input.notes = v["notes"]
        for (key, path) in [("uscc", \CustomerInput.uscc), ("industry", \CustomerInput.industry), ("size", \CustomerInput.size),
                            ("phone", \CustomerInput.phone), ("email", \CustomerInput.email)] {
            let raw = v[key] ?? ""
            input[keyPath: path] = raw.isEmpty ? .null : .value(raw)
        }
        let amount = (v["expectedAnnualYuan"] ?? "").replacingOccurrences(of: ",", with: "")
        if amount.isEmpty { input.expectedAnnualYuan = 0 } else if let n = Int64(amount) { input.expectedAnnualYuan = n } else {
            throw Problem.invalid("expectedAnnualYuan", "wrongType", "Enter whole yuan, like 500000.")
        }
        return input
    }
}
