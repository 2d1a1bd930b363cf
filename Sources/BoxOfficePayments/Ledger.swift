public import BoxOfficePostgres
public import Foundation

/// The double-entry ledger: every money movement is one balanced journal, posted in the
/// transaction that changes the payment's state (never on its own).
///
/// Accounts: `provider_receivable` (what the provider owes us for taken money) and
/// `customer_payments` (what customers paid). A charge (or capture) debits the first and credits
/// the second; a refund reverses it. Authorizations, voids, failures and unknowns post nothing.
public enum Ledger {
    /// An account of the ledger.
    public enum Account: String, Hashable, Sendable, CaseIterable {
        /// What the provider owes us for money it took.
        case providerReceivable = "provider_receivable"
        /// What customers paid us.
        case customerPayments = "customer_payments"
    }

    /// Posts a charge (or capture) of `amountMinor`: debit provider_receivable, credit
    /// customer_payments. Returns the journal id.
    @discardableResult
    public static func postCharge(
        paymentID: UUID,
        amountMinor: Int64,
        currency: String,
        in connection: PostgresConnection
    ) async throws -> UUID {
        try await Self.post(
            paymentID: paymentID,
            refundID: nil,
            debit: .providerReceivable,
            credit: .customerPayments,
            amountMinor: amountMinor,
            currency: currency,
            in: connection
        )
    }

    /// Posts a refund of `amountMinor`: debit customer_payments, credit provider_receivable.
    /// Returns the journal id.
    @discardableResult
    public static func postRefund(
        paymentID: UUID,
        refundID: UUID,
        amountMinor: Int64,
        currency: String,
        in connection: PostgresConnection
    ) async throws -> UUID {
        try await Self.post(
            paymentID: paymentID,
            refundID: refundID,
            debit: .customerPayments,
            credit: .providerReceivable,
            amountMinor: amountMinor,
            currency: currency,
            in: connection
        )
    }

    /// Posts one balanced journal: `amountMinor` debited to `debit` and credited to `credit`.
    ///
    /// - Precondition: `amountMinor > 0` and `debit != credit` (programmer errors).
    @discardableResult
    public static func post(
        paymentID: UUID,
        refundID: UUID?,
        debit: Account,
        credit: Account,
        amountMinor: Int64,
        currency: String,
        in connection: PostgresConnection
    ) async throws -> UUID {
        precondition(amountMinor > 0, "ledger amounts are positive")
        precondition(debit != credit, "a journal moves money between two accounts")
        let journalID = UUID()
        // Queued: the entries go with the transaction's next statement or its COMMIT.
        try connection.enqueue(
            """
            INSERT INTO ledger_entries (journal_id, payment_id, refund_id, account, side, amount_minor, currency)
            VALUES (\(journalID), \(paymentID), \(refundID), \(debit.rawValue), 'debit', \(amountMinor), \(currency)),
                   (\(journalID), \(paymentID), \(refundID), \(credit.rawValue), 'credit', \(amountMinor), \(currency))
            """
        )
        return journalID
    }
}
