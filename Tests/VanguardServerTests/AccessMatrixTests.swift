import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Every role against every route (platform issue, item 4). A route the table does not list
/// fails the test, so a new route cannot ship without its access rule being stated here.
@Suite("Access matrix: every role × every route")
struct AccessMatrixTests {
    struct Row {
        var method: HTTPMethod
        /// With placeholders: {member} (the sales rep), {spare} (a member nobody reports to),
        /// {deleted} (a deleted member), {group}, {emptyGroup}, {deletedGroup}, {department},
        /// {deletedDepartment}, {user} (an account no role uses), {token} (the caller's spare
        /// token), {notification} (the caller's), {webhook}.
        var path: String
        var allowed: Set<Role>
        var body: JSONBody? = nil
        var web: Bool = false
    }

    static let everyone = Set(Role.allCases)
    static let people: Set<Role> = [.admin, .lead, .hr]
    static let leaders: Set<Role> = [.admin, .lead]
    /// Who sells: owners of customers and deals, their group lead, the lead and admins.
    static let sellers: Set<Role> = [.admin, .lead, .groupLead, .member]
    /// Who reads the sales rep's records: the sellers, and finance and executives (read only).
    static let salesReaders: Set<Role> = sellers.union([.finance, .executive])
    /// Who reads a ticket about the sales rep's customer: the service group (not in this table's
    /// roles), the seller and their group lead, the lead, admins and executives.
    static let serviceReaders: Set<Role> = [.admin, .lead, .executive, .groupLead, .member]

