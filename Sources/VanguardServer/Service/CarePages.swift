import Fluent
import Foundation
import Vapor
import VanguardCore

/// The morning care list on the web (CP-4): today's return visits, birthday wishes and festival
/// greetings with their message, each marked done with how it went.
struct CarePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("care", use: list)
        routes.post("care", ":id", use: update)
    }

    struct Row: Encodable {
        var id: UUID; var kind: String; var kindLabel: String; var customer: String; var customerId: UUID; var contact: String
        var dueOn: String; var overdue: Bool; var message: String; var status: String; var outcome: String; var canEdit: Bool; var error: String?; var value: String
        /// The customer's page opens for readers of the sales record; the service group reads the name here.
        var canOpenCustomer: Bool
    }
    struct Context: Encodable { var rows: [Row]; var showAll: Bool; var nextHref: String?; var openCount: Int }

    func list(req: Request) async throws -> Response { try await page(req, failed: nil, status: .ok) }

    private func page(_ req: Request, failed: (id: UUID, message: String, value: String)?, status: HTTPStatus) async throws -> Response {
        let (list, tasks) = try await CareTaskList.page(req, strict: false)
        let page = list.cut(tasks, value: \.dueOn, id: { $0.id })
        let customers = try await Customer.query(on: req.db).withDeleted().filter(\.$id ~~ Set(page.shown.map(\.customerId))).all()
        let contacts = try await Contact.query(on: req.db).withDeleted().filter(\.$id ~~ Set(page.shown.compactMap(\.contactId))).all()
        let today = req.today.description
        // Whose each row is, from the customers already read: one query for their owners' groups,
        // not three per row.
        let serviceGroup = try await TicketService.serviceGroup(on: req.db)
        let ownerGroups = try await SalesNames.groups(of: customers.compactMap(\.ownerMemberId), on: req.db)
        var rows: [Row] = []
        for c in page.shown {
            let customer = customers.first { $0.id == c.customerId }
            let owner = customer?.ownerMemberId
            let facts = ServiceFacts(assignee: nil, customerOwner: owner, customerGroup: owner.flatMap { ownerGroups[$0] }, serviceGroup: serviceGroup)
            rows.append(Row(id: c.id!, kind: c.kind, kindLabel: req.t("care_" + c.kind), customer: customer?.name ?? "—", customerId: c.customerId,
                            contact: c.contactId.flatMap { id in contacts.first { $0.id == id }?.name } ?? "", dueOn: c.dueOn, overdue: c.dueOn < today && c.status == "open",
                            message: LocalizedText(zhHans: c.messageZhHans, zhHant: c.messageZhHant, en: c.messageEn)[req.locale], status: c.status, outcome: c.outcome,
                            canEdit: req.allowed(.update, .serviceRecord(facts)), error: failed?.id == c.id ? failed?.message : nil,
                            value: failed?.id == c.id ? failed?.value ?? "" : "",
                            canOpenCustomer: req.allowed(.read, .salesRecord(SalesFacts(owner: owner, group: owner.flatMap { ownerGroups[$0] })))))
        }
        let showAll = req.queryString("due") == "all"
        return try await req.page("Service/care", title: "navCare", section: "care", Context(
            rows: rows, showAll: showAll, nextHref: page.next.map { SalesNames.href("/care", ["cursor": $0, "due": showAll ? "all" : ""]) },
            openCount: rows.filter { $0.status == "open" }.count), status: status)
    }

    func update(req: Request) async throws -> Response {
        guard let c = try await CareTaskRecord.find(try req.uuid("id", "care task"), on: req.db) else { throw Problem.notFound("care task") }
        try req.authorize(.update, .serviceRecord(try await TicketService.facts(assignee: nil, customer: c.customerId, on: req.db)))
        let v = SalesNames.posted(req, ["status", "outcome"])
        do {
            _ = try await CareTaskService.update(c, CareTaskInput(status: v["status"] ?? "done", outcome: v["outcome"]), req: req)
        } catch let e as FieldErrors {
            return try await page(req, failed: (c.id!, e.all.map(\.message).joined(separator: " "), v["outcome"] ?? ""), status: .unprocessableEntity)
        }
        return req.redirect(to: "/care", flash: "careDone")
    }
}
