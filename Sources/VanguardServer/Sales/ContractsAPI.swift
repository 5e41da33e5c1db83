import Fluent
import Vapor
import VanguardCore

/// `/api/v1/contracts`: contracts from accepted quotes (SP-4, RSK-S3). The review is a PUT of the
/// checklist's marks; approvals are POSTs by people other than the owner; the signed copy is a PUT
/// of the file; status moves are a PATCH with `{"status": …}`, refused with the reason when the
/// review, approvals or signed copy are missing.
struct ContractsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let contracts = routes.grouped("contracts")
        contracts.get(use: list)
        contracts.get("export", use: { try await SalesExport.contracts(req: $0, strict: true) })
        contracts.post(use: create)
        contracts.get(":id", use: show)
        contracts.patch(":id", use: update)
        contracts.put(":id", "review", use: review)
        contracts.post(":id", "approvals", use: approve)
        contracts.on(.PUT, ":id", "signed-file", body: .collect(maxSize: ContractFiles.maxBytes), use: attach)
        contracts.get(":id", "signed-file", use: download)
        contracts.get(":id", "history", use: history)
    }

    func list(req: Request) async throws -> PageOf<ContractDTO> {
        let user = try req.requireUser()
        let list = try ListRequest.parse(req, sortable: ["number"], defaultSort: "number")
        let q = try ContractList.filtered(req, scope: AccessPolicy.salesScope(user.actor), strict: true)
        let rows = try await list.apply(to: q, column: "number").all()
        let policy = try await ContractService.policy(req)
        var states: [UUID: ContractService.State] = [:]
        for c in rows.prefix(list.limit) { states[c.id!] = try await ContractService.state(c, on: req.db) }
        return list.page(rows, value: \.number, id: { $0.id }, map: { ContractService.dto($0, states[$0.id!]!, policy: policy, locale: req.locale) })
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.create, .salesRecord(SalesFacts(owner: user.actor.memberId, group: user.actor.groupId)))
        let c = try await ContractService.create(try req.decodeJSON(ContractInput.self), req: req)
        return try await answer(c, req: req, status: .created)
    }

    func show(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.read, .salesRecord(try await ContractService.facts(c, on: req.db)))
        return try await answer(c, req: req)
    }

    func update(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        let input = try req.decodeJSON(ContractInput.self)
        if let q = input.quoteId, q != c.quoteId { throw Problem.invalid("quoteId", "readOnly", "A contract stays with its quote.") }
        return try await answer(try await ContractService.update(c, input, req: req), req: req)
    }

    func review(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        try ETag.check(req, version: c.version)
        return try await answer(try await ContractService.review(c, try req.decodeJSON(ReviewInput.self), req: req), req: req)
    }

    func approve(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .contractApproval(try await ContractService.facts(c, on: req.db)))
        let note = req.body.data.map { $0.readableBytes > 0 } == true ? try req.decodeJSON(ApprovalInput.self).note : nil
        return try await answer(try await ContractService.approve(c, note: note, req: req), req: req)
    }

    func attach(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.update, .salesRecord(try await ContractService.facts(c, on: req.db)))
        let (data, name) = try ContractFiles.read(req)
        try await ContractService.attach(c, data: data, fileName: name, req: req)
        return try await answer(c, req: req)
    }

    func download(req: Request) async throws -> Response {
        let c = try await ContractService.find(req)
        try req.authorize(.read, .salesRecord(try await ContractService.facts(c, on: req.db)))
        guard let f = try await ContractFile.query(on: req.db).filter(\.$contract.$id == c.id!).first() else { throw Problem.notFound("signed file") }
        let r = Response(status: .ok, body: .init(data: f.data))
        r.headers.replaceOrAdd(name: .contentType, value: f.contentType)
        r.headers.replaceOrAdd(name: .contentDisposition, value: FileName.contentDisposition(f.fileName))
        return r
    }

    func history(req: Request) async throws -> Response {
        let c = try await ContractService.find(req, withDeleted: true)
        try req.authorize(.read, .salesRecord(try await ContractService.facts(c, on: req.db)))
        return try await AuditAPI.page(req, entityType: "contract", entityId: c.id!, hidden: [])
    }

    private func answer(_ c: Contract, req: Request, status: HTTPStatus = .ok) async throws -> Response {
        let dto = ContractService.dto(c, try await ContractService.state(c, on: req.db), policy: try await ContractService.policy(req), locale: req.locale)
        return status == .created ? try dto.created(at: "/api/v1/contracts/\(c.id!)", version: c.version) : try dto.response(version: c.version)
    }
}

/// Reading an uploaded signed copy: the raw body (with an optional `X-File-Name`) or a form's `file`.
enum ContractFiles {
    static let maxBytes: ByteCount = 10_485_760

    static func read(_ req: Request) throws -> (Data, String?) {
        if req.headers.contentType?.type == "multipart" {
            struct Upload: Content { var file: File? }
            guard let file = try? req.content.decode(Upload.self).file, file.data.readableBytes > 0 else {
                throw Problem.invalid("file", "required", "Choose the signed contract (PDF, PNG or JPEG).")
            }
            return (Data(buffer: file.data), file.filename)
        }
        guard let body = req.body.data, body.readableBytes > 0 else { throw Problem.invalid("file", "required", "The request has no file in its body.") }
        return (Data(buffer: body), req.headers.first(name: "X-File-Name")?.removingPercentEncoding)
    }
}

/// The contracts list's query, shared by the API and the page: the reader's scope, then a deal,
/// a customer or a status (the ones in review, for whoever reviews them).
enum ContractList {
    static func filtered(_ req: Request, scope: RecordScope, strict: Bool, on db: (any Database)? = nil) throws -> QueryBuilder<Contract> {
        let q = Contract.query(on: db ?? req.db).inSalesScope(scope, viaCustomer: true)
        if let v = try req.queryUUID("opportunityId", strict: strict) { q.filter(\.$opportunity.$id == v) }
        if let v = try req.queryUUID("customerId", strict: strict) { q.filter(\.$customerId == v) }
        if let v = try req.queryChoice("status", from: ContractStatus.allCases.map(\.rawValue), strict: strict) { q.filter(\.$status == v) }
        return q
    }
}
