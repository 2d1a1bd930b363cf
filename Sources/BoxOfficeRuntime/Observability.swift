import Logging
import Metrics
public import Prometheus

/// Logging and metrics for one process, set up once at start.
public enum Observability {
    /// Installs the log handler that `settings` asks for and a Prometheus metrics backend, and
    /// returns the registry that `/metrics` renders.
    ///
    /// swift-log and swift-metrics accept one bootstrap per process; call this once, from `main`.
    public static func bootstrap(_ settings: Settings) -> PrometheusCollectorRegistry {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        switch settings.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
