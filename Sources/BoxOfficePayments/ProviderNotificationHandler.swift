public import BoxOfficeCloudPayments
public import BoxOfficePostgres
import BoxOfficeRPC
public import Contracts
import Foundation
public import Logging

/// Handles CloudPayments notifications (HandleProviderNotification): verifies the HMAC over the
/// raw body before anything else, parses, records the notification in `provider_notifications`
/// (deduplicated by kind and TransactionId) and applies it through ``PaymentSettlement`` — the
/// same code as a synchronous answer — in ONE transaction with the ledger entries and outbox
/// events, and answers `{"code":0}` only after that transaction committed.
///
/// - Check answers 10 (unknown InvoiceId), 11 (AccountId mismatch), 12 (amount or currency
///   mismatch), 13 (payment not payable), 20 (payment older than ``checkPayableSecondsMax``) or 0,
///   and changes nothing.
/// - Pay → succeeded / authorized (per `Status`), Fail → failed, Confirm → captured, Cancel →
///   voided, Refund → the matching pending refund succeeds (or a refund made at the provider is
///   recorded), Recurrent → recorded and ignored.
/// - A bad or missing HMAC is PERMISSION_DENIED and nothing is recorded or parsed.
/// - A notification for a payment we do not have is recorded (`unknown_payment`), logged at
///   warning and answered 0: the provider would otherwise retry it for days.
/// - A notification whose `DateTime` is older than
///   ``PaymentsConfiguration/notificationMaxAgeSeconds`` (a replay: the provider's own retries end
///   long before) is refused: a Check with 20, any other kind recorded `rejected`, not applied,
///   and answered 0.
/// - A duplicate is answered 0 without a second effect; a Refund that arrives before its Pay is
///   kept `deferred` and re-applied after the Pay (or by the reconciler once the payment settled);
///   an outcome the payment has moved past is `stale`.
public struct ProviderNotificationHandler: Sendable {
    /// How long after its creation a payment may still be paid (Check answers 20 after it).
    public static let checkPayableSecondsMax: Int64 = 7 * 24 * 3600

    /// The payments database.
    public let postgres: PostgresClient
    /// The settings (the API secret is the HMAC key).
    public let configuration: PaymentsConfiguration
    let verifier: NotificationVerifier
    let logger: Logger

    /// A handler over `postgres` (migrated like PaymentService's) verifying with the API secret of
    /// `configuration`.
    public init(
        postgres: PostgresClient,
        configuration: PaymentsConfiguration,
        logger: Logger = Logger(label: "boxoffice.payments.notifications")
    ) {
        self.postgres = postgres
        self.configuration = configuration
        self.verifier = NotificationVerifier(apiSecret: configuration.cloudPayments.apiSecret)
        self.logger = logger
    }

    /// The RPC form of ``handle(kind:rawBody:headers:)``.
    public func handle(
        _ request: Payments_V1_ProviderNotificationRequest
    ) async throws -> Payments_V1_ProviderNotificationResponse {
        let answer = try await self.handle(kind: request.kind, rawBody: request.rawBody, headers: request.headers)
        var response = Payments_V1_ProviderNotificationResponse()
        response.code = Int32(answer.code)
        return response
    }

    /// Verifies, parses, records and applies one notification; returns the answer to send.
    ///
    /// - Throws: ``PaymentsError`` `.permissionDenied` for a missing or wrong HMAC (nothing is
    ///   recorded), `.invalidArgument` for an unknown kind or a body that does not parse;
    ///   `PostgresError` when it could not be recorded (the provider retries).
    public func handle(kind: String, rawBody: [UInt8], headers: [String: String]) async throws -> NotificationAnswer {
        do {
            try self.verifier.verify(body: rawBody, headers: headers.map { (name: $0.key, value: $0.value) })
        } catch {
            self.logger.warning(
                "provider notification refused: bad signature",
                metadata: ["kind": "\(kind.prefix(20))", "reason": "\(error)"]
            )
            throw PaymentsError(code: .permissionDenied, message: "notification signature is missing or invalid")
        }
        guard
            let notificationKind = NotificationKind.allCases.first(where: {
                $0.rawValue.lowercased() == kind.lowercased()
            })
        else {
            throw PaymentsError.invalid("kind", "must be one of check, pay, fail, confirm, refund, recurrent, cancel")
        }
        let notification: CloudPaymentsNotification
        do {
            notification = try CloudPaymentsNotification(kind: notificationKind, body: rawBody)
        } catch {
            throw PaymentsError.invalid("rawBody", error.message)
        }
        if let dateTime = Self.dateTime(of: notification),
            Date().timeIntervalSince(dateTime) > Double(self.configuration.notificationMaxAgeSeconds)
        {
            return try await self.refuseStale(notification, dateTime: dateTime)
        }
        if case .check(let payment) = notification {
            return try await self.check(payment)
        }
        _ = try await self.record(Self.inbound(notification))
        return .accepted
    }

