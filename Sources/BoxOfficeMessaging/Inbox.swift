public import BoxOfficePostgres
public import BoxOfficeRabbitMQ
import Foundation
public import Logging
import Metrics

/// Runs a consumer's handler at most once in effect per event.
///
/// The handler's database changes and the `(consumer, event id)` row of the inbox commit in one
/// transaction, and the delivery is acknowledged only after that commit. A redelivered event —
/// after a crash before the ack, a relay that published twice, a broker failover — finds its row
/// and is acknowledged without running the handler again. Two copies delivered at once serialize
/// on the inbox's primary key: the second waits for the first's commit, then finds the row.
public struct Inbox: Sendable {
    /// What happened to one delivery.
    public enum Outcome: Sendable, Equatable {
        /// The handler ran and its transaction committed; the delivery was acknowledged.
        case processed
        /// The event had been processed before; the delivery was acknowledged, the handler not run.
        case duplicate
        /// The handler threw; its changes were rolled back and the delivery returned to the queue
        /// (after the queue's delivery limit it goes to the dead-letter queue).
        case failed
        /// The delivery cannot be deduplicated (no message id) and went to the dead-letter queue.
        case deadLettered
    }

    /// The consumer's name; events are deduplicated per consumer, so two consumers of the same
    /// event each process it once.
    public let consumer: String
    private let client: PostgresClient
    private let logger: Logger

    public init(consumer: String, client: PostgresClient, logger: Logger) {
        self.consumer = consumer
        self.client = client
        self.logger = logger
    }

    /// Processes `delivery` with `handler` inside one transaction, then acknowledges it.
    ///
    /// - Parameter handler: makes the event's changes through the connection it is given (inside
    ///   the transaction). It must not have effects outside the database that cannot be repeated:
    ///   it may run again if the process dies after its commit but before the ack reaches the
    ///   broker — in which case the inbox row makes the rerun a no-op.
    /// - Returns: what happened.
    /// - Throws: ``MessagingError`` with code ``MessagingError/Code/unavailable`` when the
    ///   database cannot be used or the task is cancelled: the delivery is left unsettled for the
    ///   caller to retry (see ``InboxConsumer``); the broker's error when the ack / nack could not
    ///   be sent (it then redelivers, which the inbox makes harmless).
    @discardableResult
    public func process(
        _ delivery: RabbitMQDelivery,
        handler: (PostgresConnection, RabbitMQDelivery) async throws -> Void
    ) async throws -> Outcome {
        guard let eventID = delivery.messageID, !eventID.isEmpty else {
            self.logger.error(
                "delivery without a message id sent to the dead-letter queue",
                metadata: ["consumer": "\(self.consumer)", "routing_key": "\(delivery.routingKey)"]
            )
            try await delivery.deadLetter()
            return .deadLettered
        }
        let outcome: Outcome
        do {
            outcome = try await self.client.withTransaction { connection in
                let inserted = try await connection.execute(
                    """
                    INSERT INTO inbox (consumer, event_id, routing_key)
                    VALUES (\(self.consumer), \(eventID), \(delivery.routingKey))
                    ON CONFLICT (consumer, event_id) DO NOTHING
                    """
                )
                guard inserted == 1 else { return Outcome.duplicate }
                try await handler(connection, delivery)
                return Outcome.processed
            }
        } catch  where Self.isUnavailability(error) {
            // The database is down, the pool exhausted, or the process shutting down: the event
            // is not at fault. Settling it would count against the queue's delivery limit and
            // could send a whole healthy backlog to the dead-letter queue during an outage, so it
            // stays unsettled; the caller retries it later, or the broker redelivers it when the
            // connection closes.
            throw MessagingError(code: .unavailable, message: "cannot process the event now: \(error)")
        } catch {
            self.logger.warning(
                "event handler failed; returning the event to the queue",
                metadata: [
                    "consumer": "\(self.consumer)", "event_id": "\(eventID)",
                    "routing_key": "\(delivery.routingKey)", "delivery_count": "\(delivery.deliveryCount)",
                    "error": "\(error)",
                ]
            )
            Counter(label: "boxoffice_inbox_failures_total", dimensions: [("consumer", self.consumer)]).increment()
            try await delivery.nack(requeue: true)
            return .failed
        }
        try await delivery.ack()
        let label = outcome == .duplicate ? "boxoffice_inbox_duplicates_total" : "boxoffice_inbox_processed_total"
        Counter(label: label, dimensions: [("consumer", self.consumer)]).increment()
        return outcome
    }

    /// Errors that say nothing about the event itself.
    static func isUnavailability(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        guard let error = error as? PostgresError else { return false }
        return [.connectionFailed, .connectionClosed, .poolTimeout, .clientShutdown].contains(error.code)
    }
}
