public import Foundation

/// An event waiting in the outbox to be published.
public struct OutboxEvent: Sendable, Hashable {
    /// Unique per event; published as the AMQP message id, which consumers deduplicate on.
    public var eventID: UUID
    /// The topic routing key, e.g. `payment.succeeded`.
    public var routingKey: String
    /// The encoded event (a `boxoffice.events.v1` protobuf message).
    public var payload: [UInt8]
    /// The payload's media type.
    public var contentType: String

    public init(
        eventID: UUID = UUID(),
        routingKey: String,
        payload: [UInt8],
        contentType: String = "application/x-protobuf"
    ) {
        self.eventID = eventID
        self.routingKey = routingKey
        self.payload = payload
        self.contentType = contentType
    }
}
