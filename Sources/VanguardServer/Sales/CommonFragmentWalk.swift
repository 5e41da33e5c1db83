import Fluent
import SQLKit
import Vapor
import VanguardCore

/// A fragment that many names hold ("有限", "公司", "科技") matches a large share of the customers:
/// the search index hands every one of them over, and showing the first page in name order then
/// read and sorted them all (more than 2 s for 有限 or 公司, 1.7 M matches in 1.7 M customers;
/// 190 ms for 科技's 66,000). Such a fragment is found sooner by walking the names in order and
/// stopping at the page's last match. The walk is bounded to `window` names after the cursor: a
/// fragment common overall can still be rare in one stretch of the alphabet (上海, whose customers
/// mostly sort under "shang"), and there the index is asked after all, the walk's 5,000 names
/// wasted (36 ms in the `sqlite3` shell, bench data set). So only fragments held by at least one
/// name in a hundred walk; rarer ones ask the index at once (harbor, one in 170, bunched under
/// "h", lost 45 ms to a wasted walk of 10,000 names).
/// SQLite only: on PostgreSQL the planner takes this walk itself for the commonest fragments
/// from its statistics of the search index, and a walk bounded as here was planned as a sort of
/// the whole window (130 ms).
enum CommonFragmentWalk {
    /// Names walked at most (each a row read and a LIKE) before the index is asked instead.
    static let window = 5_000
    /// The least share of customers holding a fragment for it to walk.
    static let leastShare = 0.01

    /// The list's rows (the page and one more) for the name fragment `text`, or nil when the
    /// index is the better way: a rare fragment, another sort, phone digits or a credit code
    /// (searched in other columns too), or no full page within the window.
    static func page(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool) async throws -> [Customer]? {
        guard list.sortField == "name", let sql = req.db as? any SQLDatabase, sql.dialect.name == "sqlite",
              let match = CustomerSearch.sqliteMatch(text), !CustomerList.looksLikePhone(text), !CustomerList.looksLikeCode(text) else { return nil }
        // Common: at least one name in a hundred, and enough that, spread evenly, the window would
        // hold the page twice over. Counting stops there, so it costs little even for a fragment
        // every name holds.
        let share = max(leastShare, Double(2 * (list.limit + 1)) / Double(window))
        let counted = try await sql.raw("""
            WITH file AS (SELECT CAST(COALESCE(MAX(rowid), 0) * \(bind: share) AS INTEGER) + 1 AS common FROM customers)
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM customer_search WHERE customer_search MATCH \(bind: match) LIMIT (SELECT common FROM file))) AS found,
                   (SELECT common FROM file) AS common
            """).first()
        let found = try counted?.decode(column: "found", as: Int.self) ?? 0, common = try counted?.decode(column: "common", as: Int.self) ?? 1
        guard found >= common else { return nil }
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
}
