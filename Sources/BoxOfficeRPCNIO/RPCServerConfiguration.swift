/// Limits of an ``RPCServer``.
public struct RPCServerConfiguration: Sendable {
    /// Handlers running at once on one connection; calls beyond it are answered `RESOURCE_EXHAUSTED`.
    public var callsPerConnectionMax: Int
    /// The largest frame payload (everything after the 16-byte header) accepted, in bytes. A larger
    /// request is answered `RESOURCE_EXHAUSTED` without reading its payload, and the connection closed.
    public var payloadBytesMax: Int
    /// How long a graceful shutdown waits for in-flight calls before closing connections anyway.
    public var drainDurationMax: Duration
    /// Pending connections the listening socket queues.
    public var listenBacklog: Int
    /// Whether handler tasks prefer their connection's event loop as executor.
    ///
    /// Off (the default), handlers run on the global concurrency pool, so a handler's CPU time
    /// never holds up a loop's I/O. On, a handler starts on the loop that read its request,
    /// resumes there after each await and answers without waking another thread; handlers must
    /// then neither block nor compute for long. Measured with `./dev bench rpc` (client and
    /// server in separate processes, 2 cores): on gave p50 109–111 µs vs 119–121 µs off, and
    /// 50–51k vs 52–56k calls/s at 64 in flight, at the same CPU per call; the gateway
    /// benchmark showed no difference either way. So it stays off unless a service wants the
    /// lower latency.
    public var handlersRunOnEventLoop: Bool

    /// The defaults: 1,024 calls per connection, 4 MiB frames, 10 s of drain, a backlog of 256,
    /// handlers on the concurrency pool.
    public init(
        callsPerConnectionMax: Int = 1024,
        payloadBytesMax: Int = 4 * 1024 * 1024,
        drainDurationMax: Duration = .seconds(10),
        listenBacklog: Int = 256,
        handlersRunOnEventLoop: Bool = false
    ) {
        self.callsPerConnectionMax = callsPerConnectionMax
        self.payloadBytesMax = payloadBytesMax
        self.drainDurationMax = drainDurationMax
        self.listenBacklog = listenBacklog
        self.handlersRunOnEventLoop = handlersRunOnEventLoop
    }
}
