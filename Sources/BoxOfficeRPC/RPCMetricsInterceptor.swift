import Metrics

/// Records every call's duration in a swift-metrics timer named `rpc_client_duration` or
/// `rpc_server_duration`, with `method` and `code` dimensions.
public struct RPCMetricsInterceptor: ClientInterceptor, ServerInterceptor {
    /// An interceptor reporting to the process's metrics backend.
    public init() {}

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
            Self.record("rpc_client_duration", method, nil, start)
            return response
        } catch {
            Self.record("rpc_client_duration", method, error, start)
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
            Self.record("rpc_server_duration", context.method, nil, start)
            return response
        } catch {
            Self.record("rpc_server_duration", context.method, error, start)
            throw error
        }
    }

    private static func record(
        _ label: String,
        _ method: MethodDescriptor,
        _ error: RPCError?,
        _ start: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - start
        Metrics.Timer(label: label, dimensions: [("method", method.fullName), ("code", error?.code.name ?? "OK")])
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            )
    }
}
