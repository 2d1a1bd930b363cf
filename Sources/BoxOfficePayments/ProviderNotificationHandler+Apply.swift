import BoxOfficeCloudPayments
import BoxOfficePostgres
import Foundation
import Logging

extension ProviderNotificationHandler {
    /// A verified, parsed notification, reduced to what the inbox keeps and what applying it needs.
    struct Inbound: Sendable {
        enum Amount: Sendable {
            case decimal(DecimalAmount)
            case minor(Int64)
        }

        enum Action: Sendable {
            /// Recorded only.
            case ignore
            /// Older than the replay window: recorded as rejected, not applied.
            case stale(ageSeconds: Int64)
            /// Pay or Fail: settles the payment's charge.
            case charge(Transaction)
            /// Confirm: the held payment was captured.
            case confirm(Transaction)
            /// Cancel: the held payment was voided.
            case cancel(transactionID: Int64, amount: DecimalAmount)
            /// Refund: `transactionID` is the refund's own id.
            case refund(transactionID: Int64, paymentTransactionID: Int64?, amount: Amount)
        }

        var kind: NotificationKind
        var dedupeKey: String
        var transactionID: Int64?
        var invoiceID: String?
        var status: String?
        var amountMinor: Int64?
        var currency: String?
        var action: Action

        init(
            kind: NotificationKind,
            dedupeKey: String,
            transactionID: Int64?,
            invoiceID: String?,
            status: String?,
            amountMinor: Int64? = nil,
            currency: String?,
            action: Action
        ) {
            self.kind = kind
            self.dedupeKey = dedupeKey
            self.transactionID = transactionID
            self.invoiceID = invoiceID
            self.status = status
            self.amountMinor = amountMinor
            self.currency = currency
            self.action = action
        }

        /// Whether it is refused for its age.
        var isStale: Bool {
            if case .stale = self.action { return true }
            return false
        }

        init(kind: NotificationKind, transaction: Transaction, action: Action) {
            self.init(
                kind: kind,
                dedupeKey: "\(kind.rawValue):\(transaction.transactionId)",
                transactionID: transaction.transactionId,
                invoiceID: transaction.invoiceId,
                status: transaction.status.name,
                amountMinor: transaction.amount.minorUnits,
                currency: transaction.amount.currency.code,
                action: action
            )
        }
    }

    /// What applying did, and to which payment.
    struct Applied: Sendable {
        var outcome: ProviderNotificationOutcome
        var paymentID: UUID?
        var amountMinor: Int64?
    }

    /// Records `inbound` and applies it in one transaction; returns once it committed.
    func record(_ inbound: Inbound) async throws -> ProviderNotificationOutcome {
        let applied: Applied = try await self.postgres.withTransaction { connection in
            guard
                let rowID = try await NotificationInbox.insert(
                    kind: inbound.kind.rawValue,
                    dedupeKey: inbound.dedupeKey,
                    transactionID: inbound.transactionID,
                    invoiceID: inbound.invoiceID,
                    status: inbound.status,
                    amountMinor: inbound.amountMinor,
                    currency: inbound.currency,
                    in: connection
                )
            else {
                return Applied(outcome: .duplicate)
            }
            var applied = Applied(outcome: .ignored)
            if case .ignore = inbound.action {
                applied = Applied(outcome: .ignored)
            } else if case .stale = inbound.action {
                applied = Applied(outcome: .rejected)
            } else if let payment = try await self.lockPayment(of: inbound, in: connection) {
                applied = try await self.applySafely(inbound, to: payment, in: connection)
            } else {
                applied = Applied(outcome: .unknownPayment)
            }
            try await NotificationInbox.finish(
                rowID,
                outcome: applied.outcome,
                invoiceID: applied.paymentID.map { $0.uuidString.lowercased() },
                amountMinor: applied.amountMinor,
                in: connection
            )
            if applied.outcome == .applied, let paymentID = applied.paymentID {
                try await self.applyDeferred(paymentID: paymentID, in: connection)
            }
            return applied
        }
        var metadata: Logger.Metadata = [
            "kind": "\(inbound.kind.rawValue)", "transaction": "\(inbound.transactionID.map(String.init) ?? "-")",
            "invoice": "\(inbound.invoiceID ?? "-")", "outcome": "\(applied.outcome.rawValue)",
        ]
        switch applied.outcome {
        case .unknownPayment:
            self.logger.warning("provider notification for a payment we do not have; recorded", metadata: metadata)
        case .rejected where inbound.isStale:
            // Logged at warning with its age when it was refused.
            self.logger.info("stale provider notification recorded as rejected", metadata: metadata)
        case .rejected:
            metadata["payment"] = "\(applied.paymentID.map { $0.uuidString.lowercased() } ?? "-")"
            self.logger.error(
                "provider notification contradicts our records; recorded, not applied",
                metadata: metadata
            )
        default:
            self.logger.info("provider notification recorded", metadata: metadata)
        }
        return applied.outcome
    }

