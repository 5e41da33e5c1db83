import Vapor
import VanguardCore

/// Reading list filters from the query string. The API is strict (a malformed filter is a 400
/// naming it); web pages pass `strict: false` because their filter forms send empty values
/// for "all".
extension Request {
    func queryText(_ name: String, max: Int = 200) throws -> String? {
        guard let raw = query[String.self, at: name] else { return nil }
        if raw.count > max { throw Self.queryProblem(name, "tooLong", "At most \(max) characters.") }
        return raw.isEmpty ? nil : raw
    }

    func queryUUID(_ name: String, strict: Bool = true) throws -> UUID? {
        guard let raw = query[String.self, at: name] else { return nil }
        if raw.isEmpty && !strict { return nil }
        guard let id = UUID(uuidString: raw) else { throw Self.queryProblem(name, "invalidId", "Not a valid id.") }
        return id
    }

    func queryChoice(_ name: String, from choices: [String], strict: Bool = true) throws -> String? {
        guard let raw = query[String.self, at: name] else { return nil }
        if raw.isEmpty && !strict { return nil }
        guard choices.contains(raw) else { throw Self.queryProblem(name, "invalidChoice", "One of: \(choices.joined(separator: ", ")).") }
        return raw
    }

    func queryBool(_ name: String) throws -> Bool? {
        let values = (query[[String].self, at: name]) ?? query[String.self, at: name].map { [$0] } ?? []
        guard let raw = values.first else { return nil }
        guard values.count == 1, raw == "true" || raw == "false" else { throw Self.queryProblem(name, "invalidBoolean", "Use true or false.") }
        return raw == "true"
    }

    static func queryProblem(_ field: String, _ code: String, _ message: String) -> Problem {
        Problem(.badRequest, code: "invalid-query", title: "The list query is not valid.", detail: "\(field): \(message)",
                errors: [FieldError(field: field, code: code, message: message)])
    }
}
