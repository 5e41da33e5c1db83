import Fluent
import SQLKit
import Vapor
import VanguardCore

/// A contact as the API shows it.
struct ContactDTO: Content, Equatable {
    var id: UUID
    var customerId: UUID
    var name: String
    var title: String
    var mobile: String?
    var email: String?
    var wechat: String?
    var birthday: String?
    var birthdayCalendar: String
    var isPrimary: Bool
    var notes: String
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?

    init(_ c: Contact) {
        id = c.id!; customerId = c.$customer.id; name = c.name; title = c.title; mobile = c.mobile; email = c.email
        wechat = c.wechat; birthday = c.birthday; birthdayCalendar = c.birthdayCalendar; isPrimary = c.isPrimary
        notes = c.notes; version = c.version; createdAt = c.createdAt; updatedAt = c.updatedAt
    }
}

struct ContactInput: Content {
    var customerId: UUID?
    var name: String?
    var title: String?
    var mobile: Patch<String> = .absent
    var email: Patch<String> = .absent
    var wechat: Patch<String> = .absent
    var birthday: Patch<String> = .absent
    var birthdayCalendar: String?
    var isPrimary: Bool?
    var notes: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case customerId, name, title, mobile, email, wechat, birthday, birthdayCalendar, isPrimary, notes
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decodeIfPresentNonNull(UUID.self, forKey: .customerId)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        title = try c.decodeIfPresentNonNull(String.self, forKey: .title)
        mobile = try c.decodePatch(String.self, forKey: .mobile)
        email = try c.decodePatch(String.self, forKey: .email)
        wechat = try c.decodePatch(String.self, forKey: .wechat)
        birthday = try c.decodePatch(String.self, forKey: .birthday)
        birthdayCalendar = try c.decodeIfPresentNonNull(String.self, forKey: .birthdayCalendar)
        isPrimary = try c.decodeIfPresentNonNull(Bool.self, forKey: .isPrimary)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    func validate(creating: Bool) -> FieldErrors {
        var e = FieldErrors()
        if creating {
            if customerId == nil { e.add("customerId", "required", "This field is required.") }
            e.check("name", Validators.required(name, field: "name"))
        } else if name != nil {
            e.check("name", Validators.required(name, field: "name"))
        }
        e.check("name", Validators.maxLength(name, 100, field: "name"))
        e.check("title", Validators.maxLength(title, 100, field: "title"))
        e.check("notes", Validators.maxLength(notes, 2000, field: "notes"))
        // An empty text is not a value: clearing a field is `null`.
        if case .value(let v) = mobile { e.check("mobile", Validators.prcMobile(v)) }
        if case .value(let v) = email { e.check("email", Validators.email(v)) }
        if case .value(let v) = wechat { e.check("wechat", Validators.maxLength(v, 64, field: "wechat")) }
        if case .value(let v) = birthday, CivilDate(v) == nil { e.add("birthday", "invalidDate", "Use a real date as yyyy-MM-dd.") }
        e.choice("birthdayCalendar", birthdayCalendar, BirthdayCalendar.allCases.map(\.rawValue))
        return e
    }
}

/// Contacts belong to a customer: whoever may read the customer reads them, whoever may change
/// the customer changes them.
enum ContactService {
    static func facts(_ c: Contact, on db: any Database) async throws -> SalesFacts {
        guard let customer = try await Customer.query(on: db).withDeleted().filter(\.$id == c.$customer.id).first() else {
            return SalesFacts(owner: nil, group: nil)
        }
        return try await CustomerService.facts(customer, on: db)
    }

    static func find(_ req: Request) async throws -> Contact {
        guard let c = try await Contact.find(try req.uuid("id", "contact"), on: req.db) else { throw Problem.notFound("contact") }
        return c
    }

