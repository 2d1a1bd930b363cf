import BoxOfficeCloudPayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation

extension PaymentService {
    func capturePaymentCall(
        _ request: Payments_V1_CapturePaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        let paymentID = try Validation.uuid(request.paymentID, "paymentId")
        let owner = try Self.owner(request.userID, context: context)
        let amount = try Validation.optionalAmount(request.amountMinor, "amountMinor")
        return try await self.mutate(method: "CapturePayment", request: request, context: context) {
            connection,
            takeOver in
            let payment = try await self.lockedPayment(paymentID, owner: owner, in: connection)
            if takeOver != nil, let attempt = try await self.resendable(paymentID, kinds: [.capture], in: connection) {
                return .send(paymentID: paymentID, attempt: attempt, call: try Self.captureCall(payment, attempt))
            }
            guard payment.status == .authorized else {
                throw PaymentsError(
                    code: .failedPrecondition,
                    message: "payment is \(payment.status), only an authorized payment can be captured"
                )
            }
            try await Self.refuseOpenAttempt(paymentID, kinds: [.capture, .void], in: connection)
            let captureMinor = amount ?? payment.amountMinor
            guard captureMinor <= payment.amountMinor else {
                throw PaymentsError(
                    code: .failedPrecondition,
                    message: "amountMinor: at most \(payment.amountMinor) can be captured, got \(captureMinor)",
                    field: "amountMinor"
                )
            }
            let attempt = try await Self.insertAttempt(
                payment,
                kind: .capture,
                amountMinor: captureMinor,
                in: connection
            )
            return .send(paymentID: paymentID, attempt: attempt, call: try Self.captureCall(payment, attempt))
        }
    }

    func cancelPaymentCall(
        _ request: Payments_V1_CancelPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        let paymentID = try Validation.uuid(request.paymentID, "paymentId")
        let owner = try Self.owner(request.userID, context: context)
        let amount = try Validation.optionalAmount(request.amountMinor, "amountMinor")
        try Validation.text(request.reason, "reason", max: Validation.reasonLengthMax)
        try Validation.text(request.requestedBy, "requestedBy", max: Validation.reasonLengthMax)
        let requestedBy = request.requestedBy.isEmpty ? Caller.scope(context.metadata) : request.requestedBy
        return try await self.mutate(method: "CancelPayment", request: request, context: context) {
            connection,
            takeOver in
            let payment = try await self.lockedPayment(paymentID, owner: owner, in: connection)
            if takeOver != nil,
                let attempt = try await self.resendable(paymentID, kinds: [.void, .refund], in: connection)
            {
                return .send(paymentID: paymentID, attempt: attempt, call: try Self.changeCall(payment, attempt))
            }
            switch payment.status {
            case .authorized:
                try await Self.refuseOpenAttempt(paymentID, kinds: [.capture, .void], in: connection)
                let attempt = try await Self.insertAttempt(payment, kind: .void, amountMinor: 0, in: connection)
                return .send(paymentID: paymentID, attempt: attempt, call: try Self.changeCall(payment, attempt))
            case .succeeded, .partiallyRefunded:
                return try await Self.startRefund(
                    payment,
                    amountMinor: amount,
                    reason: request.reason,
                    requestedBy: requestedBy,
                    in: connection
                )
            default:
                throw PaymentsError(
                    code: .failedPrecondition,
                    message: "payment is \(payment.status); only an authorized or succeeded payment can be cancelled"
                )
            }
        }
    }

    func refundPaymentCall(
        _ request: Payments_V1_RefundPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        let paymentID = try Validation.uuid(request.paymentID, "paymentId")
        let amount = try Validation.optionalAmount(request.amountMinor, "amountMinor")
        try Validation.text(request.reason, "reason", max: Validation.reasonLengthMax)
        try Validation.text(request.requestedBy, "requestedBy", max: Validation.reasonLengthMax)
        let owner = Caller(context.metadata).userID
        let requestedBy = request.requestedBy.isEmpty ? Caller.scope(context.metadata) : request.requestedBy
        return try await self.mutate(method: "RefundPayment", request: request, context: context) {
            connection,
            takeOver in
            let payment = try await self.lockedPayment(paymentID, owner: owner, in: connection)
            if takeOver != nil, let attempt = try await self.resendable(paymentID, kinds: [.refund], in: connection) {
                return .send(paymentID: paymentID, attempt: attempt, call: try Self.changeCall(payment, attempt))
            }
            return try await Self.startRefund(
                payment,
                amountMinor: amount,
                reason: request.reason,
                requestedBy: requestedBy,
                in: connection
            )
        }
    }

