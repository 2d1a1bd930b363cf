import BoxOfficeCloudPayments
import BoxOfficePostgres
import CoreMetrics
public import Foundation
import Logging

extension PaymentReconciler {
    /// Our statuses that agree with each provider status of a payment's transaction.
    static let agreeingStatuses: [String: Set<PaymentStatus>] = [
        TransactionStatus.completed.name: [.succeeded, .partiallyRefunded, .refunded],
        TransactionStatus.authorized.name: [.authorized],
        TransactionStatus.cancelled.name: [.voided, .refunded],
        TransactionStatus.declined.name: [.failed],
        TransactionStatus.awaitingAuthentication.name: [.requiresAction],
    ]

    /// Our statuses in which the provider must hold a transaction that took or holds the money.
    static let holdingStatuses: Set<PaymentStatus> = [.succeeded, .partiallyRefunded, .refunded, .authorized]

    /// Compares the provider's payments and refunds created on the UTC day starting at `dayStart`
    /// (every page of `/v2/payments/list`) with our payments and refunds of that day, logs each
    /// mismatch and adds them to the `boxoffice_payments_reconciliation_mismatches_total` counter.
    ///
    /// Per InvoiceId the provider's most advanced transaction counts (a Completed one over an
    /// earlier Declined one of a retried hosted page). Refunds are matched by the refund's own
    /// TransactionId.
    ///
    /// - Throws: ``CloudPaymentsError`` when the provider cannot be asked, `PostgresError`.
    public func reconcileDay(_ dayStart: Date) async throws -> ReconciliationReport {
        let start = Self.dayStart(of: dayStart)
        let end = start.addingTimeInterval(Self.daySeconds)
        var transactions: [Transaction] = []
        var providerRefunds: [Transaction] = []
        var page = 1
        while true {
            let items = try await self.provider.listPayments(
                createdFrom: start,
                createdTo: end.addingTimeInterval(-1),
                pageNumber: page,
                timeoutMilliseconds: self.configuration.providerTimeoutMilliseconds
            )
            transactions += items.filter { $0.originalTransactionId == nil }
            providerRefunds += items.filter { $0.originalTransactionId != nil }
            if items.count < CloudPaymentsClient.listPageSize { break }
            page += 1
        }
        var providerByInvoice: [String: Transaction] = [:]
        for transaction in transactions {
            let invoice = transaction.invoiceId?.lowercased() ?? "#\(transaction.transactionId)"
            if let existing = providerByInvoice[invoice], Self.rank(existing.status) >= Self.rank(transaction.status) {
                continue
            }
            providerByInvoice[invoice] = transaction
        }
        let ours: [PaymentRecord] = try await self.postgres.withConnection { connection in
            try await connection.query(
                """
                SELECT \(unescaped: PaymentStore.paymentColumns) FROM payments
                WHERE created_at >= \(start) AND created_at < \(end)
                """
            ).map(PaymentStore.decodePayment)
        }
        var mismatches: [ReconciliationReport.Mismatch] = []
        // Every provider payment must be ours, in an agreeing state.
        for (invoice, transaction) in providerByInvoice.sorted(by: { $0.key < $1.key }) {
            var payment: PaymentRecord?
            if let id = UUID(uuidString: invoice) {
                payment = try await self.postgres.withConnection { try await PaymentStore.payment(id, in: $0) }
            }
            guard let payment else {
                mismatches.append(
                    .init(
                        kind: .unknownToUs,
                        paymentID: transaction.invoiceId ?? "",
                        providerTransactionID: transaction.transactionId,
                        detail: "provider \(transaction.status.name) \(transaction.amount.minorUnits)"
                    )
                )
                continue
            }
            let agreeing = Self.agreeingStatuses[transaction.status.name] ?? []
            if !agreeing.contains(payment.status) {
                mismatches.append(
                    .init(
                        kind: .statusMismatch,
                        paymentID: payment.paymentID.uuidString.lowercased(),
                        providerTransactionID: transaction.transactionId,
                        detail: "provider \(transaction.status.name), ours \(payment.status)"
                    )
                )
            } else if transaction.status == .completed
                && (transaction.amount.minorUnits != payment.amountMinor
                    || transaction.amount.currency.code != payment.currency)
            {
                mismatches.append(
                    .init(
                        kind: .amountMismatch,
                        paymentID: payment.paymentID.uuidString.lowercased(),
                        providerTransactionID: transaction.transactionId,
                        detail: "provider \(transaction.amount), ours \(payment.amountMinor) \(payment.currency)"
                    )
                )
            }
        }
        // Every payment of ours that took or holds money must be at the provider.
        for payment in ours where Self.holdingStatuses.contains(payment.status) {
            let id = payment.paymentID.uuidString.lowercased()
            if providerByInvoice[id] == nil {
                mismatches.append(
                    .init(
                        kind: .missingAtProvider,
                        paymentID: id,
                        providerTransactionID: payment.providerTransactionID,
                        detail:
                            "ours \(payment.status) \(payment.amountMinor) \(payment.currency), provider none that day"
                    )
                )
            }
        }
        let ourRefunds = try await self.reconcileRefunds(providerRefunds, from: start, to: end, into: &mismatches)
        let report = ReconciliationReport(
            dayStart: start,
            providerTransactions: transactions.count,
            payments: ours.count,
            providerRefunds: providerRefunds.count,
            refunds: ourRefunds,
            mismatches: mismatches
        )
        for mismatch in mismatches {
            self.logger.error(
                "reconciliation mismatch",
                metadata: ["day": "\(Self.dayText(start))", "mismatch": "\(mismatch)"]
            )
        }
        if !mismatches.isEmpty { self.mismatchCounter.increment(by: mismatches.count) }
        self.logger.info(
            "daily reconciliation done",
            metadata: ["day": "\(Self.dayText(start))", "report": "\(report)"]
        )
        return report
    }

