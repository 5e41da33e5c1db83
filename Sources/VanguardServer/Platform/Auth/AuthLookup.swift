import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Finds who a bearer token belongs to in one query (token, account and the member's group),
/// read column by column: every API request starts here, so it must be cheap.
enum AuthLookup {
    struct BearerMatch {
        var tokenId: UUID
        var lastUsedAt: Date?
        var expiresAt: Date?
        var revokedAt: Date?
        var user: UserAccount
        var groupId: UUID?
    }

    static func bearer(tokenHash: String, on db: any Database) async throws -> BearerMatch? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let row = try await sql.raw("""
            SELECT t.id AS token_id, t.last_used_at AS token_last_used_at, t.expires_at AS token_expires_at,
                   t.revoked_at AS token_revoked_at, m.group_id AS member_group_id,
                   u.id, u.email, u.display_name, u.password_hash, u.role, u.member_id, u.locale, u.active,
                   u.failed_sign_ins, u.locked_until, u.password_changed_at, u.version, u.created_at, u.updated_at, u.deleted_at
            FROM \(ident: ApiToken.schema) t
            JOIN \(ident: UserAccount.schema) u ON u.id = t.user_id
            LEFT JOIN \(ident: Member.schema) m ON m.id = u.member_id AND m.deleted_at IS NULL
            WHERE t.token_hash = \(bind: tokenHash)
            """).first()
        guard let row else { return nil }
        return BearerMatch(
            tokenId: try row.decode(column: "token_id", as: UUID.self),
            lastUsedAt: try row.decode(column: "token_last_used_at", as: Date?.self),
            expiresAt: try row.decode(column: "token_expires_at", as: Date?.self),
            revokedAt: try row.decode(column: "token_revoked_at", as: Date?.self),
            user: try user(from: row),
            groupId: try row.decode(column: "member_group_id", as: UUID?.self))
    }

    /// An account built from a row, marked as stored so a later save updates it.
    static func user(from r: any SQLRow) throws -> UserAccount {
        let u = UserAccount()
        u.id = try r.decode(column: "id", as: UUID.self)
        u.email = try r.decode(column: "email", as: String.self)
        u.displayName = try r.decode(column: "display_name", as: String.self)
        u.passwordHash = try r.decode(column: "password_hash", as: String.self)
        u.role = try r.decode(column: "role", as: String.self)
        u.memberId = try r.decode(column: "member_id", as: UUID?.self)
        u.locale = try r.decode(column: "locale", as: String?.self)
        u.active = try r.decode(column: "active", as: Bool.self)
        u.failedSignIns = try r.decode(column: "failed_sign_ins", as: Int.self)
        u.lockedUntil = try r.decode(column: "locked_until", as: Date?.self)
        u.passwordChangedAt = try r.decode(column: "password_changed_at", as: Date?.self)
        u.version = try r.decode(column: "version", as: Int.self)
        u.createdAt = try r.decode(column: "created_at", as: Date?.self)
        u.updatedAt = try r.decode(column: "updated_at", as: Date?.self)
        u.deletedAt = try r.decode(column: "deleted_at", as: Date?.self)
        u.$id.exists = true
        return u
    }
}