    static let api: [Row] = [
        Row(method: .GET, path: "/api/v1/me", allowed: everyone),
        Row(method: .GET, path: "/api/v1/auth/tokens", allowed: everyone),
        Row(method: .POST, path: "/api/v1/auth/password", allowed: everyone, body: JSONBody(["currentPassword": "x", "newPassword": "y"])),
        Row(method: .GET, path: "/api/v1/members", allowed: everyone),
        Row(method: .POST, path: "/api/v1/members", allowed: people,
            body: JSONBody(["employeeNo": "X900", "name": "新人", "email": "x900@team.test", "position": "专员", "grade": "P1", "hireDate": "2025-01-01"])),
        Row(method: .GET, path: "/api/v1/members/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/members/import", allowed: people, body: JSONBody([:])),
        Row(method: .GET, path: "/api/v1/members/{member}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/members/{member}", allowed: people.union([.groupLead]), body: JSONBody(["grade": "P3"])),
        Row(method: .GET, path: "/api/v1/members/{member}/history", allowed: everyone),
        Row(method: .POST, path: "/api/v1/members/{deleted}/restore", allowed: people),
        Row(method: .DELETE, path: "/api/v1/members/{spare}", allowed: people),
        Row(method: .GET, path: "/api/v1/groups", allowed: everyone),
        Row(method: .POST, path: "/api/v1/groups", allowed: leaders, body: JSONBody(["key": "matrix", "nameZh": "矩阵组", "nameEn": "Matrix"])),
        Row(method: .GET, path: "/api/v1/groups/{group}", allowed: everyone),
        Row(method: .GET, path: "/api/v1/groups/{group}/history", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/groups/{group}", allowed: leaders, body: JSONBody(["missionEn": "Sell more."])),
        Row(method: .POST, path: "/api/v1/groups/{deletedGroup}/restore", allowed: leaders),
        Row(method: .DELETE, path: "/api/v1/groups/{emptyGroup}", allowed: leaders),
        Row(method: .GET, path: "/api/v1/departments", allowed: everyone),
        Row(method: .POST, path: "/api/v1/departments", allowed: leaders, body: JSONBody(["code": "pr", "nameZh": "公关部", "nameEn": "PR"])),
        Row(method: .GET, path: "/api/v1/departments/{department}", allowed: everyone),
        Row(method: .GET, path: "/api/v1/departments/{department}/history", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/departments/{department}", allowed: leaders, body: JSONBody(["contactName": "王经理"])),
        Row(method: .POST, path: "/api/v1/departments/{deletedDepartment}/restore", allowed: leaders),
        Row(method: .DELETE, path: "/api/v1/departments/{spareDepartment}", allowed: leaders),
        Row(method: .GET, path: "/api/v1/users", allowed: [.admin]),
        Row(method: .POST, path: "/api/v1/users", allowed: [.admin],
            body: JSONBody(["email": "new.user@team.test", "displayName": "New", "role": "member", "password": "New#User2026"])),
        Row(method: .GET, path: "/api/v1/users/{user}", allowed: [.admin]),
        Row(method: .GET, path: "/api/v1/users/{user}/history", allowed: [.admin]),
        Row(method: .PATCH, path: "/api/v1/users/{user}", allowed: [.admin], body: JSONBody(["displayName": "Renamed"])),
        Row(method: .DELETE, path: "/api/v1/users/{user}", allowed: [.admin]),
        Row(method: .POST, path: "/api/v1/users/{user}/restore", allowed: [.admin]),
        Row(method: .GET, path: "/api/v1/audit-events", allowed: [.admin, .lead, .executive]),
        Row(method: .GET, path: "/api/v1/notifications", allowed: everyone),
        Row(method: .GET, path: "/api/v1/notifications/unread-count", allowed: everyone),
        Row(method: .POST, path: "/api/v1/notifications/{notification}/read", allowed: everyone),
        Row(method: .POST, path: "/api/v1/notifications/read-all", allowed: everyone),
        Row(method: .GET, path: "/api/v1/webhooks", allowed: [.admin]),
        Row(method: .POST, path: "/api/v1/webhooks", allowed: [.admin], body: JSONBody(["name": "Team chat", "kind": "wecom", "url": "https://qyapi.example/hook"])),
        Row(method: .GET, path: "/api/v1/webhooks/{webhook}", allowed: [.admin]),
        Row(method: .PATCH, path: "/api/v1/webhooks/{webhook}", allowed: [.admin], body: JSONBody(["active": false])),
        Row(method: .DELETE, path: "/api/v1/webhooks/{webhook}", allowed: [.admin]),
        Row(method: .GET, path: "/api/v1/policy", allowed: everyone),
        Row(method: .PUT, path: "/api/v1/policy", allowed: [.admin], body: JSONBody(["yaml": "not: [valid"])),
        Row(method: .DELETE, path: "/api/v1/auth/tokens/{token}", allowed: everyone),
        Row(method: .GET, path: "/api/v1/customers", allowed: everyone),
        Row(method: .GET, path: "/api/v1/customers/duplicates", allowed: everyone),
        Row(method: .GET, path: "/api/v1/customers/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/customers/import", allowed: sellers, body: JSONBody([:])),
        Row(method: .GET, path: "/api/v1/opportunities/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/customers", allowed: sellers, body: JSONBody(["name": "矩阵客户", "source": "visit"])),
        Row(method: .GET, path: "/api/v1/customers/{customer}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/customers/{customer}", allowed: sellers, body: JSONBody(["region": "上海"])),
        Row(method: .GET, path: "/api/v1/customers/{customer}/history", allowed: salesReaders),
        Row(method: .DELETE, path: "/api/v1/customers/{spareCustomer}", allowed: sellers),
        Row(method: .POST, path: "/api/v1/customers/{deletedCustomer}/restore", allowed: sellers),
        Row(method: .POST, path: "/api/v1/customers/{customer}/merge", allowed: sellers, body: JSONBody(["duplicateId": "{twinCustomer}"])),
        Row(method: .GET, path: "/api/v1/contacts", allowed: everyone),
        Row(method: .GET, path: "/api/v1/contacts/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/contacts", allowed: sellers, body: JSONBody(["customerId": "{customer}", "name": "王经理"])),
        Row(method: .GET, path: "/api/v1/contacts/{contact}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/contacts/{contact}", allowed: sellers, body: JSONBody(["title": "采购"])),
        Row(method: .DELETE, path: "/api/v1/contacts/{spareContact}", allowed: sellers),
        Row(method: .GET, path: "/api/v1/activities", allowed: everyone),
        Row(method: .GET, path: "/api/v1/activities/my-day", allowed: everyone),
        Row(method: .POST, path: "/api/v1/activities", allowed: sellers,
            body: JSONBody(["customerId": "{customer}", "kind": "call", "occurredOn": "2026-09-20", "summary": "电话"])),
        Row(method: .GET, path: "/api/v1/activities/{activity}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/activities/{activity}", allowed: sellers, body: JSONBody(["nextStep": "回访"])),
        Row(method: .DELETE, path: "/api/v1/activities/{spareActivity}", allowed: sellers),
        Row(method: .GET, path: "/api/v1/opportunities", allowed: everyone),
        Row(method: .GET, path: "/api/v1/opportunities/board", allowed: everyone),
        Row(method: .POST, path: "/api/v1/opportunities", allowed: sellers, body: JSONBody(["customerId": "{customer}", "title": "矩阵商机", "amount": 1000])),
        Row(method: .GET, path: "/api/v1/opportunities/{deal}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/opportunities/{deal}", allowed: sellers, body: JSONBody(["amount": 2000])),
        Row(method: .GET, path: "/api/v1/opportunities/{deal}/history", allowed: salesReaders),
        Row(method: .DELETE, path: "/api/v1/opportunities/{spareDeal}", allowed: sellers),
        Row(method: .GET, path: "/api/v1/products", allowed: everyone),
        Row(method: .GET, path: "/api/v1/products/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/products", allowed: leaders, body: JSONBody(["code": "M-1", "name": "矩阵产品", "unit": "件", "listPrice": 10])),
        Row(method: .GET, path: "/api/v1/products/{product}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/products/{product}", allowed: leaders, body: JSONBody(["listPrice": 12])),
        Row(method: .GET, path: "/api/v1/products/{product}/history", allowed: everyone),
        Row(method: .DELETE, path: "/api/v1/products/{spareProduct}", allowed: leaders),
        Row(method: .POST, path: "/api/v1/products/{deletedProduct}/restore", allowed: leaders),
        Row(method: .GET, path: "/api/v1/quotes", allowed: everyone),
        Row(method: .GET, path: "/api/v1/quotes/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/quotes", allowed: sellers, body: JSONBody(["opportunityId": "{deal}", "validUntil": "2026-12-31", "lines": "x"])),
        Row(method: .GET, path: "/api/v1/quotes/{quote}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/quotes/{quote}", allowed: sellers, body: JSONBody(["notes": "矩阵"])),
        Row(method: .GET, path: "/api/v1/quotes/{quote}/history", allowed: salesReaders),
        Row(method: .DELETE, path: "/api/v1/quotes/{spareQuote}", allowed: sellers),
        Row(method: .GET, path: "/api/v1/contracts", allowed: everyone),
        Row(method: .GET, path: "/api/v1/contracts/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/contracts", allowed: sellers, body: JSONBody(["quoteId": "{quote}"])),
        Row(method: .GET, path: "/api/v1/contracts/{contract}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/contracts/{contract}", allowed: sellers, body: JSONBody(["paymentTerms": "月结30天"])),
        Row(method: .PUT, path: "/api/v1/contracts/{contract}/review", allowed: sellers, body: JSONBody(["marks": "x"])),
        Row(method: .POST, path: "/api/v1/contracts/{contract}/approvals", allowed: [.admin, .lead, .groupLead]),
        Row(method: .PUT, path: "/api/v1/contracts/{contract}/signed-file", allowed: sellers, body: JSONBody(["not": "a file"])),
        Row(method: .GET, path: "/api/v1/contracts/{contract}/signed-file", allowed: salesReaders),
        Row(method: .GET, path: "/api/v1/contracts/{contract}/history", allowed: salesReaders),
        Row(method: .GET, path: "/api/v1/orders", allowed: everyone),
        Row(method: .GET, path: "/api/v1/orders/export", allowed: everyone),
        Row(method: .GET, path: "/api/v1/activities/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/orders", allowed: sellers, body: JSONBody(["contractId": "{contract}", "plannedDelivery": "2026-10-01"])),
        Row(method: .GET, path: "/api/v1/orders/{order}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/orders/{order}", allowed: sellers, body: JSONBody(["notes": "矩阵"])),
        Row(method: .GET, path: "/api/v1/orders/{order}/history", allowed: salesReaders),
        Row(method: .POST, path: "/api/v1/orders/{order}/after-sales", allowed: salesReaders, body: JSONBody(["description": "异响"])),
        Row(method: .GET, path: "/api/v1/invoices", allowed: everyone),
        Row(method: .POST, path: "/api/v1/invoices", allowed: [.admin, .lead, .finance],
            body: JSONBody(["customerId": "{customer}", "amount": 100, "issuedOn": "2026-09-01", "dueOn": "2026-10-01"])),
        Row(method: .GET, path: "/api/v1/invoices/export", allowed: everyone),
        Row(method: .GET, path: "/api/v1/payments", allowed: everyone),
        Row(method: .GET, path: "/api/v1/payments/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/payments", allowed: [.admin, .lead, .finance], body: JSONBody(["customerId": "{customer}", "amount": 100, "receivedOn": "2026-09-01"])),
        Row(method: .GET, path: "/api/v1/credit-assessments", allowed: everyone),
        Row(method: .POST, path: "/api/v1/credit-assessments", allowed: [.admin, .lead, .finance],
            body: JSONBody(["customerId": "{customer}", "yearsInBusiness": 5, "registeredCapital": 1000000, "industryRisk": "low"])),
        Row(method: .GET, path: "/api/v1/receivables/ageing", allowed: everyone),
        Row(method: .GET, path: "/api/v1/receivables/ageing/export", allowed: everyone),
        Row(method: .GET, path: "/api/v1/targets", allowed: everyone),
        Row(method: .GET, path: "/api/v1/targets/{period}", allowed: everyone),
        Row(method: .GET, path: "/api/v1/targets/{period}/export", allowed: everyone),
        Row(method: .PUT, path: "/api/v1/targets/{period}", allowed: leaders, body: JSONBody(["team": 0])),
        Row(method: .POST, path: "/api/v1/targets/{period}/forecast-commits", allowed: leaders),
        Row(method: .GET, path: "/api/v1/reports/sales", allowed: everyone),
        Row(method: .GET, path: "/api/v1/feedback", allowed: everyone),
        Row(method: .GET, path: "/api/v1/feedback/export", allowed: everyone),
        Row(method: .POST, path: "/api/v1/feedback", allowed: sellers, body: JSONBody(["summary": "矩阵反馈", "category": "product"])),
        Row(method: .GET, path: "/api/v1/feedback/{feedback}", allowed: salesReaders),
        Row(method: .PATCH, path: "/api/v1/feedback/{feedback}", allowed: sellers, body: JSONBody(["detail": "更多"])),
        Row(method: .GET, path: "/api/v1/feedback/{feedback}/history", allowed: salesReaders),
        Row(method: .GET, path: "/api/v1/tickets", allowed: everyone),
        Row(method: .POST, path: "/api/v1/tickets", allowed: sellers,
            body: JSONBody(["type": "inquiry", "subject": "矩阵咨询", "customerId": "{customer}"])),
        Row(method: .GET, path: "/api/v1/tickets/{ticket}", allowed: serviceReaders),
        Row(method: .PATCH, path: "/api/v1/tickets/{ticket}", allowed: leaders, body: JSONBody(["subject": "矩阵工单"])),
        Row(method: .GET, path: "/api/v1/tickets/{ticket}/history", allowed: serviceReaders),
        Row(method: .GET, path: "/api/v1/tickets/{ticket}/updates", allowed: serviceReaders),
        Row(method: .POST, path: "/api/v1/tickets/{ticket}/updates", allowed: leaders, body: JSONBody(["body": "矩阵备注"])),
        Row(method: .POST, path: "/api/v1/tickets/{ticket}/department-tasks", allowed: leaders,
            body: JSONBody(["departmentId": "{department}", "request": "矩阵", "dueOn": "2026-10-10"])),
        Row(method: .POST, path: "/api/v1/tickets/{ticket}/handoffs", allowed: leaders, body: JSONBody(["kind": "upsell", "note": "矩阵"])),
        Row(method: .GET, path: "/api/v1/tickets/{ticket}/attachments", allowed: serviceReaders),
        Row(method: .POST, path: "/api/v1/tickets/{ticket}/attachments", allowed: leaders, body: JSONBody(["not": "a file"])),
        Row(method: .GET, path: "/api/v1/tickets/{ticket}/attachments/{ticketAttachment}", allowed: serviceReaders),
        Row(method: .DELETE, path: "/api/v1/tickets/{ticket}/attachments/{spareTicketAttachment}", allowed: leaders),
        Row(method: .GET, path: "/api/v1/department-tasks", allowed: [.admin, .lead, .executive]),
        Row(method: .PATCH, path: "/api/v1/department-tasks/{departmentTask}", allowed: leaders, body: JSONBody(["holder": "矩阵"])),
        Row(method: .GET, path: "/api/v1/care-tasks", allowed: everyone),
        Row(method: .GET, path: "/api/v1/reports/service?period=2026-Q3", allowed: [.admin, .lead, .executive]),
        Row(method: .GET, path: "/api/v1/feedback/digest?month=2026-09", allowed: [.admin, .lead, .executive]),
        Row(method: .GET, path: "/api/v1/reports/service/export?period=2026-Q3&format=xlsx", allowed: [.admin, .lead, .executive]),
        Row(method: .PATCH, path: "/api/v1/care-tasks/{careTask}", allowed: leaders, body: JSONBody(["outcome": "矩阵"])),
        Row(method: .GET, path: "/api/v1/campaigns", allowed: everyone),
        Row(method: .POST, path: "/api/v1/campaigns", allowed: leaders, body: JSONBody(["name": "矩阵活动", "type": "content"])),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/campaigns/{campaign}", allowed: leaders, body: JSONBody(["goalNote": "矩阵"])),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/history", allowed: everyone),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/activities", allowed: everyone),
        Row(method: .POST, path: "/api/v1/campaigns/{campaign}/activities", allowed: leaders, body: JSONBody(["title": "矩阵"])),
        Row(method: .PATCH, path: "/api/v1/campaign-activities/{campaignActivity}", allowed: leaders, body: JSONBody(["notes": "矩阵"])),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/spend", allowed: everyone),
        Row(method: .POST, path: "/api/v1/campaigns/{campaign}/spend", allowed: leaders, body: JSONBody(["spentOn": "2026-09-20", "amount": 1])),
        Row(method: .DELETE, path: "/api/v1/campaigns/{campaign}/spend/{campaignSpend}", allowed: leaders),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/metrics", allowed: everyone),
        Row(method: .POST, path: "/api/v1/campaigns/{campaign}/metrics", allowed: leaders,
            body: JSONBody(["rows": .array([.object(["channel": "baidu", "day": "2026-09-20", "clicks": 1])])])),
        Row(method: .POST, path: "/api/v1/campaigns/{campaign}/metrics/import", allowed: leaders, body: JSONBody([:])),
        Row(method: .POST, path: "/api/v1/campaign-metrics/import", allowed: leaders, body: JSONBody([:])),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/evaluation", allowed: everyone),
        Row(method: .GET, path: "/api/v1/campaigns/{campaign}/leads", allowed: everyone),
        Row(method: .GET, path: "/api/v1/campaign-evaluation", allowed: everyone),
        Row(method: .GET, path: "/api/v1/campaign-evaluation/export", allowed: everyone),
        Row(method: .DELETE, path: "/api/v1/campaigns/{spareCampaign}", allowed: leaders),
        Row(method: .POST, path: "/api/v1/campaigns/{deletedCampaign}/restore", allowed: leaders),
        // Market research (MKT-2): everyone reads; the promotion group (not among these roles), the lead and admins keep it.
        Row(method: .GET, path: "/api/v1/research-notes", allowed: everyone),
        Row(method: .POST, path: "/api/v1/research-notes", allowed: leaders, body: JSONBody(["title": "矩阵调研", "observedOn": "2026-09-01", "findings": "矩阵"])),
        Row(method: .GET, path: "/api/v1/research-notes/{researchNote}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/research-notes/{researchNote}", allowed: leaders, body: JSONBody(["title": "矩阵调研二"])),
        Row(method: .GET, path: "/api/v1/research-notes/{researchNote}/history", allowed: everyone),
        Row(method: .DELETE, path: "/api/v1/research-notes/{spareResearchNote}", allowed: leaders),
        Row(method: .POST, path: "/api/v1/research-notes/{deletedResearchNote}/restore", allowed: leaders),
        Row(method: .GET, path: "/api/v1/competitors", allowed: everyone),
        Row(method: .POST, path: "/api/v1/competitors", allowed: leaders, body: JSONBody(["name": "矩阵竞品"])),
        Row(method: .GET, path: "/api/v1/competitors/{competitor}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/competitors/{competitor}", allowed: leaders, body: JSONBody(["segment": "矩阵"])),
        Row(method: .GET, path: "/api/v1/competitors/{competitor}/history", allowed: everyone),
        Row(method: .DELETE, path: "/api/v1/competitors/{spareCompetitor}", allowed: leaders),
        Row(method: .POST, path: "/api/v1/competitors/{deletedCompetitor}/restore", allowed: leaders),
        Row(method: .POST, path: "/api/v1/competitors/{competitor}/products", allowed: leaders, body: JSONBody(["name": "矩阵机型", "price": 100])),
        Row(method: .PATCH, path: "/api/v1/competitors/{competitor}/products/{competitorProduct}", allowed: leaders, body: JSONBody(["price": 120])),
        Row(method: .DELETE, path: "/api/v1/competitors/{competitor}/products/{spareCompetitorProduct}", allowed: leaders),
        Row(method: .GET, path: "/api/v1/competitor-events", allowed: everyone),
        Row(method: .POST, path: "/api/v1/competitor-events", allowed: leaders,
            body: JSONBody(["competitorId": "{competitor}", "kind": "news", "occurredOn": "2026-09-01", "title": "矩阵动态"])),
        Row(method: .GET, path: "/api/v1/competitor-events/{competitorEvent}", allowed: everyone),
        Row(method: .PATCH, path: "/api/v1/competitor-events/{competitorEvent}", allowed: leaders, body: JSONBody(["details": "矩阵"])),
        Row(method: .GET, path: "/api/v1/competitor-events/{competitorEvent}/history", allowed: everyone),
        Row(method: .DELETE, path: "/api/v1/competitor-events/{spareCompetitorEvent}", allowed: leaders),
        Row(method: .POST, path: "/api/v1/competitor-events/{deletedCompetitorEvent}/restore", allowed: leaders),
        // Risk warnings (RSK-M2): the list is everyone's own scope; one warning (the sales rep's) is for its owner, their group lead,
        // the lead, admins and executives (read only).
        Row(method: .GET, path: "/api/v1/warnings", allowed: everyone),
        Row(method: .GET, path: "/api/v1/warnings/{warning}", allowed: warningReaders),
        Row(method: .PATCH, path: "/api/v1/warnings/{warning}", allowed: warningKeepers, body: JSONBody(["responsePlan": "矩阵方案"])),
        Row(method: .GET, path: "/api/v1/warnings/{warning}/history", allowed: warningReaders),
    ] + partnerAPIRows

    static let warningKeepers: Set<Role> = [.admin, .lead, .groupLead, .member]
    static let warningReaders: Set<Role> = warningKeepers.union([.executive])

    static let webPages: [Row] = [
        Row(method: .GET, path: "/org", allowed: everyone, web: true),
        Row(method: .GET, path: "/members", allowed: everyone, web: true),
        Row(method: .GET, path: "/members/new", allowed: people, web: true),
        Row(method: .GET, path: "/members/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/members/import", allowed: people, web: true),
        Row(method: .POST, path: "/members/import", allowed: people, body: JSONBody([:]), web: true),
        Row(method: .GET, path: "/members/{member}", allowed: everyone, web: true),
        Row(method: .GET, path: "/members/{member}/history", allowed: everyone, web: true),
        Row(method: .GET, path: "/members/{member}/edit", allowed: people.union([.groupLead]), web: true),
        Row(method: .POST, path: "/members/{member}", allowed: people.union([.groupLead]), body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/members", allowed: people, body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/members/{deleted}/restore", allowed: people, web: true),
        Row(method: .POST, path: "/members/{spare}/delete", allowed: people, web: true),
        Row(method: .GET, path: "/departments", allowed: everyone, web: true),
        Row(method: .GET, path: "/departments/new", allowed: leaders, web: true),
        Row(method: .POST, path: "/departments", allowed: leaders, body: JSONBody(["code": ""]), web: true),
        Row(method: .GET, path: "/departments/{department}/edit", allowed: leaders, web: true),
        Row(method: .GET, path: "/departments/{department}/history", allowed: everyone, web: true),
        Row(method: .POST, path: "/departments/{department}", allowed: leaders, body: JSONBody(["code": ""]), web: true),
        Row(method: .GET, path: "/groups/new", allowed: leaders, web: true),
        Row(method: .POST, path: "/groups", allowed: leaders, body: JSONBody(["key": ""]), web: true),
        Row(method: .GET, path: "/groups/{group}/edit", allowed: leaders, web: true),
        Row(method: .GET, path: "/groups/{group}/history", allowed: everyone, web: true),
        Row(method: .POST, path: "/groups/{group}", allowed: leaders, body: JSONBody(["key": ""]), web: true),
        Row(method: .POST, path: "/groups/{emptyGroup}/delete", allowed: leaders, web: true),
        Row(method: .GET, path: "/account", allowed: everyone, web: true),
        Row(method: .POST, path: "/account/password", allowed: everyone, body: JSONBody(["currentPassword": "x"]), web: true),
        Row(method: .POST, path: "/account/tokens", allowed: everyone, body: JSONBody(["name": "cli"]), web: true),
        Row(method: .POST, path: "/account/tokens/{token}/revoke", allowed: everyone, web: true),
        Row(method: .GET, path: "/notifications", allowed: everyone, web: true),
        Row(method: .POST, path: "/notifications/{notification}/read", allowed: everyone, web: true),
        Row(method: .POST, path: "/notifications/read-all", allowed: everyone, web: true),
        Row(method: .GET, path: "/admin/users", allowed: [.admin], web: true),
        Row(method: .GET, path: "/admin/users/new", allowed: [.admin], web: true),
        Row(method: .POST, path: "/admin/users", allowed: [.admin], body: JSONBody(["email": ""]), web: true),
        Row(method: .GET, path: "/admin/users/{user}/edit", allowed: [.admin], web: true),
        Row(method: .GET, path: "/admin/users/{user}/history", allowed: [.admin], web: true),
        Row(method: .POST, path: "/admin/users/{user}", allowed: [.admin], body: JSONBody(["email": ""]), web: true),
        Row(method: .GET, path: "/admin/audit", allowed: [.admin, .lead, .executive], web: true),
        Row(method: .GET, path: "/admin/recycle-bin", allowed: [.admin, .lead, .executive], web: true),
        Row(method: .POST, path: "/admin/recycle-bin/{type}/{deletedDepartment}/restore", allowed: leaders, web: true),
        Row(method: .GET, path: "/admin/policy", allowed: everyone, web: true),
        Row(method: .POST, path: "/admin/policy", allowed: [.admin], body: JSONBody(["yaml": "x: ["]), web: true),
        Row(method: .GET, path: "/admin/webhooks", allowed: [.admin], web: true),
        Row(method: .POST, path: "/admin/webhooks", allowed: [.admin], body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/admin/webhooks/{webhook}/delete", allowed: [.admin], web: true),
        Row(method: .POST, path: "/departments/{otherDepartment}/delete", allowed: leaders, web: true),
        Row(method: .GET, path: "/customers", allowed: everyone, web: true),
        Row(method: .GET, path: "/customers/new", allowed: sellers, web: true),
        Row(method: .GET, path: "/customers/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/contacts", allowed: everyone, web: true),
        Row(method: .GET, path: "/contacts/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/customers/import", allowed: sellers, web: true),
        Row(method: .POST, path: "/customers/import", allowed: sellers, body: JSONBody([:]), web: true),
        Row(method: .GET, path: "/pipeline/export", allowed: everyone, web: true),
        Row(method: .POST, path: "/customers", allowed: sellers, body: JSONBody(["name": ""]), web: true),
        Row(method: .GET, path: "/customers/{customer}", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/customers/{customer}/history", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/customers/{customer}/edit", allowed: sellers, web: true),
        Row(method: .POST, path: "/customers/{customer}", allowed: sellers, body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/customers/{webSpareCustomer}/delete", allowed: sellers, web: true),
        Row(method: .POST, path: "/customers/{customer}/contacts", allowed: sellers, body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/customers/{customer}/activities", allowed: sellers, body: JSONBody(["summary": ""]), web: true),
        Row(method: .GET, path: "/pipeline", allowed: everyone, web: true),
        Row(method: .GET, path: "/my-day", allowed: everyone, web: true),
        Row(method: .POST, path: "/activities/{activity}/done", allowed: sellers, web: true),
        Row(method: .GET, path: "/opportunities/new", allowed: sellers, web: true),
        Row(method: .POST, path: "/opportunities", allowed: sellers, body: JSONBody(["title": ""]), web: true),
        Row(method: .GET, path: "/opportunities/{deal}/edit", allowed: sellers, web: true),
        Row(method: .POST, path: "/opportunities/{deal}", allowed: sellers, body: JSONBody(["title": ""]), web: true),
        Row(method: .POST, path: "/opportunities/{deal}/stage", allowed: sellers, body: JSONBody(["stage": "visited"]), web: true),
        Row(method: .GET, path: "/products", allowed: everyone, web: true),
        Row(method: .GET, path: "/products/export", allowed: everyone, web: true),
        Row(method: .POST, path: "/products", allowed: leaders, body: JSONBody(["code": ""]), web: true),
        Row(method: .GET, path: "/quotes/new?opportunityId={deal}", allowed: sellers, web: true),
        Row(method: .POST, path: "/quotes", allowed: sellers, body: JSONBody(["opportunityId": "{deal}", "validUntil": ""]), web: true),
        Row(method: .GET, path: "/quotes/{quote}", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/quotes/{quote}/print", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/quotes/{quote}/edit", allowed: sellers, web: true),
        Row(method: .POST, path: "/quotes/{quote}", allowed: sellers, body: JSONBody(["validUntil": ""]), web: true),
        Row(method: .POST, path: "/quotes/{quote}/status", allowed: sellers, body: JSONBody(["status": "pendingApproval"]), web: true),
        Row(method: .GET, path: "/contracts/new?quoteId={quote}", allowed: sellers, web: true),
        Row(method: .POST, path: "/contracts", allowed: sellers, body: JSONBody(["quoteId": "{quote}", "title": ""]), web: true),
        Row(method: .GET, path: "/contracts/{contract}", allowed: salesReaders, web: true),
        Row(method: .POST, path: "/contracts/{contract}", allowed: sellers, body: JSONBody(["title": ""]), web: true),
        Row(method: .POST, path: "/contracts/{contract}/review", allowed: sellers, body: JSONBody(["verdict_parties": "passed"]), web: true),
        Row(method: .POST, path: "/contracts/{contract}/approve", allowed: [.admin, .lead, .groupLead], web: true),
        Row(method: .POST, path: "/contracts/{contract}/status", allowed: sellers, body: JSONBody(["status": "inReview"]), web: true),
        Row(method: .POST, path: "/contracts/{contract}/signed-file", allowed: sellers, web: true),
        Row(method: .GET, path: "/contracts/{contract}/signed-file", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/orders", allowed: everyone, web: true),
        Row(method: .GET, path: "/contracts", allowed: everyone, web: true),
        Row(method: .GET, path: "/contracts/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/quotes", allowed: everyone, web: true),
        Row(method: .GET, path: "/quotes/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/orders/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/activities/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/orders/new?contractId={contract}", allowed: sellers, web: true),
        Row(method: .POST, path: "/orders", allowed: sellers, body: JSONBody(["contractId": "{contract}", "plannedDelivery": ""]), web: true),
        Row(method: .GET, path: "/orders/{order}", allowed: salesReaders, web: true),
        Row(method: .POST, path: "/orders/{order}", allowed: sellers, body: JSONBody(["notes": "矩阵"]), web: true),
        Row(method: .POST, path: "/orders/{order}/status", allowed: sellers, body: JSONBody(["status": "delivered"]), web: true),
        Row(method: .POST, path: "/orders/{order}/after-sales", allowed: salesReaders, body: JSONBody(["description": "异响"]), web: true),
        Row(method: .POST, path: "/orders/{order}/invoices", allowed: [.admin, .lead, .finance], body: JSONBody(["amount": "1", "issuedOn": "2026-09-01", "dueOn": "2026-10-01"]), web: true),
        Row(method: .GET, path: "/receivables", allowed: everyone, web: true),
        Row(method: .GET, path: "/receivables/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/receivables/invoices", allowed: everyone, web: true),
        Row(method: .GET, path: "/receivables/invoices/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/receivables/payments", allowed: everyone, web: true),
        Row(method: .GET, path: "/receivables/payments/export", allowed: everyone, web: true),
        Row(method: .POST, path: "/receivables/invoices/{invoice}/payments", allowed: [.admin, .lead, .finance], body: JSONBody(["amount": "10", "receivedOn": "2026-09-01"]), web: true),
        Row(method: .GET, path: "/targets", allowed: everyone, web: true),
        Row(method: .GET, path: "/targets/export", allowed: everyone, web: true),
        Row(method: .POST, path: "/targets/{period}", allowed: leaders, body: JSONBody(["target_team": "0"]), web: true),
        Row(method: .POST, path: "/targets/{period}/commit", allowed: leaders, web: true),
        Row(method: .GET, path: "/reports/sales", allowed: everyone, web: true),
        Row(method: .GET, path: "/feedback", allowed: everyone, web: true),
        Row(method: .GET, path: "/feedback/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/feedback/{feedback}", allowed: salesReaders, web: true),
        Row(method: .GET, path: "/customers/picker?q=矩阵", allowed: everyone, web: true),
        Row(method: .POST, path: "/feedback", allowed: sellers, body: JSONBody(["summary": ""]), web: true),
        Row(method: .POST, path: "/feedback/{feedback}", allowed: sellers, body: JSONBody(["response": "已处理"]), web: true),
        Row(method: .POST, path: "/receivables/invoices", allowed: [.admin, .lead, .finance], body: JSONBody(["customerId": "{customer}", "amount": "100", "issuedOn": "2026-09-01", "dueOn": "2026-10-01"]), web: true),
        Row(method: .POST, path: "/receivables/payments", allowed: [.admin, .lead, .finance], body: JSONBody(["customerId": "{customer}", "amount": "100", "receivedOn": "2026-09-01"]), web: true),
        Row(method: .POST, path: "/customers/{customer}/credit", allowed: [.admin, .lead, .finance],
            body: JSONBody(["yearsInBusiness": "5", "registeredCapital": "1000000", "industryRisk": "low"]), web: true),
        Row(method: .GET, path: "/tickets", allowed: everyone, web: true),
        Row(method: .GET, path: "/tickets/new?customerId={customer}", allowed: everyone, web: true),
        Row(method: .POST, path: "/tickets", allowed: sellers, body: JSONBody(["customerId": "{customer}", "subject": "", "type": "inquiry"]), web: true),
        Row(method: .GET, path: "/tickets/{ticket}", allowed: serviceReaders, web: true),
        Row(method: .POST, path: "/tickets/{ticket}/status", allowed: leaders, body: JSONBody(["status": "acknowledged"]), web: true),
        Row(method: .POST, path: "/tickets/{ticket}/updates", allowed: leaders, body: JSONBody(["body": "矩阵"]), web: true),
        Row(method: .POST, path: "/tickets/{ticket}/department-tasks", allowed: leaders, body: JSONBody(["departmentId": "{department}", "request": "", "dueOn": ""]), web: true),
        Row(method: .POST, path: "/department-tasks/{departmentTask}", allowed: leaders, body: JSONBody(["answer": "矩阵"]), web: true),
        Row(method: .POST, path: "/tickets/{ticket}/handoffs", allowed: leaders, body: JSONBody(["kind": "upsell", "note": "矩阵"]), web: true),
        Row(method: .POST, path: "/tickets/{ticket}/attachments", allowed: leaders, body: JSONBody(["customerVisible": "on"]), web: true),
        Row(method: .GET, path: "/tickets/{ticket}/attachments/{ticketAttachment}", allowed: serviceReaders, web: true),
        Row(method: .POST, path: "/tickets/{ticket}/attachments/{webSpareTicketAttachment}/delete", allowed: leaders, web: true),
        Row(method: .GET, path: "/care", allowed: everyone, web: true),
        Row(method: .GET, path: "/reports/service", allowed: [.admin, .lead, .executive], web: true),
        Row(method: .GET, path: "/feedback/digest", allowed: [.admin, .lead, .executive], web: true),
        Row(method: .GET, path: "/reports/service/export?period=2026-Q3", allowed: [.admin, .lead, .executive], web: true),
        Row(method: .POST, path: "/care/{careTask}", allowed: leaders, body: JSONBody(["status": "done", "outcome": ""]), web: true),
        Row(method: .GET, path: "/market/campaigns", allowed: everyone, web: true),
        Row(method: .GET, path: "/market/campaigns/new", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/campaigns", allowed: leaders, body: JSONBody(["name": ""]), web: true),
        Row(method: .GET, path: "/market/campaigns/{campaign}", allowed: everyone, web: true),
        Row(method: .GET, path: "/market/campaigns/{campaign}/edit", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}", allowed: leaders, body: JSONBody(["name": ""]), web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/activities", allowed: leaders, body: JSONBody(["title": "矩阵"]), web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/activities/{campaignActivity}/done", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/spend", allowed: leaders, body: JSONBody(["spentOn": "2026-09-20", "amount": "1"]), web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/lessons", allowed: leaders, body: JSONBody(["lessons": "矩阵"]), web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/metrics", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/campaigns/{campaign}/status", allowed: leaders, body: JSONBody(["status": "finished"]), web: true),
        Row(method: .GET, path: "/market/evaluation", allowed: everyone, web: true),
        Row(method: .GET, path: "/market/evaluation/export", allowed: everyone, web: true),
        Row(method: .GET, path: "/market/research", allowed: everyone, web: true),
        Row(method: .GET, path: "/market/research/new", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/research", allowed: leaders, body: JSONBody(["title": ""]), web: true),
        Row(method: .GET, path: "/market/research/{researchNote}/edit", allowed: leaders, web: true),
        Row(method: .POST, path: "/market/research/{researchNote}", allowed: leaders, body: JSONBody(["title": ""]), web: true),
        Row(method: .GET, path: "/market/competitors", allowed: everyone, web: true),
        Row(method: .POST, path: "/market/competitors", allowed: leaders, body: JSONBody(["name": ""]), web: true),
        Row(method: .GET, path: "/market/competitors/{competitor}", allowed: everyone, web: true),
        Row(method: .POST, path: "/market/competitors/{competitor}/events", allowed: leaders, body: JSONBody(["kind": "news", "title": ""]), web: true),
        Row(method: .POST, path: "/market/competitors/{competitor}/products", allowed: leaders, body: JSONBody(["name": ""]), web: true),
        Row(method: .GET, path: "/warnings", allowed: everyone, web: true),
        Row(method: .GET, path: "/warnings/{warning}", allowed: warningReaders, web: true),
        Row(method: .POST, path: "/warnings/{warning}", allowed: warningKeepers, body: JSONBody(["responsePlan": "矩阵方案"]), web: true),
    ] + partnerWebRows + [
        // Last: signing out ends the session the rows above use.
        Row(method: .POST, path: "/logout", allowed: everyone, web: true),
    ]

    /// Routes anyone may call, signed in or not.
    static let public_: Set<String> = [
        "GET /healthz", "GET /metrics", "GET /api/v1/openapi.json", "POST /api/v1/auth/token", "GET /", "GET /login", "POST /login",
        "GET /setup", "POST /setup", "POST /locale",
        // The satisfaction survey: its private link is the permission (CP-2).
        "GET /survey/:", "POST /survey/:", "POST /api/v1/surveys/:",
        // A campaign's public sign-up form (MKT-4): rate-limited, consent required.
        "GET /forms/:", "POST /forms/:",
    ]

    @Test("the table lists every route the app serves")
    func everyRouteIsInTheTable() async throws {
        try await withApp { world in
            let listed = Set((Self.api + Self.webPages).map { "\($0.method.rawValue) \(Self.normalize($0.path))" }).union(Self.public_)
            let served = world.app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { $0.description.hasPrefix(":") ? ":" : $0.description }.joined(separator: "/")
            }.map { $0 == "GET /" ? "GET /" : $0 }
            let missing = Set(served).subtracting(listed)
            #expect(missing.isEmpty, "routes without an access row: \(missing.sorted())")
        }
    }

    static func normalize(_ path: String) -> String {
        (path.components(separatedBy: "?").first ?? path).replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: ":", options: .regularExpression)
    }

    @Test("each role gets exactly the answers the access policy gives it", arguments: Role.allCases)
    func matrix(role: Role) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let places = try await Self.fixtures(world, team: team, role: role)
            let me = team.person(role)
            let web = WebClient(world)
            #expect(try await web.signIn(me.email).status == .seeOther)
            try await web.get("/org")
            let csrf = try #require(web.csrf)
            for row in Self.api + Self.webPages {
                var path = row.path
                for (key, value) in places { path = path.replacingOccurrences(of: "{\(key)}", with: value) }
                let body = row.body.map { b in
                    JSONBody(b.values.mapValues { v -> JSONBodyValue in
                        guard case .string(var text) = v else { return v }
                        for (key, value) in places { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
                        return .string(text)
                    })
                }
                let status: HTTPStatus
                if row.web {
                    if row.method == .GET {
                        status = try await web.get(path).status
                    } else {
                        var form = [String: String]()
                        for (k, v) in body?.values ?? [:] { if case .string(let s) = v { form[k] = s } }
                        status = try await web.post(path, form: form, csrf: csrf).status
                    }
                } else {
                    status = try await world.api(row.method, path, token: me.token, json: body).status
                }
                if row.allowed.contains(role) {
                    #expect(status != .forbidden && status != .unauthorized && status.code < 500,
                            "\(role.rawValue) should be allowed \(row.method.rawValue) \(row.path), got \(status.code)")
                } else {
                    #expect(status == .forbidden, "\(role.rawValue) should be refused \(row.method.rawValue) \(row.path), got \(status.code)")
                }
            }
        }
    }

    /// Whose member record, for the member routes: the caller's own, a member of the caller's
    /// group, a member of another group, a deleted one. Written out by hand, not derived from
    /// the policy under test. nil: the role has no such record (no member profile or group).
    enum Whose: String, CaseIterable { case own, sameGroup, otherGroup, deleted }

    /// Walks a role's rows of a whose-record table: reads and changes each record through the API
    /// and expects the table's answers.
    static func walk(_ answers: [(Role, Whose, read: HTTPStatus, update: HTTPStatus)], role: Role, token: String, world: TestWorld,
                     path: (Whose) -> String, change: JSONBody) async throws {
        let rows = answers.filter { $0.0 == role }
        #expect(!rows.isEmpty, "the table has rows for \(role.rawValue)")
        for (_, whose, read, update) in rows {
            let got = try await world.api(.GET, path(whose), token: token).status
            #expect(got == read, "\(role.rawValue) reading \(whose.rawValue): \(got.code)")
            let changed = try await world.api(.PATCH, path(whose), token: token, json: change).status
            #expect(changed == update, "\(role.rawValue) changing \(whose.rawValue): \(changed.code)")
        }
    }

    static let memberRecordAnswers: [(Role, Whose, read: HTTPStatus, update: HTTPStatus)] = [
        (.admin, .otherGroup, .ok, .ok), (.admin, .deleted, .notFound, .notFound),
        (.lead, .own, .ok, .ok), (.lead, .otherGroup, .ok, .ok), (.lead, .deleted, .notFound, .notFound),
        (.groupLead, .own, .ok, .forbidden), (.groupLead, .sameGroup, .ok, .ok), (.groupLead, .otherGroup, .ok, .forbidden),
        (.groupLead, .deleted, .notFound, .notFound),
        (.member, .own, .ok, .forbidden), (.member, .sameGroup, .ok, .forbidden), (.member, .otherGroup, .ok, .forbidden),
        (.member, .deleted, .notFound, .notFound),
        (.hr, .otherGroup, .ok, .ok), (.hr, .deleted, .notFound, .notFound),
        (.finance, .otherGroup, .ok, .forbidden), (.finance, .deleted, .notFound, .notFound),
        (.executive, .otherGroup, .ok, .forbidden), (.executive, .deleted, .notFound, .notFound),
    ]

    @Test("member records by whose they are: own, same group, other group, deleted", arguments: Role.allCases)
    func whoseRecord(role: Role) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let places = try await Self.fixtures(world, team: team, role: role)
            let me = team.person(role)
            let records: [Whose: String] = [
                .own: me.member.map(\.uuidString) ?? "",
                .sameGroup: role == .member ? team.salesLead.member!.uuidString : team.salesRep.member!.uuidString,
                .otherGroup: team.serviceAgent.member!.uuidString,
                .deleted: places["deleted"]!,
            ]
            try await Self.walk(Self.memberRecordAnswers, role: role, token: me.token, world: world,
                                path: { "/api/v1/members/\(records[$0]!)" }, change: JSONBody(["grade": "P4"]))
        }
    }

    @Test("without signing in, every API route but the public ones answers 401 with a problem")
    func signedOut() async throws {
        try await withApp { world in
            for row in Self.api {
                let path = row.path.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: UUID().uuidString, options: .regularExpression)
                let answer = try await world.api(row.method, path, json: row.body)
                #expect(answer.status == .unauthorized, "\(row.method.rawValue) \(row.path)")
                #expect(answer.problem?.status == 401)
            }
            let page = try await WebClient(world).get("/members")
            #expect(page.status == .seeOther)
        }
    }

