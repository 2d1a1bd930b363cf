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

    /// Compares the provider's payments created on the UTC day starting at `dayStart` (every page
    /// of `/v2/payments/list`, refunds left out) with our payments of that day, logs each mismatch
    /// and adds them to the `boxoffice_payments_reconciliation_mismatches_total` counter.
    ///
    /// Per InvoiceId the provider's most advanced transaction counts (a Completed one over an
    /// earlier Declined one of a retried hosted page).
    ///
    /// - Throws: ``CloudPaymentsError`` when the provider cannot be asked, `PostgresError`.
    public func reconcileDay(_ dayStart: Date) async throws -> ReconciliationReport {
        let start = Self.dayStart(of: dayStart)
        let end = start.addingTimeInterval(Self.daySeconds)
        var transactions: [Transaction] = []
        var page = 1
        while true {
            let items = try await self.provider.listPayments(
                createdFrom: start,
                createdTo: end.addingTimeInterval(-1),
                pageNumber: page,
                timeoutMilliseconds: self.configuration.providerTimeoutMilliseconds
            )
            transactions += items.filter { $0.originalTransactionId == nil }
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
        let report = ReconciliationReport(
            dayStart: start,
            providerTransactions: transactions.count,
            payments: ours.count,
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