    /// Checks a refund against what is left (refunded and pending refunds counted) and writes
    /// the pending refund and its attempt.
    private static func startRefund(
        _ payment: PaymentRecord,
        amountMinor: Int64?,
        reason: String,
        requestedBy: String,
        in connection: PostgresConnection
    ) async throws -> Step {
        guard payment.status == .succeeded || payment.status == .partiallyRefunded else {
            throw PaymentsError(
                code: .failedPrecondition,
                message: "payment is \(payment.status); only a succeeded payment can be refunded"
            )
        }
        let pending = try await PaymentStore.pendingRefundsMinor(payment: payment.paymentID, in: connection)
        let left = payment.amountMinor - payment.refundedMinor - pending
        let refundMinor = amountMinor ?? left
        guard refundMinor > 0, refundMinor <= left else {
            throw PaymentsError(
                code: .failedPrecondition,
                message: "amountMinor: at most \(left) can be refunded (amount \(payment.amountMinor), refunded "
                    + "\(payment.refundedMinor), pending \(pending)), got \(refundMinor)",
                field: "amountMinor"
            )
        }
        let refund = RefundRecord(
            paymentID: payment.paymentID,
            amountMinor: refundMinor,
            currency: payment.currency,
            reason: reason,
            requestedBy: requestedBy
        )
        try await PaymentStore.insert(refund, in: connection)
        var attempt = AttemptRecord(
            paymentID: payment.paymentID,
            refundID: refund.refundID,
            kind: .refund,
            amountMinor: refundMinor
        )
        attempt.sentAt = attempt.createdAt
        try await PaymentStore.insert(attempt, in: connection)
        return .send(paymentID: payment.paymentID, attempt: attempt, call: try Self.changeCall(payment, attempt))
    }

    private static func insertAttempt(
        _ payment: PaymentRecord,
        kind: AttemptRecord.Kind,
        amountMinor: Int64,
        in connection: PostgresConnection
    ) async throws -> AttemptRecord {
        var attempt = AttemptRecord(paymentID: payment.paymentID, kind: kind, amountMinor: amountMinor)
        attempt.sentAt = attempt.createdAt
        try await PaymentStore.insert(attempt, in: connection)
        return attempt
    }

    /// A capture or void whose outcome is not known yet blocks another: the second could
    /// contradict the first.
    private static func refuseOpenAttempt(
        _ paymentID: UUID,
        kinds: Set<AttemptRecord.Kind>,
        in connection: PostgresConnection
    ) async throws {
        let open = try await PaymentStore.attempts(payment: paymentID, in: connection).first {
            kinds.contains($0.kind) && $0.state.isOpen
        }
        if let open {
            throw PaymentsError(
                code: .failedPrecondition,
                message: "a \(open.kind.rawValue) of this payment is still waiting for the provider's outcome"
            )
        }
    }

    private static func captureCall(_ payment: PaymentRecord, _ attempt: AttemptRecord) throws -> ProviderCall {
        try Self.changeCall(payment, attempt)
    }

    /// The provider call of a capture, void or refund attempt.
    static func changeCall(_ payment: PaymentRecord, _ attempt: AttemptRecord) throws -> ProviderCall {
        guard let transactionID = payment.providerTransactionID else {
            throw PaymentsError(code: .failedPrecondition, message: "payment has no provider transaction")
        }
        let currency = try Currency(code: payment.currency)
        switch attempt.kind {
        case .capture:
            return .confirm(
                transactionID: transactionID,
                amount: try Money(minorUnits: attempt.amountMinor, currency: currency)
            )
        case .void:
            return .void(transactionID: transactionID)
        case .refund:
            return .refund(
                transactionID: transactionID,
                amount: try Money(minorUnits: attempt.amountMinor, currency: currency)
            )
        case .charge, .post3ds, .hostedOrder:
            throw PaymentsError(code: .illegalTransition, message: "not a capture, void or refund attempt")
        }
    }

    /// The owner a call is limited to: the request's `user_id` when set, else the calling user
    /// (nil for administrative and service callers). A user asking for another user is refused
    /// as NOT_FOUND (the payment may not be disclosed).
    static func owner(_ userIDText: String, context: ServerContext) throws(PaymentsError) -> UUID? {
        let requested = try Validation.optionalUUID(userIDText, "userId")
        let caller = Caller(context.metadata).userID
        if let caller, let requested, caller != requested {
            throw PaymentsError(code: .notFound, message: "payment does not exist")
        }
        return requested ?? caller
    }
}
