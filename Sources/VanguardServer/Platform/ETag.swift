import Vapor

/// Optimistic concurrency: each record has a `version`; its ETag is `"v<version>"`. A PATCH or
/// DELETE whose `If-Match` names an older version is refused with 412, so no edit silently
/// overwrites another.
enum ETag {
    static func value(_ version: Int) -> String { "\"v\(version)\"" }

    static func check(_ req: Request, version: Int) throws {
        guard let header = req.headers.first(name: .ifMatch) else { return }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        if tags.contains("*") || tags.contains(value(version)) { return }
        throw Problem.preconditionFailed
    }
}

extension Response {
    func tagged(_ version: Int) -> Response {
        headers.replaceOrAdd(name: .eTag, value: ETag.value(version))
        return self
    }
}

extension Content {
    /// Encodes as the API's JSON with an ETag.
    func response(version: Int, status: HTTPStatus = .ok) throws -> Response {
        let r = Response(status: status)
        try r.content.encode(self, using: JSONEncoder.api)
        return r.tagged(version)
    }
}
