import BoxOfficeRabbitMQ
import Logging
import TestSupport
import Testing

/// Against the main RabbitMQ node, each test with its own exchange and queues.
@Suite struct RabbitMQConnectionTests {
    @Test func publishedMessageArrivesWithItsPropertiesAndAckRemovesIt() async throws {
        let topology = uniqueTopology()
        let queue = topology.queues[0].name
        try await withRunningConnection(topology: topology) { connection in
            let sent = message(topology, body: "first")
            try await connection.publish(sent)
            let collector = DeliveryCollector(connection.consume(queue: queue))
            defer { collector.cancel() }
            let delivery = try #require(try await collector.waitFor(count: 1).first)
            #expect(delivery.body == Array("first".utf8))
            #expect(delivery.routingKey == "orders.created")
            #expect(delivery.messageID == sent.messageID)
            #expect(delivery.headers["tenant"] == "t1")
            #expect(!delivery.redelivered)
            #expect(delivery.deliveryCount == 0)
            try await delivery.ack()
            // Settling twice is refused locally rather than closing the channel at the broker.
            let error = await #expect(throws: RabbitMQError.self) { try await delivery.ack() }
            #expect(error?.code == .staleDelivery)
            try await Task.sleep(for: TestLimits.quietPeriod)
            #expect(collector.count == 1)
            #expect(try await connection.messageCount(queue: queue) == 0)
        }
    }