    /// Records for the placeholders, created fresh for each role's run.
    static func fixtures(_ world: TestWorld, team: Team, role: Role) async throws -> [String: String] {
        let db = world.db
        let spare = Member()
        spare.employeeNo = "X001"; spare.name = "备用"; spare.nameEn = "Spare"; spare.email = "spare@team.test"
        spare.position = "专员"; spare.grade = "P1"; spare.hireDate = "2025-01-01"; spare.status = "active"; spare.version = 1
        spare.$group.id = team.groups["service"]
        try await spare.create(on: db)
        let deleted = Member()
        deleted.employeeNo = "X002"; deleted.name = "已删"; deleted.nameEn = "Gone"; deleted.email = "gone@team.test"
        deleted.position = "专员"; deleted.grade = "P1"; deleted.hireDate = "2025-01-01"; deleted.status = "left"; deleted.version = 1
        try await deleted.create(on: db)
        try await deleted.delete(on: db)
        let empty = TeamGroup()
        empty.key = "empty"; empty.nameZh = "空组"; empty.nameEn = "Empty"; empty.missionZh = ""; empty.missionEn = ""; empty.sortOrder = 90; empty.version = 1
        try await empty.create(on: db)
        let gone = TeamGroup()
        gone.key = "gone"; gone.nameZh = "旧组"; gone.nameEn = "Old"; gone.missionZh = ""; gone.missionEn = ""; gone.sortOrder = 95; gone.version = 1
        try await gone.create(on: db)
        try await gone.delete(on: db)
        let department = try await Department.query(on: db).filter(\.$code == "legal").first()!
        let oldDepartment = try await Department.query(on: db).filter(\.$code == "it").first()!
        try await oldDepartment.delete(on: db)
        let user = UserAccount(email: "spare.user@team.test", displayName: "Spare", passwordHash: "x", role: .member)
        try await user.create(on: db)
        let me = team.person(role)
        let spareToken = ApiToken(userId: me.user, name: "spare", tokenHash: Secrets.hash(UUID().uuidString), prefix: "vg_spare", now: world.clock.now(), expiresAt: nil)
        try await spareToken.create(on: db)
        let note = AppNotification(userId: me.user, kind: "test", title: LocalizedText(zhHans: "Hello", en: "Hello"),
                                   body: LocalizedText(zhHans: "World", en: "World"), link: nil, createdAt: world.clock.now())
        try await note.create(on: db)
        let sales = try await salesFixtures(world, team: team)
        let service = try await serviceFixtures(world, customer: UUID(uuidString: sales["customer"]!)!, department: department.id!)
        let campaigns = try await campaignFixtures(world)
        let marketing = try await marketingFixtures(world, owner: team.salesRep.member!)
        let hook = Webhook()
        hook.name = "Ops"; hook.kind = "generic"; hook.url = "https://example.invalid/hook"; hook.events = "*"; hook.active = true; hook.version = 1
        try await hook.create(on: db)
        return [
            "member": team.salesRep.member!.uuidString, "spare": spare.id!.uuidString, "deleted": deleted.id!.uuidString,
            "group": team.groups["sales"]!.uuidString, "emptyGroup": empty.id!.uuidString, "deletedGroup": gone.id!.uuidString,
            "department": department.id!.uuidString, "deletedDepartment": oldDepartment.id!.uuidString, "user": user.id!.uuidString,
            "spareDepartment": try await Department.query(on: db).filter(\.$code == "administration").first()!.id!.uuidString,
            "otherDepartment": try await Department.query(on: db).filter(\.$code == "production").first()!.id!.uuidString,
            "type": "department", "token": spareToken.id!.uuidString, "notification": note.id!.uuidString, "webhook": hook.id!.uuidString,
        ].merging(sales) { a, _ in a }.merging(service) { a, _ in a }.merging(marketing) { a, _ in a }.merging(campaigns) { a, _ in a }.merging(try await partnerFixtures(world)) { a, _ in a }
    }

