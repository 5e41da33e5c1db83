import Foundation
import Testing
@testable import VanguardCore

@Suite("One access policy decides every request (platform issue, item 4)")
struct AccessPolicyTests {
    let lead = UUID(), salesLead = UUID(), rep = UUID(), otherRep = UUID()
    let sales = UUID(), service = UUID()

    func actor(_ role: Role, member: UUID? = nil, group: UUID? = nil) -> Actor {
        Actor(userId: UUID(), role: role, memberId: member, groupId: group)
    }

    var repFacts: MemberFacts { MemberFacts(id: rep, groupId: sales, chain: [salesLead, lead]) }

    @Test("service records: the service group works them all (its lead alone deletes), the assignee works theirs, the customer's seller reads and logs, others see nothing")
    func serviceRecords() {
        let agent = UUID(), serviceLead = UUID()
        // A ticket assigned to `agent`, about a customer owned by `rep` in the sales group.
        let ticket = ServiceFacts(assignee: agent, customerOwner: rep, customerGroup: sales, serviceGroup: service)
        let anAgent = actor(.member, member: UUID(), group: service)
        #expect(AccessPolicy.decide(anAgent, .update, .serviceRecord(ticket)).isAllowed, "any agent may pick up a ticket")
        #expect(!AccessPolicy.decide(anAgent, .delete, .serviceRecord(ticket)).isAllowed)
        #expect(AccessPolicy.decide(actor(.groupLead, member: serviceLead, group: service), .delete, .serviceRecord(ticket)).isAllowed)
        let seller = actor(.member, member: rep, group: sales)
        #expect(AccessPolicy.decide(seller, .read, .serviceRecord(ticket)).isAllowed)
        #expect(AccessPolicy.decide(seller, .create, .serviceRecord(ticket)).isAllowed, "a seller logs a complaint they heard")
        #expect(!AccessPolicy.decide(seller, .update, .serviceRecord(ticket)).isAllowed, "the service group works it")
        #expect(AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .read, .serviceRecord(ticket)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: otherRep, group: sales), .read, .serviceRecord(ticket)).isAllowed, "another seller's customer")
        #expect(!AccessPolicy.decide(actor(.finance, member: UUID()), .read, .serviceRecord(ticket)).isAllowed)
        #expect(AccessPolicy.decide(actor(.executive), .read, .serviceRecord(ticket)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .update, .serviceRecord(ticket)).isAllowed)
        // The assignee works their ticket even from outside the service group.
        #expect(AccessPolicy.decide(actor(.member, member: agent, group: sales), .update, .serviceRecord(ticket)).isAllowed)
        // Lists match: everything for the service group, the seller's own customers otherwise.
        #expect(AccessPolicy.serviceScope(anAgent, serviceGroup: service) == .all)
        #expect(AccessPolicy.serviceScope(seller, serviceGroup: service) == .owners(member: rep, group: nil))
        #expect(AccessPolicy.serviceScope(actor(.hr), serviceGroup: service) == .nothing)
        #expect(AccessPolicy.decide(anAgent, .read, .serviceReport(serviceGroup: service)).isAllowed)
        #expect(!AccessPolicy.decide(seller, .read, .serviceReport(serviceGroup: service)).isAllowed)
    }

    @Test("a feedback item: changed like its sales record; read too by the service group, who follow the digest listing it")
    func feedbackItems() {
        let item = SalesFacts(owner: rep, group: sales)
        let anAgent = actor(.member, member: UUID(), group: service)
        #expect(AccessPolicy.decide(anAgent, .read, .feedbackItem(item, serviceGroup: service)).isAllowed)
        #expect(!AccessPolicy.decide(anAgent, .update, .feedbackItem(item, serviceGroup: service)).isAllowed, "the seller and their leads answer it")
        #expect(!AccessPolicy.decide(anAgent, .read, .feedbackItem(item, serviceGroup: nil)).isAllowed, "no service group, no digest readers")
        #expect(AccessPolicy.decide(actor(.member, member: rep, group: sales), .update, .feedbackItem(item, serviceGroup: service)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: otherRep, group: sales), .read, .feedbackItem(item, serviceGroup: service)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.hr), .read, .feedbackItem(item, serviceGroup: service)).isAllowed)
    }

    @Test("everyone in the team may read the member directory; only HR, the lead and admins add people")
    func directory() {
        for role in Role.allCases {
            #expect(AccessPolicy.decide(actor(role), .read, .member(repFacts)).isAllowed)
            let mayCreate = [.admin, .lead, .hr].contains(role)
            #expect(AccessPolicy.decide(actor(role), .create, .member(repFacts)).isAllowed == mayCreate, "create as \(role)")
        }
    }

    @Test("a group lead changes members of their own group, not another group's, and not their own record")
    func groupLeadScope() {
        let gl = actor(.groupLead, member: salesLead, group: sales)
        #expect(AccessPolicy.decide(gl, .update, .member(repFacts)).isAllowed)
        #expect(!AccessPolicy.decide(gl, .update, .member(MemberFacts(id: salesLead, groupId: sales))).isAllowed, "no one sets their own grade")
        #expect(!AccessPolicy.decide(gl, .update, .member(MemberFacts(id: otherRep, groupId: service))).isAllowed)
        #expect(!AccessPolicy.decide(gl, .delete, .member(repFacts)).isAllowed)
    }

