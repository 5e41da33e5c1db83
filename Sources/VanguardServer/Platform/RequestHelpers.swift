import Fluent
import Vapor

extension Request {
    /// A path parameter as a UUID; anything else cannot name a record, so it is 404.
    func uuid(_ name: String, _ what: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw Problem.notFound(what) }
        return id
    }

    /// The body decoded as the API's JSON, refusing other media types.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let ct = headers.contentType, ct.type == "application", ct.subType == "json" || ct.subType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Send JSON.",
                          detail: "Use Content-Type: application/json.")
        }
        guard let body = body.data, body.readableBytes > 0 else {
            throw Problem.malformed("The request body is empty.")
        }
        return try JSONDecoder.api.decode(T.self, from: Data(buffer: body))
    }
}

/// Answers for created and deleted records.
extension Content {
    func created(at location: String, version: Int) throws -> Response {
        let r = try response(version: version, status: .created)
        r.headers.replaceOrAdd(name: .location, value: location)
        return r
    }
}
