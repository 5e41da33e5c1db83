import Fluent
import Vapor
import VanguardCore

struct PolicyDTO: Content {
    var number: Int
    var createdAt: Date
    var createdBy: String
    var comment: String?
    var yaml: String
    var pack: PolicyPack
}

struct PolicyInput: Content {
    var yaml: String
    var comment: String?
}

/// `/api/v1/policy`: the policy pack in force; admins save a new version.
struct PolicyAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("policy", use: show)
        // Room for the longest pack the service accepts even when every character is escaped, so an
        // over-long pack gets a 422 naming the field rather than a bare 413.
        routes.on(.PUT, "policy", body: .collect(maxSize: "2mb"), use: save)
    }

    func show(req: Request) async throws -> PolicyDTO {
        try req.authorize(.read, .policyPack)
        guard let v = try await PolicyVersion.query(on: req.db).sort(\.$number, .descending).first() else {
            throw Problem.notFound("policy version")
        }
        return PolicyDTO(number: v.number, createdAt: v.createdAt, createdBy: v.createdBy, comment: v.comment,
                         yaml: v.yaml, pack: try PolicyStore.parse(v.yaml))
    }

    func save(req: Request) async throws -> PolicyDTO {
        try req.authorize(.update, .policyPack)
        let input = try req.decodeJSON(PolicyInput.self)
        let v = try await PolicyService.save(yaml: input.yaml, comment: input.comment, req: req)
        return PolicyDTO(number: v.number, createdAt: v.createdAt, createdBy: v.createdBy, comment: v.comment,
                         yaml: v.yaml, pack: try PolicyStore.parse(v.yaml))
    }
}

enum PolicyService {
    /// The default pack is about 20,000 characters; five times that leaves room for every chapter.
    static let maxCharacters = 100_000

    /// Saves a new version after checking it, and brings groups' duties and missing groups and
    /// departments in line with it, all in one transaction.
    static func save(yaml: String, comment: String?, req: Request) async throws -> PolicyVersion {
        if yaml.count > PolicyService.maxCharacters {
            throw Problem.invalid("yaml", "tooLong", "The policy pack is longer than \(PolicyService.maxCharacters) characters.")
        }
        if let comment, comment.unicodeScalars.count > 500 { throw Problem.invalid("comment", "tooLong", "At most 500 characters.") }
        let pack = try PolicyStore.parse(yaml)
        let problems = pack.problems()
        if !problems.isEmpty { throw Problem.invalid(problems) }
        let user = try req.requireUser()
        let version = try await req.db.writeTransaction { db -> PolicyVersion in
            let last = try await PolicyVersion.query(on: db).sort(\.$number, .descending).first()
            let v = PolicyVersion(number: (last?.number ?? 0) + 1, yaml: yaml, createdAt: req.now,
                                  createdBy: user.user.displayName, comment: comment)
            try await v.create(on: db)
            try await OrgSeeder.apply(pack, on: db)
            try await Audit.record(.update, "policy", id: v.id, label: "Policy v\(v.number)",
                                   before: last.map { ["yaml": $0.yaml] }, after: ["yaml": yaml], request: req, on: db)
            return v
        }
        req.application.policy.forget()
        return version
    }
}