    /// Re-applies the deferred notifications of payments that have settled since they came, up to
    /// `limit` payments; returns how many notifications were applied. The reconciler calls it.
    public func applyDeferredNotifications(limit: Int = 100) async throws -> Int {
        let invoices = try await self.postgres.withConnection {
            try await NotificationInbox.deferredReady(limit: limit, in: $0)
        }
        var applied = 0
        for invoice in invoices {
            guard let paymentID = UUID(uuidString: invoice) else { continue }
            applied += try await self.postgres.withTransaction { connection in
                guard try await PaymentStore.payment(paymentID, forUpdate: true, in: connection) != nil else {
                    return 0
                }
                return try await self.applyDeferred(paymentID: paymentID, in: connection)
            }
        }
        return applied
    }

    /// Applies the deferred rows of `paymentID` (locked by the caller) that its state now allows.
    @discardableResult
    func applyDeferred(paymentID: UUID, in connection: PostgresConnection) async throws -> Int {
        var applied = 0
        for row in try await NotificationInbox.deferred(invoiceID: paymentID.uuidString.lowercased(), in: connection) {
            guard row.kind == NotificationKind.refund.rawValue, let transactionID = row.transactionID,
                let amountMinor = row.amountMinor,
                let payment = try await PaymentStore.payment(paymentID, forUpdate: true, in: connection)
            else { continue }
            let inbound = Inbound(
                kind: .refund,
                dedupeKey: "",
                transactionID: transactionID,
                invoiceID: row.invoiceID,
                status: row.status,
                amountMinor: amountMinor,
                currency: row.currency,
                action: .refund(transactionID: transactionID, paymentTransactionID: nil, amount: .minor(amountMinor))
            )
            let result = try await self.applySafely(inbound, to: payment, in: connection)
            guard result.outcome != .deferred else { continue }
            try await NotificationInbox.finish(
                row.id,
                outcome: result.outcome,
                invoiceID: nil,
                amountMinor: nil,
                in: connection
            )
            if result.outcome == .applied { applied += 1 }
            self.logger.info(
                "deferred provider notification re-applied",
                metadata: [
                    "kind": "\(row.kind)", "transaction": "\(transactionID)", "outcome": "\(result.outcome.rawValue)",
                ]
            )
        }
        return applied
    }

    /// The payment a notification is about, locked: by InvoiceId (= payment id), else by the
    /// provider's TransactionId of the payment.
    func lockPayment(of inbound: Inbound, in connection: PostgresConnection) async throws -> PaymentRecord? {
        if let text = inbound.invoiceID, let id = UUID(uuidString: text),
            let payment = try await PaymentStore.payment(id, forUpdate: true, in: connection)
        {
            return payment
        }
        let transactionID: Int64?
        switch inbound.action {
        case .refund(_, let paymentTransactionID, _): transactionID = paymentTransactionID
        case .ignore, .stale: transactionID = nil
        case .charge, .confirm, .cancel: transactionID = inbound.transactionID
        }
        guard let transactionID else { return nil }
        return try await PaymentStore.payment(providerTransactionID: transactionID, forUpdate: true, in: connection)
    }

    /// Applies under a savepoint: an outcome the state machine refuses rolls back to it and is
    /// recorded as deferred, stale or rejected instead of failing the whole notification.
    func applySafely(
        _ inbound: Inbound,
        to payment: PaymentRecord,
        in connection: PostgresConnection
    ) async throws
        -> Applied
    {
        try await connection.execute("SAVEPOINT provider_notification")
        do {
            let applied = try await self.apply(inbound, to: payment, in: connection)
            try await connection.execute("RELEASE SAVEPOINT provider_notification")
            return applied
        } catch let error as PaymentsError where error.code == .illegalTransition || error.code == .failedPrecondition {
            try await connection.execute("ROLLBACK TO SAVEPOINT provider_notification")
            let outcome: ProviderNotificationOutcome
            switch payment.status {
            case _ where error.code == .failedPrecondition: outcome = .rejected
            case .created, .requiresAction, .unknown: outcome = .deferred
            default: outcome = .stale
            }
            self.logger.notice(
                "provider notification not applicable to the payment's state",
                metadata: [
                    "kind": "\(inbound.kind.rawValue)", "payment": "\(payment.paymentID)",
                    "status": "\(payment.status)",
                    "outcome": "\(outcome.rawValue)", "reason": "\(error.message)",
                ]
            )
            return Applied(outcome: outcome, paymentID: payment.paymentID, amountMinor: inbound.amountMinor)
        } catch let error as CloudPaymentsError {
            // An amount the payment's currency cannot hold.
            try await connection.execute("ROLLBACK TO SAVEPOINT provider_notification")
            self.logger.error("provider notification amount unusable", metadata: ["reason": "\(error.message)"])
            return Applied(outcome: .rejected, paymentID: payment.paymentID, amountMinor: inbound.amountMinor)
        }
    }

