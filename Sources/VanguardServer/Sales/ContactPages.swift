import Fluent
import Vapor
import VanguardCore

/// `/contacts`: every contact the reader may see, in pinyin order of name, searched by a fragment
/// of name, title, e-mail or WeChat, or by four digits or more of a mobile; each links to its
/// customer, where contacts are added and changed (SP-1).
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
    }

    struct ListContext: Encodable {
        var rows: [Row]
        var q: String
        var sortLinks: [MemberPages.SortLink]
        var nextHref: String?
        var firstHref: String?
        var exportHref: String
        var exportXlsxHref: String
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["name"], defaultSort: "name")
        let rows = try await ContactList.query(req, scope: AccessPolicy.salesScope(user.actor), list: list)
        let customers = try await ContactList.customerNames(rows, on: req.db)
        let page = list.page(rows, value: \.nameOrder, id: { $0.id }, map: { c in
            Row(name: c.name, isPrimary: c.isPrimary, customerId: c.$customer.id, customer: customers[c.$customer.id] ?? "—", title: c.title,
                mobile: c.mobile ?? "", email: c.email ?? "", wechat: c.wechat ?? "", birthday: Self.birthday(c, req))
        })
        let q = req.queryString("q") ?? ""
        func href(_ extra: [String: String]) -> String {
            SalesNames.href("/contacts", ["q": q, "sort": (list.descending ? "-" : "") + list.sortField].merging(extra) { $1 })
        }
        let sortLinks = [MemberPages.SortLink(label: req.t("contactName"), href: href(["sort": list.descending ? "name" : "-name", "cursor": ""]),
                                              state: list.descending ? "desc" : "asc")]
        let context = ListContext(rows: page.items, q: q, sortLinks: sortLinks, nextHref: page.nextCursor.map { href(["cursor": $0]) },
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
