import Fluent
import Vapor
import VanguardCore

/// The executable's commands besides `serve`.
public enum VanguardCLI {
    public static func register(_ app: Application) async throws {
        app.asyncCommands.use(MigrateNow(), as: "migrate")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(UserCommand(), as: "user")
        app.asyncCommands.use(ImportCommand(), as: "import")
        app.asyncCommands.use(ExportCommand(), as: "export")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(JobsCommand(), as: "jobs")
        app.asyncCommands.use(CheckCommand(), as: "check")
        app.lifecycle.use(ServeBootstrap())
    }
}

/// Before `serve` answers its first request: migrate, load the policy, the first admin, the demo.
struct ServeBootstrap: LifecycleHandler {
    func willBootAsync(_ app: Application) async throws {
        guard app.environment.arguments.dropFirst().first.map({ $0 == "serve" || $0.hasPrefix("-") }) ?? true else { return }
        // ICU builds its Han-Latin transform for the first pinyin a process asks for (40–120 ms):
        // beside the migrations now, not in the first customer someone saves or imports.
        Task.detached(priority: .utility) { _ = PinyinOrder.syllable("中") }
        try await prepareDatabase(app)
        try await SQLiteTuning.apply(app)
        try await Bootstrap.loadPolicyIfNeeded(app)
        if app.settings.loadDemo { try await DemoCompany.load(app); try await SalesDemo.load(app); try await ServiceDemo.load(app); try await MarketingResearchDemo.seed(app); try await MarketingPartnerDemo.seed(app); try await CampaignDemo.load(app) }
        try await Bootstrap.ensureFirstAdmin(app, arguments: app.environment.arguments)
    }
}

/// `vanguard migrate`: bring the database schema up to date (no questions asked).
struct MigrateNow: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Create or update the database schema and load the policy pack." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await prepareDatabase(context.application)
        try await Bootstrap.loadPolicyIfNeeded(context.application)
        context.console.info("Database is up to date.")
    }
}

/// `vanguard demo [--members N] [--seed S]`: load the demo company; optionally N generated members.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "members", help: "Also generate this many members (for benchmarks).") var members: Int?
        @Option(name: "seed", help: "Seed for generated data (default 42).") var seed: Int?
        @Option(name: "customers", help: "Also generate this many customers (for benchmarks).") var customers: Int?
        @Option(name: "opportunities", help: "With --customers: this many opportunities with their stage history.") var opportunities: Int?
        @Option(name: "activities", help: "With --customers: this many activities.") var activities: Int?
        @Option(name: "tickets", help: "Also generate this many service tickets on the customers (for benchmarks).") var tickets: Int?
        @Option(name: "care-contacts", help: "With --tickets: give this many contacts birthdays for the care job.") var careContacts: Int?
        @Option(name: "campaigns", help: "Also generate this many campaigns (for benchmarks).") var campaigns: Int?
        @Option(name: "campaign-days", help: "With --campaigns: this many daily metric rows (campaign × channel × day).") var campaignDays: Int?
        @Option(name: "campaign-leads", help: "With --campaigns: this many leads (touches on the existing customers).") var campaignLeads: Int?
    }
    var help: String { "Load the demo company (and optionally generated members)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        try await Bootstrap.loadPolicyIfNeeded(app)
        try await DemoCompany.load(app)
        try await SalesDemo.load(app)
        try await ServiceDemo.load(app)
        try await MarketingResearchDemo.seed(app)
        try await MarketingPartnerDemo.seed(app)
        try await CampaignDemo.load(app)
        if let n = signature.members, n > 0 {
            let start = Date()
            try await DemoCompany.addSynthetic(app, count: n, seed: UInt64(signature.seed ?? 42))
            context.console.info("Generated \(n) members in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
        }
        if let n = signature.customers, n > 0 {
            let start = Date()
            try await SalesScale.generate(app, customers: n, opportunities: signature.opportunities ?? 0, activities: signature.activities ?? 0,
                                          seed: UInt64(signature.seed ?? 42)) { context.console.info($0) }
            context.console.info("Generated sales data in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
        }
        if let n = signature.tickets, n > 0 {
            let start = Date()
            try await ServiceScale.generate(app, tickets: n, careContacts: signature.careContacts ?? 0, seed: UInt64(signature.seed ?? 42)) { context.console.info($0) }
            context.console.info("Generated service data in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
        }
        if let n = signature.campaigns, n > 0 {
            let start = Date()
            try await CampaignScale.generate(app, campaigns: n, metricDays: signature.campaignDays ?? 0, leads: signature.campaignLeads ?? 0,
                                             seed: UInt64(signature.seed ?? 42)) { context.console.info($0) }
            context.console.info("Generated campaign data in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
        }
    }
}

/// `vanguard user add --email E --role R [--name N] [--password P]`.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add") var action: String
        @Option(name: "email") var email: String?
        @Option(name: "role", help: "admin, lead, groupLead, member, hr, finance, executive") var role: String?
        @Option(name: "name") var name: String?
        @Option(name: "password", help: "Prompted for when omitted.") var password: String?
    }
    var help: String { "Manage accounts: vanguard user add --email a@b.cn --role admin" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.action == "add" else { throw Abort(.badRequest, reason: "Unknown action \(signature.action); use: add") }
        try await prepareDatabase(app)
        try await Bootstrap.loadPolicyIfNeeded(app)
        guard let email = signature.email, Validators.email(email) == nil else { throw Abort(.badRequest, reason: "--email must be a valid e-mail address.") }
        guard let role = signature.role.flatMap(Role.init(rawValue:)) else {
            throw Abort(.badRequest, reason: "--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let password = signature.password ?? context.console.ask("Password for \(email):", isSecure: true)
        let rules = try await app.policy.current(on: app.db).effectiveSecurity.passwordRules
        if let problem = rules.check(password, email: email) { throw Abort(.badRequest, reason: problem.message) }
        if try await UserAccount.query(on: app.db).withDeleted().filter(\.$email == email.lowercased()).first() != nil {
            throw Abort(.conflict, reason: "An account with \(email) already exists.")
        }
        let user = UserAccount(email: email, displayName: signature.name ?? email, passwordHash: try await app.password.async.hash(password), role: role)
        try await user.create(on: app.db)
        try await Audit.system(.create, "user", id: user.id, label: email, after: nil, at: app.clock.now(), on: app.db)
        context.console.info("Created \(role.rawValue) \(email).")
    }
}

/// `vanguard jobs [--run NAME]`: the scheduled jobs and their last outcome, or run one now
/// (the SLA watch, the daily care job) and print how long it took.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "run", help: "Run this job now: sla-scan or care-daily.") var run: String?
    }
    var help: String { "List the scheduled jobs, or run one now." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        try await Bootstrap.loadPolicyIfNeeded(app)
        if let name = signature.run {
            guard Scheduler.jobs.contains(where: { $0.name == name }) else {
                throw Abort(.badRequest, reason: "No job is called \(name); the jobs are \(Scheduler.jobs.map(\.name).joined(separator: ", ")).")
            }
            let start = Date()
            guard let outcome = try await Scheduler.runNow(app, name: name, now: app.clock.now()) else {
                context.console.warning("\(name) is running on another instance; try again later.")
                return
            }
            context.console.info("\(name): \(outcome) in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
            return
        }
        try await Scheduler.register(app, now: app.clock.now())
        for job in try await ScheduledJob.query(on: app.db).sort(\.$name).all() {
            context.console.info("\(job.name)\tnext \(job.nextRunAt)\truns \(job.runs)\tlast: \(job.lastOutcome)")
        }
    }
}
