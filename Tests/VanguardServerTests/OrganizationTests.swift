import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import VanguardCore
@testable import VanguardServer

@Suite("Organisation: the team, its groups, duties, members and departments (ORG-1, ORG-2, LEAD-2, G-4)")
struct OrganizationTests {
    @Test("ORG-1: the three groups of the policy exist from the first start, each with its duties (ORG-2, G-4)")
    func defaultGroups() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let groups = try await world.api(.GET, "/api/v1/groups", token: team.salesRep.token).json(PageOf<GroupDTO>.self).items
            #expect(groups.map(\.key) == ["promotion", "sales", "service"])
            #expect(groups.map(\.name.zhHans) == ["市场推广组", "销售组", "客户服务组"])
            let clauses = groups.flatMap { $0.duties.map(\.clause) }
            #expect(["MKT-1", "MKT-5", "SAL-1", "SAL-5", "SVC-1", "SVC-5"].allSatisfy(clauses.contains))
            #expect(try await Duty.query(on: world.db).filter(\.$group.$id == nil).count() == 5, "LEAD-1..LEAD-5")
        }
    }

    @Test("LEAD-2: the company's other departments are there for the team to hand work to")
    func departments() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let page = try await world.api(.GET, "/api/v1/departments?limit=200", token: team.salesRep.token).json(PageOf<DepartmentDTO>.self)
            #expect(Set(["product", "finance", "legal", "logistics"]).isSubset(of: Set(page.items.map(\.code))))
        }
    }

    @Test("HR adds a member through the API; the answer carries an ETag and a Location")
    func createMember() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let answer = try await world.api(.POST, "/api/v1/members", token: team.hr.token,
                                             json: world.memberBody("S100", group: team.groups["sales"], supervisor: team.salesLead.member))
            #expect(answer.status == .created)
            let member = try answer.json(MemberDTO.self)
            #expect(answer.headers.first(name: .eTag) == "\"v1\"")
            #expect(answer.headers.first(name: .location) == "/api/v1/members/\(member.id)")
            #expect(member.groupId == team.groups["sales"])
            let read = try await world.api(.GET, "/api/v1/members/\(member.id)", token: team.salesRep.token).json(MemberDTO.self)
            #expect(read.name == "孙悦")
        }
    }

    @Test("ORG-1: the directory lists members in pinyin order page after page, on the web too; a renamed or imported member takes its place; members on file get theirs when the order arrives")
    func pinyinDirectory() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            var ids: [String: UUID] = [:]
            for (k, name) in ["张伟", "Anna Li", "艾丽", "白雪", "陈晨", "Zoe"].enumerated() {
                ids[name] = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("Y\(k)", name: name)).json(MemberDTO.self).id
            }
            func listed() async throws -> [String] {
                var names: [String] = [], cursor: String?
                repeat {
                    let page = try await world.api(.GET, "/api/v1/members?limit=4" + (cursor.map { "&cursor=\($0)" } ?? ""), token: team.hr.token).json(PageOf<MemberDTO>.self)
                    names += page.items.map(\.name)
                    cursor = page.nextCursor
                } while cursor != nil
                return names.filter { ids[$0] != nil }
            }
            #expect(try await listed() == ["艾丽", "Anna Li", "白雪", "陈晨", "张伟", "Zoe"], "code point order would put Latin names first and 张 before 白")
            let web = WebClient(world)
            try await web.signIn(team.hr.email)
            try await web.get("/members?limit=200")
            let positions = ["艾丽", "Anna Li", "白雪", "陈晨", "张伟", "Zoe"].map { web.lastBody.range(of: ">\($0)<")?.lowerBound }
            #expect(!positions.contains(nil) && positions.map { $0! } == positions.map { $0! }.sorted(), "the web directory shows the same order")
            let patched = try await world.api(.PATCH, "/api/v1/members/\(ids["张伟"]!)", token: team.hr.token, json: JSONBody(["name": "安娜"]))
            #expect(patched.status == .ok)
            ids["安娜"] = ids["张伟"]
            #expect(try await listed() == ["艾丽", "安娜", "Anna Li", "白雪", "陈晨", "Zoe"])
            // Imported members take their places too (the import saves them as one batch).
            let csv = ImportExportTests.header + "\nY10,阿强,,y10@team.test,,销售代表,P1,2025-01-01,销售组,,在职\nY11,Ada,,y11@team.test,,销售代表,P1,2025-01-01,销售组,,在职\n"
            #expect(try await world.upload("/api/v1/members/import", token: team.hr.token, Data(csv.utf8), type: "text/csv").status == .ok)
            (ids["阿强"], ids["Ada"]) = (UUID(), UUID())
            #expect(try await listed() == ["阿强", "Ada", "艾丽", "安娜", "Anna Li", "白雪", "陈晨", "Zoe"])
            // A database from before the pinyin order: the migration fills every member's place (on one connection, as migrations run).
            try await world.db.withConnection { db in
                try await AddMemberNameOrder().revert(on: db)
                try await AddMemberNameOrder().prepare(on: db)
            }
            #expect(try await listed() == ["阿强", "Ada", "艾丽", "安娜", "Anna Li", "白雪", "陈晨", "Zoe"])
        }
    }

    @Test("bad input is refused with a problem naming each field, and nothing is written")
    func invalidMember() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let before = try await Member.query(on: world.db).count()
            let answer = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: JSONBody([
                "employeeNo": "S101", "name": "", "email": "not-an-email", "mobile": "12345", "position": "销售",
                "grade": "P1", "hireDate": "2025-02-30", "status": "sleeping",
            ]))
            #expect(answer.status == .unprocessableEntity)
            #expect(answer.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(answer.problemFields) == ["name", "email", "mobile", "hireDate", "status"])
            #expect(try await Member.query(on: world.db).count() == before)
        }
    }

    @Test("malformed JSON is 400, a wrong type or an unknown field is 422 naming it, a non-JSON body 415")
    func malformed() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let broken = try await world.api(.POST, "/api/v1/members", token: team.hr.token, raw: "{\"name\": ")
            #expect(broken.status == .badRequest)
            let wrongType = try await world.api(.POST, "/api/v1/members", token: team.hr.token, raw: #"{"employeeNo": 12}"#)
            #expect(wrongType.status == .unprocessableEntity)
            #expect(wrongType.problemFields == ["employeeNo"])
            let unknown = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, raw: #"{"salary": 1}"#)
            #expect(unknown.problemFields == ["salary"])
            let form = try await world.api(.POST, "/api/v1/members", token: team.hr.token, headers: [("Content-Type", "text/plain")])
            #expect(form.status == .unsupportedMediaType)
            let tooLong = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token,
                                              json: JSONBody(["name": .string(String(repeating: "长", count: 101))]))
            #expect(tooLong.problemFields == ["name"])
            let nul = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, raw: #"{"name": "a\u0000b"}"#)
            #expect(nul.status == .badRequest)
        }
    }

    @Test("a duplicate e-mail or employee number is a 409 naming the field")
    func duplicates() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let sameEmail = try await world.api(.POST, "/api/v1/members", token: team.hr.token,
                                                json: world.memberBody("S200", email: "he.jing@team.test"))
            #expect(sameEmail.status == .conflict)
            #expect(sameEmail.problemFields == ["email"])
            let sameNumber = try await world.api(.POST, "/api/v1/members", token: team.hr.token, json: world.memberBody("T001"))
            #expect(sameNumber.problemFields == ["employeeNo"])
        }
    }

    @Test("ORG-1: a member can never become their own supervisor, directly or through a cycle")
    func reportingCycle() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let selfSupervision = try await world.api(.PATCH, "/api/v1/members/\(team.lead.member!)", token: team.hr.token,
                                                      json: JSONBody(["supervisorId": .id(team.lead.member)]))
            #expect(selfSupervision.problemFields == ["supervisorId"])
            let loop = try await world.api(.PATCH, "/api/v1/members/\(team.lead.member!)", token: team.hr.token,
                                           json: JSONBody(["supervisorId": .id(team.salesRep.member)]))
            #expect(loop.status == .unprocessableEntity)
            #expect(loop.problem?.errors?.first?.code == "reportingCycle")
            let lead = try await Member.find(team.lead.member, on: world.db)
            #expect(lead?.supervisorId == nil)
        }
    }

    @Test("a PATCH with a stale If-Match is refused with 412, so no edit silently overwrites another")
    func staleETag() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let path = "/api/v1/members/\(team.salesRep.member!)"
            let etag = try await world.api(.GET, path, token: team.hr.token).headers.first(name: .eTag)!
            let first = try await world.api(.PATCH, path, token: team.hr.token, json: JSONBody(["position": "高级销售代表"]), headers: [("If-Match", etag)])
            #expect(first.status == .ok)
            #expect(first.headers.first(name: .eTag) == "\"v2\"")
            let second = try await world.api(.PATCH, path, token: team.salesLead.token, json: JSONBody(["position": "销售代表"]), headers: [("If-Match", etag)])
            #expect(second.status == .preconditionFailed)
            #expect(try await Member.find(team.salesRep.member, on: world.db)?.position == "高级销售代表")
            let staleDelete = try await world.api(.DELETE, path, token: team.hr.token, headers: [("If-Match", etag)])
            #expect(staleDelete.status == .preconditionFailed)
        }
    }

    @Test("a group that still has members cannot be deleted; an empty one can, and comes back from the recycle bin")
    func deleteGroup() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let sales = try await world.api(.DELETE, "/api/v1/groups/\(team.groups["sales"]!)", token: team.lead.token)
            #expect(sales.status == .conflict)
            #expect(sales.problem?.type == "/problems/group-has-members")
            let created = try await world.api(.POST, "/api/v1/groups", token: team.lead.token,
                                              json: JSONBody(["key": "channel", "nameZh": "渠道组", "nameEn": "Channel"])).json(GroupDTO.self)
            #expect(try await world.api(.DELETE, "/api/v1/groups/\(created.id)", token: team.lead.token).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/groups/\(created.id)", token: team.lead.token).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/groups/\(created.id)/restore", token: team.lead.token).status == .ok)
            #expect(try await world.api(.GET, "/api/v1/groups/\(created.id)", token: team.lead.token).status == .ok)
        }
    }

    @Test("more groups can be added (ORG-1 'etc.'), with unique keys")
    func addGroup() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let body = JSONBody(["key": "channel", "nameZh": "渠道组", "nameEn": "Channel", "missionZh": "发展渠道伙伴", "leadMemberId": .id(team.salesLead.member)])
            #expect(try await world.api(.POST, "/api/v1/groups", token: team.lead.token, json: body).status == .created)
            let again = try await world.api(.POST, "/api/v1/groups", token: team.lead.token, json: body)
            #expect(again.problemFields == ["key"])
            let rep = try await world.api(.POST, "/api/v1/groups", token: team.salesRep.token, json: body)
            #expect(rep.status == .forbidden)
        }
    }

    @Test("deleting a member keeps them restorable; a member who still supervises others cannot be deleted")
    func deleteAndRestoreMember() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let lead = try await world.api(.DELETE, "/api/v1/members/\(team.salesLead.member!)", token: team.hr.token)
            #expect(lead.status == .conflict)
            let path = "/api/v1/members/\(team.salesRep.member!)"
            #expect(try await world.api(.DELETE, path, token: team.hr.token).status == .noContent)
            #expect(try await world.api(.GET, path, token: team.hr.token).status == .notFound)
            let listed = try await world.api(.GET, "/api/v1/members?limit=200", token: team.hr.token).json(PageOf<MemberDTO>.self)
            #expect(!listed.items.contains { $0.id == team.salesRep.member })
            world.clock.advance(by: 60)
            #expect(try await world.api(.POST, "\(path)/restore", token: team.hr.token).status == .ok)
            #expect(try await world.api(.GET, path, token: team.hr.token).json(MemberDTO.self).name == "何静")
            let actions = try await world.api(.GET, "\(path)/history", token: team.hr.token).json(PageOf<AuditEventDTO>.self).items.map(\.action)
            #expect(actions == ["restore", "delete"])
        }
    }

    @Test("the member list pages with a cursor, sorts, searches Chinese and Latin fragments, filters by group and status")
    func listing() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await world.api(.GET, "/api/v1/members?limit=2&sort=employeeNo" + (cursor.map { "&cursor=\($0)" } ?? ""), token: team.salesRep.token)
                    .json(PageOf<MemberDTO>.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.employeeNo)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ["T001", "T002", "T003", "T004", "T005"])
            let desc = try await world.api(.GET, "/api/v1/members?sort=-employeeNo&limit=1", token: team.salesRep.token).json(PageOf<MemberDTO>.self)
            #expect(desc.items.first?.employeeNo == "T005")
            let chinese = try await world.api(.GET, "/api/v1/members?q=\("建国".formEncoded)", token: team.salesRep.token).json(PageOf<MemberDTO>.self)
            #expect(chinese.items.map(\.name) == ["刘建国"])
            let latin = try await world.api(.GET, "/api/v1/members?q=zhao", token: team.salesRep.token).json(PageOf<MemberDTO>.self)
            #expect(latin.items.map(\.nameEn) == ["Zhao Lei"])
            let wildcard = try await world.api(.GET, "/api/v1/members?q=%25", token: team.salesRep.token).json(PageOf<MemberDTO>.self)
            #expect(wildcard.items.isEmpty, "a % is searched for literally")
            let sales = try await world.api(.GET, "/api/v1/members?groupId=\(team.groups["sales"]!)", token: team.salesRep.token).json(PageOf<MemberDTO>.self)
            #expect(Set(sales.items.map(\.name)) == ["刘建国", "何静"])
            let bad = try await world.api(.GET, "/api/v1/members?limit=0", token: team.salesRep.token)
            #expect(bad.status == .badRequest)
            #expect(bad.problemFields == ["limit"])
            let badSort = try await world.api(.GET, "/api/v1/members?sort=salary", token: team.salesRep.token)
            #expect(badSort.problemFields == ["sort"])
        }
    }

    @Test("the ID number shows to HR, the person and their chain of command, never to peers or admins")
    func confidentialIdNumber() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let path = "/api/v1/members/\(team.salesRep.member!)"
            for (person, visible) in [(team.hr, true), (team.salesRep, true), (team.salesLead, true), (team.lead, true),
                                      (team.admin, false), (team.serviceAgent, false), (team.executive, false), (team.serviceLead, false)] {
                let body = try await world.api(.GET, path, token: person.token).body.string
                #expect(body.contains("11010519491231002X") == visible, "\(person.email)")
                let list = try await world.api(.GET, "/api/v1/members?limit=200", token: person.token).json(PageOf<MemberDTO>.self)
                #expect((list.items.first { $0.id == team.salesRep.member }?.idNumber != nil) == visible, "list as \(person.email)")
            }
            let audit = try await world.api(.GET, "/api/v1/audit-events", token: team.admin.token).body.string
            #expect(!audit.contains("11010519491231002X"))
        }
    }

    @Test("the ID number never leaks through a page, an export (CSV or XLSX), the history or a search")
    func idNumberNeverLeaks() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let id = "11010519491231002X"
            for person in [team.admin, team.serviceAgent, team.executive, team.serviceLead] {
                let web = WebClient(world)
                try await web.signIn(person.email)
                #expect(!(try await web.get("/members/\(team.salesRep.member!)").body.string.contains(id)), "profile page as \(person.email)")
                #expect(!(try await web.get("/members/\(team.salesRep.member!)/history").body.string.contains(id)), "history page as \(person.email)")
                #expect(!(try await web.get("/members?q=\(id)").body.string.contains("member-link")), "searching the list by ID number finds no one (\(person.email))")
                let found = try await world.api(.GET, "/api/v1/members?q=110105194912", token: person.token).json(PageOf<MemberDTO>.self)
                #expect(found.items.isEmpty, "searching by ID number finds no one, so it cannot confirm one (\(person.email))")
            }
            // Exports never carry it, whoever asks.
            for person in [team.hr, team.salesRep] {
                let csv = try await world.api(.GET, "/api/v1/members/export", token: person.token).body.string
                #expect(!csv.contains(id))
                let xlsx = try await world.api(.GET, "/api/v1/members/export?format=xlsx", token: person.token)
                let table = try XLSXReader.table(from: Data(buffer: xlsx.body))
                #expect(!table.rows.joined().contains(id))
            }
        }
    }

    @Test("every change to a member is in their history with who, when, and the fields before and after (G-5)")
    func history() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let path = "/api/v1/members/\(team.salesRep.member!)"
            _ = try await world.api(.PATCH, path, token: team.salesLead.token, json: JSONBody(["position": "高级销售代表", "grade": "P3"]))
            let events = try await world.api(.GET, "\(path)/history", token: team.salesRep.token).json(PageOf<AuditEventDTO>.self).items
            let change = try #require(events.first)
            #expect(change.action == "update")
            #expect(change.actorName == "刘建国")
            #expect(change.requestId != nil)
            #expect(Set(change.changes.map(\.field)) == ["position", "grade"])
            #expect(change.changes.first { $0.field == "position" }?.after == "高级销售代表")
        }
    }

    @Test("the member list exports as CSV with the list's filters, formula cells neutralised and no confidential data")
    func exportCSV() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await world.api(.PATCH, "/api/v1/members/\(team.salesRep.member!)", token: team.hr.token, json: JSONBody(["position": "=HYPERLINK(\"x\")"]))
            let answer = try await world.api(.GET, "/api/v1/members/export?groupId=\(team.groups["sales"]!)", token: team.hr.token, headers: [("Accept-Language", "zh-CN")])
            #expect(answer.status == .ok)
            #expect(answer.headers.contentType?.subType == "csv")
            let text = answer.body.string
            #expect(text.hasPrefix("\u{FEFF}"))
            let lines = text.split(separator: "\r\n")
            #expect(lines.count == 3, "header and the two sales members")
            #expect(text.contains("'=HYPERLINK"))
            #expect(!text.contains("11010519491231002X"))
            #expect(lines[0].hasPrefix("\u{FEFF}工号,姓名"), "headers in the reader's language")
            #expect(lines[1].hasSuffix(",在职"))
        }
    }

    @Test("the member export reads the directory a few members at a time and writes the same file: every member by employee number, each with their supervisor's number, in CSV and XLSX")
    func exportInChunks() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/members/export", token: team.hr.token))
            let xlsx = try SalesOrderTests.xlsxRows(await world.api(.GET, "/api/v1/members/export?format=xlsx", token: team.hr.token))
            world.app.exportChunkSize = 2
            #expect(try SalesOrderTests.csvRows(await world.api(.GET, "/api/v1/members/export", token: team.hr.token)) == csv)
            #expect(try SalesOrderTests.xlsxRows(await world.api(.GET, "/api/v1/members/export?format=xlsx", token: team.hr.token)) == xlsx)
            #expect(xlsx == csv)
            let members = try await Member.query(on: world.db).all().map { MemberDTO($0, showConfidential: false) }.sorted { $0.employeeNo < $1.employeeNo }
            let numbers = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.employeeNo) })
            #expect(members.count > 4 && members.contains { $0.supervisorId != nil })
            #expect(csv.dropFirst().map { [$0[0], $0[9]] } == members.map { [$0.employeeNo, $0.supervisorId.flatMap { numbers[$0] } ?? ""] })
        }
    }
}

