import Vapor

/// Finds which methods an address takes, so a wrong method gets 405 with `Allow` rather than 404.
enum MethodNotAllowed {
    static func allowedMethods(for request: Request) -> [String]? {
        let parts = request.url.path.split(separator: "/").map(String.init)
        let methods = request.application.routes.all.filter { route in
            guard route.path.count == parts.count else { return false }
            return zip(route.path, parts).allSatisfy { component, part in
                switch component {
                case .constant(let c): c == part
                case .parameter: true
                default: false
                }
            }
        }.map(\.method.rawValue)
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }
}
