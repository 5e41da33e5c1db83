import Foundation
import Vapor

/// Remembers, for a moment, who a bearer token belongs to, so a client making many calls does
/// not cost a database round trip each. Entries live `ttl` seconds (2 by default): that is the
/// longest a token revoked, or an account changed, on *another* instance keeps working here.
/// On this instance every change to tokens or accounts clears the cache at once.
final class TokenCache: @unchecked Sendable {
    struct Entry {
        var match: AuthLookup.BearerMatch
        var user: UserSnapshot
        var fetchedAt: Date
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    let ttl: TimeInterval
    let capacity: Int

    init(ttl: TimeInterval = 2, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ hash: String, now: Date) -> Entry? {
        lock.withLock {
            guard let e = entries[hash] else { return nil }
            if now.timeIntervalSince(e.fetchedAt) > ttl || now < e.fetchedAt { entries[hash] = nil; return nil }
            return e
        }
    }

    func put(_ hash: String, _ entry: Entry) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = entry
        }
    }

    func clear() {
        lock.withLock { entries.removeAll(keepingCapacity: true) }
    }
}

/// The account's fields as plain values, so each request gets its own `UserAccount` object
/// (models are mutable and must not be shared between requests).
struct UserSnapshot: Sendable {
    var id: UUID, email: String, displayName: String, passwordHash: String, role: String
    var memberId: UUID?, locale: String?, active: Bool, failedSignIns: Int, lockedUntil: Date?
    var passwordChangedAt: Date?, version: Int, createdAt: Date?, updatedAt: Date?, deletedAt: Date?

    init(_ u: UserAccount) {
        id = u.id!; email = u.email; displayName = u.displayName; passwordHash = u.passwordHash; role = u.role
        memberId = u.memberId; locale = u.locale; active = u.active; failedSignIns = u.failedSignIns; lockedUntil = u.lockedUntil
        passwordChangedAt = u.passwordChangedAt; version = u.version; createdAt = u.createdAt; updatedAt = u.updatedAt; deletedAt = u.deletedAt
    }

    func account() -> UserAccount {
        let u = UserAccount()
        u.id = id; u.email = email; u.displayName = displayName; u.passwordHash = passwordHash; u.role = role
        u.memberId = memberId; u.locale = locale; u.active = active; u.failedSignIns = failedSignIns; u.lockedUntil = lockedUntil
        u.passwordChangedAt = passwordChangedAt; u.version = version; u.createdAt = createdAt; u.updatedAt = updatedAt; u.deletedAt = deletedAt
        u.$id.exists = true
        return u
    }
}

extension Application {
    private struct TokenCacheKey: StorageKey { typealias Value = TokenCache }

    var tokenCache: TokenCache {
        get { storage[TokenCacheKey.self] ?? TokenCache(ttl: 0) }
        set { storage[TokenCacheKey.self] = newValue }
    }
}
