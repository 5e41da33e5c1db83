import Fluent
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// Customers (with a first contact each) from a spreadsheet (issue 4, item 11). Every row is
/// checked first and every problem reported by row and column; a file with any problem writes
/// nothing. Column titles are read in any of the three languages, so our export imports again.
/// Built for large files: existing customers are looked up only for the file's own names, codes
/// and phones, and rows are written in batches inside one transaction.
enum CustomerImport {
    static let fields: [(field: String, titleKey: String, extra: [String])] = [
        ("name", "customerName", ["name", "客户", "公司名称", "客戶名稱", "company"]),
        ("kind", "customerKind", ["kind", "类型"]),
        ("uscc", "uscc", ["USCC", "信用代码", "社会信用代码", "統一社會信用代碼"]),
        ("industry", "industry", ["行业"]),
        ("region", "region", ["地区", "省市", "城市"]),
        ("size", "customerSize", ["size", "规模"]),
        ("source", "sourceChannel", ["source", "来源", "渠道"]),
        ("status", "status", ["状态"]),
        ("expectedAnnualYuan", "expectedAnnualYuan", ["expectedAnnualYuan", "年采购额", "预计年采购额"]),
        ("phone", "phone", ["电话", "公司电话", "電話"]),
        ("email", "email", ["e-mail", "邮箱"]),
        ("address", "address", ["地址"]),
        ("notes", "notes", ["备注"]),
        ("owner", "owner", ["负责人工号", "owner", "销售"]),
        ("contactName", "contactName", ["contact", "联系人", "聯繫人"]),
        ("contactTitle", "contactTitle", ["职务", "職務"]),
        ("contactMobile", "mobile", ["手机", "联系人手机", "手機"]),
        ("contactEmail", "contactEmail", ["联系人邮箱"]),
    ]

    /// The fields above by position, so a row's cells are an array rather than a dictionary.
    enum Field: Int, CaseIterable, Sendable {
        case name, kind, uscc, industry, region, size, source, status, expectedAnnualYuan, phone, email, address, notes, owner
        case contactName, contactTitle, contactMobile, contactEmail

        var name: String { CustomerImport.fields[rawValue].field }
    }

    /// A row's cells by field: trimmed, an export's formula guard undone, nil when empty or absent.
    struct RowValues: Sendable {
        var cells: [String?]

        init(_ row: [String], columns: [Int?]) {
            cells = columns.map { column in
                guard let column, column < row.count, case let v = row[column].trimmingWhitespace(), !v.isEmpty else { return nil }
                return SpreadsheetCell.unescapedExport(v)
            }
        }

        subscript(_ field: Field) -> String? { cells[field.rawValue] }
    }

    struct Report: Content {
        var rows: Int
        var created: Int
        var contacts: Int
        var dryRun: Bool
        var ignoredColumns: [String]
    }

    /// How far an import has got: the phase ("check", "write") and rows done of all.
    typealias Progress = @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

