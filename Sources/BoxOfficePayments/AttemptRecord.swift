public import Foundation

/// A row of `attempts`: one call to the provider that may move money.
///
/// Written `pending` and committed before the call, so a crash between the call and the commit of
/// its answer leaves a row the reconciler settles.
public struct AttemptRecord: Hashable, Sendable {
    /// Which provider call it is.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// cards/charge, cards/auth, tokens/charge or tokens/auth.
        case charge
        /// cards/post3ds.
        case post3ds
        /// payments/confirm.
        case capture
        /// payments/void.
        case void
        /// payments/refund.
        case refund
        /// orders/create.
        case hostedOrder = "hosted_order"
    }

    /// Where it stands.
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Written, the call not yet answered (or the process died before recording the answer).
        case pending
        /// The provider did it.
        case succeeded
        /// The provider declined it (no money moved).
        case declined
        /// The answer was lost; the reconciler settles it.
        case unknown
        /// It did not happen: refused as invalid, never sent, or found never to have reached the provider.
        case failed

        /// Whether the attempt still waits for an outcome.
        public var isOpen: Bool { self == .pending || self == .unknown }
    }

    /// The attempt's id.
    public var attemptID: UUID
    /// The payment it works on.
    public var paymentID: UUID
    /// The refund it makes, for `refund` attempts.
    public var refundID: UUID?
    /// Which call.
    public var kind: Kind
    /// The `X-Request-ID` sent (and resent, while within the provider's one-hour window).
    public var requestID: String
    /// Where it stands.
    public var state: State
    /// The amount the call asks for (0 for a void).
    public var amountMinor: Int64
    /// The provider's TransactionId of what the call made or changed (the refund's own id).
    public var providerTransactionID: Int64?
    /// The decline code, when declined.
    public var reasonCode: Int32?
    /// Why it failed or is unknown, for people; never secrets.
    public var error: String?
    /// When it was written.
    public var createdAt: Date
    /// When the call was sent.
    public var sentAt: Date?
    /// When its outcome was recorded.
    public var settledAt: Date?
    /// When the reconciler should look at it next.
    public var nextCheckAt: Date?
    /// How often the reconciler looked.
    public var checks: Int32

    /// A new `pending` attempt whose request id is derived from its own id, so a resend reuses it
    /// and another attempt never does.
    public init(
        attemptID: UUID = UUID(),
        paymentID: UUID,
        refundID: UUID? = nil,
        kind: Kind,
        amountMinor: Int64,
        createdAt: Date = Date()
    ) {
        self.attemptID = attemptID
        self.paymentID = paymentID
        self.refundID = refundID
        self.kind = kind
        self.requestID = "bo-\(attemptID.uuidString.lowercased())"
        self.state = .pending
        self.amountMinor = amountMinor
        self.providerTransactionID = nil
        self.reasonCode = nil
        self.error = nil
        self.createdAt = createdAt
        self.sentAt = nil
        self.settledAt = nil
        self.nextCheckAt = nil
        self.checks = 0
    }
}
