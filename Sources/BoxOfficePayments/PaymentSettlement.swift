// The one place where a provider outcome is applied to a payment. Used by the synchronous
// answer of every PaymentService call, by the notification handler and by the reconciler:
//
//     try await postgres.withTransaction { connection in
//         try await PaymentSettlement.settle(
//             attemptID: UUID,               // the attempt the outcome belongs to
//             outcome: ProviderOutcome,      // .transaction(Transaction) / .challenge / .order / .done(id)
//                                            // / .refused(msg) / .notSent(msg) / .unknown(msg)
//             options: PaymentSettlement.Options(now:unknownRecheckAfterSeconds:threeDsTermURL:),
//             in: connection                 // must be inside a transaction
//         ) -> PaymentSettlement.Result       // payment and attempt as written, changed, releaseIdempotencyKey,
//                                            // hadTakenMoney
//     }
//
// It locks the payment row (FOR UPDATE) first, then the attempt (and the refund), so whoever
// comes second sees the settled state; repeating an outcome already recorded changes nothing
// (no second ledger entry, no second event). State change, ledger entries, outbox events and the
// saved method are written on the caller's connection, so they commit together or not at all.
import BoxOfficeCloudPayments
public import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
public import Foundation

/// Applies a provider outcome to an attempt and its payment (see the comment at the top of the file).
///
/// How a ``ProviderOutcome/transaction(_:)`` is read, per attempt kind:
/// - charge / post3ds / hosted_order: Completed → succeeded (ledger, `payment.succeeded`, method
///   saved if asked); Authorized → authorized (method saved if asked); Declined → failed
///   (`payment.failed`, ReasonCode and its retry class); AwaitingAuthentication → still waiting
///   (the attempt stays open); Cancelled → voided for a two-stage payment (for a one-stage one it
///   means a refund made elsewhere and throws `.illegalTransition`: settle it by hand).
///   Challenge / order → requires_action; the attempt stays `unknown` ("awaiting the payer") with
///   a `next_check_at`, so the reconciler can settle or expire it if the payer never returns.
///   A final outcome closes every other open charge-kind attempt of the payment.
/// - capture: `.done` or Completed → succeeded for the attempt's amount (ledger, event);
///   Authorized → the capture did not happen (attempt failed); Cancelled → voided.
/// - void: `.done` or Cancelled → voided (`payment.voided`); Authorized → attempt failed.
/// - refund: `.done(id)` or the refund transaction Completed → refund succeeded, payment
///   partially_refunded / refunded (ledger, `payment.refunded`); Declined / refused → refund failed.
/// For every kind, `.unknown` leaves the attempt `unknown` with `next_check_at = now + recheck`
/// (a charge's payment becomes unknown; an authorized payment stays authorized), and `.notSent`
/// fails the attempt and asks the caller to release the idempotency key.
public enum PaymentSettlement {
    /// Settings of a settlement.
    public struct Options: Sendable {
        /// The time recorded as `settled_at` and the payment's `updated_at`, and the base of
        /// `next_check_at`.
        public var now: Date
        /// When an unknown attempt is looked at next: `now` + this.
        public var unknownRecheckAfterSeconds: Int64
        /// The `TermUrl` put into a 3-D Secure action.
        public var threeDsTermURL: String

        /// Options.
        public init(
            now: Date = Date(),
            unknownRecheckAfterSeconds: Int64 = PaymentsConfiguration.reconcileScheduleSecondsDefault[0],
            threeDsTermURL: String = PaymentsConfiguration.threeDsTermURLDefault
        ) {
            self.now = now
            self.unknownRecheckAfterSeconds = unknownRecheckAfterSeconds
            self.threeDsTermURL = threeDsTermURL
        }
    }

    /// What a settlement did.
    public struct Result: Sendable {
        /// The payment as it is now.
        public var payment: PaymentRecord
        /// The attempt as it is now.
        public var attempt: AttemptRecord
        /// Whether the payment's status changed (false for a repeat of a recorded outcome).
        public var changed: Bool
        /// The call never reached the provider: the idempotency key should be released so the
        /// caller may retry.
        public var releaseIdempotencyKey: Bool
        /// Whether the payment had taken money before this settlement. Only such a payment can
        /// have refunds (a refund needs a succeeded payment, and a payment that took money stays
        /// succeeded, partially refunded or refunded), so without it there are none to read.
        public var hadTakenMoney: Bool
    }

