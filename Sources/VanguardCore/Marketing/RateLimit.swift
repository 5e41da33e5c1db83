import Foundation

/// A token bucket per client address for the public lead form (MKT-4): `capacity` posts at once,
/// then one more every `refillSeconds`. It is asked before anything is stored, so a post is either
/// refused whole (HTTP 429 with `Retry-After`, the form keeps what was typed) or accepted and
/// kept: the limiter slows a flood and never loses a sign-up it let through. The bucket is plain
/// data so the server can keep it in the database, shared by every instance; time is passed in.
public struct RateLimit: Sendable, Codable, Equatable {
    public var capacity: Int
    public var refillSeconds: Int

    public init(capacity: Int, refillSeconds: Int) {
        self.capacity = capacity
        self.refillSeconds = refillSeconds
    }

    /// Five posts at once, then one a minute: a person correcting a typo is never slowed.
    public static let standard = RateLimit(capacity: 5, refillSeconds: 60)

    public struct Bucket: Sendable, Codable, Equatable {
        public var tokens: Int
        /// When the tokens were last counted; whole refills are added from here.
        public var refilledAt: Date

        public init(tokens: Int, refilledAt: Date) {
            self.tokens = tokens
            self.refilledAt = refilledAt
        }
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused: try again after this many seconds (at least 1), the `Retry-After` header.
        case limited(retryAfterSeconds: Int)
    }

    /// Takes a token for one post from the client's bucket (nil: a full one).
    public func take(_ bucket: Bucket?, now: Date) -> (decision: Decision, bucket: Bucket) {
        var b = refilled(bucket, now: now)
        if b.tokens > 0 {
            b.tokens -= 1
            return (.allowed, b)
        }
        let waited = max(0, now.timeIntervalSince(b.refilledAt))
        let wait = Int((Double(refillSeconds) - waited).rounded(.up))
        return (.limited(retryAfterSeconds: max(1, wait)), b)
    }

    /// The bucket with the whole refills since it was last counted; a clock behind the bucket's
    /// (another instance's) adds nothing rather than taking tokens away.
    public func refilled(_ bucket: Bucket?, now: Date) -> Bucket {
        guard var b = bucket else { return Bucket(tokens: capacity, refilledAt: now) }
        let elapsed = now.timeIntervalSince(b.refilledAt)
        guard elapsed > 0, refillSeconds > 0 else { return b }
        let gained = Int((elapsed / Double(refillSeconds)).rounded(.down))
        if b.tokens + gained >= capacity {
            return Bucket(tokens: capacity, refilledAt: now)
        }
        b.tokens += gained
        b.refilledAt += TimeInterval(gained * refillSeconds)
        return b
    }

    /// The key a client is limited by: an IPv4 address as it is; an IPv6 address by its /64
    /// network, since one machine is handed a whole /64 and could otherwise rotate addresses.
    public static func clientKey(_ address: String) -> String {
        let plain = address.lowercased().split(separator: "%", maxSplits: 1).first.map(String.init) ?? ""
        guard plain.contains(":") else { return plain }
        if plain.contains("."), let v4 = plain.split(separator: ":").last { return String(v4) }  // ::ffff:1.2.3.4
        let halves = plain.components(separatedBy: "::")
        let head = halves[0].split(separator: ":").map(String.init)
        let tail = halves.count > 1 ? halves[1].split(separator: ":").map(String.init) : []
        let groups = head + Array(repeating: "0", count: max(0, 8 - head.count - tail.count)) + tail
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    public func problems(field: String) -> [FieldError] {
        var errors = FieldErrors()
        if capacity < 1 { errors.add("\(field).capacity", "tooSmall", "Allow at least one post at once.") }
        if refillSeconds < 1 { errors.add("\(field).refillSeconds", "tooSmall", "Refill at least every second; 0 would not limit anything.") }
        return errors.all
    }
}

/// Buckets kept in memory by client key, for one instance (and the tests).
public struct RateLimiter: Sendable {
    public var limit: RateLimit
    public private(set) var buckets: [String: RateLimit.Bucket] = [:]

    public init(limit: RateLimit) { self.limit = limit }

    public mutating func take(client address: String, now: Date) -> RateLimit.Decision {
        let key = RateLimit.clientKey(address)
        let (decision, bucket) = limit.take(buckets[key], now: now)
        buckets[key] = bucket
        return decision
    }

    /// Forgets buckets that have filled up again: they would answer the same as no bucket.
    public mutating func prune(now: Date) {
        buckets = buckets.filter { limit.refilled($0.value, now: now).tokens < limit.capacity }
    }
}
