import NIOConcurrencyHelpers
import Vapor

/// The requests still being answered, so a stopping server lets them finish before its databases
/// close. A request's handler runs on even when its client has gone, and on SIGTERM the
/// application shuts its lifecycle handlers and then its databases down while such handlers
/// still run: one that then asked for `req.db` crashed the process (Fluent found no database).
/// Several instances behind a balancer are stopped like this at every upgrade. The middleware
/// goes first, so it counts every handler; the shutdown, first of the lifecycle handlers, waits
/// for the count to reach zero, at most `drain`.
final class InFlightRequests: AsyncMiddleware, LifecycleHandler, Sendable {
    let drain: Duration
    private let running = NIOLockedValueBox(0)

    init(drain: Duration = .seconds(10)) { self.drain = drain }

    var count: Int { running.withLockedValue { $0 } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        running.withLockedValue { $0 += 1 }
        defer { running.withLockedValue { $0 -= 1 } }
        return try await next.respond(to: request)
    }

    func shutdownAsync(_ app: Application) async {
        let deadline = ContinuousClock.now + drain
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if count > 0 { app.logger.warning("stopping with \(count) requests still running after \(drain)") }
    }
}
