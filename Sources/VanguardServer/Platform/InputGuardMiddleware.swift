import Vapor

/// Refuses NUL characters in the address and in JSON and form bodies: PostgreSQL cannot store
/// them, and no person types one, so they are refused as malformed before they reach a query.
/// Uploaded files (CSV, XLSX, multipart) are binary by nature; the importer judges those.
struct InputGuardMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let url = request.url.string
        if url.contains("%00") || url.lowercased().contains("%c0%80") {
            throw Problem.malformed("The address contains a NUL character.")
        }
        if let body = request.body.data, body.readableBytes > 0, Self.isFormOrJSON(request.headers.contentType) {
            let bytes = body.readableBytesView
            if bytes.contains(0) || (request.headers.contentType?.subType.contains("json") == true && String(decoding: bytes, as: UTF8.self).contains("\\u0000")) {
                throw Problem.malformed("The body contains a NUL character.")
            }
        }
        return try await next.respond(to: request)
    }

    private static func isFormOrJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type else { return true }
        return type.subType.contains("json") || type == .urlEncodedForm
    }
}
