public import BoxOfficePostgres
public import BoxOfficeRabbitMQ
import Foundation
public import Logging
import Metrics
public import ServiceLifecycle

/// Publishes the outbox: claims unsent rows in batches, publishes each with a broker confirm,
/// and marks the confirmed ones sent, all in one database transaction per batch.
///
/// Claiming uses `FOR UPDATE SKIP LOCKED`, so several relays (in one process or many) split the
/// rows between them without a coordinator. The row locks are held while publishing; if a relay
/// dies at any point before its commit, the locks go with its connection and the rows are
/// claimed again by whichever relay comes next. An event may therefore be published more than
/// once — never lost — and consumers deduplicate with the ``Inbox``. Order across events is not
/// guaranteed: consumers must not depend on it.
public final class OutboxRelay: Service, Sendable {
    /// Limits and timings of a relay.
    public struct Configuration: Sendable {
        /// The exchange that events are published to.
        public var exchange: String
        /// Rows claimed per transaction; also the number of confirms outstanding at once.
        public var batchSize: Int = 200
        /// How long an idle relay waits before looking for new rows again.
        public var idlePollInterval: Duration = .milliseconds(100)
        /// Back-off after a failed publish of one event, doubled per attempt up to the maximum.
        public var retryBackoffMin: Duration = .seconds(1)
        public var retryBackoffMax: Duration = .seconds(300)
        /// How long a sent row is kept (for audits and replays) before it is deleted.
        public var sentRetention: Duration = .seconds(7 * 24 * 3600)
        /// Rows deleted per clean-up statement, so that a clean-up never holds long locks.
        public var cleanupBatchSize: Int = 1000

        public init(exchange: String) { self.exchange = exchange }
    }

    /// Where a test may interrupt a batch, to prove that a relay dying there loses nothing.
    public enum Checkpoint: Sendable {
        /// Every claimed event has been confirmed by the broker; nothing is marked sent yet.
        case afterPublishBeforeMarkingSent
    }

    private let client: PostgresClient
    private let broker: RabbitMQConnection
    private let configuration: Configuration
    private let logger: Logger
    private let checkpoint: (@Sendable (Checkpoint) async throws -> Void)?
    private let publishedCounter: Counter
    private let failedCounter: Counter

    /// - Parameter checkpoint: called at each ``Checkpoint``; throwing from it abandons the batch
    ///   as a crash would (the transaction rolls back). For fault tests only.
    public init(
        client: PostgresClient,
        broker: RabbitMQConnection,
        configuration: Configuration,
        logger: Logger,
        checkpoint: (@Sendable (Checkpoint) async throws -> Void)? = nil
    ) {
        precondition(configuration.batchSize > 0, "batchSize must be positive")
        self.client = client
        self.broker = broker
        self.configuration = configuration
        self.logger = logger
        self.checkpoint = checkpoint
        self.publishedCounter = Counter(label: "boxoffice_outbox_published_total")
        self.failedCounter = Counter(label: "boxoffice_outbox_publish_failures_total")
    }

