import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Issue 3, item 5, for the chapters' own records: each role × whose the record is (own, same
/// group, other group, deleted), read and changed through the API, against a hand-written table
/// of what the access policy promises. Deals follow their owner (and may be read by whoever may
/// read their customer); tickets follow the service group, their assignee and the customer's seller.
@Suite("Access by whose record: deals and tickets")
struct AccessWhoseRecordTests {
    typealias Whose = AccessMatrixTests.Whose

    /// A customer of `owner`, made by the admin.
    static func customer(_ world: TestWorld, _ team: Team, owner: UUID?) async throws -> CustomerDTO {
        try await world.api(.POST, "/api/v1/customers", token: team.admin.token, json: JSONBody([
            "name": .string("客户\(UUID().uuidString.prefix(6))"), "source": "visit", "ownerId": .id(owner)])).json(CustomerDTO.self)
    }

    static let dealAnswers: [(Role, Whose, read: HTTPStatus, update: HTTPStatus)] = [
        (.admin, .otherGroup, .ok, .ok), (.admin, .deleted, .notFound, .notFound),
        (.lead, .own, .ok, .ok), (.lead, .otherGroup, .ok, .ok), (.lead, .deleted, .notFound, .notFound),
        (.groupLead, .own, .ok, .ok), (.groupLead, .sameGroup, .ok, .ok), (.groupLead, .otherGroup, .forbidden, .forbidden),
        (.groupLead, .deleted, .notFound, .notFound),
        (.member, .own, .ok, .ok), (.member, .sameGroup, .forbidden, .forbidden), (.member, .otherGroup, .forbidden, .forbidden),
        (.member, .deleted, .notFound, .notFound),
        (.hr, .otherGroup, .forbidden, .forbidden), (.hr, .deleted, .notFound, .notFound),
        // Finance follows receivables and credit (RSK-S2): reads every deal, changes none.
        (.finance, .otherGroup, .ok, .forbidden), (.finance, .deleted, .notFound, .notFound),
        (.executive, .otherGroup, .ok, .forbidden), (.executive, .deleted, .notFound, .notFound),
    ]

    @Test("deals by whose they are: own, same group, other group, deleted", arguments: Role.allCases)
    func whoseDeal(role: Role) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let me = team.person(role)
            let admin = team.admin.token
            func deal(_ owner: UUID?, deleted: Bool = false) async throws -> String {
                let c = try await Self.customer(world, team, owner: owner)
                let made = try await world.api(.POST, "/api/v1/opportunities", token: admin, json: JSONBody([
                    "customerId": .string(c.id.uuidString), "title": "设备采购", "amount": 10_000, "ownerId": .id(owner)]))
                let id = try made.json(OpportunityDTO.self).id.uuidString
                if deleted {
                    #expect(try await world.api(.DELETE, "/api/v1/opportunities/\(id)", token: admin).status == .noContent)
                }
                return id
            }
            let records: [Whose: String] = [
                .own: try await deal(me.member),
                .sameGroup: try await deal(role == .member ? team.salesLead.member : team.salesRep.member),
                .otherGroup: try await deal(team.serviceAgent.member),
                .deleted: try await deal(team.salesRep.member, deleted: true),
            ]
            try await AccessMatrixTests.walk(Self.dealAnswers, role: role, token: me.token, world: world,
                                             path: { "/api/v1/opportunities/\(records[$0]!)" }, change: JSONBody(["title": "设备采购（改）"]))
        }
    }

    @Test("a deal someone in another group owns, on my customer: I read it (I may read its customer) but do not change it")
    func dealOnMyCustomer() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let rep = team.salesRep
            let c = try await world.api(.POST, "/api/v1/customers", token: rep.token, json: JSONBody(["name": "嘉兴丝绸", "source": "visit"])).json(CustomerDTO.self)
            let d = try await world.api(.POST, "/api/v1/opportunities", token: team.admin.token, json: JSONBody([
                "customerId": .string(c.id.uuidString), "title": "售后续约", "amount": 5_000, "ownerId": .string(team.serviceAgent.member!.uuidString)])).json(OpportunityDTO.self)
            #expect(try await world.api(.GET, "/api/v1/opportunities/\(d.id)", token: rep.token).status == .ok)
            #expect(try await world.api(.PATCH, "/api/v1/opportunities/\(d.id)", token: rep.token, json: JSONBody(["title": "改"])).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/opportunities/\(d.id)", token: team.hr.token).status == .forbidden)
        }
    }

    /// Tickets: "own" is assigned to me; "same group" is about a customer a group mate sells to;
    /// "other group" about a customer the service group keeps; nobody is assigned to the last two.
    static let ticketAnswers: [(Role, Whose, read: HTTPStatus, update: HTTPStatus)] = [
        (.admin, .otherGroup, .ok, .ok), (.admin, .deleted, .notFound, .notFound),
        (.lead, .otherGroup, .ok, .ok), (.lead, .deleted, .notFound, .notFound),
        // The customer's seller and their group lead read a ticket and may log one (SVC-1), not work it.
        (.groupLead, .own, .ok, .ok), (.groupLead, .sameGroup, .ok, .forbidden), (.groupLead, .otherGroup, .forbidden, .forbidden),
        (.groupLead, .deleted, .notFound, .notFound),
        (.member, .own, .ok, .ok), (.member, .sameGroup, .forbidden, .forbidden), (.member, .otherGroup, .forbidden, .forbidden),
        (.member, .deleted, .notFound, .notFound),
        (.hr, .otherGroup, .forbidden, .forbidden), (.hr, .deleted, .notFound, .notFound),
        // Unlike deals, finance has no part in service records.
        (.finance, .otherGroup, .forbidden, .forbidden), (.finance, .deleted, .notFound, .notFound),
        (.executive, .otherGroup, .ok, .forbidden), (.executive, .deleted, .notFound, .notFound),
    ]

    @Test("tickets by whose they are: assigned to me, my group's customer, another group's customer, deleted", arguments: Role.allCases)
    func whoseTicket(role: Role) async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let me = team.person(role)
            let admin = team.admin.token
            func ticket(customerOwner: UUID?, assignee: UUID?, deleted: Bool = false) async throws -> String {
                let c = try await Self.customer(world, team, owner: customerOwner)
                let made = try await world.api(.POST, "/api/v1/tickets", token: admin, json: JSONBody([
                    "customerId": .string(c.id.uuidString), "type": "inquiry", "subject": "发票寄送", "assigneeId": .id(assignee)]))
                let id = try made.json(TicketDTO.self).id.uuidString
                if deleted {  // the API removes no ticket; a row removed in the database must stay unseen
                    try await Ticket.find(UUID(uuidString: id), on: world.db)?.delete(on: world.db)
                }
                return id
            }
            let records: [Whose: String] = [
                .own: try await ticket(customerOwner: team.serviceAgent.member, assignee: me.member),
                .sameGroup: try await ticket(customerOwner: role == .member ? team.salesLead.member : team.salesRep.member, assignee: nil),
                .otherGroup: try await ticket(customerOwner: team.serviceAgent.member, assignee: nil),
                .deleted: try await ticket(customerOwner: team.salesRep.member, assignee: nil, deleted: true),
            ]
            try await AccessMatrixTests.walk(Self.ticketAnswers, role: role, token: me.token, world: world,
                                             path: { "/api/v1/tickets/\(records[$0]!)" }, change: JSONBody(["subject": "发票寄送（改）"]))
        }
    }
}
