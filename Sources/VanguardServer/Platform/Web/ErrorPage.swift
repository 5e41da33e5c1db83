import Vapor

/// The page shown when a web request fails.
enum ErrorPage {
    struct Context: Encodable {
        var status: Int
        var title: String
        var detail: String?
        var requestId: String
    }

    static func render(_ problem: Problem, request: Request) async throws -> Response {
        let key = "problem_\(problem.code.replacingOccurrences(of: "-", with: "_"))"
        let title = request.application.translations.tables[request.locale]?[key] ?? problem.title
        let context = Context(status: Int(problem.status.code), title: title,
                              detail: problem.status.code >= 500 ? nil : problem.detail, requestId: request.id)
        do {
            return try await request.page("Platform/error", title: title, section: "", context, status: problem.status)
        } catch {
            let r = Response(status: problem.status, body: .init(string: "\(problem.status.code) \(problem.title)"))
            r.headers.contentType = .plainText
            return r
        }
    }
}
