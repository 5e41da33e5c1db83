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
        if request.headers.contentType?.type == "multipart" {
            // Read the upload first (as the CSRF check does), so its part headers can be checked
            // before the multipart parser sees them.
            if request.body.data == nil { _ = try await request.body.collect(max: StoredFiles.largestUploadBody).get() }
            if let body = request.body.data, let boundary = request.headers.contentType?.parameters["boundary"],
               !Self.partHeaderNamesAreASCII(Data(body.readableBytesView), boundary: boundary) {
                throw Problem.malformed("The upload's part headers are not readable.", field: "file")
            }
        }
        if request.body.data == nil, Self.isFormOrJSON(request.headers.contentType), [.POST, .PUT, .PATCH].contains(request.method) {
            // A body larger than one network read streams in; read it whole (within the routes'
            // own limit) so the check below sees all of it, not just small bodies.
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        }
        if let body = request.body.data, body.readableBytes > 0, Self.isFormOrJSON(request.headers.contentType) {
            let bytes = body.readableBytesView
            if bytes.contains(0) || (request.headers.contentType?.subType.contains("json") == true && String(decoding: bytes, as: UTF8.self).contains("\\u0000")) {
                throw Problem.malformed("The body contains a NUL character.")
            }
        }
        return try await next.respond(to: request)
    }

    /// Every part's header names are plain ASCII, as RFC 7578 requires. The multipart parser
    /// traps (crashing the server) on a header name byte above 127, so such bodies never reach it.
    static func partHeaderNamesAreASCII(_ body: Data, boundary: String) -> Bool {
        let delimiter = Data(("--" + boundary).utf8), crlf = Data([13, 10]), blank = Data([13, 10, 13, 10])
        var position = body.startIndex
        while let found = body.range(of: delimiter, in: position..<body.endIndex) {
            position = found.upperBound
            // The closing delimiter ends with "--"; anything else starts a part's headers.
            if body[position...].starts(with: [45, 45]) { return true }
            // The headers run to the blank line, or (in a broken body) to the end.
            let headersEnd = body.range(of: blank, in: position..<body.endIndex)?.lowerBound ?? body.endIndex
            var line = position
            while line < headersEnd {
                let lineEnd = body.range(of: crlf, in: line..<headersEnd)?.lowerBound ?? headersEnd
                for byte in body[line..<lineEnd] {
                    if byte == 58 { break }   // ':' ends the name
                    if byte >= 0x80 { return false }
                }
                line = lineEnd + 2
            }
            position = min(headersEnd + 4, body.endIndex)
        }
        return true
    }

    private static func isFormOrJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type else { return true }
        return type.subType.contains("json") || type == .urlEncodedForm
    }
}
