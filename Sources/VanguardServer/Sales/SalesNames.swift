import Fluent
import Foundation
import Vapor
import VanguardCore

/// Small helpers the sales pages share.
enum SalesNames {
    static func members(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await Member.query(on: db).withDeleted().filter(\.$id ~~ Set(ids)).field(\.$id).field(\.$name).all()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0.name) })
    }

    /// Members' groups by member id, deleted members too (as `CustomerService.groupOf` reads one):
    /// whose a list's records are, in one query for the page.
    static func groups(of ids: [UUID], on db: any Database) async throws -> [UUID: UUID] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await Member.query(on: db).withDeleted().filter(\.$id ~~ Set(ids)).field(\.$id).field(\.$group.$id).all()
        return Dictionary(rows.compactMap { m in m.$group.id.map { (m.id!, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// Customers' names by id, deleted ones too, asked 500 ids at a time: an export's 100,000
    /// rows can name more customers than PostgreSQL takes parameters in one statement (65,535).
    static func customers(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        var names: [UUID: String] = [:]
        for chunk in Array(ids).chunked(500) {
            for c in try await Customer.query(on: db).withDeleted().filter(\.$id ~~ chunk).field(\.$id).field(\.$name).all() { names[c.id!] = c.name }
        }
        return names
    }

    /// A list page's status filter: "all statuses", then each status by its label (`labelPrefix` + status).
    static func statusOptions(_ req: Request, _ statuses: [String], labelPrefix: String, current: String) -> [FormField.Option] {
        [FormField.Option(value: "", label: req.t("allStatuses"), selected: current.isEmpty)]
            + statuses.map { FormField.Option(value: $0, label: req.t(labelPrefix + $0), selected: $0 == current) }
    }

    /// Fen as yuan with thousands separators: 12345678 → "123,456.78".
    static func yuan(_ fen: Int64) -> String {
        let negative = fen < 0
        let whole = String(abs(fen) / 100), cents = String(format: "%02d", Int(abs(fen) % 100))
        var grouped = ""
        for (i, ch) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return (negative ? "-" : "") + String(grouped.reversed()) + "." + cents
    }

    static func posted(_ req: Request, _ keys: [String]) -> [String: String] {
        keys.reduce(into: [String: String]()) { $0[$1] = req.formValue($1) ?? "" }
    }

    static func href(_ path: String, _ params: [String: String]) -> String {
        let parts = params.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        return path + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }
}
