public import BoxOfficePostgres
public import Foundation

// Entry points for callers that know the payment, not the attempt: a Pay / Fail / Confirm /
// Cancel notification carries the InvoiceId (= payment id), and a Refund notification may
// report a refund made outside BoxOffice (the provider's back office).
extension PaymentSettlement {
    /// Settles `outcome` against the payment's newest charge-kind attempt (charge, post3ds,
    /// hosted_order) — the open one if any — through ``settle(attemptID:outcome:options:in:)``.
    ///
    /// - Returns: nil when the payment has no charge-kind attempt (it does not exist).
    @discardableResult
    public static func settleCharge(
        paymentID: UUID,
        outcome: ProviderOutcome,
        options: Options = Options(),
        in connection: PostgresConnection
    ) async throws -> Result? {
        guard try await PaymentStore.payment(paymentID, forUpdate: true, in: connection) != nil else { return nil }
        let attempts = try await PaymentStore.attempts(payment: paymentID, in: connection).filter {
            $0.kind == .charge || $0.kind == .post3ds || $0.kind == .hostedOrder
        }
        guard let attempt = attempts.last(where: { $0.state.isOpen }) ?? attempts.last else { return nil }
        return try await Self.settle(attemptID: attempt.attemptID, outcome: outcome, options: options, in: connection)
    }

    /// Records a refund the provider reports (`transactionID` is the refund's own id): a pending
    /// refund of ours with that id or amount is settled through its attempt; otherwise a refund
    /// made outside BoxOffice is recorded as succeeded (`requested_by` = `provider`), with its
    /// ledger entries and `payment.refunded`. Repeats (the id already recorded) change nothing.
    ///
    /// - Returns: the payment as it is now; nil when it does not exist.
    /// - Throws: ``PaymentsError`` `.illegalTransition` when the payment took no money,
    ///   `.failedPrecondition` when the refund exceeds what is left.
    @discardableResult
    public static func recordRefund(
        paymentID: UUID,
        transactionID: Int64,
        amountMinor: Int64,
        options: Options = Options(),
        in connection: PostgresConnection
    ) async throws -> PaymentRecord? {
        guard var payment = try await PaymentStore.payment(paymentID, forUpdate: true, in: connection) else {
            return nil
        }
        if try await PaymentStore.refund(providerTransactionID: transactionID, in: connection) != nil {
            return payment
        }
        let attempts = try await PaymentStore.attempts(payment: paymentID, in: connection)
        for attempt in attempts.reversed() where attempt.kind == .refund && attempt.state.isOpen {
            guard let refundID = attempt.refundID,
                let refund = try await PaymentStore.refund(refundID, in: connection),
                refund.amountMinor == amountMinor
            else { continue }
            return try await Self.settle(
                attemptID: attempt.attemptID,
                outcome: .done(transactionID: transactionID),
                options: options,
                in: connection
            ).payment
        }
        let transition = try payment.state.applying(.refunded(amountMinor: amountMinor))
        var refund = RefundRecord(
            paymentID: paymentID,
            amountMinor: amountMinor,
            currency: payment.currency,
            reason: "refunded at the provider",
            requestedBy: "provider",
            createdAt: options.now
        )
        refund.status = .succeeded
        refund.providerTransactionID = transactionID
        try await PaymentStore.insert(refund, in: connection)
        payment.state = transition.state
        payment = try await PaymentStore.update(payment, now: options.now, in: connection)
        try await Ledger.postRefund(
            paymentID: paymentID,
            refundID: refund.refundID,
            amountMinor: amountMinor,
            currency: payment.currency,
            in: connection
        )
        try await PaymentEvents.enqueueRefunded(refund, of: payment, in: connection)
        return payment
    }
}