    static func run(_ table: ImportTable, dryRun: Bool, req: Request, progress: Progress? = nil) async throws -> Report {
        let translations = req.application.translations
        let user = try req.requireUser()
        let sales = try await req.application.policy.current(on: req.db).effectiveSales
        let titles = fields.map { f in (f.field, [f.field, f.titleKey] + f.extra + AppLocale.allCases.map { translations.text(f.titleKey, $0) }) }
        let (index, unknown) = table.columns(for: titles)
        if index["name"] == nil { throw Problem.invalid("file", "missingColumn", "The file has no customer name column (name / 客户名称).") }
        guard !table.rows.isEmpty else { throw ImportFile.unreadable("The file has a header row but no customers under it.") }

        // The per-row work (cells, keys, checks, the new records) runs in a slice per core.
        let columns = Field.allCases.map { index[$0.name] }
        let rows = await table.rows.concurrentMap(minimumSlice: 1_000) { _, row in RowValues(row, columns: columns) }
        let nameKeys = await rows.concurrentMap(minimumSlice: 1_000) { _, row in DuplicateCustomers.nameKey(row[.name] ?? "") }
        // Lookups for this file only: names, codes and phones already on file, owners by employee number or name.
        let keys = Set(nameKeys.filter { !$0.isEmpty })
        let codes = Set(rows.compactMap { $0[.uscc]?.uppercased() }.filter { !$0.isEmpty })
        let phones = Set(rows.compactMap { $0[.phone].map(DuplicateCustomers.phoneKey) }.filter { $0.count >= 7 })
        // A credit code stays taken by a deleted customer; names and phones are free again.
        // At once: on PostgreSQL each goes to its own pooled connections.
        let db = req.db
        @Sendable func onFile() async throws -> Taken {
            async let takenKeys = db.existing(keys, in: "name_key", of: Customer.schema)
            async let takenCodes = db.existing(codes, in: "uscc", of: Customer.schema, includingDeleted: true)
            async let takenPhones = db.existing(phones, in: "phone_key", of: Customer.schema)
            return try await Taken(keys: takenKeys, codes: takenCodes, phones: takenPhones)
        }
        let ownerRefs = Set(rows.compactMap { $0[.owner] }.filter { !$0.isEmpty })
        let owners = ownerRefs.isEmpty ? [] : try await Member.query(on: db).group(.or) { $0.filter(\.$employeeNo ~~ ownerRefs).filter(\.$name ~~ ownerRefs) }
            .all().map { Owner(id: $0.id!, employeeNo: $0.employeeNo, name: $0.name, group: $0.$group.id) }

        let context = RowContext(actor: user.actor, industries: sales.effectiveIndustries, rules: sales.effectiveClassification, owners: owners,
                                 kinds: choices(CustomerKind.allCases.map(\.rawValue), "kind_", translations),
                                 sources: choices(SourceChannel.allCases.map(\.rawValue), "source_", translations),
                                 statuses: choices(CustomerStatus.allCases.map(\.rawValue), "customer_", translations),
                                 sizes: choices(CustomerSize.allCases.map(\.rawValue), "size_", translations),
                                 stamp: Date(), now: req.now, author: Audit.Author(req), lexemes: req.application.settings.database.isPostgres,
                                 checkCores: checkCores(req.application.settings))
        if dryRun {
            let taken = try await onFile()
            let outcome = try await checkAndWrite(rows, nameKeys: nameKeys, context: context, onFile: { taken }, queue: nil, progress: progress)
            return Report(rows: rows.count, created: outcome.created, contacts: outcome.contacts, dryRun: true, ignoredColumns: unknown)
        }
        // PostgreSQL looks up what is on file on other pooled connections while the transaction
        // writes the first block (`checkAndWrite`). SQLite's pool has one connection per event
        // loop, which the transaction holds, and so does a PostgreSQL pool of one: look up first.
        let settings = req.application.settings
        let lookedUp = settings.database.isPostgres && settings.databasePoolSize > 1 ? nil : try await onFile()
        let outcome = try await req.db.writeTransaction { db in
            let lookups = Task { if let lookedUp { return lookedUp } else { return try await onFile() } }
            defer { lookups.cancel() }
            let outcome = try await db.withLargePageCache(mebibytes: 64) {
                try await SearchIndexMerges.deferring(on: db, app: req.application) {
                    try await checkAndWrite(rows, nameKeys: nameKeys, context: context, onFile: { try await lookups.value },
                                            queue: BulkWriteQueue(db as! any SQLDatabase), progress: progress)
                }
            }
            try await Audit.note(.imported, "customer", id: nil, label: "\(outcome.created) customers and \(outcome.contacts) contacts imported", request: req, on: db)
            return outcome
        }
        // A big load into a small file leaves the planner's statistics stale (see Database.analyze);
        // one into a big file barely moves them, and ANALYZE itself then takes seconds. PostgreSQL's
        // search also reads the statistics, which the upkeep then takes again (`CustomerStatistics`).
        if outcome.created > 5_000, try await req.db.approximateRows(Customer.schema) < outcome.created * 10 {
            try await req.db.analyze(tables: [Customer.schema, Contact.schema])
        } else if req.application.settings.database.isPostgres {
            req.application.customerStatistics.noteWritten(outcome.created)
        }
        return Report(rows: rows.count, created: outcome.created, contacts: outcome.contacts, dryRun: false, ignoredColumns: unknown)
    }
}

extension CustomerImport {
    /// Cores for the check beside the writing. SQLite writes on a thread of ours and the check is
    /// the larger half of its import: all cores (kept to one, a 20,000-row import took 1.1–1.5 s
    /// instead of 0.9–1.25 s). A PostgreSQL server on this machine writes in one process of its
    /// own, which is the critical path: sharing both cores with the check, it got 65 % of one
    /// (perf, 2026-12-03 22:10) and wrote on alone for the last 0.45 s of a 1.0 s import.
    static func checkCores(_ settings: Settings) -> Int {
        let all = ProcessInfo.processInfo.activeProcessorCount
        return settings.database.isPostgresOnThisMachine ? max(1, all - 1) : all
    }

    /// A choice written as its key or as its label in any language, looked up once per file
    /// rather than per cell (`keys` in order: the first key a text names wins).
    static func choices(_ keys: [String], _ prefix: String, _ translations: Translations) -> [String: String] {
        var map: [String: String] = [:]
        for key in keys {
            for text in [key] + AppLocale.allCases.map({ translations.text(prefix + key, $0) }) where map[text] == nil { map[text] = key }
        }
        return map
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
