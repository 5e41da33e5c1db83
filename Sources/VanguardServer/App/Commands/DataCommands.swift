import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// `vanguard import members FILE [--dry-run]`: the same checks as the web page and the API;
/// every problem is printed with its row and column, and nothing is saved unless all rows are right.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "members") var what: String
        @Argument(name: "file", help: "A CSV or XLSX file.") var file: String
        @Flag(name: "dry-run", help: "Only check the file.") var dryRun: Bool
    }
    var help: String { "Import records from a CSV or XLSX file: vanguard import members team.xlsx [--dry-run]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.what == "members" else { throw Abort(.badRequest, reason: "Unknown kind \(signature.what); use: members") }
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw Abort(.notFound, reason: "Cannot read \(signature.file).") }
        try await prepareDatabase(app)
        try await Bootstrap.loadPolicyIfNeeded(app)
        do {
            let table = try ImportFile.table(from: data)
            let report = try await MemberImport.run(table, dryRun: signature.dryRun, includeConfidential: true, translations: app.translations,
                                                    source: .commandLine(now: app.clock.now()), on: app.db)
            if !report.ignoredColumns.isEmpty { context.console.warning("Ignored columns: \(report.ignoredColumns.joined(separator: ", "))") }
            context.console.info(signature.dryRun ? "\(report.rows) rows checked; the file is fine (nothing saved)." : "Imported \(report.created) members.")
        } catch let p as Problem {
            for e in p.errors { context.console.error(e.message) }
            throw Abort(p.status, reason: p.errors.isEmpty ? (p.detail ?? p.title) : "\(p.errors.count) problem(s); nothing was saved.")
        } catch let e as FieldErrors {
            for error in e.all { context.console.error(error.message) }
            throw Abort(.unprocessableEntity, reason: "\(e.all.count) problem(s); nothing was saved.")
        }
    }
}

/// `vanguard export members [--format csv|xlsx] [--output FILE] [--locale zh-Hans|zh-Hant|en]`.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "members") var what: String
        @Option(name: "format", help: "csv (default) or xlsx") var format: String?
        @Option(name: "output", help: "File to write (default: members.csv or members.xlsx)") var output: String?
        @Option(name: "locale", help: "Language of the column titles (default zh-Hans)") var locale: String?
    }
    var help: String { "Export records: vanguard export members --format xlsx --output team.xlsx" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.what == "members" else { throw Abort(.badRequest, reason: "Unknown kind \(signature.what); use: members") }
        let format = signature.format ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw Abort(.badRequest, reason: "--format must be csv or xlsx.") }
        guard let locale = AppLocale(rawValue: signature.locale ?? "zh-Hans") else { throw Abort(.badRequest, reason: "--locale must be zh-Hans, zh-Hant or en.") }
        try await prepareDatabase(app)
        let members = try await Member.query(on: app.db).sort(\.$employeeNo).all().map { MemberDTO($0, showConfidential: false) }
        let (header, rows) = try await MemberExport.sheet(members, locale: locale, translations: app.translations, on: app.db)
        let path = signature.output ?? "members.\(format)"
        let data = format == "xlsx" ? try XLSXWriter.workbook(sheet: "Members", header: header, rows: rows) : Data(MemberExport.csv(header, rows).utf8)
        guard FileManager.default.createFile(atPath: path, contents: data) else { throw Abort(.internalServerError, reason: "Cannot write \(path).") }
        context.console.info("Wrote \(rows.count) members to \(path).")
    }
}

/// `vanguard backup [--output FILE]`: a consistent copy of the database while it keeps serving.
/// SQLite: `VACUUM INTO` (a transaction-consistent, compacted copy, WAL included). PostgreSQL:
/// `pg_dump` in its custom format, restorable with `pg_restore`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "output", help: "File to write (default: vanguard-<UTC time>.sqlite or .dump)") var output: String?
    }
    var help: String { "Back up the database: vanguard backup --output /backups/vanguard.sqlite" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let stamp = ISO8601DateFormatter().string(from: app.clock.now()).replacingOccurrences(of: ":", with: "")
        switch app.settings.database {
        case .sqliteFile(let path):
            let output = signature.output ?? "vanguard-\(stamp).sqlite"
            guard !FileManager.default.fileExists(atPath: output) else { throw Abort(.conflict, reason: "\(output) already exists.") }
            guard let sql = app.db as? any SQLDatabase else { throw Abort(.internalServerError) }
            try await sql.raw("VACUUM INTO \(bind: output)").run()
            context.console.info("Backed up \(path) to \(output).")
        case .postgres(let url):
            let output = signature.output ?? "vanguard-\(stamp).dump"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["pg_dump", "--format=custom", "--file=\(output)", "--dbname=\(url)"]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw Abort(.internalServerError, reason: "pg_dump failed (exit \(process.terminationStatus)).") }
            context.console.info("Backed up the PostgreSQL database to \(output) (restore with pg_restore).")
        case .sqliteMemory:
            throw Abort(.badRequest, reason: "An in-memory database has nothing to back up.")
        }
    }
}
