import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import VanguardCore

/// A fragment that many names hold ("有限", "公司", "科技") matches a large share of the customers:
/// the search index hands every one of them over, and showing the first page in name order then
/// read and sorted them all (8 s for 有限, 1.7 M matches in 1.7 M customers, on SQLite). Such a
/// fragment is found sooner by walking the names in order and stopping at the page's last match,
/// which a fragment held by one name in fifty reaches within a thousand names. The walk is
/// bounded to `window` names after the cursor: a fragment common overall can still be rare in
/// one stretch of the alphabet (上海, whose customers mostly sort under "shang"), and there the
/// index is asked after all. Rare fragments ask the index at once. How common a fragment is:
/// SQLite's index counts its matches up to the number that makes it common; PostgreSQL keeps the
/// share of rows holding each of its most common tokens in the index's statistics (its planner
/// read 科技's 3 % and still sorted all 66,000 matches: 0.5 s).
enum CommonFragmentWalk {
    /// Names walked at most (each a row read and a LIKE) before the index is asked instead.
    static let window = 10_000

    /// The list's rows (the page and one more) for the name fragment `text`, or nil when the
    /// index is the better way: a rare fragment, another sort, phone digits or a credit code
    /// (searched in other columns too), or no full page within the window.
    static func page(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool) async throws -> [Customer]? {
        guard list.sortField == "name", let sql = req.db as? any SQLDatabase, !CustomerList.looksLikePhone(text), !CustomerList.looksLikeCode(text),
              try await isCommon(text, sql: sql, rows: list.limit + 1, commonTokens: req.application.commonSearchTokens, now: req.now) else { return nil }
        // The window's far end, read from the name index alone (deleted rows count, ids only).
        let edge = try await list.sorted(from: Customer.query(on: req.db).withDeleted().inSalesScope(scope), column: "name_order")
            .field(\.$id).field(\.$nameOrder).offset(window - 1).limit(1).first()
        let q = Customer.query(on: req.db).inSalesScope(scope)
        try CustomerList.filter(q, req, strict: strict, nameIndex: false)
        if let edge {
            if list.descending { q.filter(\.$nameOrder >= edge.nameOrder) } else { q.filter(\.$nameOrder <= edge.nameOrder) }
        }
        let rows = try await list.apply(to: q, column: "name_order").all()
        // Without an edge the walk saw every name after the cursor: its answer is whole.
        return edge == nil || rows.count > list.limit ? rows : nil
    }

    /// Common: held by so many names that, spread evenly, the window would hold `rows` twice over.
    static func isCommon(_ text: String, sql: any SQLDatabase, rows: Int, commonTokens: CommonSearchTokens, now: Date) async throws -> Bool {
        let share = Double(2 * rows) / Double(window)
        if sql.isPostgres {
            // A fragment's share is at most its rarest pair's; a pair missing from the statistics is rare.
            let (pairs, _) = CustomerSearch.terms(text)
            guard !pairs.isEmpty else { return false }
            let shares = try await commonTokens.shares(sql: sql, now: now)
            return pairs.allSatisfy { (shares[$0] ?? 0) >= share }
        }
        // Counting stops at the number that makes it common, so asking costs little even for a
        // fragment every name holds.
        guard let match = CustomerSearch.sqliteMatch(text) else { return false }
        let customers = try await sql.raw("SELECT COALESCE(MAX(rowid), 0) AS n FROM customers").first()?.decode(column: "n", as: Int.self) ?? 0
        let common = max(1, Int((Double(customers) * share).rounded(.up)))
        let found = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM customer_search WHERE customer_search MATCH \(bind: match) LIMIT \(unsafeRaw: String(common)))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        return found >= common
    }
}

/// PostgreSQL's share of customers holding each of the search index's most common tokens, from
/// the statistics `ANALYZE` keeps of the index's expression. Read again after ten minutes: the
/// view takes 9 ms to read (bench data set), and its figures change with `ANALYZE`, not per row.
final class CommonSearchTokens: Sendable {
    static let keptSeconds: TimeInterval = 600
    private let kept = NIOLockedValueBox<(read: Date, shares: [String: Double])?>(nil)

    func shares(sql: any SQLDatabase, now: Date) async throws -> [String: Double] {
        if let k = kept.withLockedValue({ $0 }), now.timeIntervalSince(k.read) < Self.keptSeconds, now >= k.read { return k.shares }
        let rows = try await sql.raw("""
            SELECT u.token AS token, CAST(u.share AS DOUBLE PRECISION) AS share FROM pg_stats s,
                   unnest((s.most_common_elems::text)::text[], s.most_common_elem_freqs) AS u(token, share)
            WHERE s.tablename = 'customers_search_lexemes' AND u.token IS NOT NULL
            """).all()
        var shares: [String: Double] = [:]
        for row in rows { shares[try row.decode(column: "token", as: String.self)] = try row.decode(column: "share", as: Double.self) }
        kept.withLockedValue { $0 = (now, shares) }
        return shares
    }
}

extension Application {
    private struct CommonSearchTokensKey: StorageKey { typealias Value = CommonSearchTokens }

    /// Set up once in `configure`, before the server takes requests.
    var commonSearchTokens: CommonSearchTokens {
        get { storage[CommonSearchTokensKey.self]! }
        set { storage[CommonSearchTokensKey.self] = newValue }
    }
}
