public import BoxOfficePostgres
public import BoxOfficeRabbitMQ
public import Logging
public import ServiceLifecycle

/// A `Service` that consumes one queue through an ``Inbox`` until shutdown.
public struct InboxConsumer: Service {
    /// Handles one event inside the inbox's transaction.
    public typealias Handler = @Sendable (PostgresConnection, RabbitMQDelivery) async throws -> Void

    private let broker: RabbitMQConnection
    private let queue: String
    private let prefetch: Int
    private let inbox: Inbox
    private let handler: Handler
    private let logger: Logger

    /// - Parameters:
    ///   - queue: a queue declared in the broker connection's topology.
    ///   - prefetch: deliveries the broker may send ahead of acknowledgements.
    public init(
        broker: RabbitMQConnection,
        queue: String,
        prefetch: Int = 32,
        inbox: Inbox,
        logger: Logger,
        handler: @escaping Handler
    ) {
        self.broker = broker
        self.queue = queue
        self.prefetch = prefetch
        self.inbox = inbox
        self.handler = handler
        self.logger = logger
    }

    /// Processes deliveries one at a time until graceful shutdown; the delivery in hand is
    /// finished (committed and acknowledged) first.
    public func run() async throws {
        // Graceful shutdown ends the sequence between deliveries rather than cancelling the
        // handler's transaction halfway (which would be safe, only wasted work).
        let deliveries = self.broker.consume(queue: self.queue, prefetch: self.prefetch).cancelOnGracefulShutdown()
        for try await delivery in deliveries {
            var pause = Self.unavailablePauseMin
            while true {
                do {
                    try await self.inbox.process(delivery, handler: self.handler)
                } catch let error as MessagingError where error.code == .unavailable {
                    // Same delivery again once the database is back; never counted as a failure.
                    if Task.isCancelled || Task.isShuttingDownGracefully { return }
                    self.logger.warning(
                        "database unavailable; retrying the event",
                        metadata: [
                            "queue": "\(self.queue)",
                            "retry_in_ms":
                                "\(pause.components.seconds * 1000 + pause.components.attoseconds / 1_000_000_000_000_000)",
                        ]
                    )
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, Self.unavailablePauseMax)
                    continue
                } catch {
                    // The ack or nack did not reach the broker: it redelivers, the inbox dedupes.
                    self.logger.warning(
                        "could not settle a delivery",
                        metadata: ["queue": "\(self.queue)", "error": "\(error)"]
                    )
                }
                break
            }
        }
    }

    /// The first pause before retrying an event while the database is unavailable; doubled up to the maximum.
    static let unavailablePauseMin: Duration = .milliseconds(100)
    static let unavailablePauseMax: Duration = .seconds(5)
}
