import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation
@testable import VanguardCore
@testable import VanguardServer

/// Customers and contacts from CSV and XLSX, all or nothing, and every sales list out again
/// (issue 4, item 11).
@Suite("Sales: customer import and list exports")
struct SalesImportTests {
    func upload(_ world: TestWorld, _ path: String, token: String, csv: String, encoding: String.Encoding = .utf8) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: "text/csv")
        return try await world.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: csv.data(using: encoding)!))
    }

    /// The names of the customers a search finds, first page.
    func customerNames(_ world: TestWorld, token: String, _ q: String) async throws -> [String] {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await world.api(.GET, "/api/v1/customers?q=\(encoded)", token: token).json(PageOf<CustomerDTO>.self).items.map(\.name)
    }

    @Test("the search index's text for a customer is the same by the fast path (Chinese, ASCII, full-width) as by the general one")
    func searchDocumentFastPath() {
        // Each token once, the first pair a second time if it comes again.
        func general(_ parts: [String]) -> String {
            let all = parts.flatMap(CustomerSearch.tokens)
            var seen = Set<String>(), kept: [String] = []
            for (i, token) in all.enumerated() where seen.insert(token).inserted || (i > 0 && token == all[0] && kept.filter({ $0 == token }).count == 1) {
                kept.append(token)
            }
            return kept.joined(separator: " ")
        }
        let samples: [[String]] = [
            ["上海星辰科技有限公司", "02112345678", "91310000MA1FL8L02X"], ["ＡＢＣ Trading Co., Ltd.（上海）", "13812345678"],
            ["星星星星", "1111"], ["a", "", "b"], ["杭州 云帆、贸易。", "0571-8888 6666"], ["", ""], ["HARBOR Logistics 港", "91110000100000000X"],
            ["一丁鿯9", "Zz"],  // the CJK block's first and last ideographs, next to ASCII
            ["北京2990科技", "0755-26812990"], ["５８同城 12345", "13812345678"],
            ["上海路上海上海科技", ""], ["Harbor Harbour HARBOR", ""], ["a", "a", "a"],
        ]
        for parts in samples {
            #expect(CustomerSearch.fastDocument(parts) == general(parts), "\(parts)")
            // The name's pairs, then the groups of four digits of the name's digits and each phone, each once.
            let keys = parts.dropFirst().map(DuplicateCustomers.phoneKey)
            var groups: [String] = []
            for group in DigitGroups.inName(parts[0]) + keys.flatMap(DigitGroups.all) where !groups.contains(group) { groups.append(group) }
            #expect(CustomerSearch.document(name: parts[0], phoneKeys: keys) == ([general([parts[0]])].filter { !$0.isEmpty } + groups).joined(separator: " "), "\(parts)")
        }
        #expect(CustomerSearch.document(name: "上海星辰", phoneKeys: ["02112345678", "13812345678"])
                == "上海 海星 星辰 辰 0211 2112 1123 1234 2345 3456 4567 5678 1381 3812 8123", "a contact's number shares groups with the customer's")
        #expect(CustomerSearch.document(name: "北京2990科技", phoneKeys: []) == "北京 京2 29 99 90 0科 科技 技 2990", "a name's digits as a group too")
        #expect(CustomerSearch.document(name: "上海路上海上海科技", phoneKeys: []) == "上海 海路 路上 上海 海上 海科 科技 技",
                "the first pair twice, as it comes again after the name's start; other repeats once")
        #expect(CustomerSearch.document(name: "Sunny Summit", phoneKeys: []) == "su un nn ny ys su um mm mi it t")
        let istanbul = CustomerSearch.document(name: "İstanbul İstanbul", phoneKeys: []).split(separator: " ")
        #expect(istanbul.filter { $0 == istanbul[0] }.count == 2 && istanbul.filter { $0 == "st" }.count == 1, "the general path too: \(istanbul)")
        #expect(CustomerSearch.fastDocument(["İstanbul Café"]) == nil, "other letters take the general path")
        #expect(CustomerSearch.document(name: "İstanbul Café", phoneKeys: []) == general(["İstanbul Café"]))
    }

    @Test("the values already on file are found all at once: quotes, backslashes, Chinese, thousands of them, deleted rows only when asked")
    func existingValues() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let odd = ["O\"Brien \\ Trading", "上海星辰", "It's [1] {x}", "plain"]
            for name in odd {
                let answer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: ["name": name, "source": "visit"])
                #expect(answer.status == .created, "\(answer.body.string)")
            }
            let gone = try #require(try await Customer.query(on: world.db).filter(\.$name == "plain").first())
            try await gone.delete(on: world.db)
            let asked = Set(odd + (0..<3_000).map { "nobody \($0)" })
            #expect(try await world.db.existing(asked, in: "name", of: Customer.schema) == Set(odd.dropLast()))
            #expect(try await world.db.existing(asked, in: "name", of: Customer.schema, includingDeleted: true) == Set(odd))
            #expect(try await world.db.existing([], in: "name", of: Customer.schema).isEmpty)
        }
    }

    @Test("records get time-ordered ids, whether Fluent makes them (a customer, its history entry) or an import writes them in bulk")
    func timeOrderedIDs() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let customer = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token,
                                               json: JSONBody(["name": "宁波港城物流", "source": "visit"])).json(CustomerDTO.self)
            let history = try #require(try await AuditEvent.query(on: world.db).filter(\.$entityId == customer.id).first())
            let imported = try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,来源渠道\n温州瓯江五金,展会\n")
            #expect(imported.status == .ok)
            let later = try #require(try await Customer.query(on: world.db).filter(\.$name == "温州瓯江五金").first()?.id)
            for id in [customer.id, try #require(history.id), later] { #expect(id.timeOrderedDate != nil, "\(id) is not version 7") }
            #expect(later.uuidString > customer.id.uuidString, "made later, sorts later")
        }
    }

    @Test("a customer and contact written in bulk read back exactly as ones Fluent wrote: ids, times, flags, empty values, search")
    func bulkRowsMatchFluent() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let made = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token,
                                           json: JSONBody(["name": "苏州吴江丝绸", "source": "visit", "phone": "0512-6300 1234"])).json(CustomerDTO.self)
            let model = try #require(try await Customer.find(made.id, on: world.db))
            let stamp = try #require(model.createdAt)
            var twin = NewCustomer(model, at: stamp)
            twin.record.id = UUID.timeOrdered()
            twin.record.name = "苏州吴江丝绸二厂"
            twin.nameKey = DuplicateCustomers.nameKey(twin.record.name)
            (twin.record.phone, twin.phoneKey, twin.record.uscc) = (nil, nil, nil)
            twin.searchText = CustomerSearch.document(name: twin.record.name, phoneKeys: [])
            twin.record.notes = "第一行\n第二行\t制表 C:\\新建\r\\N 结束"  // the COPY text format's own characters
            let contact = NewContact(id: UUID.timeOrdered(), customerId: twin.record.id, name: "王厂长", title: "厂长", mobile: "13800001111",
                                     email: "wang@example.cn", isPrimary: true)
            let sql = try #require(world.db as? any SQLDatabase)
            try await sql.bulkInsert(into: Customer.schema, columns: NewCustomer.columns, rows: [twin.row])
            try await sql.bulkInsert(into: Contact.schema, columns: NewContact.columns, rows: [contact.row(stamp: stamp)])

            let back = try #require(try await Customer.find(twin.record.id, on: world.db))
            #expect(CustomerDTO(back) == twin.record)
            #expect(back.nameKey == twin.nameKey && back.searchText == twin.searchText && back.phoneKey == nil)
            #expect(back.nameOrder == PinyinOrder.key(twin.record.name), "bulk rows carry the list's sort key")
            let person = try #require(try await Contact.query(on: world.db).filter(\.$customer.$id == twin.record.id).first())
            #expect(person.id == contact.id && person.name == "王厂长" && person.title == "厂长" && person.isPrimary)
            #expect(person.mobile == "13800001111" && person.phoneKey == DuplicateCustomers.phoneKey("13800001111") && person.email == "wang@example.cn")
            #expect(person.birthdayCalendar == BirthdayCalendar.gregorian.rawValue && person.createdAt == stamp && person.deletedAt == nil)
            let found = try await world.api(.GET, "/api/v1/customers?q=" + "二厂".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
                                            token: team.salesRep.token).json(PageOf<CustomerDTO>.self)
            #expect(found.items.map(\.id) == [twin.record.id], "the search index has it")
            if sql.dialect.name == "sqlite" {
                // Same storage classes as Fluent's row: ids as text, times as reals.
                let kinds = try await sql.raw("SELECT COUNT(DISTINCT typeof(id) || typeof(owner_member_id) || typeof(created_at) || typeof(merged_into_id)) AS n FROM customers").first()
                #expect(try kinds?.decode(column: "n", as: Int.self) == 1)
            }
        }
    }

    @Test("SQLite bulk rows read back as binding each value stored them, whether a column varies in the statement (read from its JSON) or not (bound once)")
    func sqliteBulkStatements() async throws {
        try await withApp { world in
            guard let sql = world.db as? any SQLDatabase, let sqlite = world.db as? any SQLiteDatabase, sql.dialect.name == "sqlite" else { return }
            let (u1, u2) = (UUID.timeOrdered(), UUID.timeOrdered())
            func row(_ k: Int, _ t: BulkValue, _ n: Int64, _ b: Bool, _ u: UUID, _ d: Double, _ x: BulkValue) -> [BulkValue] {
                [.int(k), t, .integer(n), .bool(b), .uuid(u), .date(Date(timeIntervalSince1970: d)), x]
            }
            let varying = [row(1, .text("It's \"q\" \\ 丝绸\n\t"), .max, true, u1, 1_796_131_754.42871, .null),
                           row(2, .text("e\u{301}"), -1, false, u2, 1e-7, .text("x")),
                           row(3, .text("é"), 0, false, u2, -1.5, .null)]
            let constant = (4...6).map { row($0, .text("同一个"), 7, true, u1, 1_796_131_754.42871, .null) }
            // Equal to Swift, not in bytes: two values, not one.
            let lookAlike = [row(7, .text("é"), 1, true, u1, 1, .null), row(8, .text("e\u{301}"), 1, true, u1, 1, .null)]
            let columns = ["k", "t", "n", "b", "u", "d", "x"]
            for table in ["bulk_probe", "bulk_reference"] {
                try await sql.raw("CREATE TABLE \(ident: table) (k INTEGER, t TEXT, n INTEGER, b INTEGER, u UUID, d REAL, x TEXT)").run()
            }
            for rows in [varying, constant, lookAlike] {
                try await sql.bulkInsert(into: "bulk_probe", columns: columns, rows: rows)
                for r in rows { _ = try await sqlite.query("INSERT INTO bulk_reference VALUES (?, ?, ?, ?, ?, ?, ?)", r.map(\.sqliteData)) }
            }
            let statements = SQLiteBulkStatements.make(into: "bulk_probe", columns: columns, rows: constant)
            #expect(statements.count == 1 && statements[0].binds.count == 7, "six columns bound once, the JSON for the one that varies")
            #expect(SQLiteBulkStatements.make(into: "bulk_probe", columns: columns, rows: varying)[0].binds.count == 1)
            let same = try await sql.raw("""
                SELECT COUNT(*) AS n FROM bulk_probe p JOIN bulk_reference r USING (k)
                WHERE typeof(p.t) = typeof(r.t) AND hex(p.t) = hex(r.t) AND typeof(p.n) = typeof(r.n) AND p.n = r.n
                  AND typeof(p.b) = typeof(r.b) AND p.b = r.b AND typeof(p.u) = typeof(r.u) AND p.u = r.u
                  AND typeof(p.d) = typeof(r.d) AND p.d = r.d AND typeof(p.x) = typeof(r.x) AND p.x IS r.x
                """).first()
            #expect(try same?.decode(column: "n", as: Int.self) == 8, "every row stored as its values bound one by one")
        }
    }

    @Test("rows for PostgreSQL's binary COPY: the format's header and trailer, each field's length, NULL as -1, every value's bytes as PostgresNIO binds it")
    func postgresCopyBinary() throws {
        let id = try #require(UUID(uuidString: "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"))
        let when = Date(timeIntervalSince1970: 1_709_164_800.25)  // 2024-02-29 00:00:00.25 UTC
        var copy = PostgresCopyBinary.encode([[.uuid(id), .text("a\tb\\c\nd"), .null, .bool(true), .integer(-42), .date(when)],
                                              [.uuid(nil), .text(""), .text("丝绸"), .bool(false), .int(0), .date(Date(timeIntervalSince1970: 946_684_799.5))]],
                                             columns: 6)
        #expect(copy.readBytes(length: 19) == Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        func field() -> [UInt8]? {
            guard let length = copy.readInteger(as: Int32.self) else { return [0xDE, 0xAD] }
            return length < 0 ? nil : copy.readBytes(length: Int(length))
        }
        #expect(copy.readInteger(as: Int16.self) == 6)
        #expect(field() == withUnsafeBytes(of: id.uuid) { Array($0) }, "an id's 16 bytes")
        #expect(field() == Array("a\tb\\c\nd".utf8), "text as it is: binary has no characters of its own to escape")
        #expect(field() == nil)
        #expect(field() == [1])
        #expect(field() == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xD6], "a bigint, big-endian")
        #expect(field() == withUnsafeBytes(of: Int64(762_480_000_250_000).bigEndian) { Array($0) }, "microseconds since 2000-01-01")
        #expect(copy.readInteger(as: Int16.self) == 6)
        #expect(field() == nil && field() == [] && field() == Array("丝绸".utf8) && field() == [0] && field() == [UInt8](repeating: 0, count: 8))
        #expect(field() == withUnsafeBytes(of: Int64(-500_000).bigEndian) { Array($0) }, "before 2000: negative")
        #expect(copy.readInteger(as: Int16.self) == -1, "the trailer")
        #expect(copy.readableBytes == 0)
        // Any instant: the same bytes as PostgresNIO's bind of the same Date.
        for seconds in [0, 946_684_800, 951_782_400.999_999_7, 1_764_547_200.123_456_789, 4_102_444_799.000_001, -86_400.5] as [Double] {
            let date = Date(timeIntervalSince1970: seconds)
            var bound = ByteBuffer()
            date.encode(into: &bound, context: .default)
            var one = ByteBuffer()
            PostgresCopyBinary.write(.date(date), into: &one)
            #expect(one.readInteger(as: Int32.self) == 8 && one.readableBytesView.elementsEqual(bound.readableBytesView), "\(seconds)")
        }
        // The column list that makes PostgresNIO's COPY ask for the binary format.
        #expect(PostgresCopyBinary.columnList(["id", "name"]) == ["id", "name\") FROM STDIN WITH (FORMAT binary) --"])
    }

    @Test("PostgreSQL bulk rows read back as binding each value stored them: texts with the text format's own characters, Chinese, NULLs, extreme numbers, times before 2000")
    func postgresBulkRows() async throws {
        try await withApp { world in
            guard let sql = world.db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
            let (u1, u2) = (UUID.timeOrdered(), UUID.timeOrdered())
            func row(_ k: Int, _ t: BulkValue, _ n: Int64, _ b: Bool, _ u: UUID, _ d: Double, _ x: BulkValue) -> [BulkValue] {
                [.int(k), t, .integer(n), .bool(b), .uuid(u), .date(Date(timeIntervalSince1970: d)), x]
            }
            let rows = [row(1, .text("It's \"q\" \\ 丝绸\n\t\r\\N"), .max, true, u1, 1_796_131_754.428_71, .null),
                        row(2, .text("e\u{301}"), .min, false, u2, 1e-7, .text("x")),
                        row(3, .text(""), 0, false, u2, -1.5, .text("\\.")),
                        row(4, .null, -1, true, u1, 946_684_799.999_999_9, .null)]
            for table in ["bulk_probe", "bulk_reference"] {
                try await sql.raw("CREATE TABLE \(ident: table) (k BIGINT, t TEXT, n BIGINT, b BOOLEAN, u UUID, d TIMESTAMPTZ, x TEXT)").run()
            }
            try await world.db.transaction { db in
                try await (db as! any SQLDatabase).bulkInsert(into: "bulk_probe", columns: ["k", "t", "n", "b", "u", "d", "x"], rows: rows)
            }
            for r in rows {
                var insert = SQLQueryString("INSERT INTO bulk_reference VALUES (")
                for (i, v) in r.enumerated() {
                    if i > 0 { insert.appendLiteral(", ") }
                    switch v {
                    case .text(let s): insert.appendInterpolation(bind: s)
                    case .integer(let n): insert.appendInterpolation(bind: n)
                    case .bool(let b): insert.appendInterpolation(bind: b)
                    case .uuid(let u): insert.appendInterpolation(bind: u)
                    case .date(let d): insert.appendInterpolation(bind: d)
                    case .tsvector: Issue.record("no tsvector column here")
                    case .null: insert.appendLiteral("NULL")
                    }
                }
                insert.appendLiteral(")")
                try await sql.raw(insert).run()
            }
            let same = try await sql.raw("""
                SELECT COUNT(*) AS n FROM bulk_probe p JOIN bulk_reference r USING (k)
                WHERE p.t IS NOT DISTINCT FROM r.t AND p.n = r.n AND p.b = r.b AND p.u = r.u AND p.d = r.d AND p.x IS NOT DISTINCT FROM r.x
                """).first()
            #expect(try same?.decode(column: "n", as: Int.self) == 4, "every row stored as its values bound one by one")
            let text = try await sql.raw("SELECT t FROM bulk_probe WHERE k = 1").first()?.decode(column: "t", as: String.self)
            #expect(text == "It's \"q\" \\ 丝绸\n\t\r\\N")
        }
    }

    @Test("an imported customer's history snapshot, written directly, is what the generic encoder writes: same fields, nil ones left out, text escaped")
    func snapshotAsEncoded() throws {
        let full = CustomerDTO(id: UUID.timeOrdered(), name: "上海 \"星辰\" 科技\\有限公司\n二部", kind: "company", uscc: "91310000MA1FL0XX0X", industry: "manufacturing",
                               region: "上海/浦东", size: "medium", source: "visit", status: "prospect", expectedAnnualYuan: 1_000_000_000_000, score: 87,
                               customerClass: "A", phone: "021-6888 1234", email: "a@b.cn", address: "\t路 1 号", notes: "\u{01}控制", ownerId: UUID.timeOrdered(),
                               mergedIntoId: UUID.timeOrdered(), version: 3, createdAt: Date(timeIntervalSince1970: 1_764_547_200.9),
                               updatedAt: Date(timeIntervalSince1970: 946_684_799), deletedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let sparse = CustomerDTO(id: UUID.timeOrdered(), name: "Harbor Ltd", kind: "individual", uscc: nil, industry: nil, region: "", size: nil, source: "other",
                                 status: "prospect", expectedAnnualYuan: 0, score: 0, customerClass: "C", phone: nil, email: nil, address: "", notes: "",
                                 ownerId: nil, version: 1, createdAt: nil, updatedAt: nil)
        for record in [full, sparse] {
            let encoded = try Audit.snapshot(record)
            let direct = record.snapshotJSON
            let a = try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? NSDictionary
            let b = try JSONSerialization.jsonObject(with: Data(direct.utf8)) as? NSDictionary
            #expect(a != nil && a == b, "\(direct)")
            #expect(AuditChange.diff(before: encoded, after: direct, hiding: []).isEmpty)
            let decoded = try JSONDecoder.api.decode(CustomerDTO.self, from: Data(direct.utf8))
            #expect(decoded == (try JSONDecoder.api.decode(CustomerDTO.self, from: Data(encoded.utf8))))
            #expect(decoded.name == record.name && decoded.notes == record.notes && decoded.mergedIntoId == record.mergedIntoId)
        }
    }

    @Test("a large import leaves the search index's merges and the WAL's checkpoint to the server's upkeep: the index setting is the same after it, every row is found at once, and the upkeep then merges and checkpoints (on PostgreSQL the next server to start does, should this one stop first)")
    func upkeepAfterImport() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            if world.app.settings.database.isPostgres { return try await pendingSearchEntriesAfterImport(world, team) }
            try await DatabaseUpkeep.leaveCheckpointsToUpkeep(world.app)
            for loop in world.app.eventLoopGroup.makeIterator() {
                let sql = try #require(world.app.databases.database(.sqlite, logger: world.app.logger, on: loop) as? any SQLDatabase)
                #expect(try await sql.raw("PRAGMA wal_autocheckpoint").first()?.decode(column: "wal_autocheckpoint", as: Int.self) == 0)
            }
            let rows = (1...4_500).map { "维护测试\($0)号有限公司,visit" }.joined(separator: "\n")
            #expect(try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,来源渠道\n" + rows).status == .ok)
            let sql = try #require(world.db as? any SQLDatabase)
            #expect(try await sql.raw("SELECT v FROM customer_search_config WHERE k = 'automerge'").first()?.decode(column: "v", as: Int.self) ?? 4 == 4)
            let found = try await world.api(.GET, "/api/v1/customers?q=\("测试4321号".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", token: team.salesRep.token)
            #expect(try found.json(PageOf<CustomerDTO>.self).items.map(\.name) == ["维护测试4321号有限公司"])
            #expect(try await SearchIndexMerges.runDue(world.app) > 0, "the import's new index segments are merged afterwards")
            let wal = try await DatabaseUpkeep.checkpoint(world.db)
            #expect(wal.log > 0 && wal.checkpointed == wal.log, "the import's pages waited in the WAL for the upkeep: \(wal)")
            #expect(try await world.api(.GET, "/api/v1/customers?q=\("测试4321号".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", token: team.salesRep.token)
                .json(PageOf<CustomerDTO>.self).items.count == 1)
        }
    }

    /// PostgreSQL: an import's search entries wait in the GIN index's pending list (searches find
    /// them there), more than the 4 MB at which a write would otherwise move the list into the
    /// index itself; the upkeep moves them afterwards, or the next server's, should this one stop first.
    func pendingSearchEntriesAfterImport(_ world: TestWorld, _ team: Team) async throws {
        // Autovacuum also empties the pending list; 12,000 new rows call it within its minute, and
        // under a full test run's load this test takes about that long.
        try await (world.db as! any SQLDatabase).raw("ALTER TABLE customers SET (autovacuum_enabled = false)").run()
        let rows = (1...Self.pendingListRows).map { "待办索引测试\($0)号华东区域商贸物流有限公司,visit,021-\(String(60_000_000 + $0))" }.joined(separator: "\n")
        #expect(try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,来源渠道,电话\n" + rows).status == .ok)
        let query = "/api/v1/customers?q=\("测试4321号".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)"
        #expect(try await world.api(.GET, query, token: team.salesRep.token).json(PageOf<CustomerDTO>.self).items.map(\.name) == ["待办索引测试4321号华东区域商贸物流有限公司"])
        // The importing server stops before its upkeep runs (a deploy, a crash): every search would
        // read the waiting entries until autovacuum came, so the next server to start moves them.
        let next = try await Application.make(.testing)
        next.directory = DirectoryConfiguration(workingDirectory: repositoryRoot)
        let pages: Int
        do {
            try await configure(next, settings: world.app.settings)
            pages = try await SearchIndexMerges.runDue(next)
        } catch {
            try? await next.asyncShutdown()
            throw error
        }
        try await next.asyncShutdown()
        #expect(pages > 4 * 1024 / 8, "the import's entries waited in the pending list for the upkeep: \(pages) pages of 8 kB")
        #expect(try await SearchIndexMerges.runDue(world.app) == 0, "the importing server's own round finds nothing left")
        #expect(try await SearchIndexMerges.runDue(world.app) == 0, "nothing more is due")
        #expect(try await world.api(.GET, query, token: team.salesRep.token).json(PageOf<CustomerDTO>.self).items.count == 1)
    }

    /// Rows whose search entries take more than 4 MB.
    static let pendingListRows = 12_000

    @Test("PostgreSQL: an import that adds a hundredth of the customers has the upkeep take their statistics again, and the search reads them at once, so names the import made common are searched as common ones")
    func statisticsAfterImport() async throws {
        try await withApp { world in
            guard world.app.settings.database.isPostgres else { return }
            let team = try await world.seedTeam()
            let sql = try #require(world.db as? any SQLDatabase)
            try await sql.raw("ALTER TABLE customers SET (autovacuum_enabled = false)").run()
            try await sql.raw("ANALYZE customers").run()
            let tokens = world.app.commonSearchTokens
            #expect(try await tokens.shares(sql: sql, now: world.clock.now())["^统计"] == nil)
            // Fewer rows than the import analyzes itself (a big load into a small file).
            let rows = (1...1_500).map { "统计测试\($0)号有限公司,visit" }.joined(separator: "\n")
            #expect(try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,来源渠道\n" + rows).status == .ok)
            #expect(try await tokens.shares(sql: sql, now: world.clock.now())["^统计"] == nil, "not analyzed by the import itself")
            try await SearchIndexMerges.runDue(world.app)
            let share = try await tokens.shares(sql: sql, now: world.clock.now())["^统计"]
            #expect((share ?? 0) > 0.5, "the names starting with 统计 are most of the file: \(String(describing: share))")
            #expect(try await world.app.customerStatistics.analyzeIfStale(world.app) == false, "nothing more to analyze")
        }
    }

    @Test("the import's check leaves a core to a PostgreSQL server on this machine, whose one writing process is the import's critical path; not to SQLite, nor to a server elsewhere")
    func checkCores() {
        let all = ProcessInfo.processInfo.activeProcessorCount
        func cores(_ target: Settings.DatabaseTarget) -> Int { CustomerImport.checkCores(Settings(database: target)) }
        for local in ["postgres://v:v@127.0.0.1:5432/vanguard", "postgres://v@localhost/vanguard", "postgres://v@[::1]:5432/vanguard",
                      "postgres:///vanguard", "postgres://v@%2Fvar%2Frun%2Fpostgresql/vanguard"] {
            #expect(cores(.postgres(url: local)) == max(1, all - 1), "\(local)")
        }
        #expect(cores(.postgres(url: "postgres://v:v@db.internal:5432/vanguard")) == all)
        #expect(cores(.sqliteFile(path: "/tmp/v.sqlite")) == all && cores(.sqliteMemory) == all)
    }

    @Test("a row's cells are read by field position: every field the importer knows has its own, in the list's order")
    func fieldPositions() {
        #expect(CustomerImport.Field.allCases.map { "\($0)" } == CustomerImport.fields.map(\.field))
        let row = CustomerImport.RowValues([" 星辰 ", "", "'=1+1"], columns: [0, 1, 2] + Array(repeating: nil, count: CustomerImport.fields.count - 3))
        #expect(row[.name] == "星辰" && row[.kind] == nil && row[.uscc] == "=1+1" && row[.contactEmail] == nil, "trimmed, empty as nil, the export's guard undone")
    }

    @Test("a file with any bad row writes nothing and names every bad row and column")
    func allOrNothing() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "已存在科技有限公司", "source": "visit"]))
            let csv = """
                客户名称,统一社会信用代码,来源渠道,电话,联系人,手机,预计年采购额（元）
                成都新客户有限公司,\(SalesTests.validUSCC),展会,028-8888 1234,王经理,13800001111,"1,200,000"
                已存在科技,,visit,,,,
                坏代码公司,91350100M000100Y44,visit,,李四,123,1.5e6
                =HYPERLINK("x"),,visit,,,,
                天文数字公司,,visit,,,,1e30
                非数公司,,visit,,,,nan
                """
            let answer = try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: csv)
            #expect(answer.status == .unprocessableEntity)
            #expect(Set(answer.problemFields) == ["rows[3].name", "rows[4].uscc", "rows[4].contactMobile", "rows[5].name",
                                                  "rows[6].expectedAnnualYuan", "rows[7].expectedAnnualYuan"])
            #expect(answer.body.string.contains("outOfRange") && answer.body.string.contains("wrongType"), "too large is out of range; not a number is the wrong type")
            #expect(try await Customer.query(on: world.db).count() == 1, "nothing of the file was written")
        }
    }

    @Test("SP-1: customers already on file are caught wherever their rows are in a large file (first block, middle, last), and nothing is written")
    func onFileAnywhere() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            for (name, phone, code) in [("老客户甲有限公司", "021-6000 0001", nil), ("老客户乙有限公司", "021-6000 0002", nil), ("老客户丙有限公司", nil, SalesTests.validUSCC)] {
                var body: [String: JSONBodyValue] = ["name": .string(name), "source": "visit"]
                if let phone { body["phone"] = .string(phone) }
                if let code { body["uscc"] = .string(code) }
                #expect(try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(body)).status == .created)
            }
            // 4,500 rows are five blocks of the check. The first is queued for writing before what is on file is known
            // (the file alone finds nothing wrong in it), so its duplicate must still fail the file and undo the block.
            var lines = (0..<4_500).map { "新客户\($0)号有限公司,visit,,0755-\(String(70_000_000 + $0))" }
            lines[10] = "老客户甲,visit,,"
            lines[2_600] = "别名公司,visit,,021 6000 0002"
            lines[4_499] = "又一家公司,visit,\(SalesTests.validUSCC),"
            let answer = try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,来源渠道,统一社会信用代码,电话\n" + lines.joined(separator: "\n"))
            #expect(answer.status == .unprocessableEntity)
            #expect(Set(answer.problemFields) == ["rows[\(ImportTable.fileRow(10))].name", "rows[\(ImportTable.fileRow(2_600))].phone",
                                                  "rows[\(ImportTable.fileRow(4_499))].uscc"])
            #expect(try await Customer.query(on: world.db).count() == 3, "nothing of the file was written")
        }
    }

    @Test("a good GBK file from Excel imports customers with their first contact, classes and owners; a dry run writes nothing")
    func importsGBK() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let csv = """
                客户名称,类型,规模,来源渠道,预计年采购额（元）,负责人,联系人,职务,手机
                杭州云帆机电有限公司,企业,大型,转介绍,"1,500,000",T003,陈采购,采购经理,13912345678
                宁波海岸贸易有限公司,企业,小型,电话营销,80000,,林总,总经理,
                """
            let gbk = ImportFile.gb18030
            let dry = try await upload(world, "/api/v1/customers/import?dryRun=true", token: team.salesLead.token, csv: csv, encoding: gbk)
            #expect(dry.status == .ok)
            #expect(try dry.json(CustomerImport.Report.self).rows == 2)
            #expect(try await Customer.query(on: world.db).count() == 0)
            let done = try await upload(world, "/api/v1/customers/import", token: team.salesLead.token, csv: csv, encoding: gbk)
            #expect(done.status == .ok)
            let report = try done.json(CustomerImport.Report.self)
            #expect(report.created == 2 && report.contacts == 2)
            let big = try #require(try await Customer.query(on: world.db).filter(\.$name == "杭州云帆机电有限公司").first())
            #expect(big.customerClass == "A" && big.source == "referral" && big.ownerMemberId == team.salesRep.member, "T003 is the sales rep")
            let small = try #require(try await Customer.query(on: world.db).filter(\.$name == "宁波海岸贸易有限公司").first())
            #expect(small.ownerMemberId == team.salesLead.member, "without an owner column the importer owns it")
            #expect(try await Contact.query(on: world.db).filter(\.$customer.$id == big.id!).first()?.isPrimary == true)
            #expect(try await AuditEvent.query(on: world.db).filter(\.$entityType == "customer").filter(\.$action == "create").count() == 2)
            // A salesperson cannot import customers for someone else.
            let rep = try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: "客户名称,负责人\n别人的客户,T002\n")
            #expect(rep.problemFields == ["rows[2].owner"])
        }
    }

    @Test("the customer export opens again in the importer, in CSV and XLSX, with the list's filters and the reader's scope")
    func exportRoundTrip() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            _ = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "导出测试甲", "source": "visit", "size": "large", "expectedAnnualYuan": 2000000]))
            _ = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": "导出测试乙", "source": "website"]))
            _ = try await world.api(.POST, "/api/v1/customers", token: team.serviceAgent.token, json: JSONBody(["name": "客服的客户", "source": "visit"]))
            let csv = try await world.api(.GET, "/api/v1/customers/export", token: team.salesRep.token)
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            let text = csv.body.string
            #expect(text.contains("导出测试甲") && text.contains("导出测试乙") && !text.contains("客服的客户"))
            let onlyA = try await world.api(.GET, "/api/v1/customers/export?class=A", token: team.salesRep.token).body.string
            #expect(onlyA.contains("导出测试甲") && !onlyA.contains("导出测试乙"))
            let xlsx = try await world.api(.GET, "/api/v1/customers/export?format=xlsx", token: team.salesRep.token)
            #expect(xlsx.headers.contentType == Response.xlsxType)
            let table = try ImportFile.table(from: Data(buffer: xlsx.body))
            #expect(table.rows.count == 2)
            // Delete them, then import the exported file: the same customers come back.
            for c in try await Customer.query(on: world.db).filter(\.$ownerMemberId == team.salesRep.member).all() { try await c.delete(force: true, on: world.db) }
            let again = try await upload(world, "/api/v1/customers/import", token: team.salesRep.token, csv: text)
            #expect(again.status == .ok)
            #expect(try await Customer.query(on: world.db).filter(\.$name == "导出测试甲").first()?.customerClass == "A")
            let deals = try await world.api(.GET, "/api/v1/opportunities/export?format=csv", token: team.salesRep.token)
            #expect(deals.status == .ok && deals.body.string.hasPrefix("\u{FEFF}"))
        }
    }

    @Test("an export is read a few rows at a time from one snapshot: a customer renamed while it is read comes out as it was when it began, once, in CSV and XLSX; deleted customers stay out, filters hold")
    func exportReadsOneSnapshot() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            var ids: [String: String] = [:]
            for name in ["Alpha Trading", "Bravo Trading", "Charlie Trading", "Delta Trading", "Echo Trading"] {
                ids[name] = try await world.api(.POST, "/api/v1/customers", token: team.salesRep.token, json: JSONBody(["name": .string(name), "source": "visit"])).json(CustomerDTO.self).id.uuidString
            }
            world.app.exportChunkSize = 2
            // Once the first two rows are out, a customer still to come is renamed to sort first.
            for (format, customer, after) in [("csv", "Delta Trading", "Aardvark Trading"), ("xlsx", "Charlie Trading", "Abacus Trading")] {
                let id = ids[customer]!, before = try ImportFile.table(from: Data(buffer: try await world.api(.GET, "/api/v1/customers/export", token: team.salesRep.token).body)).rows.map { $0[0] }
                let changes = Changes()
                world.app.afterExportChunk = {
                    guard changes.first() else { return }
                    let patch = try await world.api(.PATCH, "/api/v1/customers/\(id)", token: team.salesRep.token, json: JSONBody(["name": .string(after)]))
                    #expect(patch.status == .ok, "\(patch.body.string)")
                }
                let file = try await world.api(.GET, "/api/v1/customers/export?format=\(format)", token: team.salesRep.token)
                #expect(file.status == .ok)
                let names = try ImportFile.table(from: Data(buffer: file.body)).rows.map { $0[0] }
                #expect(names == before && names.firstIndex(of: customer)! > 1, "\(format): \(names)")
                #expect(changes.used, "the rename ran while the export was read")
            }
            world.app.afterExportChunk = nil
            let now = try await world.api(.GET, "/api/v1/customers/export", token: team.salesRep.token).body.string
            #expect(now.contains("Aardvark Trading") && now.contains("Abacus Trading") && !now.contains("Delta Trading") && !now.contains("Charlie Trading"),
                    "the next export reads the list as it is now")
            // A deleted customer is in the recycle bin, not in the export; filters hold too.
            #expect(try await world.api(.DELETE, "/api/v1/customers/\(ids["Bravo Trading"]!)", token: team.salesRep.token).status == .noContent)
            let kept = try ImportFile.table(from: Data(buffer: try await world.api(.GET, "/api/v1/customers/export", token: team.salesRep.token).body)).rows.map { $0[0] }
            #expect(kept == ["Aardvark Trading", "Abacus Trading", "Alpha Trading", "Echo Trading"], "\(kept)")
            let found = try ImportFile.table(from: Data(buffer: try await world.api(.GET, "/api/v1/customers/export?q=echo", token: team.salesRep.token).body)).rows.map { $0[0] }
            #expect(found == ["Echo Trading"], "\(found)")
        }
    }

    /// Whether this is the first time asked (a test's hook changes the data once).
    final class Changes: @unchecked Sendable {
        private(set) var used = false
        func first() -> Bool { defer { used = true }; return !used }
    }

    @Test("imported customers are whole records: history entry, search by name and phone, contact, timestamps; a second file with them is refused")
    func importedRecordsAreComplete() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let token = team.salesRep.token
            let csv = """
                客户名称,来源渠道,规模,电话,邮箱,联系人,职务,手机,联系人邮箱
                杭州云帆机电有限公司,展会,中型,0571-8888 1234,Sales@YunFan.cn,陈采购,采购经理,139 1234-5678,Chen@YunFan.cn
                Harbor Lights Trading Co.,website,,,,,,,
                """
            let done = try await upload(world, "/api/v1/customers/import", token: token, csv: csv)
            #expect(done.status == .ok)
            let saved = try #require(try await Customer.query(on: world.db).filter(\.$name == "杭州云帆机电有限公司").first())
            let customer = try await world.api(.GET, "/api/v1/customers/\(saved.id!)", token: token).json(CustomerDTO.self)
            #expect(customer.source == "tradeShow" && customer.size == "medium" && customer.phone == "0571-8888 1234" && customer.email == "sales@yunfan.cn")
            #expect(customer.ownerId == team.salesRep.member && customer.version == 1 && customer.createdAt != nil && customer.updatedAt != nil && customer.deletedAt == nil)
            #expect(saved.nameKey == DuplicateCustomers.nameKey(saved.name) && saved.phoneKey == "057188881234")

            let history = try await world.api(.GET, "/api/v1/customers/\(saved.id!)/history", token: token).json(PageOf<AuditEventDTO>.self).items
            #expect(history.map(\.action) == ["create"], "each imported customer has its own history entry")
            #expect(history.first?.changes.contains { $0.field == "name" && $0.after == "杭州云帆机电有限公司" } == true)
            #expect(history.first?.actorUserId == team.salesRep.user)

            let contact = try #require(try await Contact.query(on: world.db).filter(\.$customer.$id == saved.id!).first())
            #expect(contact.name == "陈采购" && contact.title == "采购经理" && contact.mobile == "13912345678" && contact.phoneKey == "13912345678")
            #expect(contact.email == "chen@yunfan.cn" && contact.isPrimary && contact.birthdayCalendar == "gregorian" && contact.createdAt != nil)

            func names(_ q: String) async throws -> [String] { try await customerNames(world, token: token, q) }
            #expect(try await names("云帆") == ["杭州云帆机电有限公司"], "found by a name fragment")
            #expect(try await names("harbor") == ["Harbor Lights Trading Co."])
            #expect(try await names("88881234") == ["杭州云帆机电有限公司"], "found by the customer's phone")
            #expect(try await names("1234-5678") == ["杭州云帆机电有限公司"], "found by the contact's mobile")

            let again = try await upload(world, "/api/v1/customers/import", token: token, csv: "客户名称,来源渠道,电话\n杭州云帆机电,展会,\n新客户,展会,0571 8888-1234\nHarbor Lights Trading Ltd,website,\n")
            #expect(Set(again.problemFields) == ["rows[2].name", "rows[3].phone", "rows[4].name"], "the same names and phone as the database's")
        }
    }

    @Test("SP-1: the lexemes a bulk write makes for PostgreSQL's search index are those the index makes of the search text: first pair marked, a longer first token both ways, each once in PostgreSQL's order, by bytes")
    func postgresLexemesMadeHere() {
        #expect(CustomerSearch.postgresIndexed("上海 海星 星辰 辰 0211 2112") == ["0211", "2112", "^上海", "星辰", "海星", "辰"])
        #expect(CustomerSearch.postgresIndexed("上海 海路 路上 上海 科技") == ["^上海", "上海", "海路", "科技", "路上"], "the first pair again later: plain too; in UTF-8 order (海 E6, 科 E7, 路 E8)")
        #expect(CustomerSearch.postgresIndexed("2990 9901") == ["2990", "9901", "^2990"], "a first digit group, longer than a pair: both ways")
        #expect(CustomerSearch.postgresIndexed("su un su") == ["^su", "su", "un"])
        #expect(CustomerSearch.postgresIndexed("") == ["^"], "an empty text: the mark alone, as PostgreSQL makes it")
        #expect(CustomerSearch.postgresIndexed("ab  cd ") == ["^ab", "cd"], "empty tokens dropped")
        // Compared by their bytes: to Swift's `==`, "é" and "e" + an accent are one string.
        func bytes(_ lexemes: [String]?) -> [[UInt8]]? { lexemes?.map { Array($0.utf8) } }
        #expect(bytes(CustomerSearch.postgresIndexed("e\u{301}x \u{e9}x e\u{301}x")) == bytes(["^e\u{301}x", "e\u{301}x", "\u{e9}x"]),
                "an accent two ways is two lexemes to PostgreSQL; three characters are longer than a pair")
        #expect(bytes(CustomerSearch.postgresIndexed("\u{e9}x ab")) == bytes(["^\u{e9}x", "ab"]), "two characters (three bytes) are a pair")
        #expect(CustomerSearch.postgresIndexed("ab " + String(repeating: "a\u{301}", count: 1_100)) == nil, "a lexeme over PostgreSQL's limit: left to the index")
    }

    @Test("SP-1 PostgreSQL: lexemes written in bulk as binary COPY are, for every kind of name, what the index makes of the same text")
    func postgresLexemesAsTheIndexMakesThem() async throws {
        try await withApp { world in
            guard let sql = world.db as? any SQLDatabase, sql.isPostgres else { return }
            var random = SystemRandomNumberGenerator()
            let pool = Array("上海星辰科技有限公司北京路ＴＣＬ５８HarborSummitéü ́-（）0123456789😀一丁鿯") + ["e\u{301}"]
            var texts = ["", "ab", "上海 海路 路上 上海", "2990 9901"]
            for _ in 0..<300 {
                let name = String((0..<Int.random(in: 1...14, using: &random)).map { _ in pool.randomElement(using: &random)! })
                let phones = (0..<Int.random(in: 0...2, using: &random)).map { _ in String((0..<11).map { _ in "0123456789".randomElement(using: &random)! }) }
                texts.append(CustomerSearch.document(name: name, phoneKeys: phones))
            }
            try await sql.raw("CREATE TABLE lexeme_probe (k BIGINT, search_text TEXT NOT NULL, search_lexemes TSVECTOR)").run()
            try await sql.bulkInsert(into: "lexeme_probe", columns: ["k", "search_text", "search_lexemes"],
                                     rows: texts.enumerated().map { [.int($0), .text($1), .tsvector(CustomerSearch.postgresIndexedBinary($1)!)] })
            let differing = try await sql.raw("""
                SELECT k, search_text FROM lexeme_probe WHERE search_lexemes IS DISTINCT FROM \(unsafeRaw: CustomerSearch.postgresLexemesOfText()) ORDER BY k
                """).all().map { try $0.decode(column: "search_text", as: String.self) }
            #expect(differing.isEmpty, "\(differing.prefix(5))")
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM lexeme_probe").first()?.decode(column: "n", as: Int.self)
            #expect(rows == texts.count)
        }
    }

    @Test("SP-1: imported customers are found by their names and phones; on PostgreSQL they carry their search lexemes, and a rename or a contact's new number makes them stale: emptied, so the new name and number are found and the old ones not")
    func importedSearchLexemes() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let token = team.salesRep.token
            let csv = """
                客户名称,来源渠道,电话,联系人,手机
                上海路上海星辰科技有限公司,展会,021-6888 2990,陈采购,139 1234 5678
                ＴＣＬ科技集团,展会,,,
                Café Lumière Harbor,website,,,
                58,展会,,,
                """
            #expect(try await upload(world, "/api/v1/customers/import", token: token, csv: csv).status == .ok)
            func names(_ q: String) async throws -> [String] { try await customerNames(world, token: token, q) }
            #expect(try await names("上海星辰") == ["上海路上海星辰科技有限公司"], "the first pair again later in the name")
            #expect(try await names("上海路") == ["上海路上海星辰科技有限公司"])
            #expect(try await names("tcl") == ["ＴＣＬ科技集团"])
            #expect(try await names("lumière") == ["Café Lumière Harbor"])
            #expect(try await names("58") == ["58"])
            #expect(try await names("12345678") == ["上海路上海星辰科技有限公司"], "the contact's mobile")
            let sql = try #require(world.db as? any SQLDatabase)
            func stored() async throws -> [String: Bool] {
                guard sql.isPostgres else { return [:] }
                let rows = try await sql.raw("""
                    SELECT name, search_lexemes IS NOT NULL AS carried, search_lexemes IS NOT DISTINCT FROM \(unsafeRaw: CustomerSearch.postgresLexemesOfText()) AS same
                    FROM customers WHERE deleted_at IS NULL
                    """).all()
                var carried: [String: Bool] = [:]
                for row in rows {
                    let name = try row.decode(column: "name", as: String.self)
                    carried[name] = try row.decode(column: "carried", as: Bool.self)
                    if carried[name]! { #expect(try row.decode(column: "same", as: Bool.self), "\(name)'s lexemes are its text's") }
                }
                return carried
            }
            if sql.isPostgres { #expect(try await stored().filter(\.value).keys.count == 4, "every imported customer carries its lexemes") }

            let star = try #require(try await Customer.query(on: world.db).filter(\.$name == "上海路上海星辰科技有限公司").first())
            let renamed = try await world.api(.PATCH, "/api/v1/customers/\(star.id!)", token: token, json: JSONBody(["name": .string("杭州云帆机电有限公司")]))
            #expect(renamed.status == .ok)
            #expect(try await names("云帆") == ["杭州云帆机电有限公司"], "found by its new name")
            #expect(try await names("星辰").isEmpty, "no longer by its old one")
            if sql.isPostgres {
                let carried = try await stored()
                #expect(carried["杭州云帆机电有限公司"] == false && carried["ＴＣＬ科技集团"] == true, "the renamed customer's lexemes emptied, the others kept")
            }

            let tcl = try #require(try await Customer.query(on: world.db).filter(\.$name == "ＴＣＬ科技集团").first())
            let contact = try await world.api(.POST, "/api/v1/contacts", token: token,
                                              json: JSONBody(["customerId": .id(tcl.id!), "name": .string("王经理"), "mobile": .string("13700001111")]))
            #expect(contact.status == .created)
            #expect(try await names("00001111") == ["ＴＣＬ科技集团"], "found by its new contact's mobile")
            if sql.isPostgres { #expect(try await stored()["ＴＣＬ科技集团"] == false, "its lexemes emptied with the new text") }
        }
    }

    /// The import page's form as a browser sends it: the CSRF token and the file.
    static func form(_ web: WebClient, csv: String) -> (Data, String) {
        let boundary = "vgb"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(web.csrf!)\r\n".utf8)
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    @Test("on the web: the import page lists problems by row and column and keeps nothing of a bad file")
    func web() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.salesRep.email)
            try await web.get("/customers/import")
            let (body, contentType) = Self.form(web, csv: "客户名称,来源渠道\n好客户,visit\n,visit\n")
            let answer = try await web.send(.POST, "/customers/import", body: body, contentType: contentType)
            #expect(answer.status == .unprocessableEntity)
            #expect(web.lastBody.contains("id=\"import-problems\""))
            #expect(try await Customer.query(on: world.db).count() == 0)
        }
    }

    @Test("on the web, with the page's script: a large file's import streams its progress (rows checked, then saved) and ends with the page to show; a bad file ends with its problems")
    func progress() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            let web = WebClient(world)
            try await web.signIn(team.salesRep.email)
            try await web.get("/customers/import")
            func post(_ csv: String) async throws -> String {
                let (body, contentType) = Self.form(web, csv: csv)
                let answer = try await web.send(.POST, "/customers/import", body: body, contentType: contentType, extra: [(CustomerImportPage.progressHeader, "lines")])
                #expect(answer.status == .ok)
                return answer.body.string
            }
            let rows = (1...1_200).map { "进度测试客户\($0)有限公司,visit" }.joined(separator: "\n")
            let good = try await post("客户名称,来源渠道\n" + rows + "\n")
            let lines = good.components(separatedBy: "\nhtml\n")
            #expect(lines.count == 2, "progress lines, then the page")
            // Blocks are written while the next is checked; saving is reported once checking is done.
            let progress = lines[0].components(separatedBy: "\n")
            #expect(Array(progress.prefix(3)) == ["check 0 1200", "check 1000 1200", "check 1200 1200"])
            let saved = progress.dropFirst(3).map { $0.split(separator: " ") }
            #expect(!saved.isEmpty && saved.allSatisfy { $0.count == 3 && $0[0] == "write" && $0[2] == "1200" })
            #expect(saved.compactMap { Int($0[1]) } == saved.compactMap { Int($0[1]) }.sorted() && progress.last == "write 1200 1200", "\(progress)")
            #expect(lines.last?.contains("id=\"import-done\"") == true && lines.last?.contains("1200") == true)
            #expect(try await Customer.query(on: world.db).count() == 1_200)
            let bad = try await post("客户名称,来源渠道\n好客户,visit\n,visit\n")
            #expect(bad.hasPrefix("check 0 2\ncheck 2 2\nhtml\n") && bad.contains("id=\"import-problems\""), "the problems, not a write")
            #expect(try await Customer.query(on: world.db).count() == 1_200)
        }
    }

    @Test("a multipart upload whose part header name is not ASCII is refused as malformed, not parsed (it crashed the parser)")
    func nonASCIIPartHeader() async throws {
        try await withApp { world in
            let team = try await world.seedTeam()
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: team.hr.token)
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=b0undary")
            let body = Data("--b0undary\r\n".utf8) + Data([0xC2, 0xBF]) + Data("--b0undary--\r\n".utf8)
            for path in ["/api/v1/members/import", "/api/v1/customers/import"] {
                let answer = try await world.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
                #expect(answer.status == .badRequest, "\(path)")
            }
            #expect(InputGuardMiddleware.partHeaderNamesAreASCII(Data("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"合同.pdf\"\r\n\r\n%PDF\r\n--x--\r\n".utf8), boundary: "x"),
                    "a UTF-8 file name in a header value is fine")
        }
    }
}

extension CustomerSearch {
    /// `postgresIndexedBinary` read back as texts, to compare.
    static func postgresIndexed(_ text: String) -> [String]? {
        guard let binary = postgresIndexedBinary(text) else { return nil }
        var lexemes: [String] = [], at = 4
        while at < binary.count {
            let end = binary[at...].firstIndex(of: 0)!
            lexemes.append(String(decoding: binary[at..<end], as: UTF8.self))
            at = end + 3
        }
        precondition(binary.prefix(4).elementsEqual(withUnsafeBytes(of: Int32(lexemes.count).bigEndian, Array.init)))
        return lexemes
    }
}
