/// The exchanges, queues and bindings a connection declares each time it connects.
///
/// For exchange `E` and each queue `Q`:
/// - `E`: a durable topic exchange;
/// - `Q`: a durable quorum queue with `x-delivery-limit`, dead-lettering to `E.dead-letter` with
///   routing key `Q`, bound to `E` with each binding key;
/// - `E.dead-letter`: a durable direct exchange;
/// - `Q.dead-letter`: a durable quorum queue bound to `E.dead-letter` with key `Q`, so it collects
///   exactly `Q`'s dead letters.
///
/// Declarations are idempotent, so every (re)connection repeats them. Declaring a queue that
/// already exists with other arguments fails with ``RabbitMQError/Code/topology``.
public struct RabbitMQTopology: Sendable {
    /// A consumer queue and how it is bound.
    public struct Queue: Sendable {
        /// The queue's name.
        public var name: String
        /// The topic patterns (`payments.*`, `#`) that route messages from the exchange here.
        public var bindingKeys: [String]
        /// How many times a message may be returned to the queue (nacked with requeue, or left
        /// unacknowledged when a connection dies) before the broker dead-letters it instead.
        public var deliveryLimit: Int

        /// Describes a queue.
        public init(name: String, bindingKeys: [String], deliveryLimit: Int = 5) {
            self.name = name
            self.bindingKeys = bindingKeys
            self.deliveryLimit = deliveryLimit
        }

        /// The queue that collects this queue's dead letters.
        public var deadLetterQueueName: String { "\(self.name).dead-letter" }
    }

    /// The topic exchange that publishers send to.
    public var exchange: String
    /// The queues that consumers read.
    public var queues: [Queue]

    /// Describes a topology.
    public init(exchange: String, queues: [Queue]) {
        self.exchange = exchange
        self.queues = queues
    }

    /// The exchange that dead letters of every queue go to.
    public var deadLetterExchange: String { "\(self.exchange).dead-letter" }
}
