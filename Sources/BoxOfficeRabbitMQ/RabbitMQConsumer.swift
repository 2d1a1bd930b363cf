/// The deliveries of one queue, as an `AsyncSequence`.
///
/// The subscription survives reconnections: after the connection comes back the consumer
/// subscribes again and the broker redelivers what was not acknowledged. The sequence ends when
/// the connection's `run()` ends, and throws when the broker ends the subscription for good (the
/// queue was deleted or never existed). Ending the iteration (breaking out of the loop, or
/// cancelling the task) unsubscribes; unsettled deliveries go back to the queue.
///
/// At most `prefetch` deliveries are unsettled at once, so at most that many wait in the
/// sequence's buffer.
public struct RabbitMQConsumer: AsyncSequence, Sendable {
    public typealias Element = RabbitMQDelivery

    let stream: AsyncThrowingStream<RabbitMQDelivery, any Error>

    /// Iterates the deliveries.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<RabbitMQDelivery, any Error>.AsyncIterator

        /// The next delivery, or nil once the connection has stopped.
        public mutating func next() async throws -> RabbitMQDelivery? {
            try await self.base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator())
    }
}
