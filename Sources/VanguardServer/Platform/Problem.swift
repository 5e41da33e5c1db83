import Foundation
import Vapor
import VanguardCore

/// An RFC 9457 problem: what went wrong, for which fields. Thrown by handlers; rendered by
/// `ProblemMiddleware` as `application/problem+json` for the API and as a page for the web.
public struct Problem: Error, Sendable {
    public var status: HTTPResponseStatus
    /// Stable machine-readable code; the problem `type` is `/problems/<code>`.
    public var code: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]

    public init(_ status: HTTPResponseStatus, code: String, title: String, detail: String? = nil, errors: [FieldError] = []) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public static func invalid(_ errors: [FieldError], detail: String? = nil) -> Problem {
        Problem(.unprocessableEntity, code: "validation-failed", title: "The input is not valid.",
                detail: detail ?? errors.map { "\($0.field): \($0.message)" }.joined(separator: " "), errors: errors)
    }

    public static func invalid(_ field: String, _ code: String, _ message: String) -> Problem {
        invalid([FieldError(field: field, code: code, message: message)])
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, code: "not-found", title: "Not found.", detail: "No \(what) with that id.")
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "You may not do this.", detail: detail)
    }

    public static let unauthorized = Problem(.unauthorized, code: "unauthorized", title: "Sign in first.",
                                             detail: "Send a valid bearer token or sign in.")

    public static func conflict(_ field: String?, _ code: String, _ detail: String) -> Problem {
        Problem(.conflict, code: code, title: "This conflicts with existing data.", detail: detail,
                errors: field.map { [FieldError(field: $0, code: code, message: detail)] } ?? [])
    }

    public static let preconditionFailed = Problem(
        .preconditionFailed, code: "stale-etag", title: "The record changed since you read it.",
        detail: "Fetch it again and retry with the new ETag in If-Match.")

    public static func malformed(_ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, code: "malformed", title: "The request body could not be read.", detail: detail,
                errors: field.map { [FieldError(field: $0, code: "malformed", message: detail)] } ?? [])
    }
}

extension FieldErrors {
    public var problem: Problem { .invalid(all) }
}

/// The JSON body of a problem response.
struct ProblemBody: Content {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var errors: [FieldError]?
    var requestId: String?
}