@Suite("The member list's hand-written JSON")
struct MemberJSONTests {
    @Test("is exactly what the API's JSON encoder writes, field for field")
    func sameAsEncoder() throws {
        let full = MemberDTO(id: UUID(), employeeNo: "M\"1", name: "陈\\志远", nameEn: "Chen\nZhiyuan", email: "c@x.cn", mobile: "13812345678",
                             position: "总监", grade: "M3", hireDate: "2019-03-18", supervisorId: UUID(), groupId: UUID(), status: "active",
                             idNumber: "11010519491231002X", version: 7, createdAt: Date(timeIntervalSince1970: 1_790_000_000),
                             updatedAt: Date(timeIntervalSince1970: 1_790_000_123), deletedAt: nil)
        var sparse = full
        sparse.mobile = nil; sparse.supervisorId = nil; sparse.groupId = nil; sparse.idNumber = nil; sparse.createdAt = nil
        let page = PageOf(items: [full, sparse], nextCursor: "abc")
        let handWritten = try JSONSerialization.jsonObject(with: Data(buffer: MemberDTO.pageResponse(page).body.buffer!)) as! NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder.api.encode(page)) as! NSDictionary
        #expect(handWritten == encoded)
    }
}

@Suite("History tabs for groups, departments and accounts (G-5)")
struct RecordHistoryTests {
    @Test("renaming a group or a department shows in that record's history, through the API and on its page")
    func groupAndDepartmentHistory() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let sales = team.groups["sales"]!
            _ = try await world.api(.PATCH, "/api/v1/groups/\(sales)", token: team.lead.token, json: JSONBody(["nameEn": "Sales & Key Accounts"]))
            let events = try await world.api(.GET, "/api/v1/groups/\(sales)/history", token: team.salesRep.token).json(PageOf<AuditEventDTO>.self).items
            #expect(events.first?.changes.first { $0.field == "nameEn" }?.after == "Sales & Key Accounts")
            let legal = try #require(try await Department.query(on: world.db).filter(\.$code == "legal").first())
            _ = try await world.api(.PATCH, "/api/v1/departments/\(legal.id!)", token: team.lead.token, json: JSONBody(["contactName": "周律师"]))
            let web = WebClient(world)
            try await web.signIn(team.salesRep.email)
            #expect(try await web.get("/groups/\(sales)/history").body.string.contains("Sales &amp; Key Accounts"))
            #expect(try await web.get("/departments/\(legal.id!)/history").body.string.contains("周律师"))
            #expect(try await world.api(.GET, "/api/v1/users/\(team.salesRep.user)/history", token: team.salesRep.token).status == .ok, "one's own account")
            #expect(try await world.api(.GET, "/api/v1/users/\(team.hr.user)/history", token: team.salesRep.token).status == .forbidden)
        }
    }
}
