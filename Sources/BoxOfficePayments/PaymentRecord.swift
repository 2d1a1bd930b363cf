public import Foundation

/// A row of `payments`.
public struct PaymentRecord: Hashable, Sendable {
    /// How the payment is made.
    public enum Source: String, Hashable, Sendable {
        /// A card cryptogram from the provider's widget.
        case cryptogram
        /// A saved token.
        case savedMethod = "saved_method"
        /// The provider's hosted page (`/orders/create`).
        case hostedPage = "hosted_page"
    }

    /// The payment's id; also the provider's InvoiceId.
    public var paymentID: UUID
    /// The payer; the provider's AccountId.
    public var userID: UUID
    /// The UserService invoice it pays.
    public var invoiceID: String
    /// Where it stands.
    public var status: PaymentStatus
    /// What is (or will be) taken; a partial capture lowers it.
    public var amountMinor: Int64
    /// What was asked for (and held, when two-stage).
    public var requestedMinor: Int64
    /// ISO 4217 code.
    public var currency: String
    /// Refunded so far (succeeded refunds only).
    public var refundedMinor: Int64
    /// How it is paid.
    public var source: Source
    /// The saved method used or saved.
    public var paymentMethodID: UUID?
    /// Whether to save the card's token on success.
    public var saveMethod: Bool
    /// A scheduled renewal (merchant-initiated token charge).
    public var recurring: Bool
    /// Authorize now, capture later.
    public var twoStage: Bool
    /// The provider's TransactionId, once known.
    public var providerTransactionID: Int64?
    /// The `PaymentAction` protobuf bytes while the payer must act.
    public var action: [UInt8]?
    /// The decline code, when failed.
    public var failureCode: Int32
    /// A short reason for people, when failed.
    public var failureMessage: String
    /// Whether the failure must not be retried.
    public var failureFinal: Bool
    /// Shown on the provider's receipt.
    public var description: String
    /// The payer's e-mail for the receipt; empty for none.
    public var email: String
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// Bumped by every update.
    public var version: Int32

    /// A new payment in `created`.
    public init(
        paymentID: UUID = UUID(),
        userID: UUID,
        invoiceID: String,
        amountMinor: Int64,
        currency: String,
        source: Source,
        paymentMethodID: UUID? = nil,
        saveMethod: Bool = false,
        recurring: Bool = false,
        twoStage: Bool = false,
        description: String = "",
        email: String = "",
        createdAt: Date = Date()
    ) {
        self.paymentID = paymentID
        self.userID = userID
        self.invoiceID = invoiceID
        self.status = .created
        self.amountMinor = amountMinor
        self.requestedMinor = amountMinor
        self.currency = currency
        self.refundedMinor = 0
        self.source = source
        self.paymentMethodID = paymentMethodID
        self.saveMethod = saveMethod
        self.recurring = recurring
        self.twoStage = twoStage
        self.providerTransactionID = nil
        self.action = nil
        self.failureCode = 0
        self.failureMessage = ""
        self.failureFinal = false
        self.description = description
        self.email = email
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.version = 1
    }

    /// The state machine's view of the row.
    public var state: PaymentState {
        get { PaymentState(status: self.status, amountMinor: self.amountMinor, refundedMinor: self.refundedMinor) }
        set {
            self.status = newValue.status
            self.amountMinor = newValue.amountMinor
            self.refundedMinor = newValue.refundedMinor
        }
    }
}
