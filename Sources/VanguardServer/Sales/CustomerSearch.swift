import Fluent
import FluentSQL
import Foundation
import SQLKit
import VanguardCore

/// Fast search in a large customer file (issue 4: a name fragment in under 30 ms at a million
/// customers). Chinese names have no spaces, and the most common searches are two characters
/// ("星辰"), shorter than a trigram index serves; so every customer carries its name as
/// overlapping two-character tokens ("上海星辰" → "上海 海星 星辰 辰") and its phones as groups of
/// four digits, indexed by SQLite's FTS5 or PostgreSQL's full-text GIN index. A search asks the
/// index for rows holding every token of the fragment, then checks the fragment itself, so the
/// answer is exact.
enum CustomerSearch {
    /// Lower case, full-width made half-width, only letters and digits.
    static func normalized(_ text: String) -> String {
        // Digits and lower-case ASCII letters (phone keys, most codes) are already normalized.
        if text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) { return text }
        let half = String(String.UnicodeScalarView(text.unicodeScalars.map(DuplicateCustomers.halfWidth))).lowercased()
        return String(String.UnicodeScalarView(half.unicodeScalars.filter { TextSets.alphanumerics.contains($0) }))
    }

    /// Overlapping pairs of characters, and the last character alone (so a one-character search
    /// can match it as a prefix).
    static func tokens(_ text: String) -> [String] {
        let chars = Array(normalized(text))
        guard !chars.isEmpty else { return [] }
        var out: [String] = []
        out.reserveCapacity(chars.count)
        // Pairs built by appending: String(chars[i...i + 1]) takes a slow generic path (an import
        // makes some sixty pairs per row).
        for i in 0..<(chars.count - 1) {
            var pair = String(chars[i])
            pair.append(chars[i + 1])
            out.append(pair)
        }
        out.append(String(chars[chars.count - 1]))
        return out
    }

    /// What the index holds for a customer: its name's pairs (the first pair first: PostgreSQL's
    /// index marks it, `postgresLexemes`), then the four-digit groups (`DigitGroups`) of the
    /// digits in its name, of its own phone and of every contact's on file, deleted ones too:
    /// deleting a contact need not touch its customer, since the search checks live contacts'
    /// digits itself. `phoneKeys`: digits only (`DuplicateCustomers.phoneKey`). Credit codes are
    /// not in it: they are found by their prefix on their own index, and their pairs were half of
    /// a document for nothing.
    static func document(name: String, phoneKeys: [String]) -> String {
        var text = fastDocumentBytes([name]) ?? Array(namePairs(name).utf8)
        for group in DigitGroups.packed(name: name, keys: phoneKeys) {
            if !text.isEmpty { text.append(0x20) }
            text.append(UInt8(truncatingIfNeeded: group >> 24)); text.append(UInt8(truncatingIfNeeded: group >> 16))
            text.append(UInt8(truncatingIfNeeded: group >> 8)); text.append(UInt8(truncatingIfNeeded: group))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `document` for a customer on file, with the phones of its contacts on file.
    static func document(for c: Customer, on db: any Database) async throws -> String {
        let contacts = if let id = c.id { try await contactPhoneKeys(id, on: db) } else { [String]() }
        return document(name: c.name, phoneKeys: [c.phoneKey].compactMap { $0 } + contacts)
    }

    /// The phone keys of a customer's contacts on file, deleted ones too (`document`).
    static func contactPhoneKeys(_ customer: UUID, on db: any Database) async throws -> [String] {
        try await Contact.query(on: db).withDeleted().filter(\.$customer.$id == customer).filter(\.$phoneKey != nil).all(\.$phoneKey).compactMap { $0 }
    }

    /// Makes a customer's document again after a contact's phone changed, written only if it
    /// changed, and as the search text alone: the customer's record itself did not change.
    static func refresh(_ customer: UUID, on db: any Database) async throws {
        guard let c = try await Customer.query(on: db).withDeleted().filter(\.$id == customer).first() else { return }
        let text = try await document(for: c, on: db)
        guard text != c.searchText, let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE \(ident: Customer.schema) SET search_text = \(bind: text) WHERE id = \(bind: customer)").run()
    }

    /// `document` for a name of any text: each token once, but the first pair twice when it comes
    /// again later (`fastDocument` too). Both indexes hold the first pair marked only ("^上海"), so
    /// its second place is what tells a name holding a fragment after its start (上海路上海科技,
    /// Sunny Summit for summit) from one only starting with its first pair (`NamePrefixSplit`).
    private static func namePairs(_ name: String) -> String {
        var seen = Set<String>(), firstAgain = false
        let all = tokens(name)
        return all.enumerated().filter { i, token in
            if seen.insert(token).inserted { return true }
            guard i > 0, token == all[0], !firstAgain else { return false }
            firstAgain = true
            return true
        }.map(\.element).joined(separator: " ")
    }

    /// `document` for text made only of ASCII, full-width ASCII and common Chinese characters (almost
    /// every customer), where a character is one scalar and normalizing is a table lookup: the same
    /// answer without building a String per pair and hashing it (a fifth of an import's check).
    /// Nil for any other text, which takes the general path.
    static func fastDocument(_ parts: [String]) -> String? {
        fastDocumentBytes(parts).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `fastDocument` as UTF-8, for `document` to go on appending to.
    private static func fastDocumentBytes(_ parts: [String]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count } * 3)
        var seen: [UInt64] = []  // a name's few dozen pairs: a look along an array beats hashing
        seen.reserveCapacity(out.capacity / 3)
        var first: UInt64?, firstAgain = false  // the first pair, held twice when it comes again (`namePairs`)
        var scalars: [UInt32] = []
        for part in parts {
            scalars.removeAll(keepingCapacity: true)
            for u in part.unicodeScalars {
                var v = u.value
                if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }  // full-width ASCII, as `DuplicateCustomers.halfWidth`
                switch v {
                case 0x30...0x39, 0x61...0x7A: scalars.append(v)
                case 0x41...0x5A: scalars.append(v + 0x20)
                case 0x4E00...0x9FEF: scalars.append(v)  // CJK ideographs: letters, no case
                case 0x20...0x7E, 0x3000, 0x3001, 0x3002: continue  // ASCII punctuation and space (full-width too, mapped above), Chinese space, 、。
                default: return nil
                }
            }
            guard !scalars.isEmpty else { continue }
            for i in 0..<scalars.count {
                let pair = i + 1 < scalars.count
                let key = UInt64(scalars[i]) << 32 | (pair ? UInt64(scalars[i + 1]) : 0xFFFF_FFFF)
                if first == nil { first = key }
                if seen.contains(key) {
                    guard key == first, !firstAgain else { continue }
                    firstAgain = true
                } else {
                    seen.append(key)
                }
                if !out.isEmpty { out.append(0x20) }
                appendUTF8(scalars[i], to: &out)
                if pair { appendUTF8(scalars[i + 1], to: &out) }
            }
        }
        // UTF-8 written here directly: building the text from scalars went through a generic
        // encoder per character (half of this function's time).
        return out
    }

    /// An ASCII letter or digit (one byte) or a CJK ideograph of the basic block (three bytes).
    @inline(__always)
    private static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        if v < 0x80 { out.append(UInt8(v)); return }
        out.append(UInt8(0xE0 | (v >> 12)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    }

    /// The index query for a fragment: every pair must be present; one character is a prefix.
    static func terms(_ fragment: String) -> (pairs: [String], prefix: String?) {
        let chars = Array(normalized(fragment))
        if chars.count == 1 { return ([], String(chars[0])) }
        var pairs: [String] = [], seen = Set<String>()
        for i in 0..<max(chars.count - 1, 0) where seen.insert(String(chars[i...i + 1])).inserted { pairs.append(String(chars[i...i + 1])) }
        return (pairs, nil)
    }

    /// A token quoted for PostgreSQL's tsquery text (tokens are letters and digits; quotes and
    /// backslashes are escaped all the same).
    static func lexeme(_ token: String) -> String {
        "'" + token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The filter for `q`, as SQL both databases run; nil when the fragment has no letters or digits.
    /// `notStarting` (PostgreSQL, two or more characters): only names holding the fragment's first
    /// pair after their start, unmarked (`NamePrefixSplit`).
    static func condition(_ fragment: String, dialect: String, notStarting: Bool = false) -> SQLQueryString? {
        guard dialect == "postgresql" else {
            return sqliteMatch(fragment).map { SQLQueryString("\(ident: Customer.schema).rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: $0))") }
        }
        let (pairs, prefix) = terms(fragment)
        guard !pairs.isEmpty || prefix != nil else { return nil }
        // Lexemes as written, not parsed. A name's first token is there marked only, so each term
        // asks for the token either way; names holding the fragment other than at their start hold
        // its first pair unmarked.
        let query: String
        if let prefix {
            query = anywhere(lexeme(prefix) + ":*")
        } else if notStarting, let first = pairs.first {
            query = ([lexeme(first)] + pairs.dropFirst().map { anywhere(lexeme($0)) }).joined(separator: " & ")
        } else {
            query = pairs.map { anywhere(lexeme($0)) }.joined(separator: " & ")
        }
        return SQLQueryString("\(unsafeRaw: postgresLexemes(Customer.schema + ".")) @@ \(bind: query)::tsquery")
    }

    /// The index query for digits, four or more, in a phone or a name: the groups covering them
    /// (`DigitGroups.covering`). A name's pairs would serve its digits too, but in names
    /// that hold numbers digit pairs are common (17–23 ms on SQLite at 1.9 M customers).
    static func digitsCondition(_ digits: String, dialect: String) -> SQLQueryString? {
        let groups = DigitGroups.covering(digits)
        guard !groups.isEmpty else { return nil }
        if dialect == "postgresql" {
            return SQLQueryString("\(unsafeRaw: postgresLexemes(Customer.schema + ".")) @@ \(bind: groups.map(lexeme).joined(separator: " & "))::tsquery")
        }
        let match = groups.map { "\"\($0)\"" }.joined(separator: " AND ")
        return SQLQueryString("\(ident: Customer.schema).rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: match))")
    }

    /// Marks a name's first pair in both databases' indexes ("^上海"): tokens are letters and
    /// digits only. SQLite's tokenizer takes it as part of a token (`SearchIndexFirstPairOnSQLite`).
    static let firstPairMark = "^"

    /// SQLite's FTS5 tokenizer for the search index: Unicode 6.1 letters and digits, folded, and the mark.
    static let sqliteTokenizer = "unicode61 tokenchars '\(firstPairMark)'"

    /// A quoted lexeme (with `:*` for a prefix) as a tsquery term that it matches first or later in a name.
    static func anywhere(_ term: String) -> String {
        "(\(term) | \(term.prefix(1))\(firstPairMark)\(term.dropFirst()))"
    }

    /// The holding share of a token from the index's statistics: unmarked later in names, marked first.
    static func holdingShare(_ token: String, _ shares: [String: Double]) -> Double {
        (shares[token] ?? 0) + (shares[firstPairMark + token] ?? 0)
    }

    /// PostgreSQL's search index expression (`CustomerSearchFirstPairOnly`), which a query repeats
    /// for the planner to use the index: the search text's first token marked (`firstPairMark`),
    /// the others as they are. The names starting with a pair (a city starts tens of thousands)
    /// then share no entry with those holding it elsewhere, which the split reads alone
    /// (`NamePrefixSplit`): with the first token both ways, "holding it but not first" read both
    /// entries' whole lists (导入: 822,000 names, 0.2 s).
    ///
    /// A first token longer than a pair is a digit group (a name with no letter or digit): kept
    /// unmarked too, so digits are asked for unmarked only (`digitsCondition`). Asked either way,
    /// PostgreSQL's planner counted the marked group's default share on top and walked the whole
    /// name index for four common digits (2990: 352 ms instead of 46 ms).
    static func postgresLexemesOfText(_ table: String = "") -> String {
        let first = "split_part(\(table)search_text, ' ', 1)"
        return "array_to_tsvector(array_remove((string_to_array(\(table)search_text, ' '))[CASE WHEN length(\(first)) > 2 THEN 1 ELSE 2 END:], '') || ('\(firstPairMark)' || \(first)))"
    }

    /// What PostgreSQL's search index holds and a query repeats (`CustomerSearchLexemesColumn`):
    /// the lexemes a bulk write stored with the row, else those of its search text, made by the
    /// index (`postgresLexemesOfText`; making them there was about a sixth of PostgreSQL's work in an import).
    static func postgresLexemes(_ table: String = "") -> String {
        "COALESCE(\(table)search_lexemes, \(postgresLexemesOfText(table)))"
    }

    /// The expression as `CustomerSearchFirstPair` and `CustomerSearchPhoneGroups` made it: the
    /// first token both plain and marked. Kept for those landed migrations.
    static func postgresLexemesFirstPairTwice(_ table: String = "") -> String {
        "array_to_tsvector(array_remove(string_to_array(\(table)search_text, ' '), '') || ('\(firstPairMark)' || split_part(\(table)search_text, ' ', 1)))"
    }

    /// The FTS5 query for a fragment: every pair, or one character as a prefix, each asked for
    /// either way, since the index holds a name's first token marked only (`sqliteIndexed`).
    static func sqliteMatch(_ fragment: String) -> String? {
        let (pairs, prefix) = terms(fragment)
        guard !pairs.isEmpty || prefix != nil else { return nil }
        if let prefix { return sqliteAnywhere(prefix, prefix: true) }
        return pairs.map { sqliteAnywhere($0) }.joined(separator: " AND ")
    }

    /// An FTS5 term for a token (letters and digits) first or later in a name.
    static func sqliteAnywhere(_ token: String, prefix: Bool = false) -> String {
        let star = prefix ? "*" : ""
        return "(\"\(token)\"\(star) OR \"\(firstPairMark)\(token)\"\(star))"
    }

    /// What SQLite's index holds for a search text (SQL over the text's expression): its first
    /// token marked, as PostgreSQL's index holds it (`postgresLexemes`). The names starting with
    /// a pair (the benchmark's imports made 822,000 starting with 导入) then share no entry with
    /// those holding it elsewhere, which `NamePrefixSplit` reads alone; with the pair unmarked
    /// first too, FTS5 read both whole lists to drop the starting ones (导入's search: 43 ms p50,
    /// 5 ms since; release build, 1.82 M customers).
    /// A first token longer than a pair is a digit group (a name with no letter or digit): left
    /// unmarked, so digits are asked for as they are (`digitsCondition`).
    static func sqliteIndexed(_ text: String) -> String {
        "CASE WHEN length(substr(\(text), 1, instr(\(text) || ' ', ' ') - 1)) BETWEEN 1 AND 2 THEN '\(firstPairMark)' || \(text) ELSE \(text) END"
    }
}

/// Adds the search column and its index, and fills it for the customers already on file.
struct AddCustomerSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Customer.schema).field("search_text", .string, .required, .sql(.default(""))).update()
        guard let sql = database as? any SQLDatabase else { return }
        // Columns by name, not the `Customer` model: the model gains fields that later migrations add.
        // Today's document (without contacts: `CustomerSearchPhoneGroups` adds them later).
        for row in try await sql.raw("SELECT id, name, phone, uscc FROM customers").all() {
            let document = CustomerSearch.document(name: try row.decode(column: "name", as: String.self),
                                                   phoneKeys: [try row.decode(column: "phone", as: String?.self).map(DuplicateCustomers.phoneKey)].compactMap { $0 })
            try await sql.raw("UPDATE customers SET search_text = \(bind: document) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
        }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE INDEX customers_search ON customers USING GIN (to_tsvector('simple', search_text))").run()
        } else {
            try await Self.createSQLiteIndex(sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" {
            try await Self.dropSQLiteIndex(sql)
        }
        try await database.schema(Customer.schema).deleteField("search_text").update()
    }

    /// SQLite's search index and the triggers that keep it, whichever way it was made.
    static func dropSQLiteIndex(_ sql: any SQLDatabase) async throws {
        for trigger in ["customers_search_insert", "customers_search_delete", "customers_search_update"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS customer_search").run()
    }

    /// An external-content FTS5 table kept in step with the customers by triggers, filled from
    /// them. As this migration made it: `SearchIndexFirstPairOnSQLite` reverts to it.
    static func createSQLiteIndex(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE VIRTUAL TABLE customer_search USING fts5(search_text, content='customers', content_rowid='rowid', tokenize='unicode61')").run()
        try await sql.raw("INSERT INTO customer_search(customer_search) VALUES('rebuild')").run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
              INSERT INTO customer_search(rowid, search_text) VALUES (new.rowid, new.search_text);
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
              INSERT INTO customer_search(customer_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
              INSERT INTO customer_search(customer_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
              INSERT INTO customer_search(rowid, search_text) VALUES (new.rowid, new.search_text);
            END
            """).run()
    }
}
