import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

/// Contracts through HTTP (SP-4, RSK-S3): made from an accepted quote, reviewed against the
/// checklist, approved by people other than the owner (two from the policy's amount on), never
/// signed before that and without the signed copy; signing wins the deal.
@Suite("Sales: contracts, review and signing (SP-4, RSK-S3)")
struct SalesContractFlowTests {
    struct Fixture {
        var team: Team
        var deal: OpportunityDTO
        var quote: QuoteDTO
    }

    /// A deal in negotiation with an accepted quote of `yuan` (no discount).
    func fixture(_ world: TestWorld, yuan: Int) async throws -> Fixture {
        let team = try await world.seedTeam()
        let rep = team.salesRep.token
        let customer = try await world.api(.POST, "/api/v1/customers", token: rep, json: JSONBody(["name": "合肥新源环保设备", "source": "referral"])).json(CustomerDTO.self)
        let deal = try await world.api(.POST, "/api/v1/opportunities", token: rep, json: JSONBody([
            "customerId": .string(customer.id.uuidString), "title": "除尘系统", "amount": .int(yuan), "stage": "proposal", "needs": "两条线的除尘改造"])).json(OpportunityDTO.self)
        let quote = try await world.api(.POST, "/api/v1/quotes", token: rep, raw: """
            {"opportunityId":"\(deal.id)","validUntil":"2026-12-31","lines":[{"productCode":"DUST-1","description":"除尘系统","quantity":"1","unitPrice":\(yuan)}]}
            """).json(QuoteDTO.self)
        for status in ["sent", "accepted"] {
            #expect(try await world.api(.PATCH, "/api/v1/quotes/\(quote.id)", token: rep, json: JSONBody(["status": .string(status)])).status == .ok)
        }
        _ = try await world.api(.PATCH, "/api/v1/opportunities/\(deal.id)", token: rep, json: JSONBody(["stage": "negotiation"]))
        return Fixture(team: team, deal: deal, quote: try await world.api(.GET, "/api/v1/quotes/\(quote.id)", token: rep).json(QuoteDTO.self))
    }

    static let allPassed = """
        {"marks":[{"itemKey":"parties","verdict":"passed"},{"itemKey":"amountAndPayment","verdict":"passed"},
        {"itemKey":"deliveryAndAcceptance","verdict":"passed"},{"itemKey":"breachLiability","verdict":"passed"},
        {"itemKey":"disputeResolution","verdict":"passed"},{"itemKey":"confidentiality","verdict":"passed"},{"itemKey":"legality","verdict":"passed"}]}
        """
    static let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    @Test("SP-4: a contract is made only from an accepted quote, and carries its amount")
    func fromAcceptedQuote() async throws {
        try await withApp { world in
            let f = try await fixture(world, yuan: 80000)
            let answer = try await world.api(.POST, "/api/v1/contracts", token: f.team.salesRep.token, json: JSONBody(["quoteId": .string(f.quote.id.uuidString), "paymentTerms": "30%预付，验收后70%"]))
            #expect(answer.status == .created)
            let c = try answer.json(ContractDTO.self)
            #expect(c.amount == 80000 && c.status == "draft" && c.approvalsNeeded == 1 && !c.reviewPassed)
            #expect(c.checklist.count == 8)
            let again = try await world.api(.POST, "/api/v1/contracts", token: f.team.salesRep.token, json: JSONBody(["quoteId": .string(f.quote.id.uuidString)]))
            #expect(again.status == .conflict, "one contract per quote")
            let draftQuote = try await world.api(.POST, "/api/v1/quotes", token: f.team.salesRep.token, raw: """
                {"opportunityId":"\(f.deal.id)","validUntil":"2026-12-31","lines":[{"productCode":"X","quantity":"1","unitPrice":10}]}
                """).json(QuoteDTO.self)
            let fromDraft = try await world.api(.POST, "/api/v1/contracts", token: f.team.salesRep.token, json: JSONBody(["quoteId": .string(draftQuote.id.uuidString)]))
            #expect(fromDraft.problem?.type.hasSuffix("quote-not-accepted") == true)
        }
    }

