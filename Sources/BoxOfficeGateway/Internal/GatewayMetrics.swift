import Prometheus
import Synchronization

/// Request count and duration per route and status, registered on the process's Prometheus
/// registry (the one `/metrics` renders).
final class GatewayMetrics: Sendable {
    private struct Key: Hashable {
        var route: String
        var status: Int
    }

    private struct Instruments: Sendable {
        var requests: Counter
        var duration: DurationHistogram
    }

    private let registry: PrometheusCollectorRegistry
    // Instruments are created on first use per route and status; the cache keeps the registry's
    // own lock and label hashing off the request path after that.
    private let instruments = Mutex<[Key: Instruments]>([:])

    /// Upper bounds of the duration buckets: from 1 ms (a cached read) to 10 s (the call deadline).
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    static let requestsName = "boxoffice_gateway_requests_total"
    static let durationName = "boxoffice_gateway_request_duration_seconds"

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts one answered request.
    func record(route: String, status: Int, duration: Duration) {
        let key = Key(route: route, status: status)
        let instruments = self.instruments.withLock { cache in
            if let existing = cache[key] { return existing }
            let labels = [("route", route), ("status", String(status))]
            let made = Instruments(
                requests: self.registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        namespace: "boxoffice",
                        subsystem: "gateway",
                        metricName: "requests",
                        unitName: "total",
                        helpText: "HTTP requests answered, by route template and status."
                    ),
                    labels: labels
                ),
                duration: self.registry.makeDurationHistogram(
                    descriptor: MetricNameDescriptor(
                        namespace: "boxoffice",
                        subsystem: "gateway",
                        metricName: "request_duration",
                        unitName: "seconds",
                        helpText: "Time from the request head to the answer, by route template and status."
                    ),
                    labels: labels,
                    buckets: Self.durationBuckets
                )
            )
            cache[key] = made
            return made
        }
        instruments.requests.increment()
        instruments.duration.record(duration)
    }
}