    /// Research notes, competitors with products and events (each with a spare to delete and one
    /// deleted), and a risk warning the sales rep owns.
    static func marketingFixtures(_ world: TestWorld, owner: UUID) async throws -> [String: String] {
        let db = world.db
        func note(deleted: Bool = false) async throws -> String {
            let n = ResearchNoteService.new(author: nil)
            n.title = "矩阵调研"; n.observedOn = "2026-09-01"; n.findings = "矩阵"; n.sources = "走访"
            try await n.create(on: db)
            if deleted { try await n.delete(on: db) }
            return n.id!.uuidString
        }
        func competitor(_ name: String, deleted: Bool = false) async throws -> Competitor {
            let c = CompetitorService.new()
            c.name = name
            try await c.create(on: db)
            if deleted { try await c.delete(on: db) }
            return c
        }
        let kept = try await competitor("矩阵甲竞品")
        func product(_ name: String) async throws -> String {
            let p = CompetitorService.newProduct(of: kept)
            p.name = name; p.priceFen = 100_00
            try await p.create(on: db)
            return p.id!.uuidString
        }
        func event(deleted: Bool = false) async throws -> String {
            let e = CompetitorEvent()
            e.competitorId = kept.id!; e.kind = "news"; e.occurredOn = "2026-09-01"; e.title = "矩阵动态"; e.details = ""; e.sourceUrl = ""
            e.productName = ""; e.version = 1
            try await e.create(on: db)
            if deleted { try await e.delete(on: db) }
            return e.id!.uuidString
        }
        let warning = RiskWarningRecord(RiskWarning(ruleKey: "competitorPriceCut", clause: "RSK-M2", severity: .warning,
                                                    finding: RiskFinding(subjectKind: "competitorEvent", subjectId: UUID().uuidString, period: "2026-09-01",
                                                                         ownerId: owner, measured: Percent(percent: 15), message: LocalizedText(zhHans: "矩阵预警", en: "Matrix warning")),
                                                    responsePlan: nil), at: world.clock.now())
        try await warning.create(on: db)
        return [
            "researchNote": try await note(), "spareResearchNote": try await note(), "deletedResearchNote": try await note(deleted: true),
            "competitor": kept.id!.uuidString, "spareCompetitor": try await competitor("矩阵乙竞品").id!.uuidString,
            "deletedCompetitor": try await competitor("矩阵丙竞品", deleted: true).id!.uuidString,
            "competitorProduct": try await product("矩阵一号"), "spareCompetitorProduct": try await product("矩阵二号"),
            "competitorEvent": try await event(), "spareCompetitorEvent": try await event(), "deletedCompetitorEvent": try await event(deleted: true),
            "warning": warning.id!.uuidString,
        ]
    }

