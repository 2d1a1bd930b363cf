import Logging
import Synchronization

/// Collects the log lines of a logger built with ``logger(label:)``, so that tests can assert on
/// what the server logs.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    /// A logger (at `trace`) whose lines land here.
    func logger(label: String = "captured") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var all: [Entry] { self.entries.withLock { $0 } }

    fileprivate func append(_ entry: Entry) {
        self.entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = self.metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            self.capture.append(
                Entry(
                    level: event.level,
                    message: event.message.description,
                    metadata: merged.mapValues { $0.description }
                )
            )
        }
    }
}
