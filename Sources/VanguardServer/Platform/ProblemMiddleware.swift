import Fluent
import Foundation
import Vapor
import VanguardCore

/// Turns every error into an answer a person or a client can act on: problem+json under `/api`,
/// an error page (or a redirect to sign-in) on the web.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var problem = Self.problem(for: error, request: request)
            if problem.status == .notFound, let allowed = MethodNotAllowed.allowedMethods(for: request) {
                problem = Problem(.methodNotAllowed, code: "method-not-allowed", title: "This address does not take \(request.method.rawValue).",
                                  detail: "Allowed: \(allowed.joined(separator: ", ")).")
            }
            if problem.status.code >= 500 {
                request.logger.report(error: error)
            }
            if request.isAPI || request.isMetaRoute {
                return try Self.json(problem, request: request)
            }
            if problem.status == .unauthorized {
                let back = request.url.path == "/" ? "" : "?next=\(request.url.string.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")"
                return request.redirect(to: "/login\(back)")
            }
            return try await ErrorPage.render(problem, request: request)
        }
    }

    static func json(_ problem: Problem, request: Request) throws -> Response {
        let body = ProblemBody(type: "/problems/\(problem.code)", title: problem.title, status: Int(problem.status.code),
                               detail: problem.detail, instance: request.url.path,
                               errors: problem.errors.isEmpty ? nil : problem.errors, requestId: request.id)
        let response = Response(status: problem.status)
        try response.content.encode(body, using: JSONEncoder.api)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        if problem.status == .unauthorized {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"vanguard\"")
        }
        if problem.status == .methodNotAllowed, let allowed = MethodNotAllowed.allowedMethods(for: request) {
            response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
        }
        return response
    }

    static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let p as Problem:
            return p
        case let errors as FieldErrors:
            return errors.problem
        case let e as FieldError:
            return .invalid([e])
        case let d as DecodingError:
            return decodingProblem(d)
        case let db as any DatabaseError where db.isConstraintFailure:
            // A unique index caught a race that the service's own check could not see.
            return Problem.conflict(nil, "duplicate", "A record with the same unique value already exists.")
        case let abort as any AbortError:
            if abort.status == .payloadTooLarge {
                return Problem(.payloadTooLarge, code: "too-large", title: "The request body is too large.", detail: abort.reason)
            }
            if abort.status == .unsupportedMediaType {
                return Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Send JSON.", detail: abort.reason)
            }
            let code = abort.status == .notFound ? "not-found" : "http-\(abort.status.code)"
            return Problem(abort.status, code: code, title: abort.status.reasonPhrase, detail: abort.reason)
        default:
            return Problem(.internalServerError, code: "internal", title: "Something went wrong on our side.",
                           detail: "The error was logged with request id \(request.id).")
        }
    }

    /// Names the field a client got wrong: wrong type and missing key are 422, broken JSON is 400.
    static func decodingProblem(_ error: DecodingError) -> Problem {
        func path(_ context: DecodingError.Context, extra: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context)
            return .invalid(field.isEmpty ? "body" : field, "wrongType", "Expected \(typeName(type)).")
        case .valueNotFound(let type, let context):
            let field = path(context)
            return .invalid(field.isEmpty ? "body" : field, "required", "Expected \(typeName(type)), got null.")
        case .keyNotFound(let key, let context):
            return .invalid(path(context, extra: key), "required", "This field is required.")
        case .dataCorrupted(let context):
            let field = path(context)
            if field.isEmpty {
                return .malformed("The body is not valid JSON.")
            }
            return .invalid(field, "invalidValue", context.debugDescription)
        @unknown default:
            return .malformed("The body could not be decoded.")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is UUID.Type: "a UUID"
        default: "\(type)".lowercased()
        }
    }
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") }
    var isMetaRoute: Bool { url.path == "/healthz" || url.path == "/metrics" }
}

extension JSONEncoder {
    /// camelCase keys, ISO-8601 dates: the API's wire format.
    static let api: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()
}

extension JSONDecoder {
    static let api: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
