import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// A recurring job's state, kept in the database so that any number of `vanguard serve`
/// instances share one schedule: a job is claimed for a lease before it runs, so two instances
/// never run it at once, and a job missed while every instance was down runs at the next start.
final class ScheduledJob: Model, @unchecked Sendable {
    static let schema = "scheduled_jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "next_run_at") var nextRunAt: Date
    @OptionalField(key: "last_started_at") var lastStartedAt: Date?
    @OptionalField(key: "last_finished_at") var lastFinishedAt: Date?
    @Field(key: "last_outcome") var lastOutcome: String
    /// For daily jobs: the last China day covered, so a restart catches up the days missed.
    @OptionalField(key: "covered_through") var coveredThrough: String?
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "runs") var runs: Int

    init() {}
}

struct CreateScheduledJob: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ScheduledJob.schema)
            .id()
            .field("name", .string, .required)
            .field("next_run_at", .datetime, .required)
            .field("last_started_at", .datetime)
            .field("last_finished_at", .datetime)
            .field("last_outcome", .string, .required)
            .field("covered_through", .string)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("runs", .int, .required)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ScheduledJob.schema).delete()
    }
}

/// One recurring job: when it next runs after a run, and what it does. `run` gets the job's
/// row (for `coveredThrough`) and returns a one-line outcome for the operators.
struct JobSpec: Sendable {
    enum Cadence: Sendable {
        case every(seconds: TimeInterval)
        /// Once a day at this China-time hour.
        case daily(hour: Int)
    }

    var name: String
    var cadence: Cadence
    var run: @Sendable (Application, ScheduledJob, Date) async throws -> String

    func next(after now: Date) -> Date {
        switch cadence {
        case .every(let seconds): return now.addingTimeInterval(seconds)
        case .daily(let hour):
            let today = CivilDate.on(now)
            let at = today.startInChina.addingTimeInterval(Double(hour) * 3_600)
            return at > now ? at : SalesCalendar.adding(days: 1, to: today).startInChina.addingTimeInterval(Double(hour) * 3_600)
        }
    }
}

enum Scheduler {
    /// The jobs every instance knows. Chapters add theirs here.
    static var jobs: [JobSpec] { [SLAScan.job, CareJob.job, FeedbackDigestService.job, RiskScan.job, Housekeeping.job] }

    static let worker = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    /// Runs every job that is due now, each once, and returns their names. Safe to call from
    /// several instances at once: each job is claimed under a lease first.
    @discardableResult
    static func runDue(_ app: Application, now: Date, worker: String = Scheduler.worker, lease: TimeInterval = 600) async throws -> [String] {
        try await register(app, now: now)
        var ran: [String] = []
        while let job = try await claim(app.backgroundDB, worker: worker, now: now, lease: lease), let spec = jobs.first(where: { $0.name == job.name }) {
            try await execute(spec, job, app: app, now: now, next: spec.next(after: now))
            ran.append(job.name)
        }
        return ran
    }

    /// Runs one job now, whatever its schedule (`vanguard jobs --run NAME`), unless another
    /// instance holds it; returns its outcome, or nil when it is held or unknown.
    static func runNow(_ app: Application, name: String, now: Date, worker: String = Scheduler.worker) async throws -> String? {
        try await register(app, now: now)
        guard let spec = jobs.first(where: { $0.name == name }) else { return nil }
        let claimed = try await app.backgroundDB.writeTransaction { db -> Bool in
            let sql = db as! any SQLDatabase
            return try await sql.raw("""
                UPDATE \(ident: ScheduledJob.schema) SET locked_by = \(bind: worker), locked_until = \(bind: now.addingTimeInterval(600))
                WHERE name = \(bind: name) AND (locked_until IS NULL OR locked_until < \(bind: now)) RETURNING id
                """).first() != nil
        }
        guard claimed, let job = try await ScheduledJob.query(on: app.backgroundDB).filter(\.$name == name).first() else { return nil }
        return try await execute(spec, job, app: app, now: now, next: nil)
    }