    /// A running campaign with an activity and a spend entry, and a spare draft to delete.
    static func campaignFixtures(_ world: TestWorld) async throws -> [String: String] {
        let db = world.db
        func campaign(_ name: String, _ status: CampaignStatus) async throws -> Campaign {
            let c = CampaignService.new(owner: nil, now: world.clock.now())
            c.id = UUID(); c.name = name; c.type = "exhibition"; c.status = status.rawValue; c.budgetFen = 1_000_000
            c.code = "M-" + name; c.slug = "matrix-\(status.rawValue)"
            try await c.create(on: db)
            return c
        }
        let running = try await campaign("矩阵展会", .running), spare = try await campaign("矩阵草稿", .draft)
        let deleted = try await campaign("矩阵旧稿", .finished)
        try await deleted.delete(on: db)
        let a = CampaignActivity()
        a.campaignId = running.id!; a.title = "布展"; a.notes = ""; a.version = 1
        try await a.create(on: db)
        let s = CampaignSpend()
        s.campaignId = running.id!; s.spentOn = "2026-09-20"; s.currency = "CNY"; s.amount = 100; s.cnyFen = 100; s.note = ""; s.version = 1
        try await s.create(on: db)
        return ["campaign": running.id!.uuidString, "spareCampaign": spare.id!.uuidString,
                "deletedCampaign": deleted.id!.uuidString, "campaignActivity": a.id!.uuidString, "campaignSpend": s.id!.uuidString]
    }

