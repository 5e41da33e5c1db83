import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The public form's sign-ups, written a batch per transaction (a group commit). While one batch
/// is being written the posts that arrive wait, and go together in the next: a few statements per
/// batch instead of a transaction and eight statements per visitor, which is what lets a stand's
/// rush through SQLite's one writer. Each post is answered only once its batch has committed, so a
/// "thank you" always means "kept". A batch that fails is written again one post per transaction,
/// so one bad post never costs another its place.
actor LeadSignUps {
    /// One accepted-or-refused post, with what its history entry names.
    struct SignUp: Sendable {
        var campaignId: UUID
        var campaignCode: String
        var post: LeadBatch.Post
        var requestId: String?
        var ip: String?
    }

    /// Posts written together at most; a larger queue goes in several batches.
    static let largestBatch = 256

    private let app: Application
    private var waiting: [(SignUp, CheckedContinuation<LeadBatch.Decision, any Error>)] = []
    private var writing = false

    init(app: Application) { self.app = app }

    /// Queues the post and waits until its batch is written.
    func submit(_ signUp: SignUp) async throws -> LeadBatch.Decision {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((signUp, continuation))
            guard !writing else { return }
            writing = true
            // Detached: the writer must not inherit the first poster's task-locals (a held write gate).
            Task.detached { await self.drain() }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.largestBatch))
            waiting.removeFirst(batch.count)
            let results = await Self.write(batch.map(\.0), app: app)
            for ((_, continuation), result) in zip(batch, results) { continuation.resume(with: result) }
        }
        writing = false
    }

    /// The batch in one transaction; if that fails, each post in its own.
    static func write(_ signUps: [SignUp], app: Application) async -> [Result<LeadBatch.Decision, any Error>] {
        do {
            return try await writeTogether(signUps, app: app).map { .success($0) }
        } catch {
            guard signUps.count > 1 else { return [.failure(error)] }
            app.logger.warning("A batch of \(signUps.count) sign-ups failed (\(error)); writing them one by one.")
            var results: [Result<LeadBatch.Decision, any Error>] = []
            for s in signUps {
                do { results.append(.success(try await writeTogether([s], app: app)[0])) } catch { results.append(.failure(error)) }
            }
            return results
        }
    }

    /// Takes every post's token, matches the people already kept, then writes the new prospects,
    /// their contacts, the touches, the campaigns' lead roll-up and the history in a few statements.
    static func writeTogether(_ signUps: [SignUp], app: Application) async throws -> [LeadBatch.Decision] {
        let pack = try await app.policy.current(on: app.db)
        let limit = pack.effectiveMarketing.effectiveRateLimit
        let classification = pack.effectiveSales.effectiveClassification
        let wonStages = pack.effectiveSales.pipeline.wonStageKeys
        let posts = signUps.map(\.post)
        return try await app.db.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            let buckets = try await LeadCapture.buckets(Set(posts.map(\.clientKey)), on: sql)
            let (mobiles, emails) = LeadBatch.lookups(posts)
            let known = try await LeadCapture.knownProspects(mobiles: mobiles, emails: emails, on: sql)
            var batch = LeadBatch(limit: limit, buckets: buckets, byMobile: known.byMobile, byEmail: known.byEmail)
            let (decisions, changed) = batch.decide(posts, newID: { UUID.timeOrdered() })
            try await LeadCapture.store(changed, on: sql)
            let kept = zip(signUps, decisions).compactMap { s, d -> LeadCapture.Kept? in
                guard case .accepted(let draft) = s.post.outcome, let match = d.match else { return nil }
                return LeadCapture.Kept(signUp: s, draft: draft, match: match, isNew: d.isNew)
            }
            try await LeadCapture.write(kept, classification: classification, wonStages: wonStages, on: db)
            return decisions
        }
    }
}

extension Application {
    private struct LeadSignUpsKey: StorageKey { typealias Value = LeadSignUps }

    /// Set up once in `configure`, before the server takes requests.
    var leadSignUps: LeadSignUps {
        get { storage[LeadSignUpsKey.self]! }
        set { storage[LeadSignUpsKey.self] = newValue }
    }
}
