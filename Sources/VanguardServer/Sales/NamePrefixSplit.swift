import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Chinese company names start with their city (上海星辰科技有限公司), so a city is a fragment
/// many names hold and all of them sort together: 45,000 names under "shang 上hai 海" in the bench
/// data set; Latin names start with their word (10,000 Harbor names). Walking the names from the
/// top of the list meets none of them within its window, and asking the search index read and
/// sorted them all (上海: 190 ms on SQLite, 390 ms on PostgreSQL; harbor: 40 ms on PostgreSQL).
/// The matches split in two:
/// - names starting with the fragment: the keys starting with the fragment's own key, a range
///   of the name index read in order (the key leaves out what the search leaves out, so a name
///   whose search text starts with the fragment is in that range: `PinyinOrder.key`);
/// - the others, holding it after their start, few for such a fragment, read and sorted as
///   usual. Both indexes hold each name's first pair marked only (`'^上海'`,
///   `CustomerSearch.firstPairMark`), and a second time unmarked when it comes again later in the
///   name (`CustomerSearch.namePairs`). A name holding the fragment after its start holds the
///   fragment's first pair unmarked either way, so the others are the index's plain entry of that
///   pair with the fragment's other pairs (`Halves.others`), never the names it starts.
/// The page is the first rows of both, merged. For fragments of common Chinese characters, ASCII
/// letters and digits; on SQLite for any such fragment (its index stops counting the others at
/// `mostOthers`), on PostgreSQL when the index's statistics say few names hold its first pair
/// after their start (`leastStartingShare`).
enum NamePrefixSplit {
    /// PostgreSQL: the least share of a pair's names that start with it for the split to serve
    /// (its index cannot stop counting early, so its statistics decide).
    static let leastStartingShare = 0.9

    /// The list's rows (the page and one more), or nil when the split does not serve: other
    /// characters (`split`), more than `limits.mostOthers` matches elsewhere in the names, or no
    /// full page within `limits.window` names of the range. Counting to `mostOthers` costs a
    /// fragment spread over the names (科技) 2–4 ms at 5,000 (release build, bench data set).
    static func pageOnSQLite(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool, sql: any SQLDatabase,
                             limits: CommonFragmentWalk.Limits) async throws -> [Customer]? {
        guard let halves = split(text) else { return nil }
        let mostOthers = limits.mostOthers
        // The others' row ids at once, as one JSON array: the index is asked once, not again for the rows.
        let found = try await sql.raw("""
            SELECT COUNT(*) AS n, json_group_array(rowid) AS ids
            FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: halves.others) LIMIT \(unsafeRaw: String(mostOthers)))
            """).first()
        guard let found, try found.decode(column: "n", as: Int.self) < mostOthers else { return nil }
        let ids = try found.decode(column: "ids", as: String.self)
        var others: [Customer] = []
        if ids != "[]" {
            let elsewhere = Customer.query(on: req.db).inSalesScope(scope)
            try CustomerList.filter(elsewhere, req, strict: strict, nameMatch: .rowByRow)
            elsewhere.filter(.sql(SQLQueryString("\(ident: Customer.schema).rowid IN (SELECT value FROM json_each(\(bind: ids)))")))
            others = try await list.apply(to: elsewhere, column: "name_order").all()
        }
        return try await merged(halves, others: others, req: req, scope: scope, list: list, strict: strict, window: limits.window)
    }

    /// The same on PostgreSQL, for a fragment whose first pair starts at least `leastStartingShare`
    /// of the names holding it, by the index's statistics (`shares`, as `CommonSearchTokens` reads
    /// them; a pair missing from them is rare, and the index finds its names quickly anyway).
    static func pageOnPostgres(_ text: String, shares: [String: Double], req: Request, scope: RecordScope, list: ListRequest, strict: Bool,
                               limits: CommonFragmentWalk.Limits) async throws -> [Customer]? {
        guard let halves = split(text) else { return nil }
        guard let starting = shares[CustomerSearch.firstPairMark + halves.firstPair],
              starting >= leastStartingShare * CustomerSearch.holdingShare(halves.firstPair, shares) else { return nil }
        // The planner takes the pair and its marked form as independent (导入: 65 % and 65 % of the
        // names, so 23 % holding it elsewhere, where none do) and walked the whole name index in
        // order looking for them (17–28 s). The index's own answer is known to be small: only it may serve.
        let others = try await req.db.transaction { db in
            try await (db as! any SQLDatabase).raw("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)").run()
            let elsewhere = Customer.query(on: db).inSalesScope(scope)
            try CustomerList.filter(elsewhere, req, strict: strict, nameMatch: .indexNotStarting)
            return try await list.apply(to: elsewhere, column: "name_order").all()
        }
        return try await merged(halves, others: others, req: req, scope: scope, list: list, strict: strict, window: limits.window)
    }

