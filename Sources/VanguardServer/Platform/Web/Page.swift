import Fluent
import Foundation
import Leaf
import Vapor
import VanguardCore

/// What every page's layout needs: who is signed in, the navigation, the form token, the flash.
struct Layout: Encodable {
    struct NavItem: Encodable {
        var href: String
        var label: String
        var active: Bool
    }

    struct SignedIn: Encodable {
        var name: String
        var role: String
        var roleLabel: String
        var isAdmin: Bool
    }

    var locale: String
    var user: SignedIn?
    var csrf: String
    var unread: Int
    var nav: [NavItem]
    var salesMore: [NavItem]
    var salesMoreActive: Bool
    var serviceMore: [NavItem]
    var serviceMoreActive: Bool
    var marketMore: [NavItem]
    var marketMoreActive: Bool
    /// Open risk warnings the person may act on or read (RSK-M2): the badge beside the market menu.
    var openWarnings: Int
    var adminNav: [NavItem]
    var flash: String?
    var flashKind: String?
}

/// A page: the layout, the translated strings and the page's own context.
struct PageView<Body: Encodable>: Encodable {
    var title: String
    var t: [String: String]
    var layout: Layout
    var page: Body
}

struct Flash {
    static let cookie = "vg_flash"
}

extension Request {
    /// Whether the signed-in person may read the service analysis and the feedback digest; the
    /// service group is looked up only for someone whose role alone does not decide it.
    func readsServiceReport() async throws -> Bool {
        guard let actor = currentUser?.actor else { return false }
        if allowed(.read, .serviceReport(serviceGroup: nil)) { return true }
        guard actor.groupId != nil else { return false }
        return allowed(.read, .serviceReport(serviceGroup: try await TicketService.serviceGroup(on: db)))
    }

