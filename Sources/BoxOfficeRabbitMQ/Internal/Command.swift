/// A request from a caller to the connection's owner thread, which alone touches rabbitmq-c.
enum Command: Sendable {
    case publish(PublishRequest)
    case settle(Settlement)
    case subscribe(ConsumerHandle)
    case unsubscribe(consumerID: UInt64)
    case administer(AdminRequest)

    /// Answers the caller waiting for this command with `error` (when the command has one).
    func fail(_ error: RabbitMQError) {
        switch self {
        case .publish(let request): request.continuation.resume(throwing: error)
        case .settle(let settlement): settlement.continuation.resume(throwing: error)
        case .administer(let request): request.continuation.resume(throwing: error)
        case .subscribe(let consumer): consumer.continuation.finish()
        case .unsubscribe: break
        }
    }
}

struct PublishRequest: Sendable {
    var message: RabbitMQMessage
    /// False for the unconfirmed path: the call returns once the frames are written.
    var confirm: Bool
    var continuation: CheckedContinuation<Void, any Error>
}

struct Settlement: Sendable {
    enum Action: Sendable {
        case ack
        case nack(requeue: Bool)
        case reject
    }

    /// Which subscription (consumer on one connection's channel) the delivery came from.
    var subscription: UInt64
    var deliveryTag: UInt64
    var action: Action
    var continuation: CheckedContinuation<Void, any Error>
}

struct AdminRequest: Sendable {
    enum Operation: Sendable {
        case purge(queue: String)
        case messageCount(queue: String)
        case deleteTopology
    }

    var operation: Operation
    var continuation: CheckedContinuation<Int, any Error>
}

/// A consumer as the owner thread sees it. The mutable fields are only touched on the owner
/// thread, hence `@unchecked Sendable`.
final class ConsumerHandle: @unchecked Sendable {
    let id: UInt64
    let queue: String
    let prefetch: UInt16
    let continuation: AsyncThrowingStream<RabbitMQDelivery, any Error>.Continuation

    /// The channel its subscription lives on, nil while not subscribed.
    var channel: UInt16?
    /// Identifies the current subscription; deliveries carry it so that a tag from an earlier
    /// subscription is never settled on a later one.
    var subscription: UInt64 = 0
    /// Delivery tags handed out and not yet settled on the current subscription.
    var unsettled: Set<UInt64> = []

    init(
        id: UInt64,
        queue: String,
        prefetch: UInt16,
        continuation: AsyncThrowingStream<RabbitMQDelivery, any Error>.Continuation
    ) {
        self.id = id
        self.queue = queue
        self.prefetch = prefetch
        self.continuation = continuation
    }
}