    /// A ticket about the sales rep's customer, with a department task and attachments, and a care task.
    static func serviceFixtures(_ world: TestWorld, customer: UUID, department: UUID) async throws -> [String: String] {
        let db = world.db
        let t = TicketService.new(createdBy: nil, assignee: nil, now: world.clock.now(), today: CivilDate.on(world.clock.now()))
        t.id = UUID(); t.type = "complaint"; t.subject = "矩阵投诉"; t.customerId = customer
        try await t.create(on: db)
        let d = DepartmentTask()
        d.ticketId = t.id!; d.departmentId = department; d.request = "矩阵"; d.holder = ""; d.dueOn = "2026-10-01"; d.status = "open"; d.answer = ""
        d.createdAt = world.clock.now(); d.version = 1
        try await d.create(on: db)
        let c = CareTaskRecord()
        c.dedupeKey = "matrix"; c.kind = "returnVisit"; c.customerId = customer; c.occasion = "2026-09-21"; c.dueOn = "2026-09-21"
        c.messageZhHans = "回访"; c.messageZhHant = "回訪"; c.messageEn = "Visit"; c.status = "open"; c.outcome = ""; c.createdAt = world.clock.now(); c.version = 1
        try await c.create(on: db)
        func attachment() async throws -> String {
            let f = StoredFiles.make(.init(data: Data("%PDF-1.4 矩阵".utf8), fileName: "matrix.pdf", fields: [:]), by: nil, at: world.clock.now())
            try await f.create(on: db)
            let a = TicketAttachment()
            a.ticketId = t.id!; a.fileId = f.id!; a.customerVisible = false; a.uploadedAt = world.clock.now()
            try await a.create(on: db)
            return a.id!.uuidString
        }
        return ["ticket": t.id!.uuidString, "departmentTask": d.id!.uuidString, "careTask": c.id!.uuidString,
                "ticketAttachment": try await attachment(), "spareTicketAttachment": try await attachment(), "webSpareTicketAttachment": try await attachment()]
    }

