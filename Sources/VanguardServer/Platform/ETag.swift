import Vapor
import VanguardCore

/// Optimistic concurrency: each record has a `version`; its ETag is `"v<version>"`. A PATCH or
/// DELETE whose `If-Match` names an older version is refused with 412, so no edit silently
/// overwrites another.
enum ETag {
    static func value(_ version: Int) -> String { "\"v\(version)\"" }

    /// The shape of an If-Match header: `*` or a list of our ETags.
    static let headerPattern = #"^(\*|(W/)?"v[0-9]{1,9}"(\s*,\s*(W/)?"v[0-9]{1,9}")*)$"#

    static func check(_ req: Request, version: Int) throws {
        guard let header = req.headers.first(name: .ifMatch)?.trimmingCharacters(in: .whitespaces) else { return }
        guard header.range(of: headerPattern, options: .regularExpression) != nil else {
            throw Problem(.badRequest, code: "malformed-if-match", title: "The If-Match header is not an ETag.",
                          detail: "Send the ETag you received, like \"v3\", or *.",
                          errors: [FieldError(field: "If-Match", code: "malformed", message: "Not an ETag.")])
        }
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
