public import BoxOfficeCloudPayments
public import BoxOfficePostgres
import CoreMetrics
import Foundation
public import Logging
public import ServiceLifecycle

/// Settles what the synchronous path could not, by ASKING the provider — never by charging again:
///
/// - attempts whose outcome is `unknown` (timeout, 5xx, lost answer), and `pending` attempts older
///   than ``PaymentsConfiguration/pendingGraceSeconds`` (the process died between the provider
///   call and the commit of its answer), whose `next_check_at` has come. Charge and hosted-order
///   attempts are looked up with `/v2/payments/find` (InvoiceId = payment id); post3ds, capture
///   and void with `/payments/get` of the payment's transaction; refunds by the refund
///   transactions of the payment. The answer goes through ``PaymentSettlement`` like a
///   synchronous one. Not found and older than the provider's `X-Request-ID` window → failed
///   (nothing happened); otherwise looked at again per ``PaymentsConfiguration/reconcileScheduleSeconds``
///   (1 min, 5 min, 1 h, then daily by default).
/// - expired idempotency keys are deleted;
/// - deferred notifications (a Refund that came before its Pay) are re-applied once the payment settled;
/// - once a day, ``reconcileDay(_:)`` compares the provider's `/v2/payments/list` of the previous
///   UTC day with our payments, logs every mismatch and counts them in
///   `boxoffice_payments_reconciliation_mismatches_total`.
///
/// Several reconcilers may run at once: attempts are claimed with `FOR UPDATE SKIP LOCKED` and
/// leased (their `next_check_at` moved ahead) before the provider is asked.
public struct PaymentReconciler: Service {
    /// Limits and timings of the loop.
    public struct Options: Sendable {
        /// Attempts claimed per batch.
        public var batchSize: Int = 50
        /// Pause between passes when nothing was due.
        public var idleIntervalMilliseconds: Int64 = 1_000
        /// How long a claimed attempt is leased to this reconciler before another may take it.
        public var leaseSeconds: Int64 = 300
        /// Expired idempotency keys deleted per pass.
        public var reapBatchSize: Int = 1_000
        /// Payments whose deferred notifications are re-applied per pass.
        public var deferredBatchSize: Int = 100
        /// Whether the loop runs the daily reconciliation of the previous UTC day.
        public var dailyReconciliation: Bool = true

        /// The defaults.
        public init() {}
    }

    /// What one pass did.
    public struct PassSummary: Hashable, Sendable {
        /// Attempts looked at.
        public var checked = 0
        /// Attempts settled (no longer open).
        public var settled = 0
        /// Expired idempotency keys deleted.
        public var keysReaped = 0
        /// Deferred notifications applied.
        public var deferredApplied = 0

        /// An empty summary.
        public init() {}
    }

    /// The payments database.
    public let postgres: PostgresClient
    /// The provider.
    public let provider: CloudPaymentsClient
    /// The settings (schedule, grace, request-id window).
    public let configuration: PaymentsConfiguration
    /// Limits and timings.
    public let options: Options
    let logger: Logger
    let mismatchCounter: Counter
    let settledCounter: Counter

    /// A reconciler over `postgres` and `provider`.
    public init(
        postgres: PostgresClient,
        provider: CloudPaymentsClient,
        configuration: PaymentsConfiguration,
        options: Options = Options(),
        logger: Logger = Logger(label: "boxoffice.payments.reconciler")
    ) {
        precondition(options.batchSize > 0 && options.leaseSeconds > 0, "batch and lease must be positive")
        self.postgres = postgres
        self.provider = provider
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.mismatchCounter = Counter(label: "boxoffice_payments_reconciliation_mismatches_total")
        self.settledCounter = Counter(label: "boxoffice_payments_reconciled_attempts_total")
    }