    @Test("personal data is confidential to HR, the person and their chain of command — not to admins or peers")
    func confidential() {
        #expect(AccessPolicy.decide(actor(.hr), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(AccessPolicy.decide(actor(.member, member: rep, group: sales), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(AccessPolicy.decide(actor(.lead, member: lead), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.admin), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: otherRep, group: sales), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .read, .memberConfidential(repFacts)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.hr), .update, .memberConfidential(repFacts)).isAllowed)
    }

    @Test("records owned by members: own, group lead's group, the lead's team; executives read only")
    func ownedRecords() {
        let mine = Resource.ownedRecord(owner: rep, group: sales, sharedWith: [])
        let shared = Resource.ownedRecord(owner: otherRep, group: service, sharedWith: [rep])
        let others = Resource.ownedRecord(owner: otherRep, group: service, sharedWith: [])
        let me = actor(.member, member: rep, group: sales)
        #expect(AccessPolicy.decide(me, .update, mine).isAllowed)
        #expect(AccessPolicy.decide(me, .read, shared).isAllowed)
        #expect(!AccessPolicy.decide(me, .update, shared).isAllowed)
        #expect(!AccessPolicy.decide(me, .read, others).isAllowed)
        #expect(AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .update, mine).isAllowed)
        #expect(!AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .read, others).isAllowed)
        #expect(AccessPolicy.decide(actor(.lead, member: lead), .delete, others).isAllowed)
        #expect(AccessPolicy.decide(actor(.executive), .read, others).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .update, others).isAllowed)
    }

    @Test("marketing records (MKT-1…MKT-5, LEAD-4): the whole team reads them, the promotion group keeps them, its group lead removes them")
    func marketingRecords() {
        let promotion = UUID(), planner = UUID(), promotionLead = UUID()
        let campaign = MarketingFacts(owner: planner, ownerGroup: promotion, promotionGroup: promotion)
        #expect(AccessPolicy.decide(actor(.member, member: rep, group: sales), .read, .marketingRecord(campaign)).isAllowed, "sellers read competitor news and campaigns")
        #expect(!AccessPolicy.decide(actor(.member, member: rep, group: sales), .create, .marketingRecord(campaign)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: rep, group: sales), .update, .marketingRecord(campaign)).isAllowed)
        #expect(AccessPolicy.decide(actor(.member, member: UUID(), group: promotion), .create, .marketingRecord(campaign)).isAllowed)
        #expect(AccessPolicy.decide(actor(.member, member: UUID(), group: promotion), .update, .marketingRecord(campaign)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: planner, group: promotion), .delete, .marketingRecord(campaign)).isAllowed)
        #expect(AccessPolicy.decide(actor(.groupLead, member: promotionLead, group: promotion), .delete, .marketingRecord(campaign)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .delete, .marketingRecord(campaign)).isAllowed)
        #expect(AccessPolicy.decide(actor(.lead, member: lead), .delete, .marketingRecord(campaign)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .update, .marketingRecord(campaign)).isAllowed)
        // An owner who moved to another group still keeps their own record.
        #expect(AccessPolicy.decide(actor(.member, member: planner, group: sales), .update, .marketingRecord(campaign)).isAllowed)
    }

    @Test("risk warnings (RSK-M2): the owner and their group lead act on one, the lead and executives see them all, nobody types one in")
    func riskWarnings() {
        let promotion = UUID(), planner = UUID()
        let warning = MarketingFacts(owner: planner, ownerGroup: promotion, promotionGroup: promotion)
        #expect(AccessPolicy.decide(actor(.member, member: planner, group: promotion), .update, .riskWarning(warning)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: UUID(), group: promotion), .read, .riskWarning(warning)).isAllowed)
        #expect(AccessPolicy.decide(actor(.groupLead, member: UUID(), group: promotion), .update, .riskWarning(warning)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .read, .riskWarning(warning)).isAllowed)
        #expect(AccessPolicy.decide(actor(.lead, member: lead), .update, .riskWarning(warning)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.lead, member: lead), .create, .riskWarning(warning)).isAllowed, "the rules raise warnings")
        #expect(AccessPolicy.decide(actor(.executive), .read, .riskWarning(warning)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .update, .riskWarning(warning)).isAllowed)
    }

    @Test("accounts are the admin's; a person may read their own")
    func users() {
        let me = actor(.member, member: rep)
        #expect(AccessPolicy.decide(me, .read, .user(id: me.userId)).isAllowed)
        #expect(!AccessPolicy.decide(me, .read, .user(id: UUID())).isAllowed)
        #expect(!AccessPolicy.decide(actor(.lead), .update, .user(id: nil)).isAllowed)
        #expect(AccessPolicy.decide(actor(.admin), .update, .user(id: nil)).isAllowed)
    }

    @Test("a refusal says which role may not do what")
    func refusalReason() {
        #expect(AccessPolicy.decide(actor(.finance), .delete, .department) == .deny("The role finance may not delete this department."))
    }
}