    /// Applies `outcome` to the attempt `attemptID` and its payment; see the type's documentation.
    ///
    /// - Throws: ``PaymentsError`` `.notFound` for an unknown attempt, `.illegalTransition` for an
    ///   outcome the payment's state cannot take; `PostgresError`.
    @discardableResult
    public static func settle(
        attemptID: UUID,
        outcome: ProviderOutcome,
        options: Options = Options(),
        in connection: PostgresConnection
    ) async throws -> Result {
        // Payment first, then attempt: every path takes the locks in this order.
        guard let locked = try await PaymentStore.lockedPaymentAndAttempt(attemptID, in: connection) else {
            throw PaymentsError(code: .notFound, message: "attempt \(attemptID) does not exist")
        }
        var (payment, attempt) = locked
        var work = Work(payment: payment, attempt: attempt, options: options)
        switch attempt.kind {
        case .charge, .post3ds, .hostedOrder: try await work.charge(outcome, in: connection)
        case .capture: try await work.capture(outcome, in: connection)
        case .void: try await work.void(outcome, in: connection)
        case .refund: try await work.refund(outcome, in: connection)
        }
        // Written when anything changed, a transition or only a field (the provider's id).
        if work.payment != payment {
            payment = try await PaymentStore.update(work.payment, now: options.now, in: connection)
        }
        attempt = work.attempt
        if work.attemptTouched {
            try await PaymentStore.update(attempt, in: connection)
        }
        return Result(
            payment: payment,
            attempt: attempt,
            changed: work.changed,
            releaseIdempotencyKey: work.releaseIdempotencyKey,
            hadTakenMoney: locked.payment.status.hasTakenMoney
        )
    }
}

/// The mutable state of one settlement.
private struct Work {
    var payment: PaymentRecord
    var attempt: AttemptRecord
    let options: PaymentSettlement.Options
    var changed = false
    var attemptTouched = false
    var releaseIdempotencyKey = false

    init(payment: PaymentRecord, attempt: AttemptRecord, options: PaymentSettlement.Options) {
        self.payment = payment
        self.attempt = attempt
        self.options = options
    }

    // MARK: - Attempt states

    mutating func close(
        _ state: AttemptRecord.State,
        transactionID: Int64? = nil,
        reason: Int32? = nil,
        error: String? = nil
    ) {
        guard self.attempt.state.isOpen else { return }
        self.attempt.state = state
        self.attempt.providerTransactionID = transactionID ?? self.attempt.providerTransactionID
        self.attempt.reasonCode = reason ?? self.attempt.reasonCode
        self.attempt.error = error
        self.attempt.settledAt = self.options.now
        self.attempt.nextCheckAt = nil
        self.attemptTouched = true
    }

    mutating func keepOpen(_ why: String, transactionID: Int64? = nil) {
        guard self.attempt.state.isOpen else { return }
        self.attempt.state = .unknown
        self.attempt.providerTransactionID = transactionID ?? self.attempt.providerTransactionID
        self.attempt.error = why
        self.attempt.nextCheckAt = self.options.now.addingTimeInterval(Double(self.options.unknownRecheckAfterSeconds))
        self.attemptTouched = true
    }

    // MARK: - Payment transitions

    /// Applies `event` through the state machine; returns whether it changed the payment.
    mutating func transition(_ event: PaymentState.Event) throws(PaymentsError) -> Bool {
        let transition = try self.payment.state.applying(event)
        guard !transition.isNoOp else { return false }
        self.payment.state = transition.state
        if self.payment.status != .requiresAction { self.payment.action = nil }
        self.changed = true
        return true
    }

    // MARK: - Charges

