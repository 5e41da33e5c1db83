import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// The month's feedback digest per department (SVC-3, CP-3), as the API and the page show it and
/// as the job sends it on the 1st.
struct FeedbackDigestReport: Content, Equatable {
    struct Category: Content, Equatable { var key: String; var name: String; var count: Int }
    struct Waiting: Content, Equatable { var id: UUID; var summary: String; var category: String; var receivedOn: String }
    struct Entry: Content, Equatable {
        /// nil: feedback nobody has routed to a department yet.
        var departmentId: UUID?
        var name: String
        var contactEmail: String?
        var received: Int
        var answered: Int
        var open: Int
        var backlog: Int
        var byCategory: [Category]
        /// The oldest feedback still waiting for this department, at most five.
        var waitingLongest: [Waiting]
    }

    var month: String
    var departments: [Entry]
}

enum FeedbackDigestService {
    /// Counted by the database in one grouped query over the month's feedback and whatever is
    /// still waiting; the folding into departments is `VanguardCore.FeedbackDigest`.
    static func digest(month: String, days: (first: CivilDate, last: CivilDate), categories: [ServiceCategory], locale: AppLocale,
                       on db: any Database) async throws -> FeedbackDigestReport {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let start = days.first.startInChina, end = SalesCalendar.adding(days: 1, to: days.last).startInChina
        let waiting = Array(FeedbackDigest.waiting).sorted()
        let rows = try await sql.raw("""
            SELECT department_id, category, status, in_month, COUNT(*) AS n FROM (
              SELECT department_id, category, status, CASE WHEN created_at >= \(bind: start) THEN 1 ELSE 0 END AS in_month
              FROM \(ident: FeedbackItem.schema)
              WHERE created_at < \(bind: end) AND (created_at >= \(bind: start) OR status IN (\(binds: waiting)))
            ) x GROUP BY department_id, category, status, in_month
            """).all()
        let counts = try rows.map { r in
            FeedbackDigest.Count(departmentId: try r.decode(column: "department_id", as: UUID?.self)?.uuidString, category: try r.decode(column: "category", as: String.self),
                                 status: try r.decode(column: "status", as: String.self), receivedInMonth: try r.decode(column: "in_month", as: Int.self) == 1,
                                 count: try r.decode(column: "n", as: Int.self))
        }
        let departments = try await Department.query(on: db).withDeleted().sort(\.$code).all()
        let byId = Dictionary(uniqueKeysWithValues: departments.map { ($0.id!.uuidString, $0) })
        var oldest: [String: [FeedbackDigestReport.Waiting]] = [:]
        for f in try await FeedbackItem.query(on: db).filter(\.$status ~~ waiting).filter(\.$createdAt < end).sort(\.$createdAt).limit(500).all() {
            let key = f.departmentId?.uuidString ?? ""
            guard oldest[key, default: []].count < 5 else { continue }
            oldest[key, default: []].append(.init(id: f.id!, summary: f.summary, category: f.category,
                                                  receivedOn: f.createdAt.map { CivilDate.on($0).description } ?? ""))
        }
        let names = Dictionary(categories.map { ($0.key, $0.name[locale]) }, uniquingKeysWith: { a, _ in a })
        let entries = FeedbackDigest.digest(counts, departments: departments.map { $0.id!.uuidString }).map { d in
            let department = d.departmentId.flatMap { byId[$0] }
            return FeedbackDigestReport.Entry(
                departmentId: department?.id, name: department.map { locale == .en ? $0.nameEn : $0.nameZh } ?? unrouted[locale],
                contactEmail: department?.contactEmail, received: d.received, answered: d.answered, open: d.open, backlog: d.backlog,
                byCategory: d.byCategory.map { .init(key: $0.key, name: names[$0.key] ?? $0.key, count: $0.count) },
                waitingLongest: oldest[d.departmentId ?? ""] ?? [])
        }
        return FeedbackDigestReport(month: month, departments: entries)
    }

    static let unrouted = LocalizedText(zhHans: "未分派", zhHant: "未分派", en: "Not yet routed")

    /// On the 1st at 07:00 (or the first run after): last month's digest, one notice per
    /// department to the service group's leads and the team leads, and through the admin's
    /// webhooks to whatever mails each department its part. Sent once per month.
    static let job = JobSpec(name: "feedback-digest", cadence: .daily(hour: 7)) { app, job, now in
        let days = FeedbackDigest.previousMonth(of: CivilDate.on(now))
        let month = FeedbackDigest.label(days.first)
        if let sent = job.coveredThrough, sent >= month { return "digest for \(sent) already sent" }
        let db = app.backgroundDB
        let policy = try await app.policy.current(on: db).effectiveService
        let report = try await digest(month: month, days: days, categories: policy.effectiveFeedbackCategories, locale: .zhHans, on: db)
        let leads = try await SLAScan.leads(serviceGroup: try await TicketService.serviceGroup(on: db), on: db)
            + (try await SLAScan.teamLeads(on: db))
        let notices = report.departments.map { d in
            (title: LocalizedText(zhHans: "\(month) 客户反馈月报 · \(d.name): 新收 \(d.received) 条，待处理 \(d.open + d.backlog) 条",
                                  zhHant: "\(month) 客戶反饋月報 · \(d.name): 新收 \(d.received) 條，待處理 \(d.open + d.backlog) 條",
                                  en: "\(month) customer feedback digest · \(d.name): \(d.received) new, \(d.open + d.backlog) open"),
             // The categories as the team's pack names them (simplified Chinese) in every language.
             body: LocalizedText(zhHans: ([d.contactEmail.map { "To: \($0)" }].compactMap { $0 } + d.byCategory.map { "\($0.name) \($0.count)" }
                    + d.waitingLongest.map { "· \($0.receivedOn) \($0.summary)" }).joined(separator: "\n"), en: ""))
        }
        try await db.writeTransaction { db in
            // One notice per department, so each reaches the webhooks on its own (one mail per department).
            for n in notices {
                try await Notifier.notify(leads, kind: "feedbackDigest", title: n.title, body: n.body, link: "/feedback/digest?month=\(month)", at: now, on: db)
            }
            try await Audit.system(.create, "feedbackDigest", id: nil, label: "feedback digest \(month): \(report.departments.count) departments", after: nil, at: now, on: db)
        }
        job.coveredThrough = month
        return "digest for \(month): \(report.departments.count) departments"
    }
}

/// The digest reads a month of feedback by when it came in.
struct AddFeedbackReceivedIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.index("feedback_created", on: FeedbackItem.schema, ["created_at"])
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS feedback_created").run() }
    }
}
