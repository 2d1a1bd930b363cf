import BoxOfficeCrypto
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Logging

extension PaymentService {
    /// What the first transaction of a mutating call decided.
    enum Step: Sendable {
        /// Nothing to send: answer with this payment (stored for replays).
        case answer(Payments_V1_Payment)
        /// Send `call` for the committed `pending` attempt.
        case send(paymentID: UUID, attempt: AttemptRecord, call: ProviderCall)
    }

    /// What a take-over found: the payment the crashed holder worked on.
    struct TakeOver: Sendable {
        var paymentID: UUID
    }

    private enum Claimed: Sendable {
        case replay(IdempotencyStore.StoredAnswer)
        case step(Step)
        case refused(PaymentsError)
    }

    /// Runs a mutating call under its idempotency key: claim + `prepare` in one transaction, the
    /// provider call outside any transaction, then settle + stored answer in a second one.
    ///
    /// `prepare` gets the take-over (nil for a fresh key) and must write the payment and the
    /// pending attempt it returns on the connection it is given. NOT_FOUND and
    /// FAILED_PRECONDITION errors it throws are stored as the key's answer.
    func mutate<Request: RPCMessage>(
        method: String,
        request: Request,
        context: ServerContext,
        prepare: @Sendable (PostgresConnection, TakeOver?) async throws -> Step
    ) async throws -> Payments_V1_Payment {
        let key = try Validation.idempotencyKey(context.metadata)
        let caller = Caller.scope(context.metadata)
        let fingerprint = SHA256.hash(try request.serializedBytes())
        let configuration = self.configuration
        let claimed: Claimed = try await self.postgres.withTransaction { connection in
            let claim = try await IdempotencyStore.claim(
                caller: caller,
                key: key,
                method: method,
                fingerprint: fingerprint,
                lockSeconds: configuration.idempotencyLockSeconds,
                retentionSeconds: configuration.idempotencyRetentionSeconds,
                in: connection
            )
            let takeOver: TakeOver?
            switch claim {
            case .replay(let answer): return .replay(answer)
            case .fresh, .takeOver(paymentID: nil): takeOver = nil
            case .takeOver(let paymentID?): takeOver = TakeOver(paymentID: paymentID)
            }
            do {
                let step = try await prepare(connection, takeOver)
                switch step {
                case .answer(let payment):
                    try await IdempotencyStore.complete(
                        caller: caller,
                        key: key,
                        answer: .success(try payment.serializedBytes()),
                        in: connection
                    )
                case .send(let paymentID, _, _):
                    try await IdempotencyStore.attach(paymentID: paymentID, caller: caller, key: key, in: connection)
                }
                return .step(step)
            } catch let error as PaymentsError where error.code == .failedPrecondition || error.code == .notFound {
                try await IdempotencyStore.complete(
                    caller: caller,
                    key: key,
                    answer: .failure(status: Int32(error.rpcError.code.rawValue), message: error.message),
                    in: connection
                )
                return .refused(error)
            }
        }
        let step: Step
        switch claimed {
        case .replay(.success(let bytes)):
            return try Payments_V1_Payment(rpcBytes: bytes)
        case .replay(.failure(let status, let message)):
            throw RPCError(code: RPCError.Code(rawValue: UInt8(clamping: status)) ?? .internalError, message: message)
        case .refused(let error):
            throw error
        case .step(let decided):
            step = decided
        }
        switch step {
        case .answer(let payment):
            return payment
        case .send(_, let attempt, let call):
            return try await self.sendAndSettle(attempt: attempt, call: call, caller: caller, key: key)
        }
    }