    /// Renders `Resources/Views/<template>.leaf` inside the layout.
    func page<Body: Encodable>(_ template: String, title: String, section: String, _ body: Body, status: HTTPStatus = .ok) async throws -> Response {
        let locale = self.locale
        let translations = application.translations
        let table = translations.table(locale)
        let user = currentUser
        var unread = 0
        if let user {
            unread = try await AppNotification.query(on: db).filter(\.$userId == user.actor.userId).filter(\.$readAt == nil).count()
        }
        // The menus are shown to a signed-in person only; a public page (the lead form) skips them.
        var nav: [Layout.NavItem] = [], salesMore: [Layout.NavItem] = [], serviceMore: [Layout.NavItem] = [], marketMore: [Layout.NavItem] = []
        if user != nil {
            nav = [
                .init(href: "/org", label: table["navOrg"] ?? "Organisation", active: section == "org"),
                .init(href: "/members", label: table["navMembers"] ?? "Members", active: section == "members"),
                .init(href: "/departments", label: table["navDepartments"] ?? "Departments", active: section == "departments"),
                .init(href: "/my-day", label: table["navMyDay"] ?? "My day", active: section == "my-day"),
                .init(href: "/customers", label: table["navCustomers"] ?? "Customers", active: section == "customers"),
                .init(href: "/pipeline", label: table["navPipeline"] ?? "Pipeline", active: section == "pipeline"),
            ]
            // The rest of the sales chapter sits in one menu, so the bar stays one line on a laptop.
            salesMore = [
                .init(href: "/contacts", label: table["contacts"] ?? "Contacts", active: section == "contacts"),
                .init(href: "/quotes", label: table["navQuotes"] ?? "Quotes", active: section == "quotes"),
                .init(href: "/contracts", label: table["navContracts"] ?? "Contracts", active: section == "contracts"),
                .init(href: "/orders", label: table["navOrders"] ?? "Orders", active: section == "orders"),
                .init(href: "/receivables", label: table["navReceivables"] ?? "Receivables", active: section == "receivables"),
                .init(href: "/targets", label: table["navTargets"] ?? "Targets", active: section == "targets"),
                .init(href: "/reports/sales", label: table["navReports"] ?? "Reports", active: section == "reports"),
                .init(href: "/feedback", label: table["navFeedback"] ?? "Feedback", active: section == "feedback"),
                .init(href: "/products", label: table["navProducts"] ?? "Price list", active: section == "products"),
            ]
            serviceMore = [
                .init(href: "/tickets", label: table["navTickets"] ?? "Tickets", active: section == "tickets"),
                .init(href: "/care", label: table["navCare"] ?? "Care list", active: section == "care"),
            ]
            // Only where the page would open: the others would answer 403 (SVC-5, CP-3).
            if try await readsServiceReport() {
                serviceMore += [
                    .init(href: "/reports/service", label: table["navServiceReport"] ?? "Service report", active: section == "service-report"),
                    .init(href: "/feedback/digest", label: table["navFeedbackDigest"] ?? "Feedback digest", active: section == "feedback-digest"),
                ]
            }
            // The market-promotion chapter, in the policy's loop: research → plan → run → evaluate (MKT-1 … MKT-5, MP-1 … MP-4, RSK-M2).
            marketMore = [
                .init(href: "/market/research", label: table["navResearch"] ?? "Market research", active: section == "research"),
                .init(href: "/market/competitors", label: table["navCompetitors"] ?? "Competitors", active: section == "competitors"),
                .init(href: "/market/campaigns", label: table["navCampaigns"] ?? "Campaigns", active: section == "campaigns"),
                .init(href: "/market/evaluation", label: table["navCampaignEvaluation"] ?? "Campaign evaluation", active: section == "campaign-evaluation"),
                .init(href: "/market/content", label: table["navContent"] ?? "Content calendar", active: section == "content"),
                .init(href: "/market/channels", label: table["navChannels"] ?? "Channel accounts", active: section == "channels"),
                .init(href: "/market/partners", label: table["navPartners"] ?? "Partners", active: section == "partners"),
                .init(href: "/warnings", label: table["navWarnings"] ?? "Risk warnings", active: section == "warnings"),
            ]
        }
        let openWarnings = try await WarningService.openCount(self)
        var adminNav: [Layout.NavItem] = []
        if let user, user.actor.role == .admin {
            adminNav = [
                .init(href: "/admin/users", label: table["navUsers"] ?? "Users", active: section == "users"),
                .init(href: "/admin/policy", label: table["navPolicy"] ?? "Policy", active: section == "policy"),
                .init(href: "/admin/webhooks", label: table["navWebhooks"] ?? "Webhooks", active: section == "webhooks"),
            ]
        }
        if let user, [.admin, .lead, .executive].contains(user.actor.role) {
            adminNav.append(.init(href: "/admin/audit", label: table["navAudit"] ?? "History", active: section == "audit"))
            adminNav.append(.init(href: "/admin/recycle-bin", label: table["navRecycle"] ?? "Recycle bin", active: section == "recycle"))
        }
        let flashRaw = cookies[Flash.cookie]?.string
        let flashParts = flashRaw?.removingPercentEncoding?.split(separator: "|", maxSplits: 1).map(String.init)
        let layout = Layout(
            locale: locale.rawValue,
            user: user.map { .init(name: $0.user.displayName, role: $0.actor.role.rawValue,
                                   roleLabel: table[Request.roleKey($0.actor.role)] ?? $0.actor.role.rawValue,
                                   isAdmin: $0.actor.role == .admin) },
            csrf: csrfToken(), unread: unread, nav: nav, salesMore: salesMore, salesMoreActive: salesMore.contains(where: \.active),
            serviceMore: serviceMore, serviceMoreActive: serviceMore.contains(where: \.active),
            marketMore: marketMore, marketMoreActive: marketMore.contains(where: \.active), openWarnings: openWarnings, adminNav: adminNav,
            flash: flashParts.flatMap { $0.count == 2 ? (table[$0[1]] ?? $0[1]) : nil },
            flashKind: flashParts.flatMap { $0.count == 2 ? $0[0] : nil })
        let view = PageView(title: table[title] ?? title, t: translations.table(locale, template: template), layout: layout, page: body)
        // Through the request's Leaf renderer: `req.view` in the development environment turns the
        // shared template cache off for every page.
        let rendered = try await self.leaf.render(template, view).get()
        let response = try await rendered.encodeResponse(status: status, for: self)
        if flashRaw != nil { response.cookies[Flash.cookie] = .expired }
        if let pending = storage[PendingCSRFKey.self] {
            response.cookies[CSRFMiddleware.cookieName] = cookie(pending, maxAge: nil)
        }
        return response
    }

    /// A redirect after a successful form, with a message shown on the next page.
    func redirect(to path: String, flash key: String, kind: String = "success") -> Response {
        let response = redirect(to: path, redirectType: .normal)
        let value = "\(kind)|\(key)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        response.cookies[Flash.cookie] = cookie(value, maxAge: 60)
        return response
    }

    static func roleKey(_ role: Role) -> String {
        "role" + role.rawValue.prefix(1).uppercased() + role.rawValue.dropFirst()
    }

    func cookie(_ value: String, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: application.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
}
