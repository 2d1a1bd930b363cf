public import BoxOfficePostgres
import Foundation

/// Writes events to the outbox table of a service's database.
public enum Outbox {
    /// The largest payload accepted, in bytes; events carry ids and amounts, not documents.
    public static let payloadBytesMax = 256 * 1024

    /// Writes `event` in the caller's transaction: it is published if and only if that
    /// transaction commits.
    ///
    /// - Parameter connection: a connection inside `withTransaction`; outside a transaction the
    ///   event would be committed on its own, which defeats the outbox.
    /// The insert is queued (`PostgresConnection.enqueue`): it is sent in the same round trip as
    /// the transaction's next statement or its COMMIT, and a `PostgresError` from it (a duplicate
    /// `eventID` is a unique violation) is thrown by that call.
    ///
    /// - Throws: ``MessagingError`` for an empty routing key or an oversized payload.
    public static func enqueue(_ event: OutboxEvent, in connection: PostgresConnection) async throws {
        guard !event.routingKey.isEmpty else {
            throw MessagingError(code: .invalidEvent, message: "routing key is empty")
        }
        guard event.payload.count <= Self.payloadBytesMax else {
            throw MessagingError(
                code: .invalidEvent,
                message: "payload is \(event.payload.count) bytes, over the \(Self.payloadBytesMax)-byte limit"
            )
        }
        try connection.enqueue(
            """
            INSERT INTO outbox (event_id, routing_key, payload, content_type)
            VALUES (\(event.eventID), \(event.routingKey), \(event.payload), \(event.contentType))
            """
        )
    }
}
