/// Carries the trace id across calls: a client call made without one takes ``RPCTrace/current``
/// (the served call's trace id, which ``RPCRouter/serve(_:_:_:)`` makes current for its handler),
/// so every call of one user action shares the id without handlers passing it by hand.
public struct RPCTraceInterceptor: ClientInterceptor {
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
}

/// The trace id of the call being served, if any.
public enum RPCTrace {
    /// Set for the duration of a served call, server interceptors included, by
    /// ``RPCRouter/serve(_:_:_:)``.
    @TaskLocal public static var current: String?
}
