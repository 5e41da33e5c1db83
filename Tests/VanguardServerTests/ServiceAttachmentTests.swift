import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation
@testable import VanguardCore
@testable import VanguardServer

/// Files on tickets (SVC-1: "internal notes and customer-visible updates; attachments"), kept in
/// the database, typed by their bytes and always handed out as downloads.
@Suite("Service: ticket attachments (SVC-1)")
struct ServiceAttachmentTests {
    /// The first bytes of a PNG, then anything: the type is read from the signature.
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data((0..<3_000).map { UInt8($0 % 251) })

    /// A customer of `owner` and a ticket about it, opened by the service agent.
    func ticket(_ world: TestWorld, _ team: Team, owner: Team.Person? = nil, subject: String = "货损") async throws -> TicketDTO {
        let seller = owner ?? team.salesRep
        let c = try await world.api(.POST, "/api/v1/customers", token: seller.token,
                                    json: JSONBody(["name": .string("客户\(UUID().uuidString.prefix(6))"), "source": "visit"])).json(CustomerDTO.self)
        return try await world.api(.POST, "/api/v1/tickets", token: team.serviceAgent.token, json: JSONBody([
            "type": "complaint", "subject": .string(subject), "customerId": .string(c.id.uuidString)])).json(TicketDTO.self)
    }

    static func sha256(_ data: Data) -> String { Array(SHA256.hash(data: data)).hex }

    @Test("an agent attaches a photo; the list names it and the download is the same bytes, with its SHA-256, as an attachment")
    func roundTrip() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let t = try await ticket(world, team)
            let path = "/api/v1/tickets/\(t.id)/attachments"
            let sent = try await world.attach(path, token: team.serviceAgent.token, Self.png, filename: "破损照片 1.png", fields: ["customerVisible": "true"])
            #expect(sent.status == .created)
            let a = try sent.json(TicketAttachmentDTO.self)
            #expect(a.name == "破损照片 1.png" && a.size == Self.png.count && a.type == "image/png" && a.customerVisible)
            #expect(a.sha256 == Self.sha256(Self.png) && a.uploadedBy == team.serviceAgent.user && a.uploadedByName == "赵磊")
            #expect(sent.headers.first(name: .location) == "\(path)/\(a.id)")

            let list = try await world.api(.GET, path, token: team.serviceAgent.token).json([TicketAttachmentDTO].self)
            #expect(list == [a])

            let got = try await world.api(.GET, "\(path)/\(a.id)", token: team.serviceAgent.token)
            #expect(got.status == .ok)
            #expect(Data(buffer: got.body) == Self.png && Self.sha256(Data(buffer: got.body)) == a.sha256)
            #expect(got.headers.first(name: .contentType) == "image/png")
            #expect(got.headers.first(name: .contentDisposition) == "attachment; filename=\"____ 1.png\"; filename*=UTF-8''%E7%A0%B4%E6%8D%9F%E7%85%A7%E7%89%87%201.png")
            #expect(got.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(got.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            #expect(got.headers.first(name: "Repr-Digest") == "sha-256=:\(Data(SHA256.hash(data: Self.png)).base64EncodedString()):")

            // Stored in the database, as several instances sharing one PostgreSQL need.
            let stored = try #require(try await StoredFile.query(on: world.db).first())
            #expect(stored.data == Self.png && stored.sha256 == a.sha256)