    /// Relays until graceful shutdown or cancellation; a batch in progress is finished first.
    public func run() async throws {
        var lastCleanup = ContinuousClock.now
        var failurePause = self.configuration.idlePollInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let claimed: Int
            do {
                claimed = try await self.relayBatch()
                failurePause = self.configuration.idlePollInterval
            } catch {
                // The database or the broker is unavailable: the rows stay unsent. Wait longer
                // after each failure in a row, so an outage is neither hammered nor logged 10×/s.
                let pause = failurePause
                self.logger.warning(
                    "outbox batch failed",
                    metadata: ["error": "\(error)", "retry_in_ms": "\(Self.milliseconds(pause))"]
                )
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                failurePause = min(failurePause * 2, Self.failurePauseMax)
                continue
            }
            if ContinuousClock.now - lastCleanup > .seconds(60) {
                lastCleanup = ContinuousClock.now
                do { try await self.deleteSentRows() } catch {
                    self.logger.warning("outbox clean-up failed", metadata: ["error": "\(error)"])
                }
            }
            if claimed < self.configuration.batchSize {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: self.configuration.idlePollInterval)
                }
            }
        }
    }

    /// Claims, publishes and marks one batch. Returns how many rows it claimed.
    @discardableResult
    public func relayBatch() async throws -> Int {
        try await self.client.withTransaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, event_id, routing_key, payload, content_type, attempts
                FROM outbox
                WHERE sent_at IS NULL AND next_attempt_at <= now()
                ORDER BY id
                LIMIT \(self.configuration.batchSize)
                FOR UPDATE SKIP LOCKED
                """
            )
            guard !rows.isEmpty else { return 0 }
            var events: [ClaimedEvent] = []
            events.reserveCapacity(rows.count)
            for row in rows {
                events.append(
                    ClaimedEvent(
                        id: try row.decode("id", as: Int64.self),
                        eventID: try row.decode("event_id", as: UUID.self),
                        routingKey: try row.decode("routing_key", as: String.self),
                        payload: try row.decode("payload", as: [UInt8].self),
                        contentType: try row.decode("content_type", as: String.self),
                        attempts: Int(try row.decode("attempts", as: Int32.self))
                    )
                )
            }
            let outcomes = await self.publish(events)
            // The broker unreachable or the connection lost is nobody's fault among these events:
            // abandon the batch (rolled back, nothing charged) and let the loop back off.
            if let unavailable = outcomes.lazy.compactMap(\.error).first(where: { !Self.isEventsFault($0) }) {
                throw unavailable
            }
            try await self.checkpoint?(.afterPublishBeforeMarkingSent)

            let sentIDs = outcomes.compactMap { $0.error == nil ? $0.event.id : nil }
            if !sentIDs.isEmpty {
                try await connection.execute(
                    """
                    UPDATE outbox SET sent_at = now(), last_error = NULL
                    WHERE id = ANY(string_to_array(\(sentIDs.map(String.init).joined(separator: ",")), ',')::bigint[])
                    """
                )
            }
            for outcome in outcomes {
                guard let error = outcome.error else { continue }
                let backoff = self.backoff(attempt: outcome.event.attempts + 1)
                try await connection.execute(
                    """
                    UPDATE outbox
                    SET attempts = attempts + 1,
                        last_error = \(String(describing: error)),
                        next_attempt_at = now() + \(backoff) * interval '1 millisecond'
                    WHERE id = \(outcome.event.id)
                    """
                )
            }
            self.publishedCounter.increment(by: sentIDs.count)
            self.failedCounter.increment(by: outcomes.count - sentIDs.count)
            return rows.count
        }
    }

    private struct ClaimedEvent: Sendable {
        var id: Int64
        var eventID: UUID
        var routingKey: String
        var payload: [UInt8]
        var contentType: String
        var attempts: Int
    }

    private struct Outcome: Sendable {
        var event: ClaimedEvent
        var error: (any Error)?
    }

    /// Publishes every event at once, so the batch costs one confirm round trip, not one per event.
    private func publish(_ events: [ClaimedEvent]) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            for event in events {
                group.addTask {
                    do {
                        try await self.broker.publish(
                            RabbitMQMessage(
                                exchange: self.configuration.exchange,
                                routingKey: event.routingKey,
                                body: event.payload,
                                messageID: event.eventID.uuidString.lowercased(),
                                contentType: event.contentType
                            )
                        )
                        return Outcome(event: event, error: nil)
                    } catch {
                        self.logger.warning(
                            "outbox publish failed",
                            metadata: [
                                "event_id": "\(event.eventID)", "routing_key": "\(event.routingKey)",
                                "error": "\(error)",
                            ]
                        )
                        return Outcome(event: event, error: error)
                    }
                }
            }
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(events.count)
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// The longest pause of the loop while the database or the broker is unavailable.
    static let failurePauseMax: Duration = .seconds(5)

    /// True for the publish errors that belong to one event (no queue bound for its routing key,
    /// refused by the broker), which are retried per event with back-off; false for the
    /// connection-level ones, which abandon the batch.
    static func isEventsFault(_ error: any Error) -> Bool {
        guard let error = error as? RabbitMQError else { return false }
        return error.code == .unroutable || error.code == .nacked
    }

    /// Milliseconds to wait before attempt `attempt` of a failed event: doubling, capped.
    func backoff(attempt: Int) -> Int64 {
        let minimum = Self.milliseconds(self.configuration.retryBackoffMin)
        let maximum = Self.milliseconds(self.configuration.retryBackoffMax)
        let shift = Int64(min(max(attempt - 1, 0), 30))
        return min(maximum, minimum << shift)
    }

    private func deleteSentRows() async throws {
        let retentionMilliseconds = Self.milliseconds(self.configuration.sentRetention)
        while true {
            let deleted = try await self.client.withConnection { connection in
                try await connection.execute(
                    """
                    DELETE FROM outbox WHERE id IN (
                        SELECT id FROM outbox
                        WHERE sent_at < now() - \(retentionMilliseconds) * interval '1 millisecond'
                        LIMIT \(self.configuration.cleanupBatchSize)
                    )
                    """
                )
            }
            if deleted < self.configuration.cleanupBatchSize { return }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
