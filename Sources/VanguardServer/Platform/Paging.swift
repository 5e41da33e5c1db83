import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor
import VanguardCore

/// A page of a list: the items and, when there are more, the cursor for the next page.
struct PageOf<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

/// Keyset paging: `limit` (1–200, default 50), `cursor` from the previous page, `sort=field` or
/// `sort=-field`. Stable under inserts, and as fast on page 1,000 as on page 1.
struct ListRequest {
    var limit: Int
    var sortField: String
    var descending: Bool
    var after: (value: String, id: UUID)?

    static func parse(_ req: Request, sortable: [String], defaultSort: String) throws -> ListRequest {
        var errors: [FieldError] = []
        let limitRaw = req.queryString("limit")
        var limit = 50
        if let limitRaw {
            if let n = Int(limitRaw), (1...200).contains(n) { limit = n }
            else { errors.append(FieldError(field: "limit", code: "outOfRange", message: "limit must be a whole number from 1 to 200.")) }
        }
        var sort = req.queryString("sort") ?? defaultSort
        let descending = sort.hasPrefix("-")
        if descending { sort.removeFirst() }
        if !sortable.contains(sort) {
            errors.append(FieldError(field: "sort", code: "unknownSort", message: "Sort by one of: \(sortable.joined(separator: ", ")) (prefix - for descending)."))
        }
        var after: (String, UUID)?
        if let cursor = req.queryString("cursor"), !cursor.isEmpty {
            guard let decoded = Cursor.decode(cursor), decoded.field == sort else {
                errors.append(FieldError(field: "cursor", code: "invalidCursor", message: "The cursor is not valid for this list; start again without it."))
                throw Request.queryProblem("cursor", "invalidCursor", "The cursor is not valid for this list; start again without it.")
            }
            after = (decoded.value, decoded.id)
        }
        if !errors.isEmpty { throw Problem(.badRequest, code: "invalid-query", title: "The list query is not valid.", detail: errors.map(\.message).joined(separator: " "), errors: errors) }
        return ListRequest(limit: limit, sortField: sort, descending: descending, after: after)
    }

    /// A whole list from its start, in the order `sortField` gives it (an export: no page, no cursor).
    static func whole(by sortField: String, descending: Bool = false) -> ListRequest {
        ListRequest(limit: 0, sortField: sortField, descending: descending, after: nil)
    }

    /// Applies sort, cursor and limit (+1 to learn whether a next page exists).
    func apply<M: Model>(to query: QueryBuilder<M>, column: String,
                         bind: (String) -> DatabaseQuery.Value = { .bind($0) }) -> QueryBuilder<M> where M.IDValue == UUID {
        sorted(from: query, column: column, bind: bind).limit(limit + 1)
    }

    /// The same for a list by a time column: the cursor's time is the cursor row's own, read again
    /// by its id. SQLite's driver reads times back rounded to the microsecond, while `Date()`
    /// stores finer ones, so the time a page ends on, sent back, was not the row's: the next page
    /// repeated it or skipped one. The cursor's own time serves only if that row is gone.
    func applyByTime<M: Model>(to query: QueryBuilder<M>, column: String) -> QueryBuilder<M> where M.IDValue == UUID {
        if let after {
            let table = M.schemaOrAlias
            let op = descending ? "<" : ">"
            let time = SQLQueryString("COALESCE((SELECT t.\(ident: column) FROM \(ident: M.schema) t WHERE t.id = \(bind: after.id)), ")
                + SQLQueryString("\(bind: Date(timeIntervalSince1970: Double(after.value) ?? 0)))")
            query.filter(.sql(SQLQueryString("(\(ident: table).\(ident: column) \(unsafeRaw: op) ") + time
                + SQLQueryString(" OR (\(ident: table).\(ident: column) = ") + time + SQLQueryString(" AND \(ident: table).id \(unsafeRaw: op) \(bind: after.id)))")))
        }
        let direction: DatabaseQuery.Sort.Direction = descending ? .descending : .ascending
        return query.sort(.path([FieldKey(stringLiteral: column)], schema: M.schemaOrAlias), direction)
            .sort(.path([.id], schema: M.schemaOrAlias), direction).limit(limit + 1)
    }

    /// The same for a text column that may be empty (NULL, such as a deal's expected close): the
    /// empty ones after every value (first, descending), as PostgreSQL sorts them; SQLite would put
    /// them first, and a plain cursor's `column > value` never holds for them, so past the first
    /// page they were never listed. A cursor value "" stands for an empty one (a real value is never
    /// empty: forms store none instead).
    func applyEmptyLast<M: Model>(to query: QueryBuilder<M>, column: String) -> QueryBuilder<M> where M.IDValue == UUID {
        sortedEmptyLast(from: query, column: column).limit(limit + 1)
    }

