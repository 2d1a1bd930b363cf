public import Foundation

/// What the daily reconciliation against the provider's `/v2/payments/list` found for one UTC day.
public struct ReconciliationReport: Sendable, CustomStringConvertible {
    /// One disagreement between the provider and our records.
    public struct Mismatch: Hashable, Sendable, CustomStringConvertible {
        /// What kind of disagreement.
        public enum Kind: String, Hashable, Sendable, CaseIterable {
            /// The provider has a payment whose InvoiceId is none of ours.
            case unknownToUs = "unknown_to_us"
            /// We record money taken or held that the provider has no transaction for.
            case missingAtProvider = "missing_at_provider"
            /// The provider's status and ours disagree (money taken there, not here, or the reverse).
            case statusMismatch = "status_mismatch"
            /// The amounts disagree.
            case amountMismatch = "amount_mismatch"
            /// The provider made a refund that none of our refunds records.
            case refundUnknownToUs = "refund_unknown_to_us"
            /// We record a succeeded refund that the provider has no refund transaction for.
            case refundMissingAtProvider = "refund_missing_at_provider"
            /// A refund's amount, or its status (provider Completed, ours not succeeded), disagrees.
            case refundMismatch = "refund_mismatch"
        }

        /// What kind.
        public var kind: Kind
        /// Our payment id (the provider's InvoiceId), when there is one.
        public var paymentID: String
        /// The provider's TransactionId, when there is one.
        public var providerTransactionID: Int64?
        /// The two sides, for people.
        public var detail: String

        /// A mismatch.
        public init(kind: Kind, paymentID: String, providerTransactionID: Int64?, detail: String) {
            self.kind = kind
            self.paymentID = paymentID
            self.providerTransactionID = providerTransactionID
            self.detail = detail
        }

        public var description: String {
            "\(self.kind.rawValue): payment \(self.paymentID), transaction "
                + "\(self.providerTransactionID.map(String.init) ?? "-"): \(self.detail)"
        }
    }

    /// The first instant of the day reconciled (UTC midnight).
    public var dayStart: Date
    /// Provider payments (not refunds) created that day.
    public var providerTransactions: Int
    /// Our payments created that day.
    public var payments: Int
    /// Provider refund transactions created that day.
    public var providerRefunds: Int
    /// Our refunds created that day.
    public var refunds: Int
    /// Every disagreement; empty when the books agree.
    public var mismatches: [Mismatch]

    /// A report.
    public init(
        dayStart: Date,
        providerTransactions: Int,
        payments: Int,
        providerRefunds: Int = 0,
        refunds: Int = 0,
        mismatches: [Mismatch]
    ) {
        self.dayStart = dayStart
        self.providerTransactions = providerTransactions
        self.payments = payments
        self.providerRefunds = providerRefunds
        self.refunds = refunds
        self.mismatches = mismatches
    }

    public var description: String {
        "ReconciliationReport(\(self.dayStart), provider \(self.providerTransactions), ours \(self.payments), "
            + "refunds provider \(self.providerRefunds), ours \(self.refunds), mismatches \(self.mismatches.count))"
    }
}
