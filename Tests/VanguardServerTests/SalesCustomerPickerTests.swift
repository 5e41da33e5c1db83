import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// The customer select on forms (SP-1): the first customers by name are listed, any other is
/// found by typing, within what the reader may pick.
@Suite("Sales: picking a customer by typing (SP-1)")
struct SalesCustomerPickerTests {
    struct Option: Decodable, Equatable { var value: UUID; var label: String }

    func options(_ web: WebClient, _ query: String) async throws -> [Option] {
        let answer = try await web.get("/customers/picker?\(query)")
        #expect(answer.status == .ok)
        return try JSONDecoder().decode([Option].self, from: Data(buffer: answer.body))
    }

    @Test("SP-1: typing finds the customer by name fragment, within the reader's customers; a ticket may be opened for any customer by the service group")
    func typeToFind() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let mine = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token,
                                           json: JSONBody(["name": "宁波海曙恒达电子", "source": "visit", "phone": "13805741234"])).json(CustomerDTO.self)
            let theirs = try await world.api(.POST, "/api/v1/customers", token: team.lead.token,
                                             json: JSONBody(["name": "宁波北仑恒达机械", "source": "visit"])).json(CustomerDTO.self)
            let rep = WebClient(world)
            try await rep.signIn(team.salesRep.email)
            #expect(try await options(rep, "q=恒达") == [Option(value: mine.id, label: "宁波海曙恒达电子")], "not the lead's customer")
            #expect(try await options(rep, "q=13805741234").map(\.value) == [mine.id], "by phone too")
            #expect(try await options(rep, "q=").isEmpty)
            let lead = WebClient(world)
            try await lead.signIn(team.lead.email)
            #expect(try await Set(options(lead, "q=恒达").map(\.value)) == [mine.id, theirs.id])
            let agent = WebClient(world)
            try await agent.signIn(team.serviceAgent.email)
            #expect(try await options(agent, "q=恒达").isEmpty, "no sales customers of their own")
            #expect(try await Set(options(agent, "q=恒达&for=ticket").map(\.value)) == [mine.id, theirs.id], "a complaint may come from any customer")
            #expect(try await options(rep, "q=恒达&for=ticket").map(\.value) == [mine.id], "the seller opens tickets for their own")
            // The forms' customer selects carry the picker.
            try await rep.get("/opportunities/new")
            #expect(rep.lastBody.contains("data-picker=\"/customers/picker\""))
            try await agent.get("/tickets/new")
            #expect(agent.lastBody.contains("data-picker=\"/customers/picker?for=ticket\""))
        }
    }
}