            let history = try await AuditEvent.query(on: world.db).filter(\.$entityType == "ticket").filter(\.$entityId == t.id).all()
            let added = try #require(history.first { $0.entityLabel.contains("attachment 破损照片 1.png added") })
            #expect(added.actorUserId == team.serviceAgent.user && added.after?.contains(a.sha256) == true)
        }
    }

    @Test("the type comes from the bytes: HTML named .png or an SVG is served as opaque bytes, never as an image or a page; office files, PDF, GIF, JPEG, ZIP and text are recognised")
    func sniffedTypes() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let t = try await ticket(world, team)
            let path = "/api/v1/tickets/\(t.id)/attachments"
            let zip = try Archive(accessMode: .create)
            let note = Data("hello".utf8)
            try zip.addEntry(with: "note.txt", type: .file, uncompressedSize: Int64(note.count), provider: { p, s in note.subdata(in: Int(p)..<Int(p) + s) })
            let cases: [(String, Data, String)] = [
                ("photo.png", Data("<html><body><script>alert(document.cookie)</script></body></html>".utf8), "application/octet-stream"),
                ("logo.svg", Data("  <svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".utf8), "application/octet-stream"),
                ("invoice.txt", Data("%PDF-1.7\n1 0 obj".utf8), "application/pdf"),
                ("report.xlsx", try XLSXWriter.workbook(sheet: "数据", header: ["a"], rows: [["1"]]), FileKind.xlsx.contentType),
                ("bundle.zip", try #require(zip.data), "application/zip"),
                ("a.gif", Data("GIF89a".utf8) + Data(repeating: 0, count: 20), "image/gif"),
                ("a.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(repeating: 7, count: 20), "image/jpeg"),
                ("通话记录.txt", Data("客户来电：冷链延误\r\n".utf8), "text/plain; charset=utf-8"),
                ("recording.amr", Data([0x23, 0x21, 0x41, 0x4D, 0x52, 0x0A, 0x00, 0x3C]), "application/octet-stream"),
            ]
            for (name, bytes, type) in cases {
                let a = try await world.attach(path, token: team.serviceAgent.token, bytes, filename: name).json(TicketAttachmentDTO.self)
                #expect(a.type == type, "\(name)")
                let got = try await world.api(.GET, "\(path)/\(a.id)", token: team.serviceAgent.token)
                let served = got.headers.first(name: .contentType) ?? ""
                #expect(served == type, "\(name) served as \(served)")
                #expect(!served.hasPrefix("text/html") && !served.hasPrefix("image/svg"))
                #expect(got.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
                #expect(Data(buffer: got.body) == bytes)
            }
        }
    }

    @Test("file names are cleaned: no folders, no control or direction-override characters, none that Windows refuses")
    func names() {
        #expect(FileName.sanitised("../../etc/passwd", kind: .text) == "passwd")
        #expect(FileName.sanitised("C:\\Users\\wang\\报价单.pdf", kind: .pdf) == "报价单.pdf")
        #expect(FileName.sanitised("invoice\u{202E}fdp.exe", kind: .binary) == "invoicefdp.exe")
        #expect(FileName.sanitised("a\u{0}b\nc:d?.txt", kind: .text) == "abc_d_.txt")
        #expect(FileName.sanitised("CON.txt", kind: .text) == "_CON.txt")
        #expect(FileName.sanitised("  ...  ", kind: .jpeg) == "file.jpg")
        #expect(FileName.sanitised(nil, kind: .pdf) == "file.pdf")
        let long = FileName.sanitised(String(repeating: "长", count: 300) + ".docx", kind: .docx)
        #expect(long.count == 200 && long.hasSuffix(".docx"))
        #expect(FileName.contentDisposition("a \"b\".pdf") == "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf")
    }

    @Test("a file over 10 MB is refused with 413 naming the file, and nothing is stored; an empty file, a JSON body or a bad flag name their field")
    func refusals() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let t = try await ticket(world, team)
            let path = "/api/v1/tickets/\(t.id)/attachments", token = team.serviceAgent.token
            let big = try await world.attach(path, token: token, Data(repeating: 0x41, count: StoredFiles.maxBytes + 1), filename: "big.txt")
            #expect(big.status == .payloadTooLarge)
            #expect(big.headers.contentType?.description.hasPrefix("application/problem+json") == true && big.problemFields == ["file"])
            let empty = try await world.attach(path, token: token, Data(), filename: "empty.txt")
            #expect(empty.status == .unprocessableEntity && empty.problemFields == ["file"])
            let json = try await world.api(.POST, path, token: token, json: JSONBody(["file": "aGVsbG8="]))
            #expect(json.status == .unsupportedMediaType && json.problemFields == ["file"])
            let flag = try await world.attach(path, token: token, Self.png, filename: "a.png", fields: ["customerVisible": "maybe"])
            #expect(flag.status == .unprocessableEntity && flag.problemFields == ["customerVisible"])
            #expect(try await StoredFile.query(on: world.db).count() == 0)
            #expect(try await TicketAttachment.query(on: world.db).withDeleted().count() == 0)
            #expect(try await world.api(.GET, path, token: token).json([TicketAttachmentDTO].self).isEmpty)
            // Exactly at the limit is accepted.
            #expect(try await world.attach(path, token: token, Data(repeating: 0x41, count: StoredFiles.maxBytes), filename: "edge.txt").status == .created)
        }
    }

    @Test("someone who may not read the ticket gets 403 for its files, even with the right file id; another ticket's file id is 404; a seller reads but cannot attach")
    func access() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let agent = team.serviceAgent.token
            // A ticket about the sales group lead's customer: the rep (another seller) may not read it.
            let t = try await ticket(world, team, owner: team.salesLead)
            let path = "/api/v1/tickets/\(t.id)/attachments"
            let a = try await world.attach(path, token: agent, Self.png, filename: "p.png").json(TicketAttachmentDTO.self)
            for outsider in [team.salesRep, team.finance, team.hr] {
                #expect(try await world.api(.GET, path, token: outsider.token).status == .forbidden)
                let guessed = try await world.api(.GET, "\(path)/\(a.id)", token: outsider.token)
                #expect(guessed.status == .forbidden && Data(buffer: guessed.body) != Self.png)
                #expect(try await world.api(.DELETE, "\(path)/\(a.id)", token: outsider.token).status == .forbidden)
                #expect(try await world.attach(path, token: outsider.token, Self.png, filename: "x.png").status == .forbidden)
            }
            let web = WebClient(world)
            try await web.signIn(team.salesRep.email)
            #expect(try await web.get("/tickets/\(t.id)/attachments/\(a.id)").status == .forbidden)

            // Another ticket the agent may read: the first ticket's file is not found through it.
            let other = try await ticket(world, team, owner: team.salesRep)
            #expect(try await world.api(.GET, "/api/v1/tickets/\(other.id)/attachments/\(a.id)", token: agent).status == .notFound)
            #expect(try await world.api(.DELETE, "/api/v1/tickets/\(other.id)/attachments/\(a.id)", token: agent).status == .notFound)
            #expect(try await world.api(.GET, "\(path)/\(UUID())", token: agent).status == .notFound)

            // The rep reads the files of tickets about their own customer, but only the service team changes them.
            let mine = "/api/v1/tickets/\(other.id)/attachments"
            let b = try await world.attach(mine, token: agent, Self.png, filename: "b.png").json(TicketAttachmentDTO.self)
            #expect(try await world.api(.GET, mine, token: team.salesRep.token).json([TicketAttachmentDTO].self).map(\.id) == [b.id])
            #expect(Data(buffer: try await world.api(.GET, "\(mine)/\(b.id)", token: team.salesRep.token).body) == Self.png)
            #expect(try await world.attach(mine, token: team.salesRep.token, Self.png, filename: "c.png").status == .forbidden)
            #expect(try await world.api(.DELETE, "\(mine)/\(b.id)", token: team.salesRep.token).status == .forbidden)
        }
    }

    @Test("removing a file takes it off the ticket and out of reach, and the history says what was removed and by whom")
    func remove() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let t = try await ticket(world, team)
            let path = "/api/v1/tickets/\(t.id)/attachments"
            let a = try await world.attach(path, token: team.serviceAgent.token, Self.png, filename: "p.png").json(TicketAttachmentDTO.self)
            #expect(try await world.api(.DELETE, "\(path)/\(a.id)", token: team.serviceAgent.token).status == .noContent)
            #expect(try await world.api(.GET, path, token: team.serviceAgent.token).json([TicketAttachmentDTO].self).isEmpty)
            #expect(try await world.api(.GET, "\(path)/\(a.id)", token: team.serviceAgent.token).status == .notFound)
            #expect(try await world.api(.DELETE, "\(path)/\(a.id)", token: team.serviceAgent.token).status == .notFound)
            let removed = try #require(try await AuditEvent.query(on: world.db).filter(\.$entityId == t.id).all().first { $0.entityLabel.hasSuffix("attachment p.png removed") })
            #expect(removed.actorUserId == team.serviceAgent.user && removed.before?.contains(a.sha256) == true)
            #expect(try await StoredFile.query(on: world.db).count() == 1, "the file is kept as evidence")
        }
    }

    @Test("on the ticket page an agent uploads a file with the form's CSRF token and downloads it from the list; an empty file comes back beside the field with the box still ticked; a forged form is refused")
    func webUpload() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let t = try await ticket(world, team)
            let web = WebClient(world)
            try await web.signIn("agent@team.test")
            #expect(try await web.get("/tickets/\(t.id)").status == .ok)
            #expect(web.lastBody.contains("id=\"attachment-form\"") && web.lastBody.contains("enctype=\"multipart/form-data\"") && web.lastBody.contains("id=\"no-attachments\""))

            let refused = try await web.upload("/tickets/\(t.id)/attachments", file: Data(), filename: "empty.png", fields: ["customerVisible": "on"])
            #expect(refused.status == .unprocessableEntity)
            #expect(web.lastBody.contains("id=\"e-file\"") && web.lastBody.contains("id=\"attachment-visible\" checked"))

            let forged = try await web.upload("/tickets/\(t.id)/attachments", file: Self.png, filename: "p.png", fields: ["_csrf": "forged"])
            #expect(forged.status == .forbidden)
            #expect(try await TicketAttachment.query(on: world.db).count() == 0)

            try await web.get("/tickets/\(t.id)")
            let sent = try await web.upload("/tickets/\(t.id)/attachments", file: Self.png, filename: "检测报告.png", fields: ["customerVisible": "on"])
            #expect(sent.status == .seeOther)
            #expect(try await web.get("/tickets/\(t.id)").status == .ok)
            let a = try #require(try await TicketAttachment.query(on: world.db).first())
            #expect(a.customerVisible && a.uploadedBy == team.serviceAgent.user)
            let link = "/tickets/\(t.id)/attachments/\(a.id!)"
            #expect(web.lastBody.contains("href=\"\(link)\"") && web.lastBody.contains("检测报告.png") && web.lastBody.contains("2.9 KB") && web.lastBody.contains("10 MB"))
            let got = try await web.get(link)
            #expect(got.status == .ok && Data(buffer: got.body) == Self.png && got.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)

            try await web.get("/tickets/\(t.id)")
            #expect(try await web.post("\(link)/delete", form: [:]).status == .seeOther)
            #expect(try await TicketAttachment.query(on: world.db).count() == 0)
        }
    }
}

extension TestWorld {
    /// Posts a multipart form with `file` and other fields, as `curl -F file=@… -F name=value` does.
    func attach(_ path: String, token: String, _ data: Data, filename: String, fields: [String: String] = [:]) async throws -> TestingHTTPResponse {
        let boundary = "----vanguard-attachment-boundary"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
    }
}