    /// What the inbox keeps of `notification` (not a Check) and what applying it does.
    static func inbound(_ notification: CloudPaymentsNotification) -> Inbound {
        switch notification {
        case .check(let payment):
            // Checks are answered, never recorded: only refuseStale reads this one, for its log line.
            return Inbound(
                kind: .check,
                dedupeKey: "Check:\(payment.transactionId)",
                transactionID: payment.transactionId,
                invoiceID: payment.invoiceId,
                status: nil,
                amountMinor: payment.amount.minorUnits,
                currency: payment.amount.currency.code,
                action: .ignore
            )
        case .recurrent(let recurrent):
            return Inbound(
                kind: .recurrent,
                dedupeKey: "Recurrent:\(recurrent.id):\(recurrent.status ?? "")",
                transactionID: nil,
                invoiceID: nil,
                status: recurrent.status,
                currency: recurrent.amount?.currency.code,
                action: .ignore
            )
        case .pay(let pay):
            let transaction = Transaction(
                transactionId: pay.payment.transactionId,
                amount: pay.payment.amount,
                status: pay.status,
                invoiceId: pay.payment.invoiceId,
                accountId: pay.payment.accountId,
                token: pay.token,
                cardFirstSix: pay.payment.cardFirstSix,
                cardLastFour: pay.payment.cardLastFour,
                cardExpDate: pay.payment.cardExpDate,
                cardType: pay.payment.cardType,
                createdDate: pay.payment.dateTime
            )
            return Inbound(kind: .pay, transaction: transaction, action: .charge(transaction))
        case .fail(let fail):
            let transaction = Transaction(
                transactionId: fail.payment.transactionId,
                amount: fail.payment.amount,
                status: .declined,
                invoiceId: fail.payment.invoiceId,
                accountId: fail.payment.accountId,
                reason: fail.reason,
                reasonCode: fail.reasonCode,
                createdDate: fail.payment.dateTime
            )
            return Inbound(kind: .fail, transaction: transaction, action: .charge(transaction))
        case .confirm(let confirm):
            let transaction = Transaction(
                transactionId: confirm.transactionId,
                amount: confirm.amount,
                status: .completed,
                invoiceId: confirm.invoiceId,
                accountId: confirm.accountId,
                createdDate: confirm.dateTime
            )
            return Inbound(kind: .confirm, transaction: transaction, action: .confirm(transaction))
        case .cancel(let cancel):
            return Inbound(
                kind: .cancel,
                dedupeKey: "Cancel:\(cancel.transactionId)",
                transactionID: cancel.transactionId,
                invoiceID: cancel.invoiceId,
                status: TransactionStatus.cancelled.name,
                currency: cancel.currency?.code,
                action: .cancel(transactionID: cancel.transactionId, amount: cancel.amount)
            )
        case .refund(let refund):
            return Inbound(
                kind: .refund,
                dedupeKey: "Refund:\(refund.transactionId)",
                transactionID: refund.transactionId,
                invoiceID: refund.invoiceId,
                status: TransactionStatus.completed.name,
                currency: refund.currency?.code,
                action: .refund(
                    transactionID: refund.transactionId,
                    paymentTransactionID: refund.paymentTransactionId,
                    amount: .decimal(refund.amount)
                )
            )
        }
    }

    // MARK: - Stale notifications

    /// The notification's `DateTime`; nil for Recurrent, which has none.
    static func dateTime(of notification: CloudPaymentsNotification) -> Date? {
        switch notification {
        case .check(let payment), .confirm(let payment): payment.dateTime
        case .pay(let pay): pay.payment.dateTime
        case .fail(let fail): fail.payment.dateTime
        case .refund(let refund): refund.dateTime
        case .cancel(let cancel): cancel.dateTime
        case .recurrent: nil
        }
    }

    /// Refuses a notification older than ``PaymentsConfiguration/notificationMaxAgeSeconds``: the
    /// provider stopped retrying long before, so it is a replay of a signed body. A Check is
    /// answered 20 (expired), which declines that payment at the provider. Any other kind is
    /// recorded `rejected` and not applied, and answered 0: the provider retries every other
    /// answer for days, and a retry can only be older still.
    func refuseStale(_ notification: CloudPaymentsNotification, dateTime: Date) async throws -> NotificationAnswer {
        var inbound = Self.inbound(notification)
        let ageSeconds = Int64(Date().timeIntervalSince(dateTime))
        self.logger.warning(
            "provider notification refused: DateTime older than the replay window",
            metadata: [
                "kind": "\(inbound.kind.rawValue)", "transaction": "\(inbound.transactionID.map(String.init) ?? "-")",
                "age_seconds": "\(ageSeconds)", "window_seconds": "\(self.configuration.notificationMaxAgeSeconds)",
            ]
        )
        if case .check = notification { return .expired }
        inbound.action = .stale(ageSeconds: ageSeconds)
        _ = try await self.record(inbound)
        return .accepted
    }

    // MARK: - Check

    func check(_ notification: NotificationPayment) async throws -> NotificationAnswer {
        guard let text = notification.invoiceId, let id = UUID(uuidString: text),
            let payment = try await self.postgres.withConnection({ try await PaymentStore.payment(id, in: $0) })
        else {
            return .invalidInvoiceId
        }
        if let account = notification.accountId, account.lowercased() != payment.userID.uuidString.lowercased() {
            return .invalidAccountId
        }
        guard notification.amount.minorUnits == payment.requestedMinor,
            notification.amount.currency.code == payment.currency
        else {
            return .wrongAmount
        }
        switch payment.status {
        case .created, .requiresAction, .unknown:
            break
        default:
            return .cannotAccept
        }
        if Date().timeIntervalSince(payment.createdAt) > Double(Self.checkPayableSecondsMax) {
            return .expired
        }
        return .accepted
    }
}
