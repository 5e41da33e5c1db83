import Fluent
import Vapor
import VanguardCore

/// `GET /customers/picker?q=…`: up to 20 customers the reader may pick, found by a name
/// fragment, phone or credit code as the customer list finds them, as `[{value, label}]` for a
/// form's customer select (`Public/js/picker.js`). The selects list the first customers by name
/// without it; at a million customers the one wanted is found by typing. `for=ticket` picks as
/// the ticket form does: the service group may open a ticket for any customer.
enum CustomerPicker {
    struct Option: Content { var value: UUID; var label: String }

    static func options(req: Request) async throws -> [Option] {
        let user = try req.requireUser()
        var scope = AccessPolicy.salesScope(user.actor)
        if req.queryString("for") == "ticket",
           AccessPolicy.serviceScope(user.actor, serviceGroup: try await TicketService.serviceGroup(on: req.db)) == .all { scope = .all }
        guard try req.queryText("q") != nil else { return [] }
        let list = ListRequest(limit: 20, sortField: "name", descending: false, after: nil)
        let rows = try await CustomerList.query(req, scope: scope, list: list, strict: false)
        return rows.prefix(20).map { Option(value: $0.id!, label: $0.name) }
    }
}
