import Vapor

/// Every web form carries `_csrf`. Signed in, it must match the session's token; signed out
/// (sign-in and set-up forms), it must match the `vg_csrf` cookie (double submit).
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "vg_csrf"
    static let fieldName = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST || request.method == .PUT || request.method == .PATCH || request.method == .DELETE else {
            return try await next.respond(to: request)
        }
        if request.body.data == nil, request.headers.contentType?.type == "multipart" {
            // A file upload streams in; the token is inside it, so read the body first.
            _ = try await request.body.collect(max: StoredFiles.largestUploadBody).get()
        }
        let sent = (try? request.content.get(String.self, at: Self.fieldName)) ?? request.headers.first(name: "X-CSRF-Token")
        let expected = request.currentUser?.session?.csrfToken ?? request.cookies[Self.cookieName]?.string
        guard let sent, let expected, !expected.isEmpty, Secrets.equal(sent, expected) else {
            throw Problem(.forbidden, code: "csrf", title: "The form has expired.",
                          detail: "Reload the page and submit the form again.")
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The token to put in this page's forms (creating the anonymous cookie if needed).
    func csrfToken() -> String {
        if let token = currentUser?.session?.csrfToken { return token }
        if let token = cookies[CSRFMiddleware.cookieName]?.string, !token.isEmpty { return token }
        if let pending = storage[PendingCSRFKey.self] { return pending }
        let token = Secrets.token()
        storage[PendingCSRFKey.self] = token
        return token
    }
}

struct PendingCSRFKey: StorageKey { typealias Value = String }
