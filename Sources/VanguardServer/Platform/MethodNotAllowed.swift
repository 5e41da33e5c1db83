import Vapor

/// Finds which methods an address takes, so a wrong method gets 405 with `Allow` rather than 404.
/// Only the most specific routes count: `PATCH /members/export` is answered by the constant
/// route `GET /members/export` (405), not by `PATCH /members/:id` (404, "no member 'export'").
enum MethodNotAllowed {
    static func allowedMethods(for request: Request) -> [String]? {
        let parts = request.url.path.split(separator: "/").map(String.init)
        var best = -1
        var methods: Set<String> = []
        for route in request.application.routes.all where route.path.count == parts.count {
            var constants = 0
            let matches = zip(route.path, parts).allSatisfy { component, part in
                switch component {
                case .constant(let c): constants += 1; return c == part
                case .parameter: return true
                default: return false
                }
            }
            guard matches else { continue }
            if constants > best { best = constants; methods = [] }
            if constants == best { methods.insert(route.method.rawValue) }
        }
        guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { return nil }
        return methods.sorted()
    }
}
