import BoxOfficeMessaging
import BoxOfficePostgres
import BoxOfficeRabbitMQ
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct OutboxInboxTests {
    /// Collects deliveries from the harness's queue through an inbox until `stop` says so.
    private static func consume(
        _ harness: MessagingHarness,
        consumer: String = "test-consumer",
        until stop: @Sendable @escaping ([Inbox.Outcome]) -> Bool,
        handler: @escaping InboxConsumer.Handler = MessagingHarness.countingHandler
    ) async throws -> [Inbox.Outcome] {
        let inbox = Inbox(consumer: consumer, client: harness.client, logger: harness.logger)
        var outcomes: [Inbox.Outcome] = []
        for try await delivery in harness.broker.consume(queue: harness.queue, prefetch: 64) {
            outcomes.append(try await inbox.process(delivery, handler: handler))
            if stop(outcomes) { break }
        }
        return outcomes
    }

    @Test func eventsOfARolledBackTransactionAreNeverPublished() async throws {
        try await MessagingHarness.with { harness in
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await harness.client.withTransaction { connection in
                    try await Outbox.enqueue(OutboxEvent(routingKey: "test.x", payload: [1]), in: connection)
                    throw Abort()
                }
            }
            let kept = try await harness.enqueue(count: 1)
            #expect(try await harness.relay().relayBatch() == 1)
            let outcomes = try await Self.consume(harness) { $0.count == 1 }
            #expect(outcomes == [.processed])
            #expect(try await harness.effects() == [kept[0].uuidString.lowercased(): 1])
        }
    }

    @Test func relayKilledAfterPublishingRepublishesAndTheInboxMakesItHarmless() async throws {
        try await MessagingHarness.with { harness in
            let ids = try await harness.enqueue(count: 20)

            // The first relay dies after the broker confirmed every event but before it marked
            // them sent: its transaction never commits.
            struct Killed: Error {}
            let dying = harness.relay { checkpoint in
                if checkpoint == .afterPublishBeforeMarkingSent { throw Killed() }
            }
            await #expect(throws: Killed.self) { try await dying.relayBatch() }
            #expect(try await harness.unsentCount() == 20)

            // The next relay claims the same rows and publishes them again.
            #expect(try await harness.relay().relayBatch() == 20)
            #expect(try await harness.unsentCount() == 0)

            let outcomes = try await Self.consume(harness) { $0.count == 40 }
            #expect(outcomes.filter { $0 == .processed }.count == 20)
            #expect(outcomes.filter { $0 == .duplicate }.count == 20)
            let effects = try await harness.effects()
            #expect(Set(effects.keys).symmetricDifference(ids.map { $0.uuidString.lowercased() }).count == 0)
            #expect(effects.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func twoRelaysDeliverEveryEventAndLoseNone() async throws {
        try await MessagingHarness.with { harness in
            let ids = try await harness.enqueue(count: 600)
            let expected = Set(ids.map { $0.uuidString.lowercased() })
            let first = harness.relay(batchSize: 40)
            let second = harness.relay(batchSize: 40)

            let received = try await withThrowingTaskGroup(of: [String: Int]?.self) { group in
                group.addTask {
                    try await first.run()
                    return nil
                }
                group.addTask {
                    try await second.run()
                    return nil
                }
                group.addTask {
                    var counts: [String: Int] = [:]
                    for try await delivery in harness.broker.consume(queue: harness.queue, prefetch: 128) {
                        counts[delivery.messageID ?? "", default: 0] += 1
                        try await delivery.ack()
                        if Set(counts.keys).isSuperset(of: expected) { break }
                    }
                    return counts
                }
                var received: [String: Int] = [:]
                while let result = try await group.next() {
                    if let result {
                        received = result
                        break
                    }
                }
                group.cancelAll()
                return received
            }
            // Compared by counts: a failure prints numbers, not 600 ids.
            #expect(expected.subtracting(received.keys).count == 0)
            #expect(Set(received.keys).subtracting(expected).count == 0)
            // Without a crash, SKIP LOCKED gives each row to exactly one relay.
            #expect(received.values.allSatisfy { $0 == 1 })
            #expect(try await harness.unsentCount() == 0)
        }
    }

    @Test func aHandlerThatFailsMidwayIsRolledBackAndTheRetryAppliesOnce() async throws {
        try await MessagingHarness.with { harness in
            let ids = try await harness.enqueue(count: 1)
            try await harness.relay().relayBatch()
            let attempts = Atomic<Int>(0)
            let outcomes = try await Self.consume(harness, until: { $0.last == .processed }) { connection, delivery in
                // The effect is written, then the handler crashes: the transaction must undo it.
                try await MessagingHarness.countingHandler(connection, delivery)
                if attempts.add(1, ordering: .relaxed).newValue == 1 {
                    struct Crash: Error {}
                    throw Crash()
                }
            }
            #expect(outcomes == [.failed, .processed])
            #expect(try await harness.effects() == [ids[0].uuidString.lowercased(): 1])
        }
    }

    @Test func aConsumerThatDiesBeforeItsAckIsRedeliveredAndProcessedOnce() async throws {
        try await MessagingHarness.with { harness in
            let ids = try await harness.enqueue(count: 1)
            try await harness.relay().relayBatch()
            let key = ids[0].uuidString.lowercased()

            // A second connection whose consumer dies mid-handler: the task running it is
            // cancelled while the handler waits, so neither a commit nor an ack ever happens and
            // the connection closes with the delivery unacknowledged.
            let doomed = RabbitMQConnection(
                configuration: try RabbitMQConfiguration(url: TestEnvironment.rabbitMQURL),
                topology: RabbitMQTopology(
                    exchange: harness.exchange,
                    queues: [.init(name: harness.queue, bindingKeys: ["test.#"])]
                ),
                logger: harness.logger
            )
            let entered = AsyncStream<Void>.makeStream()
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await doomed.run() }
                group.addTask {
                    let inbox = Inbox(consumer: "test-consumer", client: harness.client, logger: harness.logger)
                    for try await delivery in doomed.consume(queue: harness.queue, prefetch: 1) {
                        _ = try await inbox.process(delivery) { connection, delivery in
                            try await MessagingHarness.countingHandler(connection, delivery)
                            entered.continuation.yield()
                            try await Task.sleep(for: .seconds(3600))
                        }
                    }
                }
                for await _ in entered.stream { break }
                group.cancelAll()
                while (try? await group.next()) != nil {}
            }
            #expect(try await harness.effects().isEmpty)

            let outcomes = try await Self.consume(harness) { $0.count == 1 }
            #expect(outcomes == [.processed])
            #expect(try await harness.effects() == [key: 1])
        }
    }

    @Test func aDeliveryWithoutAMessageIDGoesToTheDeadLetterQueue() async throws {
        try await MessagingHarness.with { harness in
            try await harness.broker.publish(
                RabbitMQMessage(exchange: harness.exchange, routingKey: "test.anonymous", body: [1, 2], messageID: "")
            )
            let outcomes = try await Self.consume(harness) { $0.count == 1 }
            #expect(outcomes == [.deadLettered])
            var dead: [RabbitMQDelivery] = []
            for try await delivery in harness.broker.consume(queue: "\(harness.queue).dead-letter", prefetch: 1) {
                dead.append(delivery)
                try await delivery.ack()
                break
            }
            #expect(dead.first?.body == [1, 2])
            #expect(try await harness.effects().isEmpty)
        }
    }

    @Test func oversizedAndUnroutedEventsAreRefusedBeforeTheDatabase() async throws {
        try await MessagingHarness.with { harness in
            try await harness.client.withTransaction { connection in
                let tooBig = OutboxEvent(
                    routingKey: "test.x",
                    payload: [UInt8](repeating: 0, count: Outbox.payloadBytesMax + 1)
                )
                let error = await #expect(throws: MessagingError.self) {
                    try await Outbox.enqueue(tooBig, in: connection)
                }
                #expect(error?.code == .invalidEvent)
                let noKey = OutboxEvent(routingKey: "", payload: [1])
                await #expect(throws: MessagingError.self) { try await Outbox.enqueue(noKey, in: connection) }
            }
            #expect(try await harness.unsentCount() == 0)
        }
    }

    @Test func anUnroutableEventStaysUnsentAndIsRetriedWithBackoff() async throws {
        try await MessagingHarness.with(bindingKeys: ["test.#"]) { harness in
            _ = try await harness.enqueue(count: 1, routingKey: "nobody.listens")
            let routed = try await harness.enqueue(count: 1, routingKey: "test.fine")
            #expect(try await harness.relay().relayBatch() == 2)
            let row = try await harness.client.withConnection { connection in
                try await connection.query(
                    """
                    SELECT attempts, last_error, next_attempt_at > now() AS deferred
                    FROM outbox WHERE sent_at IS NULL
                    """
                )
            }
            try #require(row.count == 1)
            #expect(try row[0].decode("attempts", as: Int32.self) == 1)
            #expect(try row[0].decode("last_error", as: String?.self) != nil)
            #expect(try row[0].decode("deferred", as: Bool.self))
            // Deferred: the next batch does not claim it again at once.
            #expect(try await harness.relay().relayBatch() == 0)
            let outcomes = try await Self.consume(harness) { $0.count == 1 }
            #expect(outcomes == [.processed])
            #expect(try await harness.effects().keys.first == routed[0].uuidString.lowercased())
        }
    }

    @Test func anUnreachableBrokerChargesNoEventAndLosesNone() async throws {
        try await MessagingHarness.with { harness in
            _ = try await harness.enqueue(count: 3)
            var configuration = try RabbitMQConfiguration(url: "amqp://boxoffice:boxoffice@127.0.0.1:1/%2F")
            configuration.reconnectBackoffMin = .milliseconds(20)
            configuration.reconnectBackoffMax = .milliseconds(50)
            let unreachable = RabbitMQConnection(
                configuration: configuration,
                topology: RabbitMQTopology(exchange: harness.exchange, queues: []),
                logger: harness.logger
            )
            var relayConfiguration = OutboxRelay.Configuration(exchange: harness.exchange)
            relayConfiguration.batchSize = 10
            let relay = OutboxRelay(
                client: harness.client,
                broker: unreachable,
                configuration: relayConfiguration,
                logger: harness.logger
            )
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await unreachable.run() }
                await #expect(throws: RabbitMQError.self) { try await relay.relayBatch() }
                group.cancelAll()
            }
            // Nothing was charged: once the broker is back the events go out at once.
            let rows = try await harness.client.withConnection { connection in
                try await connection.query(
                    "SELECT count(*)::bigint AS n FROM outbox WHERE sent_at IS NULL AND attempts = 0 AND next_attempt_at <= now()"
                )
            }
            #expect(try rows[0].decode("n", as: Int64.self) == 3)
            #expect(try await harness.relay().relayBatch() == 3)
            let outcomes = try await Self.consume(harness) { $0.count == 3 }
            #expect(outcomes == [.processed, .processed, .processed])
        }
    }

    @Test func anUnreachableDatabaseLeavesTheDeliveryUnsettled() async throws {
        try await MessagingHarness.with { harness in
            _ = try await harness.enqueue(count: 1)
            try await harness.relay().relayBatch()
            let down = PostgresClient(
                configuration: try PostgresConfiguration(url: "postgres://boxoffice:boxoffice@127.0.0.1:1/none"),
                poolSizeMax: 1,
                logger: harness.logger
            )
            let inbox = Inbox(consumer: "test-consumer", client: down, logger: harness.logger)
            for try await delivery in harness.broker.consume(queue: harness.queue, prefetch: 1) {
                let error = await #expect(throws: MessagingError.self) {
                    try await inbox.process(delivery, handler: MessagingHarness.countingHandler)
                }
                #expect(error?.code == .unavailable)
                // Not nacked, so not counted against the delivery limit: it can still be acked.
                #expect(delivery.deliveryCount == 0)
                try await delivery.ack()
                break
            }
            await down.shutdown()
        }
    }
}
