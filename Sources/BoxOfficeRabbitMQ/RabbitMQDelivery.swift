/// A message delivered to a consumer. Settle it exactly once with ``ack()``, ``nack(requeue:)``
/// or ``deadLetter()``; until then it counts against the consumer's prefetch.
public struct RabbitMQDelivery: Sendable {
    /// The payload.
    public var body: [UInt8]
    /// The routing key it was published with.
    public var routingKey: String
    /// The `message-id` property, when the publisher set one.
    public var messageID: String?
    /// Application headers with string or integer values (integers in decimal).
    public var headers: [String: String]
    /// True when the broker delivered it before (to this or another consumer).
    public var redelivered: Bool
    /// How many times it was returned to the queue before this delivery: the quorum queue's
    /// `x-delivery-count`, 0 on the first delivery.
    public var deliveryCount: Int

    let settler: DeliverySettler

    /// Tells the broker the message is handled; it is removed from the queue.
    ///
    /// Throws ``RabbitMQError/Code/staleDelivery`` when the connection it came on is gone or it
    /// was settled already (the broker then redelivers it), ``RabbitMQError/Code/closed`` when the
    /// connection no longer runs.
    public func ack() async throws {
        try await self.settler.settle(.ack)
    }

    /// Gives the message back. With `requeue` it is delivered again later, and each return counts
    /// toward the queue's delivery limit, past which it goes to the dead-letter queue; without,
    /// it goes to the dead-letter queue now. Throws as ``ack()``.
    public func nack(requeue: Bool = true) async throws {
        try await self.settler.settle(.nack(requeue: requeue))
    }

    /// Rejects the message without requeueing, so it goes straight to the dead-letter queue.
    /// Throws as ``ack()``.
    public func deadLetter() async throws {
        try await self.settler.settle(.reject)
    }
}

/// Where a delivery's settlement goes: the owner thread, with the subscription it came from.
struct DeliverySettler: Sendable {
    let mailbox: Mailbox
    let subscription: UInt64
    let deliveryTag: UInt64

    func settle(_ action: Settlement.Action) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let settlement = Settlement(
                subscription: self.subscription,
                deliveryTag: self.deliveryTag,
                action: action,
                continuation: continuation
            )
            if !self.mailbox.submit(.settle(settlement)) {
                continuation.resume(throwing: ConnectionOwner.closedError)
            }
        }
    }
}
