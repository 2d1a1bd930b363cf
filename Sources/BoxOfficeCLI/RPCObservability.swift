import BoxOfficeRPC
import Logging

/// The interceptors every process puts around its RPC calls: trace-id propagation, a timer per
/// call (`rpc_server_duration` / `rpc_client_duration` by method and status), and one log line
/// per call under `label` (successes at `debug`, failures at `info` or `error`).
enum RPCObservability {
    /// Around every handler a server serves.
    static func serverInterceptors(label: String) -> [any ServerInterceptor] {
        [RPCMetricsInterceptor(), RPCLoggingInterceptor(logger: Logger(label: label))]
    }

    /// Around every call a client makes, except calls of `quietMethods` (health probes), which
    /// get no log line and no timer.
    static func clientInterceptors(
        label: String,
        quietMethods: Set<UInt32> = []
    ) -> [any ClientInterceptor] {
        let observing: [any ClientInterceptor] = [
            RPCMetricsInterceptor(), RPCLoggingInterceptor(logger: Logger(label: label)),
        ]
        return [RPCTraceInterceptor()]
            + observing.map { $0.skipping(quietMethods) }
    }
}
