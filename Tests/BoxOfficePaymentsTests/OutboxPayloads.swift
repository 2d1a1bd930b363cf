import BoxOfficePostgres
import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

/// The events a test's service wrote to its outbox, decoded with the generated
/// `boxoffice.events.v1` types as a consumer decodes them, and compared with the payment they
/// report as GetPayment shows it.
enum OutboxPayloads {
    /// Every outbox row with `routingKey`, oldest first, decoded as `Event`.
    static func events<Event: RPCMessage>(
        _ type: Event.Type,
        _ routingKey: String,
        in postgres: PostgresClient
    ) async throws -> [Event] {
        let payloads = try await postgres.withConnection { connection in
            try await connection.query("SELECT payload FROM outbox WHERE routing_key = \(routingKey) ORDER BY id")
                .map { try $0.decode(0, as: [UInt8].self) }
        }
        return try payloads.map { try Event(rpcBytes: $0) }
    }

    /// Expects `event` to report `payment`'s decline: its ids, the amount asked, the provider's
    /// code and reason, whether a retry is forbidden, whether it was a renewal.
    static func expect(
        _ event: Events_V1_PaymentFailed,
        reports payment: Payments_V1_Payment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectHeader(event.eventID, event.occurredAt, sourceLocation: sourceLocation)
        #expect(event.paymentID == payment.paymentID, sourceLocation: sourceLocation)
        #expect(event.userID == payment.userID, sourceLocation: sourceLocation)
        #expect(event.invoiceID == payment.invoiceID, sourceLocation: sourceLocation)
        Self.expect(event.amount, equals: payment.amount, sourceLocation: sourceLocation)
        #expect(event.failureCode == payment.failureCode, sourceLocation: sourceLocation)
        #expect(event.failureMessage == payment.failureMessage, sourceLocation: sourceLocation)
        #expect(event.failureFinal == payment.failureFinal, sourceLocation: sourceLocation)
        #expect(event.recurring == payment.recurring, sourceLocation: sourceLocation)
    }

    /// Expects `event` to report the void of `payment`: its ids and the amount that had been held.
    static func expect(
        _ event: Events_V1_PaymentVoided,
        reports payment: Payments_V1_Payment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectHeader(event.eventID, event.occurredAt, sourceLocation: sourceLocation)
        #expect(event.paymentID == payment.paymentID, sourceLocation: sourceLocation)
        #expect(event.userID == payment.userID, sourceLocation: sourceLocation)
        #expect(event.invoiceID == payment.invoiceID, sourceLocation: sourceLocation)
        Self.expect(event.amount, equals: payment.amount, sourceLocation: sourceLocation)
    }

    /// Expects `event` to report `refund` of `payment`: the ids, the refund's amount and reason, and
    /// the running total `refundedTotalMinor` (in the payment's currency) with whether it is all.
    static func expect(
        _ event: Events_V1_PaymentRefunded,
        reports refund: Payments_V1_Refund,
        of payment: Payments_V1_Payment,
        refundedTotalMinor: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectHeader(event.eventID, event.occurredAt, sourceLocation: sourceLocation)
        #expect(event.paymentID == payment.paymentID, sourceLocation: sourceLocation)
        #expect(event.refundID == refund.refundID, sourceLocation: sourceLocation)
        #expect(event.userID == payment.userID, sourceLocation: sourceLocation)
        #expect(event.invoiceID == payment.invoiceID, sourceLocation: sourceLocation)
        Self.expect(event.amount, equals: refund.amount, sourceLocation: sourceLocation)
        #expect(event.refundedTotal?.amountMinor == refundedTotalMinor, sourceLocation: sourceLocation)
        #expect(event.refundedTotal?.currency == payment.amount?.currency, sourceLocation: sourceLocation)
        #expect(
            event.fullyRefunded == (refundedTotalMinor == payment.amount?.amountMinor),
            sourceLocation: sourceLocation
        )
        #expect(event.reason == refund.reason, sourceLocation: sourceLocation)
    }

    /// Expects `event` to report the card `payment` saved: the method, its owner, the payment and
    /// invoice it came from, and the card's last four digits.
    static func expect(
        _ event: Events_V1_PaymentMethodSaved,
        reports payment: Payments_V1_Payment,
        card: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Self.expectHeader(event.eventID, event.occurredAt, sourceLocation: sourceLocation)
        #expect(!event.paymentMethodID.isEmpty, sourceLocation: sourceLocation)
        #expect(event.paymentMethodID == payment.paymentMethodID, sourceLocation: sourceLocation)
        #expect(event.userID == payment.userID, sourceLocation: sourceLocation)
        #expect(event.paymentID == payment.paymentID, sourceLocation: sourceLocation)
        #expect(event.invoiceID == payment.invoiceID, sourceLocation: sourceLocation)
        #expect(event.lastFour == String(card.suffix(4)), sourceLocation: sourceLocation)
    }

    private static func expectHeader(
        _ eventID: String,
        _ occurredAt: ProtobufTimestamp?,
        sourceLocation: SourceLocation
    ) {
        #expect(UUID(uuidString: eventID) != nil, "event_id is a UUID", sourceLocation: sourceLocation)
        #expect(occurredAt != nil, "occurred_at is set", sourceLocation: sourceLocation)
    }

    private static func expect(
        _ amount: Common_V1_Money?,
        equals expected: Common_V1_Money?,
        sourceLocation: SourceLocation
    ) {
        // An absent amount on both sides would compare equal and prove nothing.
        #expect(amount != nil && (amount?.amountMinor ?? 0) > 0, sourceLocation: sourceLocation)
        #expect(amount?.amountMinor == expected?.amountMinor, sourceLocation: sourceLocation)
        #expect(amount?.currency == expected?.currency, sourceLocation: sourceLocation)
    }
}
