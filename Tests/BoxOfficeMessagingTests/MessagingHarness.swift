import BoxOfficeMessaging
import BoxOfficePostgres
import BoxOfficeRabbitMQ
import Foundation
import Logging
import TestSupport
import Testing

/// A fresh database with the messaging tables, and a broker connection with a fresh exchange
/// and queue, for one test.
struct MessagingHarness: Sendable {
    let client: PostgresClient
    let broker: RabbitMQConnection
    let exchange: String
    let queue: String
    let logger: Logger

    static func with(
        bindingKeys: [String] = ["test.#"],
        deliveryLimit: Int = 5,
        _ body: (MessagingHarness) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.messaging")
        logger.logLevel = .warning
        let server = try PostgresConfiguration(url: TestEnvironment.postgresURL)
        let database = TestEnvironment.uniqueName("messaging")
        let admin = PostgresClient(configuration: server, poolSizeMax: 1, logger: logger)
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }

        let client = PostgresClient(configuration: server.with(database: database), poolSizeMax: 8, logger: logger)
        let exchange = TestEnvironment.uniqueName("test.events")
        let queue = TestEnvironment.uniqueName("test.queue")
        let broker = RabbitMQConnection(
            configuration: try RabbitMQConfiguration(url: TestEnvironment.rabbitMQURL),
            topology: RabbitMQTopology(
                exchange: exchange,
                queues: [.init(name: queue, bindingKeys: bindingKeys, deliveryLimit: deliveryLimit)]
            ),
            logger: logger
        )
        let harness = MessagingHarness(client: client, broker: broker, exchange: exchange, queue: queue, logger: logger)
        var failure: (any Error)?
        do {
            _ = try await PostgresMigrator(client: client, logger: logger).migrate([try MessagingMigrations.load()])
            try await client.withConnection { connection in
                try await connection.execute(
                    "CREATE TABLE effects (event_id text PRIMARY KEY, applied integer NOT NULL)"
                )
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await broker.run() }
                try await harness.waitForBroker()
                do {
                    try await body(harness)
                } catch {
                    try? await broker.deleteTopology()
                    throw error
                }
                try await broker.deleteTopology()
                group.cancelAll()
            }
        } catch {
            failure = error
        }
        await client.shutdown()
        try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: database) WITH (FORCE)") }
        await admin.shutdown()
        if let failure { throw failure }
    }

    /// Waits until the broker connection has declared its topology and takes publishes.
    func waitForBroker() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                // Routed to nowhere on purpose: a key no queue binds is unroutable, which proves a
                // live, confirming channel without leaving a message behind.
                try await self.broker.publish(
                    RabbitMQMessage(exchange: self.exchange, routingKey: "probe.nowhere", body: [], messageID: "probe")
                )
                return
            } catch let error as RabbitMQError where error.code == .unroutable {
                return
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func relay(
        batchSize: Int = 100,
        checkpoint: (@Sendable (OutboxRelay.Checkpoint) async throws -> Void)? = nil
    ) -> OutboxRelay {
        var configuration = OutboxRelay.Configuration(exchange: self.exchange)
        configuration.batchSize = batchSize
        configuration.idlePollInterval = .milliseconds(20)
        return OutboxRelay(
            client: self.client,
            broker: self.broker,
            configuration: configuration,
            logger: self.logger,
            checkpoint: checkpoint
        )
    }

    /// Enqueues `count` events in transactions of `perTransaction`, returning their ids.
    func enqueue(count: Int, perTransaction: Int = 50, routingKey: String = "test.happened") async throws -> [UUID] {
        var ids: [UUID] = []
        var remaining = count
        while remaining > 0 {
            let batch = (0..<min(perTransaction, remaining)).map { _ in UUID() }
            try await self.client.withTransaction { connection in
                for id in batch {
                    try await Outbox.enqueue(
                        OutboxEvent(eventID: id, routingKey: routingKey, payload: Array(id.uuidString.utf8)),
                        in: connection
                    )
                }
            }
            ids += batch
            remaining -= batch.count
        }
        return ids
    }

    /// The handler every test uses: one row per event, incremented on each application, so a
    /// second effect of one event shows as `applied = 2`.
    static let countingHandler: InboxConsumer.Handler = { connection, delivery in
        try await connection.execute(
            """
            INSERT INTO effects (event_id, applied) VALUES (\(delivery.messageID ?? ""), 1)
            ON CONFLICT (event_id) DO UPDATE SET applied = effects.applied + 1
            """
        )
    }

    func effects() async throws -> [String: Int] {
        try await self.client.withConnection { connection in
            var result: [String: Int] = [:]
            for row in try await connection.query("SELECT event_id, applied FROM effects") {
                result[try row.decode("event_id", as: String.self)] = Int(try row.decode("applied", as: Int32.self))
            }
            return result
        }
    }

    func unsentCount() async throws -> Int {
        try await self.client.withConnection { connection in
            let rows = try await connection.query("SELECT count(*)::bigint AS n FROM outbox WHERE sent_at IS NULL")
            return Int(try rows[0].decode("n", as: Int64.self))
        }
    }
}