    @Test("item 11: the contracts list exports with its status filter and the reader's scope, in CSV and XLSX alike")
    func export() async throws {
        try await withApp { world in
            let f = try await fixture(world, yuan: 80000)
            let rep = f.team.salesRep.token
            let c = try await world.api(.POST, "/api/v1/contracts", token: rep, json: JSONBody([
                "quoteId": .string(f.quote.id.uuidString), "title": "除尘系统采购合同", "paymentTerms": "30%预付，验收后70%"])).json(ContractDTO.self)
            let owner = try #require(try await Member.find(f.team.salesRep.member, on: world.db)).name
            let all = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/contracts/export", token: rep))
            #expect(all == [["合同", "合同名称", "客户", "金额（元）", "状态", "签订于", "付款条件", "负责人"],
                            [c.number, "除尘系统采购合同", "合肥新源环保设备", "80000.00", "草稿", "", "30%预付，验收后70%", owner]])
            #expect(try SalesOrderTests.xlsxRows(await world.api(.GET, "/api/v1/contracts/export?format=xlsx", token: rep)) == all)
            #expect(try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/contracts/export?status=signed", token: rep)).count == 1, "none signed yet")
            #expect(try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/contracts/export", token: f.team.serviceAgent.token)).count == 1,
                    "another group's agent exports the header only")
            let web = WebClient(world)
            web.acceptLanguage = "zh-CN"
            try await web.signIn(f.team.salesRep.email)
            try await web.get("/contracts")
            #expect(web.lastBody.contains("href=\"/contracts/export?format=xlsx\""))
            #expect(try SalesOrderTests.csvRows(await web.get("/contracts/export")) == all)
        }
    }

    @Test("RSK-S3: no contract is signed before its review passed, it was approved by someone else, and the signed copy is attached")
    func signingGate() async throws {
        try await withApp { world in
            let f = try await fixture(world, yuan: 80000)
            let rep = f.team.salesRep.token
            let c = try await world.api(.POST, "/api/v1/contracts", token: rep, json: JSONBody(["quoteId": .string(f.quote.id.uuidString)])).json(ContractDTO.self)
            let path = "/api/v1/contracts/\(c.id)"
            let early = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "signed"]))
            #expect(early.status == .conflict)
            #expect(early.problem?.detail?.contains("review not passed") == true)
            // A failed item needs a note; the review is refused whole.
            let noNote = try await world.api(.PUT, "\(path)/review", token: rep, raw: #"{"marks":[{"itemKey":"breachLiability","verdict":"failed"}]}"#)
            #expect(noNote.problemFields == ["marks[0].note"])
            let failed = try await world.api(.PUT, "\(path)/review", token: rep, raw: #"{"marks":[{"itemKey":"breachLiability","verdict":"failed","note":"违约金比例缺失"}]}"#)
            #expect(try failed.json(ContractDTO.self).status == "inReview")
            #expect(try await world.api(.PUT, "\(path)/review", token: rep, raw: Self.allPassed).json(ContractDTO.self).reviewPassed)
            let own = try await world.api(.POST, "\(path)/approvals", token: rep)
            #expect(own.status == .forbidden, "a salesperson does not approve contracts")
            let approved = try await world.api(.POST, "\(path)/approvals", token: f.team.salesLead.token, json: JSONBody(["note": "条款齐全"]))
            #expect(approved.status == .ok)
            #expect(try approved.json(ContractDTO.self).status == "approved")
            let noFile = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "signed"]))
            #expect(noFile.problem?.errors?.first?.code == "contractRequirements")
            #expect(noFile.problem?.detail?.contains("signed") == true)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: rep)
            headers.replaceOrAdd(name: .contentType, value: "application/octet-stream")
            let garbage = try await world.app.testing().sendRequest(.PUT, "\(path)/signed-file", headers: headers, body: ByteBuffer(string: "MZ not a pdf"))
            #expect(garbage.status == .unsupportedMediaType)
            headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            headers.replaceOrAdd(name: "X-File-Name", value: "signed.pdf")
            #expect(try await world.app.testing().sendRequest(.PUT, "\(path)/signed-file", headers: headers, body: ByteBuffer(data: Self.pdf)).status == .ok)
            let signed = try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "signed"]))
            #expect(signed.status == .ok)
            let contract = try signed.json(ContractDTO.self)
            #expect(contract.status == "signed" && contract.signedOn != nil && contract.signedFile == "signed.pdf")
            // Signing wins the deal, and the prospect becomes a customer (SP-4 → SP-5).
            #expect(try await world.api(.GET, "/api/v1/opportunities/\(f.deal.id)", token: rep).json(OpportunityDTO.self).stage == "won")
            #expect(try await world.api(.GET, "/api/v1/customers/\(f.deal.customerId)", token: rep).json(CustomerDTO.self).status == "customer")
            let download = try await world.api(.GET, "\(path)/signed-file", token: f.team.finance.token)
            #expect(download.status == .ok && download.headers.contentType?.description == "application/pdf")
            #expect(try await world.api(.PATCH, path, token: rep, json: JSONBody(["status": "draft"])).status == .conflict, "a signed contract is final")
        }
    }

    @Test("RSK-S3: from the policy's amount on, a second, different approver is needed; the owner's approval never counts")
    func secondApprover() async throws {
        try await withApp { world in
            let f = try await fixture(world, yuan: 600000)
            let c = try await world.api(.POST, "/api/v1/contracts", token: f.team.salesRep.token, json: JSONBody(["quoteId": .string(f.quote.id.uuidString)])).json(ContractDTO.self)
            #expect(c.approvalsNeeded == 2)
            let path = "/api/v1/contracts/\(c.id)"
            _ = try await world.api(.PUT, "\(path)/review", token: f.team.salesRep.token, raw: Self.allPassed)
            #expect(try await world.api(.POST, "\(path)/approvals", token: f.team.salesLead.token).json(ContractDTO.self).status == "inReview")
            #expect(try await world.api(.POST, "\(path)/approvals", token: f.team.salesLead.token).problem?.type.hasSuffix("already-approved") == true)
            let second = try await world.api(.POST, "\(path)/approvals", token: f.team.lead.token).json(ContractDTO.self)
            #expect(second.status == "approved" && second.approvals.count == 2)
            // Changing the terms after approval is refused; before it, the review starts again.
            #expect(try await world.api(.PATCH, path, token: f.team.salesRep.token, json: JSONBody(["paymentTerms": "全款后付"])).status == .conflict)
        }
    }

    @Test("on the web: the review form, the approval button for the group lead, and the reason a signing is refused")
    func web() async throws {
        try await withApp { world in
            let f = try await fixture(world, yuan: 80000)
            let c = try await world.api(.POST, "/api/v1/contracts", token: f.team.salesRep.token, json: JSONBody(["quoteId": .string(f.quote.id.uuidString)])).json(ContractDTO.self)
            let rep = WebClient(world)
            try await rep.signIn(f.team.salesRep.email)
            try await rep.get("/contracts/\(c.id)")
            #expect(rep.lastBody.contains("id=\"review-form\"") && !rep.lastBody.contains("id=\"approve\""))
            #expect(rep.lastBody.contains("id=\"contract-missing\""), "what is missing is said up front")
            var form = ["verdict_parties": "passed", "verdict_breachLiability": "failed", "note_breachLiability": ""]
            #expect(try await rep.post("/contracts/\(c.id)/review", form: form).status == .seeOther)
            try await rep.get("/contracts/\(c.id)")
            #expect(rep.lastBody.contains("flash error"), "a failed item without a note is refused with its reason")
            form = ["verdict_parties": "passed", "verdict_amountAndPayment": "passed", "verdict_deliveryAndAcceptance": "passed", "verdict_breachLiability": "passed",
                    "verdict_disputeResolution": "passed", "verdict_confidentiality": "passed", "verdict_legality": "passed"]
            _ = try await rep.post("/contracts/\(c.id)/review", form: form)
            let lead = WebClient(world)
            try await lead.signIn(f.team.salesLead.email)
            // The group lead finds it on the contracts list, under its status.
            let status = try await world.api(.GET, "/api/v1/contracts/\(c.id)", token: f.team.salesLead.token).json(ContractDTO.self).status
            try await lead.get("/contracts?status=\(status)")
            #expect(lead.lastBody.contains("href=\"/contracts/\(c.id)\"") && lead.lastBody.contains(c.number) && lead.lastBody.contains("80,000.00"), "\(status)")
            try await lead.get("/contracts?status=signed")
            #expect(!lead.lastBody.contains(c.number) && lead.lastBody.contains("No contracts with this status."))
            let other = WebClient(world)
            try await other.signIn(f.team.serviceAgent.email)
            try await other.get("/contracts")
            #expect(!other.lastBody.contains(c.number), "another group's agent does not see the contract")
            try await lead.get("/contracts/\(c.id)")
            #expect(lead.lastBody.contains("id=\"approve\""))
            #expect(try await lead.post("/contracts/\(c.id)/approve", form: ["note": "同意"]).status == .seeOther)
            try await rep.get("/contracts/\(c.id)")
            #expect(rep.lastBody.contains("id=\"upload-form\"") && !rep.lastBody.contains("id=\"to-signed\""), "signing waits for the signed copy")
            let boundary = "vgboundary"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(rep.csrf!)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"合同.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
            body += Self.pdf + Data("\r\n--\(boundary)--\r\n".utf8)
            #expect(try await rep.send(.POST, "/contracts/\(c.id)/signed-file", body: body, contentType: "multipart/form-data; boundary=\(boundary)").status == .seeOther)
            try await rep.get("/contracts/\(c.id)")
            #expect(rep.lastBody.contains("合同.pdf") && rep.lastBody.contains("id=\"to-signed\""))
            let copy = try await rep.get("/contracts/\(c.id)/signed-file")
            #expect(copy.headers.first(name: .contentDisposition) == "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf",
                    "the Chinese name percent-encoded as RFC 5987 says, not sent raw")
        }
    }
}
