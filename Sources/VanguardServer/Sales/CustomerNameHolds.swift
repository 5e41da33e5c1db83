import SQLKit

/// The check that a customer's name holds a search fragment, after the index found the
/// candidates or while a walk reads names in order. The index folds full-width letters and digits
/// (`CustomerSearch.normalized`), as a Chinese input method's full-width mode types them, so a
/// name written with them (ＴＣＬ科技, 北京５８同城) is found by ASCII ones too, and the name's
/// own test must fold them as well: it compared the name as stored, and such a name was found by
/// no way of typing its letters.
extension CustomerList {
    /// SQL true when the name holds the fragment's runs of letters and digits in order
    /// (`namePattern`); nil when the text holds nothing to look for. `single` (PostgreSQL, one
    /// run): `strpos`, whose estimate makes PostgreSQL's planner sort a walk's window rather
    /// than read it in order (`filter`). A fragment with ASCII letters or digits also matches
    /// their full-width forms: tested only for names that fail the plain test and hold a
    /// full-width form (UTF-8 EF BC or EF BD), so a walk of names that mostly fail pays little.
    static func nameHolds(_ text: String, dialect: String, single: Bool = false) -> SQLQueryString? {
        guard let pattern = namePattern(text) else { return nil }
        let runs = nameRuns(text)
        let name = SQLQueryString("\(ident: Customer.schema).name")
        let postgres = dialect == "postgresql"
        let plain = postgres && single && runs.count == 1
            ? SQLQueryString("strpos(lower(") + name + SQLQueryString("), \(bind: runs[0])) > 0")
            : SQLQueryString("lower(") + name + SQLQueryString(") LIKE \(bind: pattern) ESCAPE '\\'")
        guard runs.contains(where: { $0.unicodeScalars.contains(where: isASCIIAlphanumeric) }) else { return plain }
        let folded: SQLQueryString
        if postgres {
            // PostgreSQL's `lower` folds full-width capitals (Ａ → ａ); `translate` then makes them ASCII.
            let halfWidth = SQLQueryString("translate(lower(") + name + SQLQueryString("), \(bind: fullWidthLower), \(bind: asciiLower))")
            folded = single && runs.count == 1
                ? SQLQueryString("strpos(") + halfWidth + SQLQueryString(", \(bind: runs[0])) > 0")
                : halfWidth + SQLQueryString(" LIKE \(bind: pattern) ESCAPE '\\'")
        } else {
            // SQLite's `lower` and `LIKE` fold ASCII only, and it has no `translate`: a GLOB with
            // each letter's four forms instead.
            folded = SQLQueryString("(instr(CAST(") + name + SQLQueryString(" AS BLOB), x'EFBC') > 0 OR instr(CAST(") + name
                + SQLQueryString(" AS BLOB), x'EFBD') > 0) AND ") + name + SQLQueryString(" GLOB \(bind: eitherWidthGlob(runs))")
        }
        return SQLQueryString("(") + plain + SQLQueryString(" OR ") + folded + SQLQueryString(")")
    }

    /// A GLOB pattern for runs in order with anything around and between them, each ASCII letter
    /// as any of its four forms ([hHｈＨ]) and each ASCII digit as either ([5５]). Runs hold letters
    /// and digits only, none of GLOB's own characters.
    static func eitherWidthGlob(_ runs: [String]) -> String {
        var out = "*"
        for run in runs {
            for u in run.unicodeScalars {
                if isASCIIAlphanumeric(u) {
                    out += "["
                    for form in widthForms(u) { out.unicodeScalars.append(form) }
                    out += "]"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
            out += "*"
        }
        return out
    }

    /// An ASCII letter's or digit's forms: itself, its other case, and the full-width ones.
    static func widthForms(_ u: Unicode.Scalar) -> [Unicode.Scalar] {
        switch u.value {
        case 0x30...0x39: return [u, Unicode.Scalar(u.value + 0xFEE0)!]
        case 0x41...0x5A, 0x61...0x7A:
            let lower = u.value | 0x20, upper = u.value & ~0x20
            return [lower, upper, lower + 0xFEE0, upper + 0xFEE0].map { Unicode.Scalar($0)! }
        default: return [u]
        }
    }

    static func isASCIIAlphanumeric(_ u: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(u.value) || (0x41...0x5A).contains(u.value) || (0x61...0x7A).contains(u.value)
    }

    /// Full-width lower-case letters and digits, and the ASCII ones they stand for, in the same order.
    static let fullWidthLower = String(String.UnicodeScalarView((0x61...0x7A).map { Unicode.Scalar($0 + 0xFEE0)! } + (0x30...0x39).map { Unicode.Scalar($0 + 0xFEE0)! }))
    static let asciiLower = String(String.UnicodeScalarView((0x61...0x7A).map { Unicode.Scalar($0)! } + (0x30...0x39).map { Unicode.Scalar($0)! }))
}
