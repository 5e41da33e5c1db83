import Fluent
import SQLKit
import Vapor
import VanguardCore

/// Chinese company names start with their city (上海星辰科技有限公司), so a city is a fragment
/// many names hold and all of them sort together: 45,000 names under "shang 上hai 海" in the bench
/// data set. Walking the names from the top of the list meets none of them within its window,
/// and asking the search index read and sorted all 45,000 (190 ms on SQLite, 390 ms on
/// PostgreSQL). The matches split in two:
/// - names starting with the fragment: the keys starting with the fragment's own key, a range
///   of the name index read in order (the key leaves out what the search leaves out, so a name
///   whose search text starts with the fragment is in that range: `PinyinOrder.key`);
/// - the others: the index's matches whose first tokens are not the fragment's pairs, few for
///   such a fragment, read and sorted as usual. Both indexes hold each name's first pair marked
///   only (`'^上海'`, `CustomerSearch.firstPairMark`), so the others are those holding the pair
///   unmarked (`'上海'`); on PostgreSQL the fragment is two characters, on SQLite FTS5's token
///   positions serve longer leads (`others`).
/// The page is the first rows of both, merged. For fragments of common Chinese characters,
/// ASCII letters and digits (Harbor names start with it too); on SQLite for any such fragment,
/// common or not, on PostgreSQL for a common pair (`CommonFragmentWalk`).
enum NamePrefixSplit {
    /// PostgreSQL: the least share of a pair's names that start with it for the split to serve
    /// (its index cannot stop counting early, so its statistics decide).
    static let leastStartingShare = 0.9

