import Prometheus
import Vapor

/// Prometheus metrics: requests by route pattern and status class, and their durations.
enum AppMetrics {
    static let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    nonisolated(unsafe) static let requests = MetricNameDescriptor(namespace: "vanguard", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests served, by method, route and status class.")
    static let duration = registry.makeDurationHistogram(
        descriptor: MetricNameDescriptor(namespace: "vanguard", metricName: "http_request_duration", unitName: "seconds",
                                         helpText: "Time to answer an HTTP request."),
        buckets: buckets)
}

struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        // The route pattern, not the raw path, so ids do not explode the label space.
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        AppMetrics.registry.makeCounter(descriptor: AppMetrics.requests, labels: [
            ("method", request.method.rawValue), ("route", route), ("status", "\(response.status.code / 100)xx"),
        ]).increment()
        AppMetrics.duration.record(ContinuousClock.now - start)
        return response
    }
}

enum MetricsEndpoint {
    static func scrape(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        AppMetrics.registry.emit(into: &buffer)
        let response = Response(status: .ok, body: .init(data: Data(buffer)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return response
    }
}
