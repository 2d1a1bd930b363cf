import BoxOfficeRabbitMQ
import Logging
import Synchronization
import TestSupport
import Testing

/// Limits of the integration tests, each a named constant.
enum TestLimits {
    /// How long a test waits for something the broker should do promptly.
    static let eventuallyTimeout: Duration = .seconds(20)
    /// How long a test watches for something that must not happen.
    static let quietPeriod: Duration = .milliseconds(1500)
    /// How often a waiting test looks again.
    static let pollInterval: Duration = .milliseconds(20)
}

/// A topology with unique names and one queue bound with `#`.
func uniqueTopology(deliveryLimit: Int = 5) -> RabbitMQTopology {
    let exchange = TestEnvironment.uniqueName("exchange")
    let queue = RabbitMQTopology.Queue(
        name: TestEnvironment.uniqueName("queue"),
        bindingKeys: ["orders.#"],
        deliveryLimit: deliveryLimit
    )
    return RabbitMQTopology(exchange: exchange, queues: [queue])
}

func testConfiguration(url: String) throws -> RabbitMQConfiguration {
    var configuration = try RabbitMQConfiguration(url: url)
    configuration.reconnectBackoffMin = .milliseconds(50)
    configuration.reconnectBackoffMax = .milliseconds(500)
    configuration.heartbeatSeconds = 2
    return configuration
}

func message(
    _ topology: RabbitMQTopology,
    routingKey: String = "orders.created",
    body: String = "hello"
) -> RabbitMQMessage {
    RabbitMQMessage(
        exchange: topology.exchange,
        routingKey: routingKey,
        body: Array(body.utf8),
        messageID: TestEnvironment.uniqueName("message"),
        headers: ["tenant": "t1"]
    )
}

/// Runs a connection for the duration of `body`, then deletes the topology and stops it.
func withRunningConnection<Result: Sendable>(
    url: String = TestEnvironment.rabbitMQURL,
    topology: RabbitMQTopology,
    _ body: (RabbitMQConnection) async throws -> Result
) async throws -> Result {
    let connection = RabbitMQConnection(
        configuration: try testConfiguration(url: url),
        topology: topology,
        logger: Logger(label: "rabbitmq-test")
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await connection.run() }
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            try? await connection.deleteTopology()
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
        try await connection.deleteTopology()
        group.cancelAll()
        try await group.waitForAll()
        return result
    }
}

/// Reads a consumer in a task of its own and keeps what arrives, so tests can wait for counts
/// with deadlines (and check that nothing more arrives).
final class DeliveryCollector: Sendable {
    private final class Storage: Sendable {
        let deliveries = Mutex<[RabbitMQDelivery]>([])
        let ended = Mutex<Bool>(false)
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ consumer: RabbitMQConsumer, onDelivery: @escaping @Sendable (RabbitMQDelivery) async -> Void = { _ in }) {
        let storage = self.storage
        self.task = Task {
            do {
                for try await delivery in consumer {
                    storage.deliveries.withLock { $0.append(delivery) }
                    await onDelivery(delivery)
                }
            } catch {}
            storage.ended.withLock { $0 = true }
        }
    }

    var all: [RabbitMQDelivery] { self.storage.deliveries.withLock { $0 } }
    var count: Int { self.storage.deliveries.withLock { $0.count } }
    var hasEnded: Bool { self.storage.ended.withLock { $0 } }

    /// Waits until at least `count` deliveries arrived; fails the test after the timeout.
    @discardableResult
    func waitFor(count: Int, timeout: Duration = TestLimits.eventuallyTimeout) async throws -> [RabbitMQDelivery] {
        try await eventually("\(count) deliveries (have \(self.count))", timeout: timeout) { self.count >= count }
        return self.all
    }

    func cancel() { self.task.cancel() }
}

/// Waits until `condition` holds, looking every poll interval; throws after `timeout`.
func eventually(
    _ what: @autoclosure () -> String,
    timeout: Duration = TestLimits.eventuallyTimeout,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: TestLimits.pollInterval)
    }
    Issue.record("timed out waiting for \(what())")
    throw TimedOut()
}

struct TimedOut: Error {}