    /// The list's rows (the page and one more), or nil when the split does not serve: other
    /// characters (`split`), or more than `limits.mostOthers` matches elsewhere in the names.
    /// Counting to that costs a fragment spread over the names (科技) 2–4 ms at 5,000 (release
    /// build, bench data set).
    static func pageOnSQLite(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool, sql: any SQLDatabase,
                             limits: CommonFragmentWalk.Limits) async throws -> [Customer]? {
        guard let lead = split(text) else { return nil }
        let mostOthers = limits.mostOthers
        // The others' row ids at once, as one JSON array: the index is asked once, not again for the rows.
        let found = try await sql.raw("""
            SELECT COUNT(*) AS n, json_group_array(rowid) AS ids
            FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: lead.others) LIMIT \(unsafeRaw: String(mostOthers)))
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
        return try await merged(lead, others: others, req: req, scope: scope, list: list, strict: strict, window: limits.window)
    }

    /// The same on PostgreSQL, for two characters that start at least `leastStartingShare` of the
    /// names holding them, by the index's statistics (`shares`, as `CommonSearchTokens` reads them).
    static func pageOnPostgres(_ text: String, shares: [String: Double], req: Request, scope: RecordScope, list: ListRequest, strict: Bool,
                               limits: CommonFragmentWalk.Limits) async throws -> [Customer]? {
        let pair = CustomerSearch.normalized(text)
        guard pair.count == 2, let lead = split(text) else { return nil }
        guard let starting = shares[CustomerSearch.firstPairMark + pair], starting >= leastStartingShare * CustomerSearch.holdingShare(pair, shares) else { return nil }
        // The planner takes the pair and its marked form as independent (导入: 65 % and 65 % of the
        // names, so 23 % holding it elsewhere, where none do) and walked the whole name index in
        // order looking for them (17–28 s). The index's own answer is known to be small: only it may serve.
        let others = try await req.db.transaction { db in
            try await (db as! any SQLDatabase).raw("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)").run()
            let elsewhere = Customer.query(on: db).inSalesScope(scope)
            try CustomerList.filter(elsewhere, req, strict: strict, nameMatch: .indexNotStarting)
            return try await list.apply(to: elsewhere, column: "name_order").all()
        }
        return try await merged(lead, others: others, req: req, scope: scope, list: list, strict: strict, window: limits.window)
    }

    /// The first rows of the names starting with the lead and of `others`, in the list's order;
    /// nil when a lead shorter than the fragment ("summ" of "summit", which "Summer" names start
    /// with too) leaves no full page within `window` names.
    private static func merged(_ lead: Lead, others: [Customer], req: Request, scope: RecordScope, list: ListRequest,
                               strict: Bool, window: Int) async throws -> [Customer]? {
        func leading(_ q: QueryBuilder<Customer>) -> QueryBuilder<Customer> {
            q.filter(\.$nameOrder >= lead.prefix).filter(\.$nameOrder < lead.prefix + "\u{10FFFF}")
        }
        let starting = leading(Customer.query(on: req.db).inSalesScope(scope))
        try CustomerList.filter(starting, req, strict: strict, nameMatch: .rowByRow)
        let edge = lead.whole ? nil : try await CommonFragmentWalk.windowEdge(of: leading(Customer.query(on: req.db).withDeleted().inSalesScope(scope)), list: list, window: window)
        if let edge { CommonFragmentWalk.bound(starting, to: edge, descending: list.descending) }
        let first = try await list.apply(to: starting, column: "name_order").all()
        if edge != nil, first.count <= list.limit { return nil }
        var seen = Set<UUID>()
        let rows = (first + others).filter { seen.insert($0.id!).inserted }.sorted { listOrder($0, $1, descending: list.descending) }
        return Array(rows.prefix(list.limit + 1))
    }

    /// Where the names starting with a fragment's lead sort (`prefix`, a key's start), the FTS5
    /// query for the fragment's matches whose tokens do not start with the lead's (`others`),
    /// and whether the lead is the whole fragment.
    struct Lead: Equatable {
        let prefix: String, others: String, whole: Bool
    }

    /// The key every name starting with the fragment's lead starts with, and the FTS5 query for
    /// the matches whose search text does not start with that lead; nil unless the fragment is
    /// ASCII letters and digits or common Chinese characters, and its lead has two or more.
    /// The lead is the fragment up to its first repeated character, that one included ("summ" of
    /// "summit"): tokens are a name's pairs in order, repeats left out, so with a character
    /// repeated before the last a name's tokens could start with the fragment's pairs while the
    /// name does not (海海海星 holds 海海 海星 for 海海星; Summmit's su um mm mi it are summit's).
    /// Common Chinese: U+4E00–U+9FA5, which FTS5's tokenizer, from Unicode 6.1, takes as letters
    /// (later ones split its tokens). FTS5 folds accents (ä as a); the key does too, and
    /// `SalesTests › keyFoldsAsSearchIndex` checks every character both fold to a letter or digit.
    static func split(_ text: String) -> Lead? {
        let chars = Array(CustomerSearch.normalized(text))
        guard chars.allSatisfy({ $0.unicodeScalars.count == 1 && searchable($0.unicodeScalars.first!.value) }) else { return nil }
        var distinct = Set<Character>(), lead = 0
        while lead < chars.count, distinct.insert(chars[lead]).inserted { lead += 1 }
        lead = min(lead + 1, chars.count)
        guard lead >= 2 else { return nil }
        let leading = String(chars[..<lead])
        let (pairs, _) = CustomerSearch.terms(leading), (all, _) = CustomerSearch.terms(String(chars))
        let prefix = String(PinyinOrder.key(leading).split(separator: "\u{1}", omittingEmptySubsequences: false)[0])
        return Lead(prefix: prefix, others: others(leadPairs: pairs, rest: Array(all.dropFirst())), whole: lead == chars.count)
    }

    /// The FTS5 query for the matches whose names do not start with the lead. The index holds a
    /// name's first pair marked only and each pair once (`CustomerSearch.sqliteIndexed`), so a
    /// name holding the lead's first pair unmarked holds it later, never first: the others are
    /// those, read from the pair's own entry without the names it starts (导入: 822,000), and,
    /// for a lead longer than a pair, the names starting with its first pair but not with the
    /// lead itself ("Sun Summit" for summit: its later su is the first one, left out).
    private static func others(leadPairs: [String], rest: [String]) -> String {
        let first = leadPairs[0]
        let later = rest.map { CustomerSearch.sqliteAnywhere($0) }
        let holdingLater = (["\"\(first)\""] + later).joined(separator: " AND ")
        guard leadPairs.count > 1 else { return holdingLater }
        let mark = CustomerSearch.firstPairMark
        let startingOtherwise = "(\((["\"\(mark)\(first)\""] + later).joined(separator: " AND "))) NOT ^\"\(([mark + first] + leadPairs.dropFirst()).joined(separator: " "))\""
        return "(\(holdingLater)) OR (\(startingOtherwise))"
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