    /// `applyEmptyLast`'s sort and cursor without the limit (an export's whole list).
    func sortedEmptyLast<M: Model>(from query: QueryBuilder<M>, column: String) -> QueryBuilder<M> where M.IDValue == UUID {
        let field = SQLQueryString("\(ident: M.schemaOrAlias).\(ident: column)"), id = SQLQueryString("\(ident: M.schemaOrAlias).id")
        if let after {
            let op = descending ? "<" : ">"
            let condition: SQLQueryString
            switch (after.value.isEmpty, descending) {
            case (true, false): condition = "(" + field + " IS NULL AND " + id + SQLQueryString(" > \(bind: after.id))")
            case (true, true): condition = "(" + field + " IS NOT NULL OR " + id + SQLQueryString(" < \(bind: after.id))")
            case (false, _):
                condition = "(" + field + SQLQueryString(" \(unsafeRaw: op) \(bind: after.value) OR (") + field + SQLQueryString(" = \(bind: after.value) AND ") + id
                    + SQLQueryString(" \(unsafeRaw: op) \(bind: after.id))") + (descending ? ")" : " OR " + field + " IS NULL)")
            }
            query.filter(.sql(condition))
        }
        let direction = descending ? " DESC" : ""
        return query.sort(.sql(embed: field + SQLQueryString(" IS NULL\(unsafeRaw: direction)"))).sort(.sql(embed: field + SQLQueryString("\(unsafeRaw: direction)")))
            .sort(.sql(embed: id + SQLQueryString("\(unsafeRaw: direction)")))
    }

    /// Applies sort and cursor: the rows after the previous page, in the list's order.
    func sorted<M: Model>(from query: QueryBuilder<M>, column: String,
                          bind: (String) -> DatabaseQuery.Value = { .bind($0) }) -> QueryBuilder<M> where M.IDValue == UUID {
        let field = DatabaseQuery.Field.path([FieldKey(stringLiteral: column)], schema: M.schemaOrAlias)
        let idField = DatabaseQuery.Field.path([.id], schema: M.schemaOrAlias)
        if let after {
            let op: DatabaseQuery.Filter.Method = descending ? .lessThan : .greaterThan
            query.group(.or) { or in
                or.filter(field, op, bind(after.value))
                or.group(.and) { and in
                    and.filter(field, .equal, bind(after.value))
                    and.filter(idField, op, .bind(after.id))
                }
            }
        }
        let direction: DatabaseQuery.Sort.Direction = descending ? .descending : .ascending
        return query.sort(field, direction).sort(idField, direction)
    }

    /// Cuts the extra row and makes the next cursor from the last item shown.
    func page<M, Item: Content>(_ rows: [M], value: (M) -> String, id: (M) -> UUID?, map: (M) throws -> Item) rethrows -> PageOf<Item> {
        let (shown, next) = cut(rows, value: value, id: id)
        return PageOf(items: try shown.map(map), nextCursor: next)
    }

    /// The rows to show and the cursor of the next page, for pages that map rows themselves.
    func cut<M>(_ rows: [M], value: (M) -> String, id: (M) -> UUID?) -> (shown: [M], next: String?) {
        let shown = Array(rows.prefix(limit))
        var next: String?
        if rows.count > limit, let last = shown.last, let lastId = id(last) {
            next = Cursor.encode(field: sortField, value: value(last), id: lastId)
        }
        return (shown, next)
    }
}

enum Cursor {
    static func encode(field: String, value: String, id: UUID) -> String {
        let raw = "\(field)\u{1F}\(value)\u{1F}\(id.uuidString)"
        return Data(raw.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> (field: String, value: String, id: UUID)? {
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let raw = String(data: data, encoding: .utf8) else { return nil }
        let parts = raw.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let id = UUID(uuidString: parts[2]) else { return nil }
        return (parts[0], parts[1], id)
    }
}

/// A case-insensitive "contains" pattern for `lower(column) LIKE ? ESCAPE '\'`, with the user's
/// own `%`, `_` and `\` searched for literally; nil for an empty search.
func likePattern(_ text: String?) -> String? {
    guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    return "%\(escaped)%"
}

extension QueryBuilder {
    /// Case-insensitive "contains" on any of the columns, the same on SQLite and PostgreSQL.
    @discardableResult
    func search(_ text: String?, in columns: [String]) -> Self {
        guard let pattern = likePattern(text) else { return self }
        return group(.or) { or in
            for column in columns {
                or.filter(.sql(SQLQueryString("lower(\(ident: Model.schemaOrAlias).\(ident: column)) LIKE \(bind: pattern) ESCAPE '\\'")))
            }
        }
    }
}
