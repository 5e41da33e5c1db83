import Fluent
import Foundation
import Vapor

/// A file on a ticket (SVC-1: "internal notes and customer-visible updates; attachments"): a
/// photo of the damaged goods, the customer's invoice, a test report. The bytes live in
/// `stored_files`; this row says which ticket the file belongs to and whether the customer may
/// see it. A removed attachment is kept (soft delete) with its file, as evidence.
final class TicketAttachment: Model, @unchecked Sendable {
    static let schema = "ticket_attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "file_id") var fileId: UUID
    @Field(key: "customer_visible") var customerVisible: Bool
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
}

struct CreateTicketAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketAttachment.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, "id"))
            .field("file_id", .uuid, .required, .references(StoredFile.schema, "id"))
            .field("customer_visible", .bool, .required)
            .field("uploaded_by", .uuid)
            .field("uploaded_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .create()
        try await database.index("ticket_attachments_ticket", on: TicketAttachment.schema, ["ticket_id", "uploaded_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketAttachment.schema).delete()
    }
}

/// An attachment as the API lists it: the file's name, size and type (read from its bytes), its
/// SHA-256, who uploaded it and when, and whether the customer may see it.
struct TicketAttachmentDTO: Content, Equatable {
    var id: UUID
    var ticketId: UUID
    var name: String
    var size: Int
    var type: String
    var sha256: String
    var uploadedBy: UUID?
    var uploadedByName: String
    var at: Date
    var customerVisible: Bool
    var href: String
}

/// What the history keeps of an attachment (never the bytes).
struct TicketAttachmentAudit: Encodable {
    var attachmentId: UUID
    var fileName: String
    var size: Int
    var contentType: String
    var sha256: String
    var customerVisible: Bool
}

/// Adding, listing, finding and removing a ticket's attachments. The caller has already asked
/// `AccessPolicy` about the ticket: reading needs `.read`, adding and removing `.update`.
enum TicketAttachments {
    static func list(_ t: Ticket, on db: any Database) async throws -> [TicketAttachmentDTO] {
        let rows = try await TicketAttachment.query(on: db).filter(\.$ticketId == t.id!).sort(\.$uploadedAt).sort(\.$id).all()
        let files = try await StoredFiles.metadata(rows.map(\.fileId), on: db)
        let names = try await userNames(rows.compactMap(\.uploadedBy), on: db)
        return rows.compactMap { a in files[a.fileId].map { dto(a, $0, uploader: a.uploadedBy.flatMap { names[$0] }) } }
    }

    static func dto(_ a: TicketAttachment, _ f: StoredFile, uploader: String?) -> TicketAttachmentDTO {
        TicketAttachmentDTO(id: a.id!, ticketId: a.ticketId, name: f.name, size: f.size, type: f.contentType, sha256: f.sha256,
                            uploadedBy: a.uploadedBy, uploadedByName: uploader ?? "system", at: a.uploadedAt, customerVisible: a.customerVisible,
                            href: "/api/v1/tickets/\(a.ticketId)/attachments/\(a.id!)")
    }

    /// The ticket's own attachment with the id in the path; another ticket's (or a removed one) is not found.
    static func find(_ t: Ticket, _ req: Request) async throws -> TicketAttachment {
        guard let a = try await TicketAttachment.query(on: req.db).filter(\.$id == (try req.uuid("attachmentId", "attachment")))
            .filter(\.$ticketId == t.id!).first() else { throw Problem.notFound("attachment") }
        return a
    }

    static func download(_ a: TicketAttachment, on db: any Database) async throws -> Response {
        guard let f = try await StoredFile.find(a.fileId, on: db) else { throw Problem.notFound("attachment") }
        return StoredFiles.download(f)
    }

    /// Stores the file and links it to the ticket, with its history entry, in one transaction.
    static func add(_ t: Ticket, _ upload: StoredFiles.Upload, customerVisible: Bool, req: Request) async throws -> TicketAttachmentDTO {
        let user = req.currentUser
        let file = StoredFiles.make(upload, by: user?.actor.userId, at: req.now)
        let a = TicketAttachment()
        a.id = UUID.timeOrdered()
        a.ticketId = t.id!
        a.fileId = file.id!
        a.customerVisible = customerVisible
        a.uploadedBy = user?.actor.userId
        a.uploadedAt = req.now
        try await req.db.writeTransaction { db in
            try await file.create(on: db)
            try await a.create(on: db)
            try await Audit.record(.update, "ticket", id: t.id, label: "\(t.number): attachment \(file.name) added", before: Optional<TicketAttachmentAudit>.none,
                                   after: audit(a, file), request: req, on: db)
        }
        return dto(a, file, uploader: user?.user.displayName)
    }

    /// Takes the attachment off the ticket. The row and its file stay (soft delete), so the
    /// history can still say what was removed, by whom and when.
    static func remove(_ t: Ticket, _ a: TicketAttachment, req: Request) async throws {
        guard let file = try await StoredFiles.metadata([a.fileId], on: req.db)[a.fileId] else { throw Problem.notFound("attachment") }
        try await req.db.writeTransaction { db in
            try await a.delete(on: db)
            try await Audit.record(.update, "ticket", id: t.id, label: "\(t.number): attachment \(file.name) removed", before: audit(a, file),
                                   after: Optional<TicketAttachmentAudit>.none, request: req, on: db)
        }
    }

    static func audit(_ a: TicketAttachment, _ f: StoredFile) -> TicketAttachmentAudit {
        TicketAttachmentAudit(attachmentId: a.id!, fileName: f.name, size: f.size, contentType: f.contentType, sha256: f.sha256, customerVisible: a.customerVisible)
    }

    /// The API's `customerVisible` form field: left out is false; otherwise true or false.
    static func customerVisible(_ raw: String?) throws -> Bool {
        switch raw {
        case nil, "false": return false
        case "true": return true
        default: throw Problem.invalid("customerVisible", "invalidBoolean", "Use true or false.")
        }
    }

    private static func userNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await UserAccount.query(on: db).withDeleted().filter(\.$id ~~ Set(ids)).all().map { ($0.id!, $0.displayName) })
    }
}
