import Fluent
import Foundation

/// An uploaded file, bytes and all, kept in the database: several stateless server instances
/// share one PostgreSQL, so there is no local disk to put files on. A chapter links its records
/// to files by id (`ticket_attachments.file_id`) and decides who may read them; this table only
/// holds what was stored, under a cleaned name, with the type read from the bytes and its SHA-256.
final class StoredFile: Model, @unchecked Sendable {
    static let schema = "stored_files"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    /// Lower-case hex, so a downloaded copy can be checked against what was uploaded.
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}
}

struct CreateStoredFile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StoredFile.schema)
            .id()
            .field("name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .uuid)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StoredFile.schema).delete()
    }
}