    /// The sales rep's records for the sales routes: customers (one to keep, one to delete, one
    /// deleted, a twin to merge), a contact, an activity and a deal, each with a spare to delete.
    static func salesFixtures(_ world: TestWorld, team: Team) async throws -> [String: String] {
        let db = world.db
        let rep = team.salesRep.member
        func customer(_ name: String, deleted: Bool = false) async throws -> Customer {
            let c = Customer()
            c.name = name; c.nameKey = DuplicateCustomers.nameKey(name); c.kind = "company"; c.region = ""; c.source = "visit"
            c.status = "prospect"; c.expectedAnnualYuan = 0; c.score = 5; c.customerClass = "C"; c.address = ""; c.notes = ""
            c.ownerMemberId = rep; c.version = 1
            try await c.create(on: db)
            if deleted { try await c.delete(on: db) }
            return c
        }
        let kept = try await customer("矩阵甲公司"), spare = try await customer("矩阵乙公司"), webSpare = try await customer("矩阵丁公司")
        let gone = try await customer("矩阵丙公司", deleted: true), twin = try await customer("矩阵甲")
        func contact() async throws -> Contact {
            let c = ContactService.new()
            c.$customer.id = kept.id!; c.name = "联系人"
            try await c.create(on: db)
            return c
        }
        func activity() async throws -> SalesActivity {
            let a = ActivityService.new(owner: rep)
            a.$customer.id = kept.id!; a.kind = "call"; a.occurredOn = "2026-09-01"; a.summary = "电话"
            try await a.create(on: db)
            return a
        }
        func deal() async throws -> Opportunity {
            let o = OpportunityService.new(owner: rep, now: world.clock.now())
            o.$customer.id = kept.id!; o.title = "商机"; o.stage = "prospect"
            try await o.create(on: db)
            return o
        }
        func product(_ code: String, deleted: Bool = false) async throws -> Product {
            let p = ProductService.new()
            p.code = code; p.name = "产品\(code)"; p.unit = "件"; p.listPriceFen = 100_00
            try await p.create(on: db)
            if deleted { try await p.delete(on: db) }
            return p
        }
        let theDeal = try await deal(), spareDeal = try await deal()
        func quote() async throws -> Quote {
            let q = Quote()
            q.number = "Q-\(UUID().uuidString.prefix(8))"; q.$opportunity.id = theDeal.id!; q.customerId = kept.id!; q.ownerMemberId = rep
            q.status = "draft"; q.validUntil = "2026-12-31"; q.extraDiscountBP = 0; q.serviceTerms = ""; q.notes = ""
            q.subtotalFen = 0; q.discountFen = 0; q.netFen = 0; q.effectiveDiscountBP = 0; q.approvalNeeded = false; q.version = 1
            try await q.create(on: db)
            return q
        }
        let theQuote = try await quote()
        let contract = Contract()
        contract.number = "C-MATRIX"; contract.$opportunity.id = theDeal.id!; contract.customerId = kept.id!; contract.quoteId = theQuote.id!
        contract.ownerMemberId = rep; contract.title = "矩阵合同"; contract.amountFen = 100_00; contract.paymentTerms = ""; contract.deliveryTerms = ""
        contract.status = "draft"; contract.version = 1
        try await contract.create(on: db)
        let file = ContractFile()
        file.$contract.id = contract.id!; file.fileName = "c.pdf"; file.contentType = "application/pdf"; file.size = 4; file.data = Data("%PDF".utf8)
        file.uploadedAt = world.clock.now()
        try await file.create(on: db)
        let order = SalesOrder()
        order.number = "SO-MATRIX"; order.contractId = contract.id!; order.opportunityId = theDeal.id!; order.customerId = kept.id!; order.ownerMemberId = rep
        order.amountFen = 100_00; order.status = "open"; order.plannedDelivery = "2026-10-01"; order.creditDecision = "allowed"; order.notes = ""; order.version = 1
        try await order.create(on: db)
        let invoice = SalesInvoice()
        invoice.number = "INV-MATRIX"; invoice.customerId = kept.id!; invoice.orderId = order.id; invoice.amountFen = 100_00
        invoice.issuedOn = "2026-09-01"; invoice.dueOn = "2026-10-01"
        try await invoice.create(on: db)
        let feedback = FeedbackService.new(owner: rep, at: Date())
        feedback.customerId = kept.id; feedback.category = "product"; feedback.summary = "矩阵反馈"
        try await feedback.create(on: db)
        return [
            "feedback": feedback.id!.uuidString,
            "period": "2026-Q4",
            "order": order.id!.uuidString, "invoice": invoice.id!.uuidString,
            "contract": contract.id!.uuidString,
            "product": try await product("P-1").id!.uuidString, "spareProduct": try await product("P-2").id!.uuidString,
            "deletedProduct": try await product("P-3", deleted: true).id!.uuidString,
            "quote": theQuote.id!.uuidString, "spareQuote": try await quote().id!.uuidString,
            "customer": kept.id!.uuidString, "spareCustomer": spare.id!.uuidString, "deletedCustomer": gone.id!.uuidString,
            "twinCustomer": twin.id!.uuidString, "webSpareCustomer": webSpare.id!.uuidString, "contact": try await contact().id!.uuidString, "spareContact": try await contact().id!.uuidString,
            "activity": try await activity().id!.uuidString, "spareActivity": try await activity().id!.uuidString,
            "deal": theDeal.id!.uuidString, "spareDeal": spareDeal.id!.uuidString,
        ]
    }

