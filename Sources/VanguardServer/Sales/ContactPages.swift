import Fluent
import Vapor
import VanguardCore

/// `/contacts`: every contact the reader may see, newest first or in pinyin order of name,
/// searched by a fragment of name, title, e-mail or WeChat, or by four digits or more of a mobile;
/// each links to its customer, where contacts are added and changed (SP-1). It opens newest
/// first: the whole team's contacts by name are read and sorted in full (`AddContactNameOrder`).
struct ContactPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("contacts")
        c.get(use: list)
        c.get("export", use: { try await SalesExport.contactsList(req: $0, strict: false) })
    }

    struct Row: Content {
        var name: String
        var isPrimary: Bool
        var customerId: UUID
        var customer: String
        var title: String
        var mobile: String
        var email: String
        var wechat: String
        var birthday: String
        var addedOn: String
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var nameSort: MemberPages.SortLink
        var addedSort: MemberPages.SortLink
        var nextHref: String?
        var firstHref: String?
        var exportHref: String
        var exportXlsxHref: String
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ContactList.sortable, defaultSort: "-createdAt")
        let rows = try await ContactList.query(req, scope: AccessPolicy.salesScope(user.actor), list: list)
        let customers = try await ContactList.customerNames(rows, on: req.db)
        let page = list.page(rows, value: { ContactList.sortValue($0, list.sortField) }, id: { $0.id }, map: { c in
            Row(name: c.name, isPrimary: c.isPrimary, customerId: c.$customer.id, customer: customers[c.$customer.id] ?? "—", title: c.title,
                mobile: c.mobile ?? "", email: c.email ?? "", wechat: c.wechat ?? "", birthday: Self.birthday(c, req),
                addedOn: c.createdAt.map { CivilDate.on($0).description } ?? "")
        })
        let q = req.queryString("q") ?? ""
        func href(_ extra: [String: String]) -> String {
            SalesNames.href("/contacts", ["q": q, "sort": (list.descending ? "-" : "") + list.sortField].merging(extra) { $1 })
        }
        // Name sorts A→Z first; when added, newest first.
        let sortLinks = [("name", "contactName", false), ("createdAt", "addedOn", true)].map { field, key, newestFirst in
            let active = list.sortField == field
            let descending = active ? !list.descending : newestFirst
            return MemberPages.SortLink(label: req.t(key), href: href(["sort": (descending ? "-" : "") + field, "cursor": ""]),
                                        state: active ? (list.descending ? "desc" : "asc") : "")
        }
        let context = ListContext(rows: page.items, q: q, nameSort: sortLinks[0], addedSort: sortLinks[1], nextHref: page.nextCursor.map { href(["cursor": $0]) },
                                  firstHref: list.after == nil ? nil : href(["cursor": ""]),
                                  exportHref: SalesNames.href("/contacts/export", ["q": q]),
                                  exportXlsxHref: SalesNames.href("/contacts/export", ["q": q, "format": "xlsx"]))
        return try await req.page("Sales/contacts", title: "contacts", section: "contacts", context)
    }

    /// yyyy-MM-dd, marked when the month and day are lunar.
    static func birthday(_ c: Contact, _ req: Request) -> String {
        c.birthday.map { c.birthdayCalendar == "lunar" ? "\($0) (\(req.t("lunar")))" : $0 } ?? ""
    }
}
