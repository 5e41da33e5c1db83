import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import VanguardCore

/// A fragment that many names hold ("有限", "公司", "科技") matches a large share of the customers:
/// the search index hands every one of them over, and showing the first page in name order then
/// read and sorted them all (more than 2 s for 有限 or 公司, 1.7 M matches in 1.7 M customers;
/// 190 ms for 科技's 66,000 on SQLite, 360 ms on PostgreSQL). Such a fragment is found sooner by
/// walking the names in order and stopping at the page's last match. The walk is bounded to
/// `window` names after the cursor: a fragment common overall can still be rare in one stretch
/// of the alphabet (上海, whose customers sort under "shang"), and there the walk's 5,000 names
/// are wasted (36 ms in the `sqlite3` shell, bench data set). A fragment that starts many names
/// is served by `NamePrefixSplit` instead; if neither serves, the index is asked after all.
/// Only fragments held by at least one name in a hundred walk; rarer ones ask the index
/// (harbor, one in 170, bunched under "h", lost 45 ms to a wasted walk of 10,000 names).
/// The split is tried first, whatever the fragment's share: on SQLite its index query stops at
/// its most others, so it costs little when it does not serve, and when it does the fragment's
/// matches need not be counted (harbor: 7 of its 9 ms in the `sqlite3` shell, bench data set);
/// on PostgreSQL the index's statistics decide before any query (harbor, one name in a hundred,
/// was read and sorted whole: 40 ms).
enum CommonFragmentWalk {
    /// How far each way goes; an application's own (`Application.fragmentSearchLimits`), so a
    /// test can reach every way with a few thousand customers.
    struct Limits: Sendable {
        /// Names walked at most (each a row read and a LIKE) before the index is asked instead.
        var window = 5_000
        /// The least share of customers holding a fragment for it to walk.
        var leastShare = 0.01
        /// The most matches not starting with the fragment that `NamePrefixSplit` reads.
        var mostOthers = 2_000
    }

    /// The list's rows (the page and one more) for the name fragment `text`, or nil when the
    /// index is the better way: a rare fragment, another sort, phone digits or a credit code
    /// (searched in other columns too), or no full page within the window.
    static func page(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool) async throws -> [Customer]? {
        guard list.sortField == "name", let sql = req.db as? any SQLDatabase, CustomerList.phoneDigits(text) == nil, !CustomerList.looksLikeCode(text) else { return nil }
        let limits = req.application.fragmentSearchLimits
        // Common: at least one name in a hundred, and enough that, spread evenly, the window would
        // hold the page twice over.
        let share = max(limits.leastShare, Double(2 * (list.limit + 1)) / Double(limits.window))
        if sql.isPostgres {
            let shares = try await req.application.commonSearchTokens.shares(sql: sql, now: req.now)
            if let rows = try await NamePrefixSplit.pageOnPostgres(text, shares: shares, req: req, scope: scope, list: list, strict: strict, limits: limits) { return rows }
            guard commonOnPostgres(text, share: share, shares: shares) else { return nil }
        } else {
            if let rows = try await NamePrefixSplit.pageOnSQLite(text, req: req, scope: scope, list: list, strict: strict, sql: sql, limits: limits) { return rows }
            guard try await commonOnSQLite(text, share: share, sql: sql) else { return nil }
        }
        let edge = try await windowEdge(of: Customer.query(on: req.db).withDeleted().inSalesScope(scope), list: list, window: limits.window)
        let q = Customer.query(on: req.db).inSalesScope(scope)
        try CustomerList.filter(q, req, strict: strict, nameMatch: .rowByRow)
        if let edge { bound(q, to: edge, descending: list.descending) }
        let rows = try await list.apply(to: q, column: "name_order").all()
        // Without an edge the walk saw every name after the cursor: its answer is whole.
        return edge == nil || rows.count > list.limit ? rows : nil
    }

    /// The far end of a walk of `window` of `names` after the list's cursor, read from the name
    /// index alone (pass deleted rows too: ids only); nil when fewer follow.
    static func windowEdge(of names: QueryBuilder<Customer>, list: ListRequest, window: Int) async throws -> Customer? {
        try await list.sorted(from: names, column: "name_order").field(\.$id).field(\.$nameOrder).offset(window - 1).limit(1).first()
    }

    /// Keeps `q` to the names up to a walk's far end.
    static func bound(_ q: QueryBuilder<Customer>, to edge: Customer, descending: Bool) {
        if descending { q.filter(\.$nameOrder >= edge.nameOrder) } else { q.filter(\.$nameOrder <= edge.nameOrder) }
    }

    /// SQLite's index counts the fragment's matches, and stops at the number that makes it
    /// common, so asking costs little even for a fragment every name holds. The count and the
    /// file's size are one statement.
    static func commonOnSQLite(_ text: String, share: Double, sql: any SQLDatabase) async throws -> Bool {
        guard let match = CustomerSearch.sqliteMatch(text) else { return false }
        let counted = try await sql.raw("""
            WITH file AS (SELECT CAST(COALESCE(MAX(rowid), 0) * \(bind: share) AS INTEGER) + 1 AS common FROM customers)
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM customer_search WHERE customer_search MATCH \(bind: match) LIMIT (SELECT common FROM file))) AS found,
                   (SELECT common FROM file) AS common
            """).first()
        let found = try counted?.decode(column: "found", as: Int.self) ?? 0, common = try counted?.decode(column: "common", as: Int.self) ?? 1
        return found >= common
    }

    /// PostgreSQL's index cannot stop counting early (its matches come as one bitmap), but its
    /// statistics hold the share of rows with each of its most common tokens: a fragment is
    /// common when each of its pairs is (its share is at most its rarest pair's). Its planner
    /// read 科技's share too, and still sorted all 66,000 matches.
    static func commonOnPostgres(_ text: String, share: Double, shares: [String: Double]) -> Bool {
        let (pairs, _) = CustomerSearch.terms(text)
        return !pairs.isEmpty && pairs.allSatisfy { CustomerSearch.holdingShare($0, shares) >= share }
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

    /// The statistics were taken again: the next search reads them.
    func forget() {
        kept.withLockedValue { $0 = nil }
    }
}

extension Application {
    private struct CommonSearchTokensKey: StorageKey { typealias Value = CommonSearchTokens }
    private struct FragmentSearchLimitsKey: StorageKey { typealias Value = CommonFragmentWalk.Limits }

    /// The defaults unless a test set its own.
    var fragmentSearchLimits: CommonFragmentWalk.Limits {
        get { storage[FragmentSearchLimitsKey.self] ?? .init() }
        set { storage[FragmentSearchLimitsKey.self] = newValue }
    }

    /// Set up once in `configure`, before the server takes requests.
    var commonSearchTokens: CommonSearchTokens {
        get { storage[CommonSearchTokensKey.self]! }
        set { storage[CommonSearchTokensKey.self] = newValue }
    }
}
