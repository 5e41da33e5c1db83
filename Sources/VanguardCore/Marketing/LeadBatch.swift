import Foundation

/// Sign-ups written together in one transaction (a group commit: MKT-4 under a stand's rush).
/// Decides each one in arrival order exactly as if they had been written one after another:
/// each address's bucket gives its tokens in turn, and a person who signs up twice (the same
/// mobile, or else the same e-mail) is one prospect, even when both posts are in one batch.
public struct LeadBatch: Sendable {
    /// A prospect already kept: the customer, and the contact that matched.
    public struct Match: Sendable, Equatable {
        public var customer: UUID
        public var contact: UUID?

        public init(customer: UUID, contact: UUID?) {
            self.customer = customer
            self.contact = contact
        }
    }

    /// One post: the client's bucket key, what the form's rules made of it, and when it came.
    public struct Post: Sendable, Equatable {
        public var clientKey: String
        public var outcome: LeadFormOutcome
        public var at: Date

        public init(clientKey: String, outcome: LeadFormOutcome, at: Date) {
            self.clientKey = clientKey
            self.outcome = outcome
            self.at = at
        }
    }

    public enum Decision: Sendable, Equatable {
        case limited(retryAfterSeconds: Int)
        case discarded
        case invalid(FieldErrors)
        /// A touch on a prospect kept before (or earlier in this batch).
        case known(Match)
        /// A new prospect and its contact, with these ids.
        case new(Match)

        public var isNew: Bool {
            if case .new = self { return true }
            return false
        }

        public var match: Match? {
            switch self {
            case .known(let m), .new(let m): return m
            default: return nil
            }
        }
    }

    public var limit: RateLimit
    /// The buckets of the batch's addresses as stored (an address without one has a full bucket).
    public var buckets: [String: RateLimit.Bucket]
    /// Kept prospects by their mobile's phone key and by e-mail.
    public var byMobile: [String: Match]
    public var byEmail: [String: Match]

    public init(limit: RateLimit, buckets: [String: RateLimit.Bucket], byMobile: [String: Match], byEmail: [String: Match]) {
        self.limit = limit
        self.buckets = buckets
        self.byMobile = byMobile
        self.byEmail = byEmail
    }

    /// The phone keys and e-mails to look up before deciding.
    public static func lookups(_ posts: [Post]) -> (mobiles: Set<String>, emails: Set<String>) {
        var mobiles = Set<String>(), emails = Set<String>()
        for p in posts {
            guard case .accepted(let d) = p.outcome else { continue }
            if let m = d.mobile { mobiles.insert(DuplicateCustomers.phoneKey(m)) }
            if let e = d.email { emails.insert(e) }
        }
        return (mobiles, emails)
    }

    /// Every post's decision, in order, and the buckets that changed (to store).
    public mutating func decide(_ posts: [Post], newID: () -> UUID) -> (decisions: [Decision], changedBuckets: [String: RateLimit.Bucket]) {
        var changed: [String: RateLimit.Bucket] = [:]
        let decisions = posts.map { post -> Decision in
            let before = buckets[post.clientKey]
            let (decision, after) = limit.take(before, now: post.at)
            if after != before {
                buckets[post.clientKey] = after
                changed[post.clientKey] = after
            }
            if case .limited(let seconds) = decision { return .limited(retryAfterSeconds: seconds) }
            switch post.outcome {
            case .discarded: return .discarded
            case .invalid(let errors): return .invalid(errors)
            case .accepted(let draft):
                let phoneKey = draft.mobile.map(DuplicateCustomers.phoneKey)
                if let phoneKey, let m = byMobile[phoneKey] { return .known(m) }
                if let email = draft.email, let m = byEmail[email] { return .known(m) }
                let m = Match(customer: newID(), contact: newID())
                if let phoneKey { byMobile[phoneKey] = m }
                if let email = draft.email { byEmail[email] = m }
                return .new(m)
            }
        }
        return (decisions, changed)
    }
}
