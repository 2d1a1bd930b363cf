/// A message to publish. It is always sent persistent (delivery mode 2) and mandatory.
public struct RabbitMQMessage: Sendable {
    /// The exchange to publish to.
    public var exchange: String
    /// The routing key matched against the exchange's bindings.
    public var routingKey: String
    /// The payload.
    public var body: [UInt8]
    /// The `message-id` property: lets consumers deduplicate, and lets the publisher tell which
    /// message the broker returned as unroutable.
    public var messageID: String
    /// Application headers, sent as string values.
    public var headers: [String: String]
    /// The `content-type` property.
    public var contentType: String

    /// Describes a message.
    public init(
        exchange: String,
        routingKey: String,
        body: [UInt8],
        messageID: String,
        headers: [String: String] = [:],
        contentType: String = "application/x-protobuf"
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.headers = headers
        self.contentType = contentType
    }
}
