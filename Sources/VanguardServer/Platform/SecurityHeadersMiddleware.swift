import Vapor

/// Headers every response carries: no framing, no sniffing, our own scripts only, and the
/// request id so a user's report can be matched to the log.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let h = response.headers
        func set(_ name: String, _ value: String) {
            if !h.contains(name: name) { response.headers.replaceOrAdd(name: name, value: value) }
        }
        set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        set("X-Content-Type-Options", "nosniff")
        set("X-Frame-Options", "DENY")
        set("Referrer-Policy", "same-origin")
        set("X-Request-Id", request.id)
        if !request.url.path.hasPrefix("/css/") && !request.url.path.hasPrefix("/js/") && !request.url.path.hasPrefix("/favicon") {
            set("Cache-Control", "no-store")
        }
        return response
    }
}