    /// Calls the provider for `attempt`, then settles the outcome and stores (or releases) the
    /// idempotency key in one transaction. For a capture, void or refund the provider refused,
    /// the answer is FAILED_PRECONDITION (UNAVAILABLE when it was never sent).
    func sendAndSettle(
        attempt: AttemptRecord,
        call: ProviderCall,
        caller: String?,
        key: String?
    ) async throws -> Payments_V1_Payment {
        let outcome = await call.send(
            with: self.provider,
            requestID: attempt.requestID,
            timeoutMilliseconds: self.configuration.providerTimeoutMilliseconds
        )
        PaymentsTestHooks.afterProviderCall()
        if case .unknown(let message) = outcome {
            self.logger.warning(
                "provider outcome unknown; left to the reconciler",
                metadata: [
                    "attempt": "\(attempt.attemptID)", "payment": "\(attempt.paymentID)", "kind": "\(attempt.kind)",
                    "error": "\(message)",
                ]
            )
        }
        let options = self.settlementOptions()
        let answer: Result<Payments_V1_Payment, PaymentsError>
        do {
            answer = try await self.postgres.withTransaction { connection in
                let result = try await PaymentSettlement.settle(
                    attemptID: attempt.attemptID,
                    outcome: outcome,
                    options: options,
                    in: connection
                )
                let answer = try await Self.answer(for: result, in: connection)
                if let caller, let key {
                    if result.releaseIdempotencyKey {
                        try await IdempotencyStore.release(caller: caller, key: key, in: connection)
                    } else {
                        let stored: IdempotencyStore.StoredAnswer
                        switch answer {
                        case .success(let payment):
                            stored = .success(try payment.serializedBytes())
                        case .failure(let error):
                            stored = .failure(status: Int32(error.rpcError.code.rawValue), message: error.message)
                        }
                        try await IdempotencyStore.complete(caller: caller, key: key, answer: stored, in: connection)
                    }
                }
                return answer
            }
        } catch {
            // The attempt stays pending: the reconciler settles it after the grace period, and the
            // key's lock expires so a retry takes over.
            self.logger.error(
                "could not record the provider's answer",
                metadata: ["attempt": "\(attempt.attemptID)", "outcome": "\(outcome)", "error": "\(error)"]
            )
            throw error
        }
        return try answer.get()
    }

    private static func answer(
        for result: PaymentSettlement.Result,
        in connection: PostgresConnection
    ) async throws -> Result<Payments_V1_Payment, PaymentsError> {
        let attempt = result.attempt
        switch attempt.kind {
        case .capture, .void, .refund:
            if result.releaseIdempotencyKey {
                return .failure(
                    PaymentsError(code: .providerUnavailable, message: "the payment provider could not be reached")
                )
            }
            if attempt.state == .failed || attempt.state == .declined {
                return .failure(
                    PaymentsError(
                        code: .failedPrecondition,
                        message: "the provider refused the \(attempt.kind.rawValue): \(attempt.error ?? "declined")"
                    )
                )
            }
        case .charge, .post3ds, .hostedOrder:
            break
        }
        // A charge's first settlement (nearly every call) has no refunds to read, which saves the
        // transaction a round trip: its queued writes then go with the COMMIT.
        let refunds =
            result.hadTakenMoney
            ? try await PaymentStore.refunds(payment: result.payment.paymentID, in: connection) : []
        return .success(try PaymentMapping.payment(result.payment, refunds: refunds))
    }

    func settlementOptions() -> PaymentSettlement.Options {
        PaymentSettlement.Options(
            now: Date(),
            unknownRecheckAfterSeconds: self.configuration.reconcileScheduleSeconds[0],
            threeDsTermURL: self.configuration.threeDsTermURL
        )
    }

    /// The open attempt of `kinds` a take-over resends: pending and still within the provider's
    /// `X-Request-ID` window (a later resend could charge twice).
    func resendable(
        _ paymentID: UUID,
        kinds: Set<AttemptRecord.Kind>,
        in connection: PostgresConnection
    ) async throws -> AttemptRecord? {
        let window = Double(self.configuration.providerRequestIDWindowSeconds)
        return try await PaymentStore.attempts(payment: paymentID, in: connection).last {
            kinds.contains($0.kind) && $0.state == .pending && Date().timeIntervalSince($0.createdAt) < window
        }
    }

    /// The payment `id` locked for update, visible to `owner` (nil: any); NOT_FOUND otherwise.
    func lockedPayment(_ id: UUID, owner: UUID?, in connection: PostgresConnection) async throws -> PaymentRecord {
        guard let payment = try await PaymentStore.payment(id, forUpdate: true, in: connection),
            owner == nil || payment.userID == owner
        else {
            throw PaymentsError(code: .notFound, message: "payment \(id.uuidString.lowercased()) does not exist")
        }
        return payment
    }
}
