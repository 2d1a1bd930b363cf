public import Logging

/// Logs every call's method, outcome and duration: failures at `info` (`INTERNAL`, `UNKNOWN` and
/// `DATA_LOSS` at `error`), successes at `debug`. Only the status message is logged, never the
/// messages' bytes.
public struct RPCLoggingInterceptor: ClientInterceptor, ServerInterceptor {
    /// Where the lines go.
    public var logger: Logger

    /// An interceptor logging to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Logs a client call.
    public func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        let start = ContinuousClock.now
        do {
            let response = try await next(method, request, options)
            self.log("RPC call", method, options.metadata, start, nil)
            return response
        } catch {
            self.log("RPC call", method, options.metadata, start, error)
            throw error
        }
    }

    /// Logs a served call.
    public func intercept(
        context: ServerContext,
        next: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        let start = ContinuousClock.now
        do {
            let response = try await next(context)
            self.log("RPC served", context.method, context.metadata, start, nil)
            return response
        } catch {
            self.log("RPC served", context.method, context.metadata, start, error)
            throw error
        }
    }

    private func log(
        _ message: Logger.Message,
        _ method: MethodDescriptor,
        _ metadata: Metadata,
        _ start: ContinuousClock.Instant,
        _ error: RPCError?
    ) {
        let elapsed = ContinuousClock.now - start
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        var fields: Logger.Metadata = [
            "rpc.method": "\(method.fullName)",
            "rpc.code": "\(error?.code.name ?? "OK")",
            "rpc.duration_us": "\(microseconds)",
        ]
        if let traceID = metadata.traceID { fields["trace_id"] = "\(traceID)" }
        if let caller = metadata.caller { fields["rpc.caller"] = "\(caller)" }
        guard let error else {
            self.logger.debug(message, metadata: fields)
            return
        }
        fields["rpc.message"] = "\(error.message)"
        let serious = error.code == .internalError || error.code == .unknown || error.code == .dataLoss
        self.logger.log(level: serious ? .error : .info, message, metadata: fields)
    }
}