    /// The first rows of the names starting with the fragment and of `others`, in the list's
    /// order; nil when the range holds no full page within `window` names. Its names mostly hold
    /// the fragment, but an ASCII one's range also holds the Chinese names read that way ("hai"
    /// and every name starting with 海, "hai 海…"), which the name's own test then drops.
    private static func merged(_ halves: Halves, others: [Customer], req: Request, scope: RecordScope, list: ListRequest,
                               strict: Bool, window: Int) async throws -> [Customer]? {
        func leading(_ q: QueryBuilder<Customer>) -> QueryBuilder<Customer> {
            q.filter(\.$nameOrder >= halves.prefix).filter(\.$nameOrder < halves.prefix + "\u{10FFFF}")
        }
        let starting = leading(Customer.query(on: req.db).inSalesScope(scope))
        try CustomerList.filter(starting, req, strict: strict, nameMatch: .rowByRow)
        let edge = try await CommonFragmentWalk.windowEdge(of: leading(Customer.query(on: req.db).withDeleted().inSalesScope(scope)), list: list, window: window)
        if let edge { CommonFragmentWalk.bound(starting, to: edge, descending: list.descending) }
        let first = try await list.apply(to: starting, column: "name_order").all()
        if edge != nil, first.count <= list.limit { return nil }
        var seen = Set<UUID>()
        let rows = (first + others).filter { seen.insert($0.id!).inserted }.sorted { listOrder($0, $1, descending: list.descending) }
        return Array(rows.prefix(list.limit + 1))
    }

    /// The two halves of a fragment's matches: where the names starting with it sort (`prefix`, a
    /// key's start), and the FTS5 query for those holding it after their start (`others`, which
    /// PostgreSQL asks as `CustomerSearch.condition(notStarting:)`), with its first pair.
    struct Halves: Equatable {
        let prefix: String, firstPair: String, others: String
    }

    /// The key every name starting with the fragment starts with, and the FTS5 query for the
    /// names holding it after their start: its first pair unmarked, and its other pairs either
    /// way; nil unless the fragment is two or more ASCII letters and digits or common Chinese
    /// characters. Common Chinese: U+4E00–U+9FA5, which FTS5's tokenizer, from Unicode 6.1, takes
    /// as letters (later ones split its tokens). FTS5 folds accents (ä as a); the key does too,
    /// and `SalesTests › keyFoldsAsSearchIndex` checks every character both fold to a letter or digit.
    static func split(_ text: String) -> Halves? {
        let chars = Array(CustomerSearch.normalized(text))
        guard chars.count >= 2, chars.allSatisfy({ $0.unicodeScalars.count == 1 && searchable($0.unicodeScalars.first!.value) }) else { return nil }
        let (pairs, _) = CustomerSearch.terms(String(chars))
        let prefix = String(PinyinOrder.key(String(chars)).split(separator: "\u{1}", omittingEmptySubsequences: false)[0])
        let others = (["\"\(pairs[0])\""] + pairs.dropFirst().map { CustomerSearch.sqliteAnywhere($0) }).joined(separator: " AND ")
        return Halves(prefix: prefix, firstPair: pairs[0], others: others)
    }

    /// Lower-case ASCII letters and digits (as `CustomerSearch.normalized` leaves them), and common Chinese characters.
    private static func searchable(_ v: UInt32) -> Bool {
        (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) || (0x4E00...0x9FA5).contains(v)
    }

    /// The list's order: the key, then the id as both databases compare it (its bytes).
    static func listOrder(_ a: Customer, _ b: Customer, descending: Bool) -> Bool {
        // Bytes, not `==`: two keys alike to Swift (é written two ways) still differ to the database.
        let p = Array(a.nameOrder.utf8), q = Array(b.nameOrder.utf8)
        if p != q { return p.lexicographicallyPrecedes(q) != descending }
        let x = withUnsafeBytes(of: a.id!.uuid) { Array($0) }, y = withUnsafeBytes(of: b.id!.uuid) { Array($0) }
        return x.lexicographicallyPrecedes(y) != descending
    }
}
