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
    /// On (the default), a handler starts on the loop that read its request and resumes there
    /// after each await, and its answer is written without waking another thread: a call costs
    /// no thread hand-off at all. The price is that a handler's CPU time holds up the other
    /// channels of its loop, so handlers must not block (blocking C calls already run on
    /// dedicated threads) and long computations belong elsewhere. Off, handlers run on the
    /// global concurrency pool.
    public var handlersRunOnEventLoop: Bool

    /// The defaults: 1,024 calls per connection, 4 MiB frames, 10 s of drain, a backlog of 256,
    /// handlers on the event loop.
    public init(
        callsPerConnectionMax: Int = 1024,
        payloadBytesMax: Int = 4 * 1024 * 1024,
        drainDurationMax: Duration = .seconds(10),
        listenBacklog: Int = 256,
        handlersRunOnEventLoop: Bool = true
    ) {
        self.callsPerConnectionMax = callsPerConnectionMax
        self.payloadBytesMax = payloadBytesMax
        self.drainDurationMax = drainDurationMax
        self.listenBacklog = listenBacklog
        self.handlersRunOnEventLoop = handlersRunOnEventLoop
    }
}
