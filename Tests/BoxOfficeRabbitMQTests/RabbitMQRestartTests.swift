import BoxOfficeRabbitMQ
import TestSupport
import Testing

/// Against the spare node, which these tests stop and start; serialized so that one test's
/// restart does not hit another.
@Suite(.serialized) struct RabbitMQRestartTests {
    /// How many times a publish right after the restart is tried while the connection comes back.
    static let publishAttemptsAfterRestartMax = 200

    @Test func confirmedPersistentMessageSurvivesABrokerRestart() async throws {
        let topology = uniqueTopology()
        let sent = message(topology, body: "durable")
        try await withRunningConnection(url: TestEnvironment.rabbitMQSpareURL, topology: topology) { connection in
            try await connection.publish(sent)
            try restartSpareNode()
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name))
            defer { collector.cancel() }
            let delivery = try #require(try await collector.waitFor(count: 1).first)
            #expect(delivery.messageID == sent.messageID)
            #expect(delivery.body == Array("durable".utf8))
            try await delivery.ack()
        }
    }

    @Test func consumerResumesAfterABrokerRestartAndPublishingWorksAgain() async throws {
        let topology = uniqueTopology()
        try await withRunningConnection(url: TestEnvironment.rabbitMQSpareURL, topology: topology) { connection in
            let collector = DeliveryCollector(connection.consume(queue: topology.queues[0].name))
            defer { collector.cancel() }
            let before = message(topology, body: "before")
            try await connection.publish(before)
            // Left unsettled across the restart: its tag belongs to the old connection.
            let unsettled = try #require(try await collector.waitFor(count: 1).first)
            try restartSpareNode()
            let after = message(topology, body: "after")
            try await publishUntilConfirmed(after, on: connection)
            let deliveries = try await collector.waitFor(count: 3)
            #expect(Set(deliveries.dropFirst().compactMap(\.messageID)) == [before.messageID, after.messageID])
            #expect(deliveries.dropFirst().first { $0.messageID == before.messageID }?.redelivered == true)
            let error = await #expect(throws: RabbitMQError.self) { try await unsettled.ack() }
            #expect(error?.code == .staleDelivery)
            for delivery in deliveries.dropFirst() { try await delivery.ack() }
            #expect(try await connection.messageCount(queue: topology.queues[0].name) == 0)
            #expect(!collector.hasEnded)
        }
    }

    private func restartSpareNode() throws {
        try ChildProcess.run(TestEnvironment.rabbitMQSpareControl + ["stop_app"])
        try ChildProcess.run(TestEnvironment.rabbitMQSpareControl + ["start_app"])
    }

    /// Publishes, retrying while the connection is being re-established (at-least-once, as the
    /// outbox does).
    private func publishUntilConfirmed(_ message: RabbitMQMessage, on connection: RabbitMQConnection) async throws {
        for _ in 0..<Self.publishAttemptsAfterRestartMax {
            do {
                try await connection.publish(message)
                return
            } catch let error as RabbitMQError where [.notConnected, .connectionLost].contains(error.code) {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        Issue.record("no publish was confirmed after the restart")
    }
}
