public import Metrics

/// Records every call's duration in a swift-metrics timer named `rpc_client_duration` or
/// `rpc_server_duration`, with `method` (``MethodDescriptor/fullName``) and `code` (`OK` or the
/// status name, e.g. `NOT_FOUND`) dimensions; a timer's count is the calls' count.
public struct RPCMetricsInterceptor: ClientInterceptor, ServerInterceptor {
    /// The label of the client calls' timer.
    public static let clientTimerLabel = "rpc_client_duration"
    /// The label of the served calls' timer.
    public static let serverTimerLabel = "rpc_server_duration"

    /// Where the timers are made; nil means `MetricsSystem.factory` at the time of each call, so
    /// an interceptor made before the backend is bootstrapped still reports to it.
    private let factory: (any MetricsFactory)?

    /// An interceptor reporting to `factory`, or to the process's metrics backend when nil.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// Times a client call.
    public func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        let start = ContinuousClock.now
        do {
            let response = try await next(method, request, options)
            self.record(Self.clientTimerLabel, method, nil, start)
            return response
        } catch {
            self.record(Self.clientTimerLabel, method, error, start)
            throw error
        }
    }

    /// Times a served call.
    public func intercept(
        context: ServerContext,
        next: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        let start = ContinuousClock.now
        do {
            let response = try await next(context)
            self.record(Self.serverTimerLabel, context.method, nil, start)
            return response
        } catch {
            self.record(Self.serverTimerLabel, context.method, error, start)
            throw error
        }
    }

    private func record(
        _ label: String,
        _ method: MethodDescriptor,
        _ error: RPCError?,
        _ start: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - start
        Metrics.Timer(
            label: label,
            dimensions: [("method", method.fullName), ("code", error?.code.name ?? "OK")],
            factory: self.factory ?? MetricsSystem.factory
        )
        .recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        )
    }
}
