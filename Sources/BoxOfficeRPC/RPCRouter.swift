/// Maps method ids to handlers over bytes; generated server protocols fill it.
public struct RPCRouter: Sendable {
    /// A handler over encoded messages: decodes the request, runs the typed handler, encodes
    /// the response.
    public typealias Handler = @Sendable (UnsafeRawBufferPointer, ServerContext) async throws(RPCError) -> [UInt8]

    public private(set) var handlers: [UInt32: (method: MethodDescriptor, handler: Handler)] = [:]

    public init() {}

    /// Registers a typed handler. Registering two methods with one id is a programmer error.
    public mutating func register<Request: RPCMessage, Response: RPCMessage>(
        _ method: MethodDescriptor,
        _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        precondition(self.handlers[method.id] == nil, "two methods registered with id \(method.id): \(method)")
        self.handlers[method.id] = (
            method,
            { (bytes, context) throws(RPCError) -> [UInt8] in
                let request = try Request(rpcBytes: bytes)
                let response: Response
                do {
                    response = try await handler(request, context)
                } catch {
                    throw RPCError(unexpected: error)
                }
                return try response.serializedBytes()
            }
        )
    }

    /// Runs a route's `handler` (interceptors included) for one served call: transports call this
    /// rather than the handler. While it runs, ``RPCDeadline/current`` is the call's deadline and
    /// ``RPCTrace/current`` its trace id, so server interceptors see them and the calls the
    /// handler makes inherit them.
    public static func serve(
        _ handler: Handler,
        _ request: UnsafeRawBufferPointer,
        _ context: ServerContext
    ) async throws(RPCError) -> [UInt8] {
        // `withValue` rethrows untyped errors; the body only throws RPCError.
        let result: Result<[UInt8], RPCError> = await RPCDeadline.$current.withValue(context.deadline) {
            await RPCTrace.$current.withValue(context.metadata.traceID) {
                do throws(RPCError) {
                    return .success(try await handler(request, context))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// Swaps the handler of a registered method (used to wrap handlers in interceptors).
    mutating func replaceHandler(_ id: UInt32, _ handler: @escaping Handler) {
        guard let route = self.handlers[id] else { return }
        self.handlers[id] = (route.method, handler)
    }

    /// Registers every method of `service`.
    public mutating func register(_ service: some RPCService) {
        service.register(into: &self)
    }
}

/// A service implementation; generated server protocols refine it and implement ``register(into:)``.
public protocol RPCService: Sendable {
    func register(into router: inout RPCRouter)
}
