/// The transport side of a client: sends one encoded request, returns the encoded response.
public protocol RPCClientTransport: Sendable {
    /// Sends one encoded request and returns the encoded response; throws the call's status.
    func unary(method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws(RPCError) -> [UInt8]
}

/// Typed calls over a transport; generated clients wrap one.
public struct RPCClient: Sendable {
    /// The transport calls go through (wrapped in the interceptors, if any).
    public let transport: any RPCClientTransport

    /// A client over `transport`; `interceptors` wrap every call, the first outermost.
    public init(transport: any RPCClientTransport, interceptors: [any ClientInterceptor] = []) {
        self.transport =
            interceptors.isEmpty ? transport : InterceptedTransport(base: transport, interceptors: interceptors)
    }

    /// Encodes `request`, calls `method`, decodes the response.
    public func unary<Request: RPCMessage, Response: RPCMessage>(
        _ method: MethodDescriptor,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws(RPCError) -> Response {
        let bytes = try request.serializedBytes()
        let response = try await self.transport.unary(method: method, request: bytes, options: options)
        return try Response(rpcBytes: response)
    }
}