    /// Runs a claimed job and records its outcome, releasing the lease; `next` reschedules it
    /// (a run on demand keeps the schedule as it was).
    @discardableResult
    private static func execute(_ spec: JobSpec, _ job: ScheduledJob, app: Application, now: Date, next: Date?) async throws -> String {
        let outcome: String
        do { outcome = try await spec.run(app, job, now) } catch { outcome = "failed: \(error)" }
        job.lastStartedAt = now
        job.lastFinishedAt = app.clock.now()
        job.lastOutcome = String(outcome.prefix(500))
        if let next { job.nextRunAt = next }
        job.runs += 1
        job.lockedBy = nil
        job.lockedUntil = nil
        try await app.backgroundDB.writeTransaction { db in try await job.save(on: db) }
        if outcome.hasPrefix("failed") { app.logger.error("job \(job.name) \(outcome)") }
        return outcome
    }

    /// Adds a row for each job not yet in the table (first start, or a new job), due now.
    static func register(_ app: Application, now: Date) async throws {
        let known = Set(try await ScheduledJob.query(on: app.backgroundDB).all().map(\.name))
        for spec in jobs where !known.contains(spec.name) {
            let job = ScheduledJob()
            job.name = spec.name
            job.nextRunAt = now
            job.lastOutcome = ""
            job.runs = 0
            try? await app.backgroundDB.writeTransaction { db in try await job.create(on: db) }   // another instance may have added it
        }
    }

    /// Claims one due job. On PostgreSQL the candidate row is locked with SKIP LOCKED so racing
    /// instances pick different rows; the outer condition is checked again either way, so two
    /// claims of one row cannot both win (SQLite has one writer at a time).
    static func claim(_ db: any Database, worker: String, now: Date, lease: TimeInterval) async throws -> ScheduledJob? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let skipLocked: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let id = try await db.writeTransaction { db -> UUID? in
            let sql = db as! any SQLDatabase
            let row = try await sql.raw("""
                UPDATE \(ident: ScheduledJob.schema) SET locked_by = \(bind: worker), locked_until = \(bind: now.addingTimeInterval(lease))
                WHERE next_run_at <= \(bind: now) AND (locked_until IS NULL OR locked_until < \(bind: now))
                  AND id = (SELECT id FROM \(ident: ScheduledJob.schema)
                            WHERE next_run_at <= \(bind: now) AND (locked_until IS NULL OR locked_until < \(bind: now))
                            ORDER BY next_run_at LIMIT 1\(skipLocked))
                RETURNING id
                """).first()
            return try row?.decode(column: "id", as: UUID.self)
        }
        guard let id else { return nil }
        return try await ScheduledJob.find(id, on: db)
    }
}

/// Runs the scheduler in the background while the server runs (not in tests: they call
/// `Scheduler.runDue` with their own clock).
struct SchedulerWorker: LifecycleHandler {
    /// Only `serve` runs background work: a command (`jobs --run`, `demo`, `import`…) must not
    /// claim jobs or deliveries, nor hold the database while it writes.
    static func isServing(_ app: Application) -> Bool {
        let command = app.environment.arguments.dropFirst().first
        return command == nil || command == "serve" || command?.hasPrefix("-") == true
    }

    func didBootAsync(_ app: Application) async throws {
        guard app.settings.runsJobs, app.environment != .testing, Self.isServing(app) else { return }
        let task = Task {
            while !Task.isCancelled {
                do { try await Scheduler.runDue(app, now: app.clock.now()) } catch { app.logger.error("scheduler: \(error)") }
                try? await Task.sleep(for: .seconds(20))
            }
        }
        app.storage[SchedulerTaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        // Wait for a run in progress: the databases close right after this.
        guard let task = app.storage[SchedulerTaskKey.self] else { return }
        task.cancel()
        await task.value
    }
}

struct SchedulerTaskKey: StorageKey { typealias Value = Task<Void, Never> }
