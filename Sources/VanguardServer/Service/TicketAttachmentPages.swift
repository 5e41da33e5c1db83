import Foundation
import Vapor

/// Attachments on the ticket page: the list with download links, an upload form (multipart,
/// with the CSRF token) whose refusals come back beside the file field, and removal.
struct TicketAttachmentPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("tickets", ":id", "attachments")
        a.on(.POST, body: .collect(maxSize: StoredFiles.maxBodySize), use: upload)
        // The same download as the API's: the ticket's read rule, then the file as an attachment.
        a.get(":attachmentId", use: TicketAttachmentsAPI().download)
        a.post(":attachmentId", "delete", use: remove)
    }

    struct Row: Encodable {
        var id: UUID; var name: String; var size: String; var kind: String; var who: String; var when: String; var visible: Bool; var href: String

        init(_ d: TicketAttachmentDTO, _ req: Request) {
            id = d.id; name = d.name; size = Self.size(d.size); who = d.uploadedByName; when = TicketPages.when(d.at, req); visible = d.customerVisible
            kind = FileKind.allCases.first { $0.contentType == d.type }.map { Self.kind($0, req) } ?? d.type
            href = "/tickets/\(d.ticketId)/attachments/\(d.id)"
        }

        static func size(_ bytes: Int) -> String {
            if bytes < 1024 { return "\(bytes) B" }
            if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
            if bytes % (1024 * 1024) == 0 { return "\(bytes / 1024 / 1024) MB" }
            return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
        }

        static func kind(_ k: FileKind, _ req: Request) -> String {
            switch k {
            case .png, .jpeg, .gif, .pdf, .zip: k.rawValue.uppercased()
            case .docx: "Word"
            case .xlsx: "Excel"
            case .pptx: "PowerPoint"
            case .text: req.t("fileKindText")
            case .binary: req.t("fileKindOther")
            }
        }
    }

    func upload(req: Request) async throws -> Response {
        let t = try await TicketAttachmentsAPI.ticket(req, .update)
        // A checked box sends "on". A file input cannot be filled in again; the box is kept.
        let visible = (try? req.content.get(String.self, at: "customerVisible")) == "on"
        return try await TicketPages().step(req, t, form: "attachment", values: visible ? ["attachmentVisible": "on"] : [:], flash: "attachmentAdded") {
            _ = try await TicketAttachments.add(t, try StoredFiles.upload(req, fields: []), customerVisible: visible, req: req)
        }
    }

    func remove(req: Request) async throws -> Response {
        let t = try await TicketAttachmentsAPI.ticket(req, .update)
        try await TicketAttachments.remove(t, try await TicketAttachments.find(t, req), req: req)
        return req.redirect(to: "/tickets/\(t.id!)", flash: "attachmentRemoved")
    }
}
