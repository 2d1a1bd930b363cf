public import Foundation

/// A row of `refunds`.
public struct RefundRecord: Hashable, Sendable {
    /// Where a refund stands.
    public enum Status: String, Hashable, Sendable {
        /// Sent (or about to be); no answer yet.
        case pending
        /// The provider returned the money.
        case succeeded
        /// The provider refused it, or it never reached the provider.
        case failed
    }

    /// The refund's id.
    public var refundID: UUID
    /// The payment it refunds.
    public var paymentID: UUID
    /// How much.
    public var amountMinor: Int64
    /// ISO 4217 code (the payment's).
    public var currency: String
    /// Where it stands.
    public var status: Status
    /// Why (free text, audited).
    public var reason: String
    /// Who asked: a user id or `admin:<id>`.
    public var requestedBy: String
    /// The refund's own provider TransactionId, once known.
    public var providerTransactionID: Int64?
    /// When it was requested.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// A new `pending` refund.
    public init(
        refundID: UUID = UUID(),
        paymentID: UUID,
        amountMinor: Int64,
        currency: String,
        reason: String,
        requestedBy: String,
        createdAt: Date = Date()
    ) {
        self.refundID = refundID
        self.paymentID = paymentID
        self.amountMinor = amountMinor
        self.currency = currency
        self.status = .pending
        self.reason = reason
        self.requestedBy = requestedBy
        self.providerTransactionID = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
