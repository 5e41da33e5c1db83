import Vapor
import VanguardServer

/// `vanguard serve [--demo] [--hostname H] [--port P]`, `vanguard migrate`, `vanguard demo`,
/// `vanguard user add`. Settings come from the environment (see README).
@main
enum Entrypoint {
    static func main() async throws {
        var env = try Environment.detect()
        var arguments = env.arguments
        let demo = arguments.contains("--demo")
        arguments.removeAll { $0 == "--demo" }
        env.arguments = arguments
        try LoggingSystem.bootstrap(from: &env)

        let app = try await Application.make(env)
        do {
            var settings = Settings.fromEnvironment()
            settings.loadDemo = demo
            try await configure(app, settings: settings)
            try await VanguardCLI.register(app)
            try await app.execute()
        } catch {
            // The logger has said what went wrong; a stack trace would only bury it.
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
