import Fluent
import Foundation
import Vapor
import VanguardCore
import Yams

/// The demo company for `serve --demo` (Resources/Demo/company.yaml): a lead, three groups and
/// their members, and accounts for every role. Loaded once; loading again changes nothing.
enum DemoCompany {
    struct File: Decodable {
        struct Person: Decodable {
            var employeeNo: String
            var name: String
            var nameEn: String
            var email: String
            var mobile: String?
            var position: LocalizedText
            var grade: String
            var hireDate: String
            var group: String?
            var supervisor: String?
            var status: String
            var role: String
        }
        struct Account: Decodable {
            var email: String
            var displayName: LocalizedText
            var role: String
        }
        var password: String
        var members: [Person]
        var users: [Account]
    }

    static let loadedMarker = "demo-company"

    static func load(_ app: Application) async throws {
        let db = app.db
        if try await UserAccount.query(on: db).withDeleted().filter(\.$email == "admin@demo.vanguard.cn").first() != nil {
            app.logger.info("Demo company already loaded.")
            return
        }
        let path = app.directory.resourcesDirectory + "Demo/company.yaml"
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Abort(.internalServerError, reason: "Demo data not found at \(path)")
        }
        let file = try YAMLDecoder().decode(File.self, from: text)
        let hash = try await app.password.async.hash(file.password)
        let now = app.clock.now()
        try await db.writeTransaction { db in
            let groups = Dictionary(uniqueKeysWithValues: try await TeamGroup.query(on: db).all().map { ($0.key, $0) })
            var byNumber: [String: Member] = [:]
            for p in file.members {
                let m = Member()
                m.employeeNo = p.employeeNo
                m.name = p.name
                m.nameEn = p.nameEn
                m.email = p.email
                m.mobile = p.mobile
                m.position = p.position.zhHans
                m.grade = p.grade
                m.hireDate = p.hireDate
                m.$group.id = p.group.flatMap { groups[$0]?.id }
                m.status = p.status
                m.version = 1
                try await m.create(on: db)
                byNumber[p.employeeNo] = m
            }
            for p in file.members {
                guard let m = byNumber[p.employeeNo] else { continue }
                if let s = p.supervisor, let sup = byNumber[s] {
                    m.supervisorId = sup.id
                    try await m.save(on: db)
                }
                if p.role == "groupLead", let key = p.group, let g = groups[key] {
                    g.leadMemberId = m.id
                    try await g.save(on: db)
                }
                let role = Role(rawValue: p.role) ?? .member
                try await UserAccount(email: p.email, displayName: p.name, passwordHash: hash, role: role, memberId: m.id).create(on: db)
            }
            for a in file.users {
                try await UserAccount(email: a.email, displayName: a.displayName.zhHans, passwordHash: hash,
                                      role: Role(rawValue: a.role) ?? .member).create(on: db)
            }
            try await Audit.system(.create, "demo", id: nil, label: "Demo company loaded", after: nil, at: now, on: db)
        }
        app.logger.notice("Loaded the demo company. Sign in as admin@demo.vanguard.cn or chen.zhiyuan@demo.vanguard.cn with password \(file.password)")
        print("\n  Demo company loaded. Sign in as chen.zhiyuan@demo.vanguard.cn (team lead) or admin@demo.vanguard.cn, password: \(file.password)\n")
    }

    /// Adds `count` generated members (deterministic from `seed`) for benchmarks, in bulk.
    static func addSynthetic(_ app: Application, count: Int, seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
        let groups = try await TeamGroup.query(on: app.db).all()
        let existing = try await Member.query(on: app.db).withDeleted().count()
        let statuses = ["active", "active", "active", "active", "probation", "onLeave"]
        var made = 0
        while made < count {
            let batch = min(500, count - made)
            var rows: [Member] = []
            for i in 0..<batch {
                    let n = existing + made + i + 1
                    let m = Member()
                    m.employeeNo = String(format: "S%07d", n)
                    m.name = String(surnames[Int(rng.next() % UInt64(surnames.count))]) + String(given[Int(rng.next() % UInt64(given.count))])
                        + String(given[Int(rng.next() % UInt64(given.count))])
                    m.nameEn = "Member \(n)"
                    m.email = "member\(n)@scale.vanguard.cn"
                    m.position = "销售专员"
                    m.grade = "P\(1 + rng.next() % 5)"
                    m.hireDate = String(format: "%04d-%02d-%02d", 2015 + Int(rng.next() % 11), 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
                    m.$group.id = groups.isEmpty ? nil : groups[Int(rng.next() % UInt64(groups.count))].id
                    m.status = statuses[Int(rng.next() % UInt64(statuses.count))]
                    m.version = 1
                    rows.append(m)
            }
            let batchRows = rows
            try await app.db.writeTransaction { db in try await batchRows.create(on: db) }
            made += batch
        }
        try await app.db.analyze()
    }
}

/// A small deterministic random generator, so generated data is the same for the same seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