    static func save(_ contact: Contact, _ input: ContactInput, creating: Bool, req: Request) async throws -> Contact {
        try input.validate(creating: creating).throwIfAny()
        if !creating { try ETag.check(req, version: contact.version) }
        let before = creating ? nil : ContactDTO(contact)
        if let v = input.customerId, creating { contact.$customer.id = v }
        if let v = input.name { contact.name = v.trimmingCharacters(in: .whitespaces) }
        if let v = input.title { contact.title = v.trimmingCharacters(in: .whitespaces) }
        if input.mobile.given {
            contact.mobile = input.mobile.applied(to: contact.mobile).flatMap { $0.isEmpty ? nil : $0 }
            contact.phoneKey = contact.mobile.map(DuplicateCustomers.phoneKey)
        }
        if input.email.given { contact.email = input.email.applied(to: contact.email).flatMap { $0.isEmpty ? nil : $0.lowercased() } }
        if input.wechat.given { contact.wechat = input.wechat.applied(to: contact.wechat).flatMap { $0.isEmpty ? nil : $0 } }
        if input.birthday.given { contact.birthday = input.birthday.applied(to: contact.birthday).flatMap { $0.isEmpty ? nil : $0 } }
        if let v = input.birthdayCalendar { contact.birthdayCalendar = v }
        if let v = input.isPrimary { contact.isPrimary = v }
        if let v = input.notes { contact.notes = v }
        return try await req.db.writeTransaction { db in
            if creating {
                guard try await Customer.find(contact.$customer.id, on: db) != nil else {
                    throw Problem.invalid("customerId", "unknownCustomer", "No customer with this id.")
                }
            } else {
                try await db.requireVersion(Contact.schema, id: contact.id, contact.version)
                guard contact.hasChanges else { return contact }
                contact.version += 1
            }
            if contact.isPrimary {
                // One primary contact per customer: choosing a new one demotes the old.
                var others = Contact.query(on: db).filter(\.$customer.$id == contact.$customer.id).filter(\.$isPrimary == true)
                if let id = contact.id { others = others.filter(\.$id != id) }
                try await others.set(\.$isPrimary, to: false).update()
            }
            try await contact.save(on: db)
            // The customer search finds customers by their contacts' phones (`CustomerSearch.document`).
            if input.mobile.given { try await CustomerSearch.refresh(contact.$customer.id, on: db) }
            try await Audit.record(creating ? .create : .update, "contact", id: contact.id, label: contact.name,
                                   before: before, after: ContactDTO(contact), request: req, on: db)
            return contact
        }
    }

    static func delete(_ contact: Contact, req: Request) async throws {
        try ETag.check(req, version: contact.version)
        try await req.db.writeTransaction { db in
            try await db.requireVersion(Contact.schema, id: contact.id, contact.version)
            let before = ContactDTO(contact)
            try await contact.delete(on: db)
            try await Audit.record(.delete, "contact", id: contact.id, label: contact.name, before: before, after: Optional<ContactDTO>.none, request: req, on: db)
        }
    }

    static func new() -> Contact {
        let c = Contact()
        c.version = 1
        c.title = ""
        c.birthdayCalendar = BirthdayCalendar.gregorian.rawValue
        c.isPrimary = false
        c.notes = ""
        return c
    }
}

/// `/api/v1/contacts`: people at customers.
struct ContactsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let contacts = routes.grouped("contacts")
        contacts.get(use: list)
        contacts.get("export", use: { try await SalesExport.contactsList(req: $0, strict: true) })
        contacts.post(use: create)
        contacts.get(":id", use: show)
        contacts.patch(":id", use: update)
        contacts.delete(":id", use: delete)
    }

    func list(req: Request) async throws -> PageOf<ContactDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ContactList.sortable, defaultSort: ContactList.defaultSort(req))
        let rows = try await ContactList.query(req, scope: AccessPolicy.salesScope(user.actor), list: list)
        return list.page(rows, value: { ContactList.sortValue($0, list.sortField) }, id: { $0.id }, map: ContactDTO.init)
    }

    func create(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ContactInput.self)
        if let customerId = input.customerId, let customer = try await Customer.find(customerId, on: req.db) {
            try req.authorize(.update, .salesRecord(try await CustomerService.facts(customer, on: req.db)))
        } else {
            _ = try req.requireUser()
        }
        let c = try await ContactService.save(ContactService.new(), input, creating: true, req: req)
        return try ContactDTO(c).created(at: "/api/v1/contacts/\(c.id!)", version: c.version)
    }

    func show(req: Request) async throws -> Response {
        let c = try await ContactService.find(req)
        try req.authorize(.read, .salesRecord(try await ContactService.facts(c, on: req.db)))
        return try ContactDTO(c).response(version: c.version)
    }

    func update(req: Request) async throws -> Response {
        let c = try await ContactService.find(req)
        try req.authorize(.update, .salesRecord(try await ContactService.facts(c, on: req.db)))
        let input = try req.decodeJSON(ContactInput.self)
        if input.customerId != nil, input.customerId != c.$customer.id {
            throw Problem.invalid("customerId", "readOnly", "A contact stays with its customer; merge the customers instead.")
        }
        let saved = try await ContactService.save(c, input, creating: false, req: req)
        return try ContactDTO(saved).response(version: saved.version)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let c = try await ContactService.find(req)
        try req.authorize(.update, .salesRecord(try await ContactService.facts(c, on: req.db)))
        try await ContactService.delete(c, req: req)
        return .noContent
    }
}

