/// Carries the trace id across calls: a served call's trace id becomes ``RPCTrace/current`` for
/// its handler, and a client call made without one takes ``RPCTrace/current``, so every call of
/// one user action shares the id without handlers passing it by hand.
public struct RPCTraceInterceptor: ClientInterceptor, ServerInterceptor {
    /// A trace interceptor.
    public init() {}

    /// Fills in the trace id of an outgoing call.
    public func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        var options = options
        if options.metadata.traceID == nil { options.metadata.traceID = RPCTrace.current }
        return try await next(method, request, options)
    }

    /// Makes the served call's trace id current for its handler.
    public func intercept(
        context: ServerContext,
        next: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        guard let traceID = context.metadata.traceID else { return try await next(context) }
        // `withValue` rethrows untyped errors; the body only throws RPCError.
        let result: Result<[UInt8], RPCError> = await RPCTrace.$current.withValue(traceID) {
            do throws(RPCError) {
                return .success(try await next(context))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The trace id of the call being served, if any.
public enum RPCTrace {
    /// Set for the duration of a handler, by the router (see ``RPCRouter/register(_:_:)``) and by
    /// ``RPCTraceInterceptor`` around the server interceptors that follow it.
    @TaskLocal public static var current: String?
}
