import Foundation
import Vapor
import VanguardCore

/// Interface strings per language from `Resources/Localization/<locale>.json` (flat key → text).
/// A key missing in one language falls back to English, then to the key itself.
struct Translations: Sendable {
    let tables: [AppLocale: [String: String]]

    static func load(from directory: String) throws -> Translations {
        var tables: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            let path = directory + locale.rawValue + ".json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Translations(tables: tables)
    }

    /// The whole table for a page, English filling any gaps.
    func table(_ locale: AppLocale) -> [String: String] {
        let english = tables[.en] ?? [:]
        return english.merging(tables[locale] ?? [:]) { _, chosen in chosen }
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