    @Test func messageLargerThanAFrameRoundTrips() async throws {
        let bodyBytes = 300_000
        let topology = uniqueTopology()
        try await withRunningConnection(topology: topology) { connection in
            var sent = message(topology)
            sent.body = (0..<bodyBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try await connection.publish(sent)
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name))
            defer { collector.cancel() }
            let delivery = try #require(try await collector.waitFor(count: 1).first)
            #expect(delivery.body == sent.body)
            try await delivery.ack()
        }
    }

    @Test func nackedMessageIsRedelivered() async throws {
        let topology = uniqueTopology()
        try await withRunningConnection(topology: topology) { connection in
            try await connection.publish(message(topology))
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name)) { delivery in
                if delivery.deliveryCount == 0 { try? await delivery.nack() } else { try? await delivery.ack() }
            }
            defer { collector.cancel() }
            let deliveries = try await collector.waitFor(count: 2)
            #expect(deliveries[0].messageID == deliveries[1].messageID)
            #expect(deliveries[1].redelivered)
            #expect(deliveries[1].deliveryCount == 1)
        }
    }

    @Test func poisonMessageLandsInTheDeadLetterQueueAfterTheDeliveryLimit() async throws {
        let deliveryLimit = 3
        let topology = uniqueTopology(deliveryLimit: deliveryLimit)
        let queue = topology.queues[0]
        try await withRunningConnection(topology: topology) { connection in
            let poison = message(topology, body: "poison")
            try await connection.publish(poison)
            let collector = DeliveryCollector(connection.consume(queue: queue.name)) { delivery in
                try? await delivery.nack(requeue: true)
            }
            defer { collector.cancel() }
            let deadLetters = DeliveryCollector(connection.consume(queue: queue.deadLetterQueueName))
            defer { deadLetters.cancel() }
            let dead = try #require(try await deadLetters.waitFor(count: 1).first)
            #expect(dead.messageID == poison.messageID)
            #expect(dead.body == Array("poison".utf8))
            // The quorum queue delivers once and then once per return up to the limit.
            #expect(collector.count == deliveryLimit + 1)
            #expect(collector.all.map(\.deliveryCount) == Array(0...deliveryLimit))
            try await dead.ack()
        }
    }

    @Test func deadLetterGoesStraightToTheDeadLetterQueue() async throws {
        let topology = uniqueTopology()
        let queue = topology.queues[0]
        try await withRunningConnection(topology: topology) { connection in
            let sent = message(topology)
            try await connection.publish(sent)
            let collector = DeliveryCollector(connection.consume(queue: queue.name)) { delivery in
                try? await delivery.deadLetter()
            }
            defer { collector.cancel() }
            let deadLetters = DeliveryCollector(connection.consume(queue: queue.deadLetterQueueName))
            defer { deadLetters.cancel() }
            #expect(try await deadLetters.waitFor(count: 1).first?.messageID == sent.messageID)
            #expect(collector.count == 1)
        }
    }

    @Test func unroutablePublishIsAnError() async throws {
        let topology = uniqueTopology()
        try await withRunningConnection(topology: topology) { connection in
            let error = await #expect(throws: RabbitMQError.self) {
                try await connection.publish(message(topology, routingKey: "invoices.created"))
            }
            #expect(error?.code == .unroutable)
            // A missing exchange closes the publishing channel; the connection reopens it.
            var missing = message(topology)
            missing.exchange = TestEnvironment.uniqueName("missing")
            let closed = await #expect(throws: RabbitMQError.self) { try await connection.publish(missing) }
            #expect(closed?.code == .channelClosed)
            try await connection.publish(message(topology))
            #expect(try await connection.messageCount(queue: topology.queues[0].name) == 1)
        }
    }

    @Test func manyConcurrentPublishesAreAllConfirmed() async throws {
        let publishCount = 2000
        let topology = uniqueTopology()
        try await withRunningConnection(topology: topology) { connection in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<publishCount {
                    group.addTask { try await connection.publish(message(topology, body: "message \(index)")) }
                }
                try await group.waitForAll()
            }
            #expect(try await connection.messageCount(queue: topology.queues[0].name) == publishCount)
        }
    }

    @Test func prefetchBoundsTheUnsettledDeliveries() async throws {
        let prefetch = 3
        let publishCount = 10
        let topology = uniqueTopology()
        try await withRunningConnection(topology: topology) { connection in
            for index in 0..<publishCount { try await connection.publish(message(topology, body: "\(index)")) }
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name, prefetch: prefetch))
            defer { collector.cancel() }
            let first = try await collector.waitFor(count: prefetch)
            try await Task.sleep(for: TestLimits.quietPeriod)
            #expect(collector.count == prefetch)
            try await first[0].ack()
            try await collector.waitFor(count: prefetch + 1)
            try await Task.sleep(for: TestLimits.quietPeriod)
            #expect(collector.count == prefetch + 1)
        }
    }

    @Test func consumersEndWhenRunEnds() async throws {
        let topology = uniqueTopology()
        let connection = RabbitMQConnection(
            configuration: try testConfiguration(url: TestEnvironment.rabbitMQURL),
            topology: topology,
            logger: Logger(label: "rabbitmq-test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name))
            try await connection.publish(message(topology))
            try await collector.waitFor(count: 1)
            try await connection.deleteTopology()
            group.cancelAll()
            try await group.waitForAll()
            try await eventually("the consumer to end") { collector.hasEnded }
        }
        let error = await #expect(throws: RabbitMQError.self) { try await connection.publish(message(topology)) }
        #expect(error?.code == .closed)
    }

    @Test func connectingToAClosedPortFailsInBoundedTime() async throws {
        // Port 1 (tcpmux) has no listener on the test machines, so the connect is refused.
        var configuration = try testConfiguration(url: "amqp://boxoffice:boxoffice@127.0.0.1:1/%2F")
        configuration.connectTimeout = .seconds(2)
        let connection = RabbitMQConnection(
            configuration: configuration,
            topology: uniqueTopology(),
            logger: Logger(label: "rabbitmq-test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            let start = ContinuousClock.now
            let error = await #expect(throws: RabbitMQError.self) {
                try await connection.publish(message(uniqueTopology()))
            }
            #expect(error?.code == .notConnected)
            #expect(error.map { !"\($0)".contains("boxoffice:boxoffice") } == true)
            #expect(ContinuousClock.now - start < configuration.connectTimeout + configuration.reconnectBackoffMax)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

extension RabbitMQConnectionTests {
    @Test func wrongPasswordFailsWithoutRevealingIt() async throws {
        var configuration = try testConfiguration(url: TestEnvironment.rabbitMQURL)
        configuration.password = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        let connection = RabbitMQConnection(
            configuration: configuration,
            topology: uniqueTopology(),
            logger: Logger(label: "rabbitmq-test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            let error = await #expect(throws: RabbitMQError.self) {
                try await connection.publish(message(uniqueTopology()))
            }
            #expect(error?.code == .notConnected)
            #expect(error.map { !"\($0)".contains(configuration.password) } == true)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

/// A broker that goes silent without closing the socket, through a proxy that drops bytes.
@Suite struct RabbitMQDeadPeerTests {
    static let heartbeatSeconds = 1
    /// Detection takes two heartbeat intervals; the rest is slack for a loaded machine.
    static let detectionTimeMax: Duration = .seconds(8)

    @Test func deadPeerIsDetectedByHeartbeatsAndTheConnectionComesBack() async throws {
        let upstream = try RabbitMQConfiguration(url: TestEnvironment.rabbitMQURL)
        let proxy = try BlackholeProxy(upstreamPort: upstream.port)
        defer { proxy.stop() }
        var configuration = try testConfiguration(url: TestEnvironment.rabbitMQURL)
        configuration.host = "127.0.0.1"
        configuration.port = proxy.port
        configuration.heartbeatSeconds = Self.heartbeatSeconds
        configuration.connectTimeout = .seconds(2)
        let topology = uniqueTopology()
        let connection = RabbitMQConnection(
            configuration: configuration,
            topology: topology,
            logger: Logger(label: "rabbitmq-test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            defer { group.cancelAll() }
            try await connection.publish(message(topology))

            proxy.blackholed = true
            let start = ContinuousClock.now
            let error = await #expect(throws: RabbitMQError.self) { try await connection.publish(message(topology)) }
            #expect(error?.code == .connectionLost)
            #expect(ContinuousClock.now - start < Self.detectionTimeMax)

            proxy.blackholed = false
            try await eventually("a publish after the peer came back") {
                do {
                    try await connection.publish(message(topology))
                    return true
                } catch let error as RabbitMQError where [.notConnected, .connectionLost].contains(error.code) {
                    return false
                }
            }
            try await connection.deleteTopology()
        }
    }
}
