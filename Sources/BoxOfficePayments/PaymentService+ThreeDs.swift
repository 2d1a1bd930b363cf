import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation

extension PaymentService {
    /// Largest 3-D Secure return body accepted (a PaRes is a few kilobytes).
    static let threeDsReturnBytesMax = 64 * 1024

    /// The TermUrl post: find the payment by `MD` (its provider TransactionId), call post3ds once
    /// (a repeated return reuses the open attempt's `X-Request-ID`, or answers without a call when
    /// the payment is settled), settle, and say where to send the browser.
    func completeThreeDsCall(
        _ request: Payments_V1_ThreeDsReturnRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ThreeDsReturnResponse {
        guard request.rawBody.count <= Self.threeDsReturnBytesMax else {
            throw PaymentsError.invalid("rawBody", "must be at most \(Self.threeDsReturnBytesMax) bytes")
        }
        let form = FormBody(request.rawBody)
        guard let mdText = form["MD"], !mdText.isEmpty else { throw PaymentsError.invalid("MD", "is required") }
        guard let md = Int64(mdText), md > 0 else { throw PaymentsError.invalid("MD", "must be a transaction id") }
        guard let paRes = form["PaRes"], !paRes.isEmpty else { throw PaymentsError.invalid("PaRes", "is required") }

        let step: Step = try await self.postgres.withTransaction { connection in
            guard
                var payment = try await PaymentStore.payment(providerTransactionID: md, forUpdate: true, in: connection)
            else {
                throw PaymentsError(code: .notFound, message: "no payment awaits 3-D Secure for this MD")
            }
            // Re-read under the lock (the lookup's row may have been changed before we locked it).
            payment = try await self.lockedPayment(payment.paymentID, owner: nil, in: connection)
            guard payment.status == .requiresAction else {
                return .answer(try await PaymentMapping.payment(payment, in: connection))
            }
            let attempts = try await PaymentStore.attempts(payment: payment.paymentID, in: connection)
            if let open = attempts.last(where: { $0.kind == .post3ds && $0.state.isOpen }) {
                return .send(
                    paymentID: payment.paymentID,
                    attempt: open,
                    call: .post3DS(transactionID: md, paRes: paRes)
                )
            }
            var attempt = AttemptRecord(paymentID: payment.paymentID, kind: .post3ds, amountMinor: payment.amountMinor)
            attempt.sentAt = attempt.createdAt
            try await PaymentStore.insert(attempt, in: connection)
            return .send(
                paymentID: payment.paymentID,
                attempt: attempt,
                call: .post3DS(transactionID: md, paRes: paRes)
            )
        }
        let payment: Payments_V1_Payment
        switch step {
        case .answer(let settled):
            payment = settled
        case .send(_, let attempt, let call):
            payment = try await self.sendAndSettle(attempt: attempt, call: call, caller: nil, key: nil)
        }
        var response = Payments_V1_ThreeDsReturnResponse()
        response.paymentID = payment.paymentID
        response.status = payment.status
        response.redirectURL = self.returnURL(paymentID: payment.paymentID, status: payment.status)
        return response
    }

    /// The app's return page with `payment_id` and `status` (the contract's value name).
    func returnURL(paymentID: String, status: Payments_V1_PaymentStatus) -> String {
        let base = self.configuration.returnURL
        let separator = base.contains("?") ? "&" : "?"
        return "\(base)\(separator)payment_id=\(paymentID)&status=\(status.protoName ?? "UNKNOWN")"
    }
}
