import Vapor
import VanguardCore

/// `/api/v1/tickets/{id}/attachments`: files on a ticket (SVC-1). Whoever may read the ticket may
/// list and download its files; whoever may change it may add and remove them. The ticket's
/// rule is asked before the attachment is looked up, so an id guessed on a ticket one may not
/// read is refused without saying whether it exists.
struct TicketAttachmentsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("tickets", ":id", "attachments")
        a.get(use: list)
        a.on(.POST, body: .collect(maxSize: StoredFiles.maxBodySize), use: upload)
        a.get(":attachmentId", use: download)
        a.delete(":attachmentId", use: remove)
    }

    func list(req: Request) async throws -> [TicketAttachmentDTO] {
        let t = try await TicketAttachmentsAPI.ticket(req, .read)
        return try await TicketAttachments.list(t, on: req.db)
    }

    func upload(req: Request) async throws -> Response {
        let t = try await TicketAttachmentsAPI.ticket(req, .update)
        let upload = try StoredFiles.upload(req, fields: ["customerVisible"])
        let dto = try await TicketAttachments.add(t, upload, customerVisible: try TicketAttachments.customerVisible(upload.fields["customerVisible"]), req: req)
        let r = try await dto.encodeResponse(status: .created, for: req)
        r.headers.replaceOrAdd(name: .location, value: dto.href)
        return r
    }

    func download(req: Request) async throws -> Response {
        let t = try await TicketAttachmentsAPI.ticket(req, .read)
        return try await TicketAttachments.download(try await TicketAttachments.find(t, req), on: req.db)
    }

    func remove(req: Request) async throws -> HTTPStatus {
        let t = try await TicketAttachmentsAPI.ticket(req, .update)
        try await TicketAttachments.remove(t, try await TicketAttachments.find(t, req), req: req)
        return .noContent
    }

    /// The ticket in the path, once the access policy allows `action` on it.
    static func ticket(_ req: Request, _ action: Action) async throws -> Ticket {
        let t = try await TicketService.find(req)
        try req.authorize(action, .serviceRecord(try await TicketService.facts(t, on: req.db)))
        return t
    }
}