/// The contacts list's query, shared by the API, the page and the export: one customer's or every
/// contact in the reader's scope, searched by a fragment of name, title, e-mail, WeChat or mobile;
/// in pinyin order of name, or by when they were added.
enum ContactList {
    static let sortable = ["name", "createdAt"]

    /// One customer's contacts by name; everyone's newest first, as the page opens: by name, the
    /// whole team's list sorts every contact in scope (160–190 ms a page at 1.4 M contacts, 1.2 s
    /// under 16 connections; `AddContactNameOrder`), newest first reads the primary key (5 ms).
    static func defaultSort(_ req: Request) -> String {
        req.queryString("customerId") == nil ? "-createdAt" : "name"
    }

    static func query(_ req: Request, scope: RecordScope, list: ListRequest) async throws -> [Contact] {
        let q = try filtered(req, scope: scope)
        if list.sortField == "createdAt" {
            // By id: ids are time-ordered (`UUID.timeOrdered`, to the millisecond), so the primary
            // key lists contacts as they were added, with no index of its own for imports to keep,
            // and the cursor is the id itself (times come back rounded: `ListRequest.applyByTime`).
            return try await list.apply(to: q, column: "id", bind: { .bind(UUID(uuidString: $0) ?? UUID()) }).all()
        }
        return try await list.apply(to: q, column: "name_order").all()
    }

    static func sortValue(_ c: Contact, _ field: String) -> String {
        field == "createdAt" ? c.id!.uuidString : c.nameOrder
    }

    static func filtered(_ req: Request, scope: RecordScope, on db: (any Database)? = nil) throws -> QueryBuilder<Contact> {
        let q = Contact.query(on: db ?? req.db)
        if let customerId = try req.queryUUID("customerId") { q.filter(\.$customer.$id == customerId) }
        q.customerInSalesScope(scope)
        guard let text = try req.queryText("q") else { return q }
        let dialect = (req.db as? any SQLDatabase)?.dialect.name ?? "sqlite"
        if let digits = CustomerList.phoneDigits(text), let condition = phoneCondition(digits, dialect: dialect) {
            return q.filter(.sql(condition))
        }
        // A mobile holds digits and + - ( ) only: a text without a digit is not looked for there.
        return q.search(text, in: ["name", "title", "email", "wechat"] + (text.contains(where: \.isNumber) ? ["mobile"] : []))
    }

    /// Contacts whose mobile holds `digits` (four or more): found through their customers, whose
    /// search text holds every contact's four-digit groups (`CustomerSearch.document`), not by
    /// reading every contact's number. PostgreSQL gets the customers as an array first
    /// (`= ANY(ARRAY(…))`), so its planner cannot start from the contacts instead.
    static func phoneCondition(_ digits: String, dialect: String) -> SQLQueryString? {
        guard let pattern = likePattern(digits), let indexed = CustomerSearch.digitsCondition(digits, dialect: dialect) else { return nil }
        let (open, close) = dialect == "postgresql" ? (" = ANY(ARRAY(", "))") : (" IN (", ")")
        return SQLQueryString("\(ident: Contact.schema).customer_id\(unsafeRaw: open)SELECT \(ident: Customer.schema).id FROM \(ident: Customer.schema) WHERE ")
            + indexed + SQLQueryString("\(unsafeRaw: close) AND \(ident: Contact.schema).phone_key LIKE \(bind: pattern) ESCAPE '\\'")
    }

    /// The customers' names of `contacts`, deleted ones too.
    static func customerNames(_ contacts: [Contact], on db: any Database) async throws -> [UUID: String] {
        try await SalesNames.customers(Set(contacts.map(\.$customer.id)), on: db)
    }
}