    mutating func charge(_ outcome: ProviderOutcome, in connection: PostgresConnection) async throws {
        switch outcome {
        case .transaction(let transaction):
            if self.payment.providerTransactionID == nil {
                self.payment.providerTransactionID = transaction.transactionId
            }
            switch transaction.status {
            case .completed:
                if try self.transition(.approved) {
                    self.clearFailure()
                    try await self.saveMethodIfAsked(transaction, in: connection)
                    try await Ledger.postCharge(
                        paymentID: self.payment.paymentID,
                        amountMinor: self.payment.amountMinor,
                        currency: self.payment.currency,
                        in: connection
                    )
                    try await PaymentEvents.enqueueSucceeded(self.payment, in: connection)
                }
                self.close(.succeeded, transactionID: transaction.transactionId)
                try await self.closeSiblings(.succeeded, in: connection)
            case .authorized:
                if try self.transition(.authorized) {
                    self.clearFailure()
                    try await self.saveMethodIfAsked(transaction, in: connection)
                }
                self.close(.succeeded, transactionID: transaction.transactionId)
                try await self.closeSiblings(.succeeded, in: connection)
            case .declined:
                let code = transaction.reasonCode ?? .none
                if try self.transition(.declined) {
                    self.payment.failureCode = Int32(code.rawValue)
                    self.payment.failureMessage =
                        transaction.reason ?? code.name ?? transaction.cardHolderMessage ?? "declined"
                    self.payment.failureFinal = code.retryClass == .unconditionallyNegative
                    try await PaymentEvents.enqueueFailed(self.payment, in: connection)
                }
                self.close(.declined, transactionID: transaction.transactionId, reason: Int32(code.rawValue))
                try await self.closeSiblings(.declined, in: connection)
            case .awaitingAuthentication:
                self.keepOpen("awaiting the payer's 3-D Secure", transactionID: transaction.transactionId)
            case .cancelled where self.payment.twoStage:
                if self.payment.status != .authorized && self.payment.status != .voided {
                    _ = try self.transition(.authorized)
                }
                if try self.transition(.voided) {
                    try await PaymentEvents.enqueueVoided(self.payment, in: connection)
                }
                self.close(.succeeded, transactionID: transaction.transactionId)
                try await self.closeSiblings(.succeeded, in: connection)
            case .cancelled, .unknown:
                throw PaymentsError(
                    code: .illegalTransition,
                    message: "a \(transaction.status) transaction cannot settle a \(self.attempt.kind.rawValue) "
                        + "attempt of a payment in status \(self.payment.status); reconcile it by hand"
                )
            }
        case .challenge(let challenge):
            if self.payment.status == .created { self.payment.providerTransactionID = challenge.transactionId }
            // Only a payment still waiting for its first answer can ask the payer to act; a
            // challenge replayed to a resend after the payment moved on changes nothing.
            if self.awaitsFirstAnswer, try self.transition(.actionRequired) {
                var threeDs = Payments_V1_ThreeDsAction()
                threeDs.acsURL = challenge.acsURL
                threeDs.paReq = challenge.paReq
                threeDs.md = String(challenge.transactionId)
                threeDs.termURL = self.options.threeDsTermURL
                var action = Payments_V1_PaymentAction()
                action.kind = .threeDs(threeDs)
                self.payment.action = try action.serializedBytes()
            }
            self.keepOpen("awaiting the payer's 3-D Secure", transactionID: challenge.transactionId)
        case .order(let order):
            if self.awaitsFirstAnswer, try self.transition(.actionRequired) {
                var redirect = Payments_V1_RedirectAction()
                redirect.url = order.url
                var action = Payments_V1_PaymentAction()
                action.kind = .redirect(redirect)
                self.payment.action = try action.serializedBytes()
            }
            self.keepOpen("awaiting the payer on the hosted page")
        case .refused(let message), .notSent(let message):
            let notSent: Bool
            if case .notSent = outcome { notSent = true } else { notSent = false }
            if try self.transition(.declined) {
                self.payment.failureCode = 0
                self.payment.failureMessage = notSent ? "provider unreachable" : message
                // An invalid request fails again when repeated; an unreachable provider may not.
                self.payment.failureFinal = !notSent
                try await PaymentEvents.enqueueFailed(self.payment, in: connection)
            }
            self.close(.failed, error: message)
            try await self.closeSiblings(.failed, in: connection)
            self.releaseIdempotencyKey = notSent
        case .unknown(let message):
            switch self.payment.status {
            case .created, .requiresAction, .unknown:
                _ = try self.transition(.outcomeUnknown)
                self.keepOpen(message)
            default:
                // Settled meanwhile (a notification came first): this call's answer is moot.
                self.close(self.payment.status == .failed ? .declined : .succeeded, error: nil)
            }
        case .done:
            throw PaymentsError(
                code: .illegalTransition,
                message: "a \(self.attempt.kind.rawValue) attempt cannot be settled by an acknowledgement"
            )
        }
    }

