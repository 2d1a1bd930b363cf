/// Wraps every call a client makes: logging, metrics, trace propagation, auth headers.
///
/// Interceptors run in array order around the transport: the first one sees the call first and
/// the outcome last. They work on encoded messages, so one interceptor serves every method.
public protocol ClientInterceptor: Sendable {
    /// Handles one call; `next` continues the chain (eventually the transport).
    func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8]
}

/// Wraps every handler a router serves.
///
/// Interceptors run in array order around the handler; errors have already been mapped to
/// ``RPCError`` (so an unexpected error arrives as `INTERNAL`).
public protocol ServerInterceptor: Sendable {
    /// Handles one call; `next` continues the chain (eventually the handler).
    func intercept(
        context: ServerContext,
        next: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8]
}

extension RPCRouter {
    /// The same routes with every handler wrapped by `interceptors`, the first outermost.
    public func intercepted(by interceptors: [any ServerInterceptor]) -> RPCRouter {
        guard !interceptors.isEmpty else { return self }
        var router = self
        for (id, route) in self.handlers {
            let handler = route.handler
            router.replaceHandler(id) { (bytes, context) throws(RPCError) -> [UInt8] in
                try await Self.run(interceptors[...], context: context) { (context) throws(RPCError) -> [UInt8] in
                    try await handler(bytes, context)
                }
            }
        }
        return router
    }

    private static func run(
        _ interceptors: ArraySlice<any ServerInterceptor>,
        context: ServerContext,
        handler: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        guard let first = interceptors.first else { return try await handler(context) }
        return try await first.intercept(context: context) { (context) throws(RPCError) -> [UInt8] in
            try await Self.run(interceptors.dropFirst(), context: context, handler: handler)
        }
    }
}

extension RPCClientTransport {
    /// This transport with every call wrapped by `interceptors`, the first outermost, for code
    /// that is handed a transport rather than an ``RPCClient`` (the gateway's upstreams).
    public func intercepted(by interceptors: [any ClientInterceptor]) -> any RPCClientTransport {
        interceptors.isEmpty ? self : InterceptedTransport(base: self, interceptors: interceptors)
    }
}

/// A transport that runs client interceptors before another transport.
struct InterceptedTransport: RPCClientTransport {
    let base: any RPCClientTransport
    let interceptors: [any ClientInterceptor]

    func unary(method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws(RPCError) -> [UInt8] {
        try await self.run(self.interceptors[...], method, request, options)
    }

    private func run(
        _ interceptors: ArraySlice<any ClientInterceptor>,
        _ method: MethodDescriptor,
        _ request: [UInt8],
        _ options: CallOptions
    ) async throws(RPCError) -> [UInt8] {
        guard let first = interceptors.first else {
            return try await self.base.unary(method: method, request: request, options: options)
        }
        return try await first.intercept(method: method, request: request, options: options) {
            (method, request, options) throws(RPCError) -> [UInt8] in
            try await self.run(interceptors.dropFirst(), method, request, options)
        }
    }
}

extension ClientInterceptor {
    /// This interceptor for every method but those whose ids are in `methodIDs`: their calls go
    /// straight on (a health probe every few seconds needs no log line or timer).
    public func skipping(_ methodIDs: Set<UInt32>) -> any ClientInterceptor {
        methodIDs.isEmpty ? self : SkippingClientInterceptor(base: self, skipped: methodIDs)
    }
}

/// Runs `base` for every method but the `skipped` ones.
struct SkippingClientInterceptor: ClientInterceptor {
    let base: any ClientInterceptor
    let skipped: Set<UInt32>

    func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        if self.skipped.contains(method.id) { return try await next(method, request, options) }
        return try await self.base.intercept(method: method, request: request, options: options, next: next)
    }
}
