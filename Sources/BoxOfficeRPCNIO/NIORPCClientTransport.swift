public import BoxOfficeRPC
public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

/// The client side of the TCP transport: calls one target over a small pool of connections,
/// many calls multiplexed on each.
///
/// Guarantees: a call fails `DEADLINE_EXCEEDED` at its deadline even if the server never
/// answers; its deadline is the sooner of its timeout and the deadline of the call being served
/// (``RPCDeadline/current``), and a call whose deadline has passed is not sent; cancelling the calling task fails it `CANCELLED` and tells the server; a call is
/// retried automatically only when its request never left (the connection could not be made
/// or was already closing), up to ``NIORPCClientConfiguration/connectAttemptsMax`` attempts
/// with backoff, then fails `UNAVAILABLE`; a call whose connection dies after the request was
/// written fails `UNAVAILABLE` without retry, since the server may have acted on it.
///
/// Connections open on first use, so creating a transport starts nothing. Close it with
/// ``shutdown()``, or use ``withTransport(host:port:configuration:logger:eventLoopGroup:_:)``,
/// or run it as a `Service` (``run()`` returns, closing the connections, on graceful shutdown).
public final class NIORPCClientTransport: RPCClientTransport, Service {
    private let pool: ConnectionPool
    private let configuration: NIORPCClientConfiguration
    private let target: String

    /// A transport to `host:port`; no connection is made until the first call.
    public init(
        host: String,
        port: Int,
        configuration: NIORPCClientConfiguration = NIORPCClientConfiguration(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.target = "\(host):\(port)"
        self.pool = ConnectionPool(
            host: host,
            port: port,
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
    }

    /// Runs `body` with a transport and closes its connections afterwards.
    public static func withTransport<Result>(
        host: String,
        port: Int,
        configuration: NIORPCClientConfiguration = NIORPCClientConfiguration(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (NIORPCClientTransport) async throws -> Result
    ) async rethrows -> Result {
        let transport = NIORPCClientTransport(
            host: host,
            port: port,
            configuration: configuration,
            logger: logger,
            eventLoopGroup: eventLoopGroup
        )
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    /// Waits for graceful shutdown (or cancellation), then closes the connections.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }

    /// Closes every connection (their calls fail `UNAVAILABLE`); later calls fail `UNAVAILABLE`.
    public func shutdown() async {
        await self.pool.shutdown()
    }

    /// Sends `request` to `method` and returns the encoded response.
    ///
    /// Throws the server's status, `DEADLINE_EXCEEDED`, `CANCELLED`, `UNAVAILABLE` (target
    /// unreachable or connection lost) or `RESOURCE_EXHAUSTED` (response over the size limit).
    public func unary(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions
    ) async throws(RPCError) -> [UInt8] {
        let now = ContinuousClock.now
        // Never later than the deadline of the call being served, if any.
        let deadline = RPCDeadline.forCall(timeout: options.timeout ?? self.configuration.timeoutDefault, now: now)
        guard deadline > now else { throw RPCDeadline.exceeded }
        let index = self.pool.pickSlot()
        var retry = CallRetryStateMachine(
            attemptsMax: self.configuration.connectAttemptsMax,
            deadline: deadline,
            target: self.target
        )
        while true {
            if Task.isCancelled { throw RPCError(code: .cancelled, message: "the call was cancelled") }
            let connection: ClientConnection
            switch self.pool.step(index) {
            case .use(let ready):
                connection = ready
            case .wait(let future):
                do {
                    connection = try await future.get()
                } catch {
                    try await Self.pause(retry.attemptFailed(retryAt: nil))
                    continue
                }
            case .retryAt(let instant):
                // Backoff after an earlier failure, counted as an attempt of this call.
                try await Self.pause(retry.attemptFailed(retryAt: instant))
                continue
            case .connect, .shutDown:
                // The pool starts attempts itself and hands back `.wait`.
                throw RPCError(code: .unavailable, message: "the client is shut down")
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw RPCError(code: .deadlineExceeded, message: "deadline exceeded") }
            switch await connection.call(
                methodID: method.id,
                request: request,
                metadata: options.metadata,
                timeout: remaining
            ) {
            case .response(let bytes):
                return bytes
            case .failure(let error):
                throw error
            case .notSent:
                try await Self.pause(retry.attemptFailed(retryAt: nil))
            }
        }
    }

    /// Carries out a retry decision: throws when giving up, sleeps out a backoff, or returns at once.
    private static func pause(_ decision: CallRetryStateMachine.Decision) async throws(RPCError) {
        switch decision {
        case .retryNow:
            return
        case .fail(let error):
            throw error
        case .retryAt(let instant):
            do {
                try await Task.sleep(until: instant, clock: .continuous)
            } catch {
                throw RPCError(code: .cancelled, message: "the call was cancelled")
            }
        }
    }
}