    /// Whether the payment has had no answer yet (a challenge or an order may still apply).
    var awaitsFirstAnswer: Bool {
        self.payment.status == .created || self.payment.status == .requiresAction
    }

    mutating func clearFailure() {
        self.payment.failureCode = 0
        self.payment.failureMessage = ""
        self.payment.failureFinal = false
    }

    /// Closes the other open charge-kind attempts of the payment (a 3-D Secure charge attempt
    /// awaiting the payer when its post3ds settles).
    func closeSiblings(_ state: AttemptRecord.State, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            UPDATE attempts SET state = \(state.rawValue), settled_at = \(self.options.now), next_check_at = NULL
            WHERE payment_id = \(self.payment.paymentID) AND attempt_id <> \(self.attempt.attemptID)
              AND kind IN ('charge', 'post3ds', 'hosted_order') AND state IN ('pending', 'unknown')
            """
        )
    }

    /// Saves the card's token when the payment asked for it and the provider issued one.
    mutating func saveMethodIfAsked(_ transaction: Transaction, in connection: PostgresConnection) async throws {
        guard self.payment.saveMethod, self.payment.paymentMethodID == nil, let token = transaction.token,
            !token.isEmpty, let firstSix = transaction.cardFirstSix, firstSix.count == 6,
            let lastFour = transaction.cardLastFour, lastFour.count == 4,
            let expiry = CardExpiry(transaction.cardExpDate)
        else { return }
        let (method, inserted) = try await PaymentMethodStore.save(
            PaymentMethodRecord(
                userID: self.payment.userID,
                token: token,
                brand: transaction.cardType ?? "",
                firstSix: firstSix,
                lastFour: lastFour,
                expMonth: expiry.month,
                expYear: expiry.year,
                createdAt: self.options.now
            ),
            in: connection
        )
        self.payment.paymentMethodID = method.paymentMethodID
        if inserted {
            try await PaymentEvents.enqueueMethodSaved(method, by: self.payment, in: connection)
        }
    }

    // MARK: - Capture, void, refund

    mutating func capture(_ outcome: ProviderOutcome, in connection: PostgresConnection) async throws {
        switch outcome {
        case .done, .transaction(Transaction.completedPattern):
            if try self.transition(.captured(amountMinor: self.attempt.amountMinor)) {
                try await Ledger.postCharge(
                    paymentID: self.payment.paymentID,
                    amountMinor: self.payment.amountMinor,
                    currency: self.payment.currency,
                    in: connection
                )
                try await PaymentEvents.enqueueSucceeded(self.payment, in: connection)
            }
            self.close(.succeeded)
        case .transaction(let transaction):
            try await self.notDone(transaction, in: connection)
        case .refused, .notSent, .unknown, .challenge, .order:
            _ = try self.settleWithoutSuccess(outcome, operation: "a capture")
        }
    }

    mutating func void(_ outcome: ProviderOutcome, in connection: PostgresConnection) async throws {
        switch outcome {
        case .done, .transaction(Transaction.cancelledPattern):
            if try self.transition(.voided) {
                try await PaymentEvents.enqueueVoided(self.payment, in: connection)
            }
            self.close(.succeeded)
        case .transaction(let transaction):
            try await self.notDone(transaction, in: connection)
        case .refused, .notSent, .unknown, .challenge, .order:
            _ = try self.settleWithoutSuccess(outcome, operation: "a void")
        }
    }

    /// The outcomes a capture, a void and a refund settle alike: refused or never sent closes the
    /// attempt failed (never sent also frees the idempotency key, so the call may be made again),
    /// unknown keeps it open for the reconciler, and a payer's action cannot be asked for
    /// `operation`. Returns whether the attempt closed failed. Other outcomes are the caller's.
    mutating func settleWithoutSuccess(_ outcome: ProviderOutcome, operation: String) throws(PaymentsError) -> Bool {
        switch outcome {
        case .refused(let message):
            self.close(.failed, error: message)
            return true
        case .notSent(let message):
            self.close(.failed, error: message)
            self.releaseIdempotencyKey = true
            return true
        case .unknown(let message):
            self.keepOpen(message)
            return false
        case .challenge, .order:
            throw PaymentsError(code: .illegalTransition, message: "\(operation) cannot require the payer's action")
        case .done, .transaction:
            return false
        }
    }

    /// A capture or void that the provider's transaction shows did not happen as asked.
    mutating func notDone(_ transaction: Transaction, in connection: PostgresConnection) async throws {
        switch transaction.status {
        case .completed:
            // A void found the payment captured: book the capture.
            if try self.transition(.captured(amountMinor: transaction.amount.minorUnits)) {
                try await Ledger.postCharge(
                    paymentID: self.payment.paymentID,
                    amountMinor: self.payment.amountMinor,
                    currency: self.payment.currency,
                    in: connection
                )
                try await PaymentEvents.enqueueSucceeded(self.payment, in: connection)
            }
            self.close(.failed, error: "the payment was captured")
        case .cancelled:
            if try self.transition(.voided) {
                try await PaymentEvents.enqueueVoided(self.payment, in: connection)
            }
            self.close(.failed, error: "the authorization was voided")
        case .authorized:
            self.close(.failed, error: "the provider still holds the payment as authorized")
        case .declined:
            self.close(.declined, reason: transaction.reasonCode.map { Int32($0.rawValue) })
        case .awaitingAuthentication, .unknown:
            self.keepOpen("provider reports \(transaction.status)")
        }
    }

    mutating func refund(_ outcome: ProviderOutcome, in connection: PostgresConnection) async throws {
        guard let refundID = self.attempt.refundID,
            var refund = try await PaymentStore.refund(refundID, forUpdate: true, in: connection)
        else {
            throw PaymentsError(code: .notFound, message: "refund attempt \(self.attempt.attemptID) has no refund")
        }
        var refundSucceeded: Int64?? = nil
        switch outcome {
        case .done(let transactionID):
            refundSucceeded = .some(transactionID)
        case .transaction(let transaction) where transaction.status == .completed:
            refundSucceeded = .some(transaction.transactionId)
        case .transaction(let transaction) where transaction.status == .declined:
            self.close(.declined, transactionID: transaction.transactionId)
            refund.status = .failed
        case .transaction(let transaction):
            self.keepOpen("provider reports \(transaction.status)")
        case .refused, .notSent, .unknown, .challenge, .order:
            if try self.settleWithoutSuccess(outcome, operation: "a refund"), refund.status == .pending {
                refund.status = .failed
            }
        }
        if let transactionID = refundSucceeded {
            if refund.status != .succeeded {
                refund.status = .succeeded
                refund.providerTransactionID = transactionID ?? refund.providerTransactionID
                if try self.transition(.refunded(amountMinor: refund.amountMinor)) {
                    try await Ledger.postRefund(
                        paymentID: self.payment.paymentID,
                        refundID: refund.refundID,
                        amountMinor: refund.amountMinor,
                        currency: self.payment.currency,
                        in: connection
                    )
                    try await PaymentEvents.enqueueRefunded(refund, of: self.payment, in: connection)
                }
            }
            self.close(.succeeded, transactionID: transactionID)
        }
        try await PaymentStore.update(refund, in: connection)
    }
}

/// A card expiry read from the provider's `CardExpDate` (`MM/YY`).
private struct CardExpiry {
    var month: Int32
    var year: Int32

    init?(_ text: String?) {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let month = Int32(parts[0]), (1...12).contains(month), let year = Int32(parts[1])
        else { return nil }
        self.month = month
        self.year = year < 100 ? 2000 + year : year
    }
}

extension Transaction {
    /// Matches a transaction whose status is Completed (for `case .transaction(...)` patterns).
    fileprivate static let completedPattern = StatusPattern(status: .completed)
    /// Matches a transaction whose status is Cancelled.
    fileprivate static let cancelledPattern = StatusPattern(status: .cancelled)
}

/// A pattern over a transaction's status.
private struct StatusPattern {
    var status: TransactionStatus

    static func ~= (pattern: StatusPattern, transaction: Transaction) -> Bool {
        transaction.status == pattern.status
    }
}
