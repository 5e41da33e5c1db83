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
///   such a fragment, read and sorted as usual. SQLite's FTS5 knows token positions
///   (`NOT ^"…"`); PostgreSQL's index holds each name's first pair marked (`'上海' & !'^上海'`,
///   `CustomerSearch.firstPairMark`), so there the fragment is two characters.
/// The page is the first rows of both, merged. For fragments of common Chinese characters.
enum NamePrefixSplit {
    /// The most matches not starting with the fragment read this way. Counting to it costs a
    /// fragment spread over the names (科技) 2–4 ms at 5,000 (release build, bench data set).
    static let mostOthers = 2_000
    /// PostgreSQL: the least share of a pair's names that start with it for the split to serve
    /// (its index cannot stop counting early, so its statistics decide).
    static let leastStartingShare = 0.9

    /// The list's rows (the page and one more), or nil when the split does not serve: not Chinese
    /// characters, or too many matches elsewhere in the names.
    static func pageOnSQLite(_ text: String, req: Request, scope: RecordScope, list: ListRequest, strict: Bool, sql: any SQLDatabase) async throws -> [Customer]? {
        guard let (prefix, notStarting) = split(text) else { return nil }
        // The others' row ids at once, as one JSON array: the index is asked once, not again for the rows.
        let found = try await sql.raw("""
            SELECT COUNT(*) AS n, json_group_array(rowid) AS ids
            FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: notStarting) LIMIT \(unsafeRaw: String(mostOthers)))
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
        return try await merged(starting: prefix, others: others, req: req, scope: scope, list: list, strict: strict)
    }

    /// The same on PostgreSQL, for two characters that start at least `leastStartingShare` of the
    /// names holding them, by the index's statistics (`shares`, as `CommonSearchTokens` reads them).
    static func pageOnPostgres(_ text: String, shares: [String: Double], req: Request, scope: RecordScope, list: ListRequest, strict: Bool) async throws -> [Customer]? {
        let pair = CustomerSearch.normalized(text)
        guard pair.count == 2, let (prefix, _) = split(text) else { return nil }
        guard let holding = shares[pair], let starting = shares[CustomerSearch.firstPairMark + pair], starting >= leastStartingShare * holding else { return nil }
        // The planner takes the pair and its marked form as independent (导入: 65 % and 65 % of the
        // names, so 23 % holding it elsewhere, where none do) and walked the whole name index in
        // order looking for them (17–28 s). The index's own answer is known to be small: only it may serve.
        let others = try await req.db.transaction { db in
            try await (db as! any SQLDatabase).raw("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)").run()
            let elsewhere = Customer.query(on: db).inSalesScope(scope)
            try CustomerList.filter(elsewhere, req, strict: strict, nameMatch: .indexNotStarting)
            return try await list.apply(to: elsewhere, column: "name_order").all()
        }
        return try await merged(starting: prefix, others: others, req: req, scope: scope, list: list, strict: strict)
    }

    /// The first rows of the names starting with `prefix` and of `others`, in the list's order.
    private static func merged(starting prefix: String, others: [Customer], req: Request, scope: RecordScope, list: ListRequest,
                               strict: Bool) async throws -> [Customer] {
        let starting = Customer.query(on: req.db).inSalesScope(scope)
        try CustomerList.filter(starting, req, strict: strict, nameMatch: .rowByRow)
        starting.filter(\.$nameOrder >= prefix).filter(\.$nameOrder < prefix + "\u{10FFFF}")
        var seen = Set<UUID>()
        let rows = try await (list.apply(to: starting, column: "name_order").all() + others).filter { seen.insert($0.id!).inserted }.sorted { listOrder($0, $1, descending: list.descending) }
        return Array(rows.prefix(list.limit + 1))
    }

    /// The key every name starting with `text` starts with, and the FTS5 query for the matches
    /// whose search text does not start with it; nil unless `text` is two or more common Chinese
    /// characters, none repeated before the last. (Tokens are a name's pairs in order, repeats
    /// left out: with a character repeated, a name's tokens could start with the fragment's pairs
    /// while the name does not: 海海海星 holds 海海 海星 for 海海星. Common: U+4E00–U+9FA5, which
    /// FTS5's tokenizer, from Unicode 6.1, takes as letters; later ones split its tokens.)
    static func split(_ text: String) -> (prefix: String, others: String)? {
        let chars = Array(CustomerSearch.normalized(text))
        guard chars.count >= 2, Set(chars.dropLast()).count == chars.count - 1,
              chars.allSatisfy({ $0.unicodeScalars.count == 1 && (0x4E00...0x9FA5).contains($0.unicodeScalars.first!.value) }) else { return nil }
        let (pairs, _) = CustomerSearch.terms(text)
        guard let all = CustomerSearch.sqliteMatch(text) else { return nil }
        let prefix = String(PinyinOrder.key(String(chars)).split(separator: "\u{1}", omittingEmptySubsequences: false)[0])
        return (prefix, "(\(all)) NOT ^\"\(pairs.joined(separator: " "))\"")
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
