public import Logging
public import ServiceLifecycle

/// One AMQP connection, owned by a thread of its own, that publishes with confirms and feeds
/// consumers.
///
/// ``run()`` connects, declares the ``RabbitMQTopology`` and keeps the connection: heartbeats
/// detect a dead peer, and a lost connection is re-established with exponential backoff (topology
/// declared again, consumers subscribed again). Publishes and consumers may be started before
/// `run()` begins; they proceed once it has connected.
///
/// Delivery is at-least-once: a publish that fails with ``RabbitMQError/Code/connectionLost`` may
/// still have reached the broker, and a delivery whose acknowledgement did not reach the broker
/// is delivered again.
public final class RabbitMQConnection: Service, Sendable {
    /// Where the broker is and how the connection behaves.
    public let configuration: RabbitMQConfiguration
    /// What is declared on every connection.
    public let topology: RabbitMQTopology
    private let logger: Logger
    private let mailbox = Mailbox()

    /// Prepares a connection; nothing happens until ``run()``.
    public init(configuration: RabbitMQConfiguration, topology: RabbitMQTopology, logger: Logger) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
    }

    /// Connects, declares the topology and keeps the connection until the task is cancelled or a
    /// graceful shutdown begins; then waits a bounded time for outstanding confirms and closes
    /// the connection. Consumers end when it returns.
    ///
    /// Connection failures are retried for as long as it runs (publishes made meanwhile fail with
    /// ``RabbitMQError/Code/notConnected`` after each failed attempt). Throws
    /// ``RabbitMQError/Code/topology`` when the broker rejects a declaration, and
    /// ``RabbitMQError/Code/closed`` when called a second time.
    public func run() async throws {
        guard self.mailbox.start() else {
            throw RabbitMQError(code: .closed, message: "run() was already called on this connection")
        }
        let mailbox = self.mailbox
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    ConnectionOwner(
                        configuration: self.configuration,
                        topology: self.topology,
                        logger: self.logger,
                        mailbox: mailbox,
                        completion: continuation
                    ).start()
                }
            } onGracefulShutdown: {
                mailbox.requestStop()
            }
        } onCancel: {
            mailbox.requestStop()
        }
    }

    /// Publishes a persistent, mandatory message and returns once the broker has confirmed it,
    /// i.e. taken responsibility for it (written to the queues' logs).
    ///
    /// Many publishes may be outstanding at once; they share the connection and are confirmed in
    /// batches. Throws ``RabbitMQError`` with code ``RabbitMQError/Code/unroutable`` when no queue
    /// is bound for the routing key, ``RabbitMQError/Code/nacked`` when the broker refuses it,
    /// ``RabbitMQError/Code/connectionLost`` or ``RabbitMQError/Code/channelClosed`` when the
    /// outcome is unknown (retry it), ``RabbitMQError/Code/notConnected`` when the broker cannot
    /// be reached, ``RabbitMQError/Code/closed`` when the connection does not run.
    public func publish(_ message: RabbitMQMessage) async throws {
        try await self.publish(message, confirm: true)
    }

    /// Publishes a persistent, mandatory message; with `confirm: false` it returns as soon as the
    /// message is written to the socket, with no word from the broker on its fate (for
    /// measurements and for messages whose loss is acceptable). Throws as ``publish(_:)``.
    public func publish(_ message: RabbitMQMessage, confirm: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let request = PublishRequest(message: message, confirm: confirm, continuation: continuation)
            if !self.mailbox.submit(.publish(request)) {
                continuation.resume(throwing: ConnectionOwner.closedError)
            }
        }
    }

    /// Subscribes to `queue` with manual acknowledgement; at most `prefetch` deliveries (clamped
    /// to 1…65535) are unsettled at once.
    public func consume(queue: String, prefetch: Int = 32) -> RabbitMQConsumer {
        let (stream, continuation) = AsyncThrowingStream<RabbitMQDelivery, any Error>.makeStream()
        let consumer = ConsumerHandle(
            id: self.mailbox.makeID(),
            queue: queue,
            prefetch: UInt16(clamping: max(1, prefetch)),
            continuation: continuation
        )
        let mailbox = self.mailbox
        continuation.onTermination = { _ in
            _ = mailbox.submit(.unsubscribe(consumerID: consumer.id))
        }
        if !mailbox.submit(.subscribe(consumer)) { continuation.finish() }
        return RabbitMQConsumer(stream: stream)
    }

    /// Removes every message from `queue`; returns how many there were.
    public func purge(queue: String) async throws -> Int {
        try await self.administer(.purge(queue: queue))
    }

    /// How many messages `queue` holds that are ready for delivery (not the unacknowledged ones).
    /// Throws ``RabbitMQError/Code/channelClosed`` when the queue does not exist.
    public func messageCount(queue: String) async throws -> Int {
        try await self.administer(.messageCount(queue: queue))
    }

    /// Deletes the topology's queues (with their messages) and exchanges, for tests and
    /// tear-down tools. Consumers of those queues end with an error.
    public func deleteTopology() async throws {
        _ = try await self.administer(.deleteTopology)
    }

    private func administer(_ operation: AdminRequest.Operation) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            if !self.mailbox.submit(.administer(AdminRequest(operation: operation, continuation: continuation))) {
                continuation.resume(throwing: ConnectionOwner.closedError)
            }
        }
    }
}
