/// Limits and timings of a ``NIORPCClientTransport``.
public struct NIORPCClientConfiguration: Sendable {
    /// Connections kept to the target; calls are spread over them round-robin, many per connection.
    public var connectionsPerTarget: Int
    /// The timeout of a call whose options name none.
    public var timeoutDefault: Duration
    /// How long one connection attempt may take.
    public var connectTimeout: Duration
    /// Connection attempts one call makes before failing `UNAVAILABLE`.
    public var connectAttemptsMax: Int
    /// The wait after a first failed connection attempt; it doubles per failure up to ``backoffMax``.
    public var backoffInitial: Duration
    /// The longest wait between connection attempts.
    public var backoffMax: Duration
    /// The largest response payload accepted, in bytes; a larger one fails `RESOURCE_EXHAUSTED`
    /// and closes the connection.
    public var payloadBytesMax: Int

    /// The defaults: 2 connections, 30 s call timeout, 5 s connect timeout, 3 attempts, backoff
    /// from 20 ms to 2 s, 4 MiB responses.
    public init(
        connectionsPerTarget: Int = 2,
        timeoutDefault: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        connectAttemptsMax: Int = 3,
        backoffInitial: Duration = .milliseconds(20),
        backoffMax: Duration = .seconds(2),
        payloadBytesMax: Int = 4 * 1024 * 1024
    ) {
        precondition(connectionsPerTarget > 0 && connectAttemptsMax > 0)
        self.connectionsPerTarget = connectionsPerTarget
        self.timeoutDefault = timeoutDefault
        self.connectTimeout = connectTimeout
        self.connectAttemptsMax = connectAttemptsMax
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.payloadBytesMax = payloadBytesMax
    }
}
