import Foundation
import Vapor
import VanguardCore

/// The interface texts are not where the server looked: `Resources/` under the working directory.
struct ResourcesMissing: Error, CustomStringConvertible {
    let directory: String
    var description: String { "No interface texts in \(directory). Start vanguard from its project folder, the one holding Resources/ and Public/." }
}

/// Interface strings per language from `Resources/Localization/<locale>.json` (flat key → text).
/// A key missing in one language falls back to English, then to the key itself.
struct Translations: Sendable {
    let tables: [AppLocale: [String: String]]
    /// Each language's table with English filling the gaps, merged once.
    let merged: [AppLocale: [String: String]]
    /// For each template (`Sales/customer`), the keys it and the templates it extends use as
    /// `t.key`: a page is given only those (encoding all of them for every page was a tenth of
    /// a page's time). Empty when the templates were not read; then pages get the whole table.
    let templateKeys: [String: Set<String>]

    init(tables: [AppLocale: [String: String]], templateKeys: [String: Set<String>] = [:]) {
        self.tables = tables
        let english = tables[.en] ?? [:]
        merged = Dictionary(uniqueKeysWithValues: AppLocale.allCases.map { ($0, english.merging(tables[$0] ?? [:]) { _, chosen in chosen }) })
        self.templateKeys = templateKeys
    }

    static func load(from directory: String, views: String? = nil) throws -> Translations {
        var tables: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            let path = directory + locale.rawValue + ".json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        // Started from another folder, the server would run without its texts, pages and policy
        // pack, and an import would not know its Chinese column titles: it refuses to start instead.
        guard !tables.isEmpty else { throw ResourcesMissing(directory: directory) }
        return Translations(tables: tables, templateKeys: views.map(Self.keysByTemplate) ?? [:])
    }

    /// Reads every template once: its own `t.` keys, then those of what it extends, transitively.
    static func keysByTemplate(in views: String) -> [String: Set<String>] {
        guard let files = FileManager.default.enumerator(atPath: views) else { return [:] }
        var own: [String: Set<String>] = [:], extends: [String: [String]] = [:]
        let keyPattern = try! NSRegularExpression(pattern: #"\bt\.([A-Za-z0-9_]+)"#)
        let extendPattern = try! NSRegularExpression(pattern: #"#extend\("([^"]+)"\)"#)
        for case let file as String in files where file.hasSuffix(".leaf") {
            guard let text = try? String(contentsOfFile: views + file, encoding: .utf8) else { continue }
            let name = String(file.dropLast(5)), range = NSRange(text.startIndex..., in: text)
            own[name] = Set(keyPattern.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
            extends[name] = extendPattern.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
        }
        var closed: [String: Set<String>] = [:]
        for name in own.keys {
            var keys = Set<String>(), seen = Set<String>(), queue = [name]
            while let next = queue.popLast() {
                guard seen.insert(next).inserted else { continue }
                keys.formUnion(own[next] ?? [])
                queue += extends[next] ?? []
            }
            closed[name] = keys
        }
        return closed
    }

    /// The whole table for a page, English filling any gaps.
    func table(_ locale: AppLocale) -> [String: String] { merged[locale] ?? [:] }

    /// What a page's template needs of the table; the whole table for a template not read.
    func table(_ locale: AppLocale, template: String) -> [String: String] {
        let all = table(locale)
        guard let keys = templateKeys[template] else { return all }
        var needed: [String: String] = [:]
        needed.reserveCapacity(keys.count)
        for key in keys { if let text = all[key] { needed[key] = text } }
        return needed
    }

    /// A rule's problem for people: the rule's own English words are the most specific; other
    /// languages get the translated text of its code (the English words when there is none).
    func message(_ error: FieldError, _ locale: AppLocale) -> String {
        locale == .en ? error.message : (tables[locale]?["error_" + error.code] ?? error.message)
    }

    func text(_ key: String, _ locale: AppLocale) -> String {
        tables[locale]?[key] ?? tables[.en]?[key] ?? key
    }
}

extension Application {
    private struct TranslationsKey: StorageKey { typealias Value = Translations }

    var translations: Translations {
        get { storage[TranslationsKey.self] ?? Translations(tables: [:]) }
        set { storage[TranslationsKey.self] = newValue }
    }
}

extension Request {
    static let localeCookie = "vg_locale"

    /// The cookie the person chose, else their saved preference, else the browser's languages.
    var locale: AppLocale {
        if let raw = cookies[Self.localeCookie]?.string, let chosen = AppLocale(rawValue: raw) { return chosen }
        if let raw = currentUser?.user.locale, let saved = AppLocale(rawValue: raw) { return saved }
        return AppLocale.negotiate(acceptLanguage: headers.first(name: .acceptLanguage))
    }

    func t(_ key: String) -> String { application.translations.text(key, locale) }
}