    /// Compares the provider's refund transactions of a day with our refunds: each Completed one
    /// must be a succeeded refund of ours of the same amount, and each succeeded refund of ours
    /// created that day must be among them. Returns how many refunds we created that day.
    private func reconcileRefunds(
        _ providerRefunds: [Transaction],
        from start: Date,
        to end: Date,
        into mismatches: inout [ReconciliationReport.Mismatch]
    ) async throws -> Int {
        let completed = providerRefunds.filter { $0.status == .completed }
        let ids = completed.map(\.transactionId)
        // Ours by the provider's refund id, whatever day we wrote them (a refund made just before
        // midnight may be the provider's next day), and ours of this day.
        let idList = ids.map(String.init).joined(separator: ",")
        let (matched, ofDay) = try await self.postgres.withConnection {
            connection -> ([RefundRecord], [RefundRecord]) in
            let matched = try await connection.query(
                """
                SELECT \(unescaped: PaymentStore.refundColumns) FROM refunds
                WHERE provider_transaction_id = ANY(string_to_array(\(idList), ',')::bigint[])
                """
            ).map(PaymentStore.decodeRefund)
            let ofDay = try await connection.query(
                """
                SELECT \(unescaped: PaymentStore.refundColumns) FROM refunds
                WHERE created_at >= \(start) AND created_at < \(end)
                """
            ).map(PaymentStore.decodeRefund)
            return (matched, ofDay)
        }
        var oursByTransaction: [Int64: RefundRecord] = [:]
        for refund in matched {
            if let id = refund.providerTransactionID { oursByTransaction[id] = refund }
        }
        for transaction in completed.sorted(by: { $0.transactionId < $1.transactionId }) {
            let original = transaction.originalTransactionId.map(String.init) ?? "-"
            guard let refund = oursByTransaction[transaction.transactionId] else {
                mismatches.append(
                    .init(
                        kind: .refundUnknownToUs,
                        paymentID: transaction.invoiceId ?? "",
                        providerTransactionID: transaction.transactionId,
                        detail: "provider refund \(transaction.amount.minorUnits) of transaction \(original)"
                    )
                )
                continue
            }
            if refund.status != .succeeded || refund.amountMinor != transaction.amount.minorUnits
                || refund.currency != transaction.amount.currency.code
            {
                mismatches.append(
                    .init(
                        kind: .refundMismatch,
                        paymentID: refund.paymentID.uuidString.lowercased(),
                        providerTransactionID: transaction.transactionId,
                        detail: "provider Completed \(transaction.amount), ours \(refund.status.rawValue) "
                            + "\(refund.amountMinor) \(refund.currency) (refund \(refund.refundID.uuidString.lowercased()))"
                    )
                )
            }
        }
        let providerIDs = Set(ids)
        for refund in ofDay where refund.status == .succeeded {
            guard let id = refund.providerTransactionID, providerIDs.contains(id) else {
                mismatches.append(
                    .init(
                        kind: .refundMissingAtProvider,
                        paymentID: refund.paymentID.uuidString.lowercased(),
                        providerTransactionID: refund.providerTransactionID,
                        detail: "ours succeeded \(refund.amountMinor) \(refund.currency) "
                            + "(refund \(refund.refundID.uuidString.lowercased())), provider none that day"
                    )
                )
                continue
            }
        }
        return ofDay.count
    }

    /// How far a transaction got: a later stage wins when one InvoiceId has several.
    static func rank(_ status: TransactionStatus) -> Int {
        switch status {
        case .unknown: 0
        case .declined: 1
        case .awaitingAuthentication: 2
        case .authorized: 3
        case .cancelled: 4
        case .completed: 5
        }
    }
}
