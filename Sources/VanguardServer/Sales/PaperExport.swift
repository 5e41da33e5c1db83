import Fluent
import Vapor
import VanguardCore

/// Quotes and contracts as CSV or XLSX (issue 4, item 11: any list exports), with the list's
/// filters and the reader's scope, newest number first as on the page: the quotes a lead checks
/// discounts across (RSK-S1), the contracts legal or finance go through (RSK-S3).
extension SalesExport {
    static func quotes(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["quote", "customer", "status", "subtotal", "discountPercent", "quoteNet", "validUntil", "sentOn", "owner"].map(req.t)
        return try await ListExport<Quote>(name: "quotes", sheet: req.t("navQuotes"), header: header, rows: { db in
            try QuoteList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$number, .descending).sort(\.$id, .descending)
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.map(\.customerId)), on: db)
            let owners = try await SalesNames.members(Array(Set(rows.compactMap(\.ownerMemberId))), on: db)
            return rows.map { q in
                [q.number, customers[q.customerId] ?? "", req.t("quote_" + q.status), Money(fen: q.subtotalFen).yuanText,
                 String(format: "%.2f", Double(q.effectiveDiscountBP) / 100), Money(fen: q.netFen).yuanText, q.validUntil,
                 q.sentAt.map { CivilDate.on($0).description } ?? "", q.ownerMemberId.flatMap { owners[$0] } ?? ""]
            }
        }).response(req, format: format)
    }

    static func contracts(req: Request, strict: Bool) async throws -> Response {
        let user = try req.requireUser()
        let format = try format(req, strict: strict)
        let scope = AccessPolicy.salesScope(user.actor)
        let header = ["contract", "contractTitle", "customer", "amountYuan", "status", "signedOn", "paymentTerms", "owner"].map(req.t)
        return try await ListExport<Contract>(name: "contracts", sheet: req.t("navContracts"), header: header, rows: { db in
            try ContractList.filtered(req, scope: scope, strict: strict, on: db).sort(\.$number, .descending).sort(\.$id, .descending)
        }, cells: { rows, db in
            let customers = try await SalesNames.customers(Set(rows.map(\.customerId)), on: db)
            let owners = try await SalesNames.members(Array(Set(rows.compactMap(\.ownerMemberId))), on: db)
            return rows.map { c in
                [c.number, c.title, customers[c.customerId] ?? "", Money(fen: c.amountFen).yuanText, req.t("contract_" + c.status),
                 c.signedOn ?? "", c.paymentTerms, c.ownerMemberId.flatMap { owners[$0] } ?? ""]
            }
        }).response(req, format: format)
    }
}
