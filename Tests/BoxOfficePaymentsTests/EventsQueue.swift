import BoxOfficeRabbitMQ
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// A queue of the test's own on the real RabbitMQ, bound to an events exchange, whose deliveries
/// are acknowledged and kept as they arrive, so a test can wait for them with a deadline and then
/// check that nothing more arrives.
final class EventsQueue: Sendable {
    /// How long a test waits for an event the relay should publish promptly.
    static let arrivalTimeoutSeconds: Double = 30
    /// How long a test watches for a duplicate after the expected events arrived: many times the
    /// relay's idle poll (100 ms) and its first retry back-off (1 s).
    static let duplicateGraceMilliseconds = 3_000
    /// How often a waiting test looks again.
    static let pollMilliseconds = 50

    /// The queue's name (unique to this test run).
    let name: String
    private let deliveries = Mutex<[RabbitMQDelivery]>([])

    private init(name: String) {
        self.name = name
    }

    /// Everything delivered so far, in arrival order.
    var all: [RabbitMQDelivery] { self.deliveries.withLock { $0 } }

    /// Declares a queue bound to `exchange` with `bindingKeys` (the exchange too, as the relay
    /// declares it), consumes it during `body`, then deletes the queue, its dead-letter queue and
    /// the exchanges whether or not `body` threw.
    static func with<Value: Sendable>(
        exchange: String,
        bindingKeys: [String],
        logger: Logger,
        _ body: (EventsQueue) async throws -> Value
    ) async throws -> Value {
        let queue = EventsQueue(name: TestEnvironment.uniqueName("test_payments_events"))
        let broker = RabbitMQConnection(
            configuration: try RabbitMQConfiguration(url: TestEnvironment.rabbitMQURL),
            topology: RabbitMQTopology(
                exchange: exchange,
                queues: [RabbitMQTopology.Queue(name: queue.name, bindingKeys: bindingKeys)]
            ),
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await broker.run() }
            let outcome: Result<Value, any Error>
            do {
                // Answered only once the connection has declared the topology: the queue is bound
                // before `body` makes anything happen.
                _ = try await broker.messageCount(queue: queue.name)
                let consumer = broker.consume(queue: queue.name)
                group.addTask {
                    for try await delivery in consumer {
                        queue.deliveries.withLock { $0.append(delivery) }
                        try await delivery.ack()
                    }
                }
                outcome = .success(try await body(queue))
            } catch {
                outcome = .failure(error)
            }
            do {
                try await broker.deleteTopology()
            } catch {
                Issue.record("deleting the test's events queue and exchange: \(error)")
            }
            group.cancelAll()
            // The consumer ends with an error once its queue is deleted; the outcome is the body's.
            while (try? await group.next()) != nil {}
            return try outcome.get()
        }
    }

    /// Waits until at least `count` deliveries with `routingKey` arrived and returns them; records
    /// an issue and throws after ``arrivalTimeoutSeconds``.
    func waitFor(count: Int, routingKey: String) async throws -> [RabbitMQDelivery] {
        let deadline = Date().addingTimeInterval(Self.arrivalTimeoutSeconds)
        while true {
            let matching = self.all.filter { $0.routingKey == routingKey }
            if matching.count >= count { return matching }
            guard Date() < deadline else {
                Issue.record(
                    "\(count) × \(routingKey) not delivered in \(Self.arrivalTimeoutSeconds) s; got \(self.all.map(\.routingKey))"
                )
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(Self.pollMilliseconds))
        }
    }

    /// Everything delivered once ``duplicateGraceMilliseconds`` more have passed.
    func settled() async throws -> [RabbitMQDelivery] {
        try await Task.sleep(for: .milliseconds(Self.duplicateGraceMilliseconds))
        return self.all
    }
}