    /// Whose customer, for the customer routes (issue 3, item 5), written out by hand.
    static let customerRecordAnswers: [(Role, Whose, read: HTTPStatus, update: HTTPStatus)] = [
        (.admin, .otherGroup, .ok, .ok), (.admin, .deleted, .notFound, .notFound),
        (.lead, .own, .ok, .ok), (.lead, .otherGroup, .ok, .ok), (.lead, .deleted, .notFound, .notFound),
        (.groupLead, .own, .ok, .ok), (.groupLead, .sameGroup, .ok, .ok), (.groupLead, .otherGroup, .forbidden, .forbidden),
        (.groupLead, .deleted, .notFound, .notFound),
        (.member, .own, .ok, .ok), (.member, .sameGroup, .forbidden, .forbidden), (.member, .otherGroup, .forbidden, .forbidden),
        (.member, .deleted, .notFound, .notFound),
        (.hr, .otherGroup, .forbidden, .forbidden), (.hr, .deleted, .notFound, .notFound),
        (.finance, .otherGroup, .ok, .forbidden), (.finance, .deleted, .notFound, .notFound),
        (.executive, .otherGroup, .ok, .forbidden), (.executive, .deleted, .notFound, .notFound),
    ]

    @Test("customers by whose they are: own, same group, other group, deleted", arguments: Role.allCases)
    func whoseCustomer(role: Role) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let me = team.person(role)
            func customer(_ owner: UUID?, deleted: Bool = false) async throws -> String {
                let c = Customer()
                c.name = "客户\(UUID().uuidString.prefix(6))"; c.nameKey = DuplicateCustomers.nameKey(c.name); c.kind = "company"; c.region = ""
                c.source = "visit"; c.status = "prospect"; c.expectedAnnualYuan = 0; c.score = 5; c.customerClass = "C"; c.address = ""; c.notes = ""
                c.ownerMemberId = owner; c.version = 1
                try await c.create(on: world.db)
                if deleted { try await c.delete(on: world.db) }
                return c.id!.uuidString
            }
            let records: [Whose: String] = [
                .own: try await customer(me.member),
                .sameGroup: try await customer(role == .member ? team.salesLead.member : team.salesRep.member),
                .otherGroup: try await customer(team.serviceAgent.member),
                .deleted: try await customer(team.salesRep.member, deleted: true),
            ]
            try await Self.walk(Self.customerRecordAnswers, role: role, token: me.token, world: world,
                                path: { "/api/v1/customers/\(records[$0]!)" }, change: JSONBody(["region": "杭州"]))
        }
    }
}