    /// Runs passes until graceful shutdown or cancellation; a pass in progress is finished first.
    public func run() async throws {
        var reconciledDay: Date?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var busy = false
            do {
                let summary = try await self.runPass()
                busy = summary.checked >= self.options.batchSize
                if self.options.dailyReconciliation {
                    let yesterday = Self.dayStart(of: Date()).addingTimeInterval(-Self.daySeconds)
                    if reconciledDay != yesterday {
                        _ = try await self.reconcileDay(yesterday)
                        reconciledDay = yesterday
                    }
                }
            } catch {
                self.logger.error("reconciler pass failed; retrying", metadata: ["error": "\(error)"])
            }
            if !busy {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .milliseconds(self.options.idleIntervalMilliseconds))
                }
            }
        }
    }

    /// One pass: every due attempt (batch after batch until none is due), the idempotency-key
    /// reaper and the deferred notifications.
    public func runPass() async throws -> PassSummary {
        var summary = PassSummary()
        while true {
            let claimed = try await self.claimDue(now: Date())
            for attempt in claimed {
                summary.checked += 1
                if try await self.check(attempt) { summary.settled += 1 }
            }
            if claimed.count < self.options.batchSize { break }
        }
        summary.keysReaped = try await self.postgres.withConnection { connection in
            try await IdempotencyStore.reapExpired(limit: self.options.reapBatchSize, in: connection)
        }
        summary.deferredApplied = try await ProviderNotificationHandler(
            postgres: self.postgres,
            configuration: self.configuration,
            logger: self.logger
        ).applyDeferredNotifications(limit: self.options.deferredBatchSize)
        if summary.settled > 0 { self.settledCounter.increment(by: summary.settled) }
        return summary
    }

    /// Runs passes until no open attempt is left that a pass can settle, or `timeoutSeconds` passed;
    /// returns the open attempts left. For tests and the fault run.
    public func runUntilSettled(timeoutSeconds: Double, pollMilliseconds: Int64 = 100) async throws -> Int {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            _ = try await self.runPass()
            let open = try await self.postgres.withConnection { connection in
                try await connection.query(
                    "SELECT count(*) FROM attempts WHERE state IN ('pending', 'unknown')"
                ).first?.decode(0, as: Int64.self) ?? 0
            }
            if open == 0 || Date() >= deadline { return Int(open) }
            try await Task.sleep(for: .milliseconds(pollMilliseconds))
        }
    }

    // MARK: - Claiming

    /// Claims up to a batch of due attempts and leases them (moves `next_check_at` ahead by the lease).
    func claimDue(now: Date) async throws -> [AttemptRecord] {
        let graceCutoff = now.addingTimeInterval(-Double(self.configuration.pendingGraceSeconds))
        let lease = now.addingTimeInterval(Double(self.options.leaseSeconds))
        return try await self.postgres.withTransaction { connection in
            let rows = try await connection.query(
                """
                UPDATE attempts SET next_check_at = \(lease)
                WHERE attempt_id IN (
                    SELECT attempt_id FROM attempts
                    WHERE ((state = 'unknown' AND COALESCE(next_check_at, created_at) <= \(now))
                        OR (state = 'pending' AND created_at <= \(graceCutoff)
                            AND COALESCE(next_check_at, created_at) <= \(now)))
                    ORDER BY COALESCE(next_check_at, created_at)
                    LIMIT \(Int64(self.options.batchSize))
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PaymentStore.attemptColumns)
                """
            )
            return try rows.map(PaymentStore.decodeAttempt)
        }
    }

    // MARK: - Settling one attempt

    /// Asks the provider about `attempt` and settles it; returns whether it is closed now.
    @discardableResult
    func check(_ attempt: AttemptRecord) async throws -> Bool {
        guard
            let payment = try await self.postgres.withConnection({
                try await PaymentStore.payment(attempt.paymentID, in: $0)
            })
        else { return false }
        let outcome = await self.lookUp(attempt, payment: payment)
        let now = Date()
        let schedule = self.configuration.reconcileScheduleSeconds
        let checks = Int(attempt.checks) + 1
        let nextGap = schedule[min(checks, schedule.count - 1)]
        let settlementOptions = PaymentSettlement.Options(
            now: now,
            unknownRecheckAfterSeconds: nextGap,
            threeDsTermURL: self.configuration.threeDsTermURL
        )
        return try await self.postgres.withTransaction { connection in
            var result: PaymentSettlement.Result?
            if let outcome {
                do {
                    result = try await PaymentSettlement.settle(
                        attemptID: attempt.attemptID,
                        outcome: outcome,
                        options: settlementOptions,
                        in: connection
                    )
                } catch let error as PaymentsError where error.code == .illegalTransition {
                    // Leave it open and visible: a person has to look (it is logged every check).
                    self.logger.error(
                        "provider's report cannot settle the attempt",
                        metadata: [
                            "attempt": "\(attempt.attemptID)", "outcome": "\(outcome)", "error": "\(error.message)",
                        ]
                    )
                }
            }
            guard var current = try await PaymentStore.attempt(attempt.attemptID, forUpdate: true, in: connection)
            else { return false }
            if current.state.isOpen {
                current.checks = Int32(checks)
                current.nextCheckAt = now.addingTimeInterval(Double(nextGap))
                try await PaymentStore.update(current, in: connection)
            }
            self.logger.info(
                "reconciled attempt",
                metadata: [
                    "attempt": "\(attempt.attemptID)", "payment": "\(attempt.paymentID)",
                    "kind": "\(attempt.kind.rawValue)",
                    "outcome": "\(outcome.map { "\($0)" } ?? "no answer")", "state": "\(current.state.rawValue)",
                    "payment_status": "\(result.map { "\($0.payment.status)" } ?? "-")",
                ]
            )
            return !current.state.isOpen
        }
    }

    /// What the provider reports about `attempt`; nil when it could not be asked (try again later).
    func lookUp(_ attempt: AttemptRecord, payment: PaymentRecord) async -> ProviderOutcome? {
        let timeout = self.configuration.providerTimeoutMilliseconds
        let beyondWindow =
            Date().timeIntervalSince(attempt.createdAt) > Double(self.configuration.providerRequestIDWindowSeconds)
        let lookup: Lookup
        switch attempt.kind {
        case .charge, .hostedOrder:
            lookup = await self.ask(attempt) { () async throws(CloudPaymentsError) -> Transaction in
                let last = try await self.provider.findPayment(
                    invoiceId: payment.paymentID.uuidString.lowercased(),
                    timeoutMilliseconds: timeout
                )
                guard let original = last.originalTransactionId else { return last }
                // The last operation was a refund: the charge itself is its original.
                return try await self.provider.getTransaction(transactionId: original, timeoutMilliseconds: timeout)
            }
        case .post3ds, .capture, .void:
            guard let transactionID = payment.providerTransactionID ?? attempt.providerTransactionID else {
                return self.notFound(attempt, beyondWindow: beyondWindow)
            }
            lookup = await self.ask(attempt) { () async throws(CloudPaymentsError) -> Transaction in
                try await self.provider.getTransaction(transactionId: transactionID, timeoutMilliseconds: timeout)
            }
        case .refund:
            do {
                guard let refundID = try await self.findRefund(attempt, payment: payment) else {
                    return self.notFound(attempt, beyondWindow: beyondWindow)
                }
                return .done(transactionID: refundID)
            } catch {
                self.logger.warning(
                    "could not ask the provider; will try again",
                    metadata: ["attempt": "\(attempt.attemptID)", "error": "\(error)"]
                )
                return nil
            }
        }
        switch lookup {
        case .found(let transaction): return .transaction(transaction)
        case .notFound: return self.notFound(attempt, beyondWindow: beyondWindow)
        case .failed: return nil
        }
    }

    /// What one lookup at the provider found.
    enum Lookup {
        case found(Transaction)
        case notFound
        case failed(String)
    }

    /// Runs one lookup; a provider that cannot be asked is logged and reported as `.failed`.
    func ask(
        _ attempt: AttemptRecord,
        _ call: () async throws(CloudPaymentsError) -> Transaction
    ) async -> Lookup {
        do throws(CloudPaymentsError) {
            return .found(try await call())
        } catch {
            if error.code == .notFound { return .notFound }
            self.logger.warning(
                "could not ask the provider; will try again",
                metadata: ["attempt": "\(attempt.attemptID)", "error": "\(error)"]
            )
            return .failed(error.message)
        }
    }

    /// The provider has no trace of the attempt: past the `X-Request-ID` window nothing can still
    /// happen, so it failed; before it, a pending attempt becomes unknown and is looked at again.
    func notFound(_ attempt: AttemptRecord, beyondWindow: Bool) -> ProviderOutcome? {
        if beyondWindow {
            return .notSent(message: "the provider has no record of the \(attempt.kind.rawValue)")
        }
        return attempt.state == .pending ? .unknown(message: "not found at the provider yet") : nil
    }

    /// The provider's id of the refund `attempt` made, if the provider has one we do not know yet
    /// of the same amount: the payment's last operation first, else the refunds of the attempt's day.
    func findRefund(_ attempt: AttemptRecord, payment: PaymentRecord) async throws -> Int64? {
        guard let paymentTransactionID = payment.providerTransactionID else { return nil }
        let timeout = self.configuration.providerTimeoutMilliseconds
        let known = try await self.postgres.withConnection { connection in
            Set(
                try await PaymentStore.refunds(payment: payment.paymentID, in: connection).compactMap(
                    \.providerTransactionID
                )
            )
        }
        func matches(_ transaction: Transaction) -> Bool {
            transaction.originalTransactionId == paymentTransactionID && !known.contains(transaction.transactionId)
                && transaction.amount.minorUnits == attempt.amountMinor
        }
        let lookup = await self.ask(attempt) { () async throws(CloudPaymentsError) -> Transaction in
            try await self.provider.findPayment(
                invoiceId: payment.paymentID.uuidString.lowercased(),
                timeoutMilliseconds: timeout
            )
        }
        switch lookup {
        case .found(let last): if matches(last) { return last.transactionId }
        case .notFound: return nil
        case .failed(let message): throw PaymentsError(code: .providerUnavailable, message: message)
        }
        for dayStart in Set([Self.dayStart(of: attempt.createdAt), Self.dayStart(of: Date())]).sorted() {
            let day = Self.dayText(dayStart)
            let transactions = try await self.provider.listTransactions(
                day: day,
                timeZone: "UTC",
                timeoutMilliseconds: timeout
            )
            if let match = transactions.filter(matches).min(by: { $0.transactionId < $1.transactionId }) {
                return match.transactionId
            }
        }
        return nil
    }

    // MARK: - Days

    static let daySeconds: Double = 86_400

    static func dayStart(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / Self.daySeconds).rounded(.down) * Self.daySeconds)
    }

    static func dayText(_ dayStart: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: dayStart)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
