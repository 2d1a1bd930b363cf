import BoxOfficeMessaging
public import BoxOfficePostgres
import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation

/// The payment events of `boxoffice.events.v1`, written to the outbox in the caller's
/// transaction (the one that made the change they report).
public enum PaymentEvents {
    /// Routing key of `PaymentSucceeded`.
    public static let succeeded = "payment.succeeded"
    /// Routing key of `PaymentFailed`.
    public static let failed = "payment.failed"
    /// Routing key of `PaymentRefunded`.
    public static let refunded = "payment.refunded"
    /// Routing key of `PaymentVoided`.
    public static let voided = "payment.voided"
    /// Routing key of `PaymentMethodSaved`.
    public static let methodSaved = "payment_method.saved"

    /// Enqueues `payment.succeeded` for `payment`.
    public static func enqueueSucceeded(_ payment: PaymentRecord, in connection: PostgresConnection) async throws {
        let id = UUID()
        var event = Events_V1_PaymentSucceeded()
        event.eventID = id.uuidString.lowercased()
        event.occurredAt = Self.now()
        event.paymentID = payment.paymentID.uuidString.lowercased()
        event.userID = payment.userID.uuidString.lowercased()
        event.invoiceID = payment.invoiceID
        event.amount = Self.money(payment.amountMinor, payment.currency)
        event.paymentMethodID = payment.paymentMethodID?.uuidString.lowercased() ?? ""
        event.providerTransactionID = payment.providerTransactionID ?? 0
        event.recurring = payment.recurring
        try await Self.enqueue(id, Self.succeeded, try event.serializedBytes(), in: connection)
    }

    /// Enqueues `payment.failed` for `payment`.
    public static func enqueueFailed(_ payment: PaymentRecord, in connection: PostgresConnection) async throws {
        let id = UUID()
        var event = Events_V1_PaymentFailed()
        event.eventID = id.uuidString.lowercased()
        event.occurredAt = Self.now()
        event.paymentID = payment.paymentID.uuidString.lowercased()
        event.userID = payment.userID.uuidString.lowercased()
        event.invoiceID = payment.invoiceID
        event.amount = Self.money(payment.amountMinor, payment.currency)
        event.failureCode = payment.failureCode
        event.failureMessage = payment.failureMessage
        event.failureFinal = payment.failureFinal
        event.recurring = payment.recurring
        try await Self.enqueue(id, Self.failed, try event.serializedBytes(), in: connection)
    }

    /// Enqueues `payment.refunded` for `refund` of `payment` (`payment` as it is after the refund).
    public static func enqueueRefunded(
        _ refund: RefundRecord,
        of payment: PaymentRecord,
        in connection: PostgresConnection
    ) async throws {
        let id = UUID()
        var event = Events_V1_PaymentRefunded()
        event.eventID = id.uuidString.lowercased()
        event.occurredAt = Self.now()
        event.paymentID = payment.paymentID.uuidString.lowercased()
        event.refundID = refund.refundID.uuidString.lowercased()
        event.userID = payment.userID.uuidString.lowercased()
        event.invoiceID = payment.invoiceID
        event.amount = Self.money(refund.amountMinor, payment.currency)
        event.refundedTotal = Self.money(payment.refundedMinor, payment.currency)
        event.fullyRefunded = payment.status == .refunded
        event.reason = refund.reason
        try await Self.enqueue(id, Self.refunded, try event.serializedBytes(), in: connection)
    }

    /// Enqueues `payment.voided` for `payment`.
    public static func enqueueVoided(_ payment: PaymentRecord, in connection: PostgresConnection) async throws {
        let id = UUID()
        var event = Events_V1_PaymentVoided()
        event.eventID = id.uuidString.lowercased()
        event.occurredAt = Self.now()
        event.paymentID = payment.paymentID.uuidString.lowercased()
        event.userID = payment.userID.uuidString.lowercased()
        event.invoiceID = payment.invoiceID
        event.amount = Self.money(payment.amountMinor, payment.currency)
        try await Self.enqueue(id, Self.voided, try event.serializedBytes(), in: connection)
    }

    /// Enqueues `payment_method.saved` for `method`, saved by `payment`.
    public static func enqueueMethodSaved(
        _ method: PaymentMethodRecord,
        by payment: PaymentRecord,
        in connection: PostgresConnection
    ) async throws {
        let id = UUID()
        var event = Events_V1_PaymentMethodSaved()
        event.eventID = id.uuidString.lowercased()
        event.occurredAt = Self.now()
        event.paymentMethodID = method.paymentMethodID.uuidString.lowercased()
        event.userID = method.userID.uuidString.lowercased()
        event.paymentID = payment.paymentID.uuidString.lowercased()
        event.invoiceID = payment.invoiceID
        event.lastFour = method.lastFour
        try await Self.enqueue(id, Self.methodSaved, try event.serializedBytes(), in: connection)
    }

    static func money(_ amountMinor: Int64, _ currency: String) -> Common_V1_Money {
        var money = Common_V1_Money()
        money.amountMinor = amountMinor
        money.currency = currency
        return money
    }

    static func now() -> ProtobufTimestamp {
        ProtobufTimestamp(date: Date())
    }

    private static func enqueue(
        _ id: UUID,
        _ routingKey: String,
        _ payload: [UInt8],
        in connection: PostgresConnection
    ) async throws {
        try await Outbox.enqueue(OutboxEvent(eventID: id, routingKey: routingKey, payload: payload), in: connection)
    }
}
