/// One operation the sandbox performed, as `GET /sandbox/operations` lists it. Replayed
/// `X-Request-ID`s and refused requests (401, 429, injected 500s and timeouts) perform none.
public struct SandboxOperation: Sendable, Equatable {
    /// What was done.
    public enum Kind: String, Sendable, CaseIterable {
        /// `/payments/cards/charge`.
        case cardCharge
        /// `/payments/cards/auth`.
        case cardAuth
        /// `/payments/cards/post3ds`.
        case post3ds
        /// `/payments/tokens/charge`.
        case tokenCharge
        /// `/payments/tokens/auth`.
        case tokenAuth
        /// `/payments/confirm`.
        case confirm
        /// `/payments/void`.
        case void
        /// `/payments/refund`.
        case refund
        /// `/orders/create`.
        case orderCreate
        /// A payment on the hosted order page.
        case orderPayment
    }

    /// Order of the operation, from 1.
    public var sequence: Int
    /// What was done.
    public var kind: Kind
    /// The terminal it was done for.
    public var publicID: String
    /// The transaction it made or changed (the refund's own id for a refund); nil when refused.
    public var transactionID: Int64?
    /// The InvoiceId of that transaction.
    public var invoiceID: String?
    /// The amount asked for, in minor units.
    public var amountMinor: Int64?
    /// The `X-Request-ID` of the call.
    public var requestID: String?
    /// The answer's `Success`.
    public var success: Bool
    /// The transaction's status after the operation.
    public var status: String?
    /// The transaction's reason code after the operation.
    public var reasonCode: Int?
}