    func apply(_ inbound: Inbound, to payment: PaymentRecord, in connection: PostgresConnection) async throws -> Applied
    {
        var applied = Applied(outcome: .noChange, paymentID: payment.paymentID, amountMinor: inbound.amountMinor)
        let options = PaymentSettlement.Options(
            now: Date(),
            unknownRecheckAfterSeconds: self.configuration.reconcileScheduleSeconds[0],
            threeDsTermURL: self.configuration.threeDsTermURL
        )
        let currency = try Currency(code: payment.currency)
        let attempts = try await PaymentStore.attempts(payment: payment.paymentID, in: connection)
        func attempt(_ kinds: Set<AttemptRecord.Kind>, refund: UUID? = nil) -> AttemptRecord? {
            let matching = attempts.filter { kinds.contains($0.kind) && (refund == nil || $0.refundID == refund) }
            return matching.last { $0.state.isOpen } ?? matching.last
        }
        let chargeKinds: Set<AttemptRecord.Kind> = [.charge, .post3ds, .hostedOrder]
        let result: PaymentSettlement.Result
        switch inbound.action {
        case .ignore:
            applied.outcome = .ignored
            return applied
        case .stale:
            applied.outcome = .rejected
            return applied
        case .charge(let transaction), .confirm(let transaction):
            guard transaction.amount.currency.code == payment.currency,
                transaction.amount.minorUnits <= payment.requestedMinor
            else {
                applied.outcome = .rejected
                return applied
            }
            var target = attempt(chargeKinds)
            if case .confirm = inbound.action {
                if let capture = attempts.last(where: { $0.kind == .capture && $0.state.isOpen }) {
                    target = capture
                } else if payment.status == .authorized {
                    // A capture made at the provider (its back office), maybe of part of the held
                    // money: recorded as a capture attempt of the amount it took, so that the
                    // payment and the ledger take that amount, not the whole authorization.
                    let capture = AttemptRecord(
                        paymentID: payment.paymentID,
                        kind: .capture,
                        amountMinor: transaction.amount.minorUnits
                    )
                    try await PaymentStore.insert(capture, in: connection)
                    target = capture
                }
            }
            guard let target else {
                applied.outcome = .rejected
                return applied
            }
            result = try await PaymentSettlement.settle(
                attemptID: target.attemptID,
                outcome: .transaction(transaction),
                options: options,
                in: connection
            )
        case .cancel(let transactionID, let amount):
            if let void = attempts.last(where: { $0.kind == .void && $0.state.isOpen }) {
                result = try await PaymentSettlement.settle(
                    attemptID: void.attemptID,
                    outcome: .done(transactionID: transactionID),
                    options: options,
                    in: connection
                )
            } else if let target = attempt(chargeKinds) {
                let transaction = Transaction(
                    transactionId: transactionID,
                    amount: try amount.money(in: currency),
                    status: .cancelled,
                    invoiceId: payment.paymentID.uuidString.lowercased()
                )
                result = try await PaymentSettlement.settle(
                    attemptID: target.attemptID,
                    outcome: .transaction(transaction),
                    options: options,
                    in: connection
                )
            } else {
                applied.outcome = .rejected
                return applied
            }
        case .refund(let transactionID, _, let amount):
            let amountMinor: Int64
            switch amount {
            case .minor(let minor): amountMinor = minor
            case .decimal(let decimal): amountMinor = try decimal.money(in: currency).minorUnits
            }
            applied.amountMinor = amountMinor
            switch payment.status {
            case .succeeded, .partiallyRefunded, .refunded:
                break
            case .created, .requiresAction, .unknown, .authorized, .failed:
                // Came before the payment's own outcome (a reordered delivery): keep it for later.
                applied.outcome = .deferred
                return applied
            default:
                applied.outcome = .rejected
                return applied
            }
            let refunds = try await PaymentStore.refunds(payment: payment.paymentID, in: connection)
            let byID = refunds.first(where: { $0.providerTransactionID == transactionID })
            let known =
                byID
                ?? refunds.first(where: {
                    $0.status == .pending && $0.providerTransactionID == nil && $0.amountMinor == amountMinor
                })
            var refundAttempt: AttemptRecord?
            if let known {
                if known.status == .succeeded {
                    return applied
                }
                refundAttempt = attempt([.refund], refund: known.refundID)
            }
            if refundAttempt == nil {
                // A refund made outside BoxOffice (the provider's back office): record it.
                let refund = RefundRecord(
                    paymentID: payment.paymentID,
                    amountMinor: amountMinor,
                    currency: payment.currency,
                    reason: "refunded at the provider",
                    requestedBy: "provider"
                )
                try await PaymentStore.insert(refund, in: connection)
                let record = AttemptRecord(
                    paymentID: payment.paymentID,
                    refundID: refund.refundID,
                    kind: .refund,
                    amountMinor: amountMinor
                )
                try await PaymentStore.insert(record, in: connection)
                refundAttempt = record
            }
            result = try await PaymentSettlement.settle(
                attemptID: refundAttempt!.attemptID,
                outcome: .done(transactionID: transactionID),
                options: options,
                in: connection
            )
        }
        applied.outcome = result.changed ? .applied : .noChange
        return applied
    }
}
