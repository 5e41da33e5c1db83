import Vapor
import VanguardCore

/// Reading list filters from the query string. The API is strict (a malformed filter is a 400
/// naming it); web pages pass `strict: false` because their filter forms send empty values
/// for "all".
extension Request {
    /// The query string parsed once per request (Vapor's decoder re-parses it on every lookup).
    var queryValues: [String: [String]] {
        if let cached = storage[QueryValuesKey.self] { return cached }
        var values: [String: [String]] = [:]
        for pair in (url.query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        storage[QueryValuesKey.self] = values
        return values
    }

    func queryString(_ name: String) -> String? { queryValues[name]?.first }

    func queryText(_ name: String, max: Int = 200) throws -> String? {
        guard let raw = queryString(name) else { return nil }
        if raw.unicodeScalars.count > max { throw Self.queryProblem(name, "tooLong", "At most \(max) characters.") }
        return raw.isEmpty ? nil : raw
    }

    func queryUUID(_ name: String, strict: Bool = true) throws -> UUID? {
        guard let raw = queryString(name) else { return nil }
        if raw.isEmpty && !strict { return nil }
        guard let id = UUID(uuidString: raw) else { throw Self.queryProblem(name, "invalidId", "Not a valid id.") }
        return id
    }

    func queryChoice(_ name: String, from choices: [String], strict: Bool = true) throws -> String? {
        guard let raw = queryString(name) else { return nil }
        if raw.isEmpty && !strict { return nil }
        guard choices.contains(raw) else { throw Self.queryProblem(name, "invalidChoice", "One of: \(choices.joined(separator: ", ")).") }
        return raw
    }

    func queryBool(_ name: String) throws -> Bool? {
        let values = queryValues[name] ?? []
        guard let raw = values.first else { return nil }
        guard values.count == 1, raw == "true" || raw == "false" else { throw Self.queryProblem(name, "invalidBoolean", "Use true or false.") }
        return raw == "true"
    }

    private struct QueryValuesKey: StorageKey { typealias Value = [String: [String]] }

    static func queryProblem(_ field: String, _ code: String, _ message: String) -> Problem {
        Problem(.badRequest, code: "invalid-query", title: "The list query is not valid.", detail: "\(field): \(message)",
                errors: [FieldError(field: field, code: code, message: message)])
    }
}
