import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Idempotency and unknown outcomes")
struct IdempotencyTests {
    @Test("a replay with the same key answers the same, with one charge")
    func replay() async throws {
        try await PaymentsHarness.with { harness in
            let request = harness.chargeRequest()
            let first = try await harness.client.charge(request, options: PaymentsHarness.options(key: "key-1"))
            let second = try await harness.client.charge(request, options: PaymentsHarness.options(key: "key-1"))
            #expect(first == second)
            #expect(await harness.operations(first).count == 1)
            #expect(try await harness.count("SELECT count(*) FROM payments") == 1)
            // The same key from another caller is another key.
            let other = try await harness.client.charge(request, options: PaymentsHarness.options(key: "key-1", caller: "billing"))
            #expect(other.paymentID != first.paymentID)
        }
    }

    @Test("concurrent calls with one key: one charge; the others get the same answer or ABORTED")
    func concurrent() async throws {
        try await PaymentsHarness.with(sandbox: { $0.faults.latencyMilliseconds = 300 }) { (harness) async throws in
            let request = harness.chargeRequest()
            let results = await withTaskGroup(of: Result<Payments_V1_Payment, RPCError>.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        do {
                            return .success(
                                try await harness.client.charge(request, options: PaymentsHarness.options(key: "same"))
                            )
                        } catch let error as RPCError {
                            return .failure(error)
                        } catch {
                            return .failure(RPCError(code: .unknown, message: "\(error)"))
                        }
                    }
                }
                var all: [Result<Payments_V1_Payment, RPCError>] = []
                for await result in group { all.append(result) }
                return all
            }
            let payments = results.compactMap { try? $0.get() }
            #expect(!payments.isEmpty)
            #expect(Set(payments.map(\.paymentID)).count == 1)
            for case .failure(let error) in results {
                #expect(error.code == .aborted)
                #expect(error.message == "a request with this idempotency key is in progress")
            }
            #expect(await harness.sandbox.operations().filter { $0.kind == .cardCharge }.count == 1)
            #expect(try await harness.count("SELECT count(*) FROM payments") == 1)
        }
    }

    @Test("the same key with another request is refused (422)")
    func mismatch() async throws {
        try await PaymentsHarness.with { harness in
            _ = try await harness.client.charge(harness.chargeRequest(amountMinor: 100), options: PaymentsHarness.options(key: "k"))
            let error = await rpcError {
                _ = try await harness.client.charge(
                    harness.chargeRequest(amountMinor: 200),
                    options: PaymentsHarness.options(key: "k")
                )
            }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message == "idempotency key reused with a different request")
            #expect(try await harness.count("SELECT count(*) FROM payments") == 1)
        }
    }

    @Test("a stored refusal is replayed too")
    func replayedRefusal() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(card: "4000056655665556")
            var refund = Payments_V1_RefundPaymentRequest()
            refund.paymentID = payment.paymentID
            let first = await rpcError {
                _ = try await harness.client.refundPayment(refund, options: PaymentsHarness.options(key: "r"))
            }
            let second = await rpcError {
                _ = try await harness.client.refundPayment(refund, options: PaymentsHarness.options(key: "r"))
            }
            #expect(first?.code == .failedPrecondition)
            #expect(second?.code == first?.code)
            #expect(second?.message == first?.message)
        }
    }

    @Test("the answer lost after the charge happened: UNKNOWN, an unknown attempt, exactly one charge")
    func responseLost() async throws {
        // The sandbox processes the charge, holds the answer 200 ms and answers 504: the client
        // cannot know whether the money moved. The reconciler (not part of this test) settles it
        // with /v2/payments/find, never by charging again.
        try await PaymentsHarness.with(sandbox: { $0.faults.hangMilliseconds = 200 }) { harness in
            var faults = SandboxFaults(hangMilliseconds: 200)
            faults.scripted = [.responseLost]
            await harness.sandbox.setFaults(faults)
            let request = harness.chargeRequest()
            let payment = try await harness.client.charge(request, options: PaymentsHarness.options(key: "lost"))
            #expect(payment.status == .unknown)
            let attempts = try await harness.attempts(payment)
            #expect(attempts.count == 1)
            #expect(attempts.first?.state == .unknown)
            #expect(attempts.first?.nextCheckAt != nil)
            let charges = await harness.operations(payment).filter { $0.kind == .cardCharge }
            #expect(charges.count == 1)
            #expect(charges.first?.success == true)
            #expect(charges.first?.requestID == attempts.first?.requestID)
            // A retry with the key gets the stored UNKNOWN, and no second charge.
            let replay = try await harness.client.charge(request, options: PaymentsHarness.options(key: "lost"))
            #expect(replay == payment)
            #expect(await harness.operations(payment).count == 1)
            #expect(try await harness.outboxCount("payment.succeeded") == 0)
        }
    }

    @Test("a provider that cannot be reached: FAILED, retry allowed, the key released")
    func notSent() async throws {
        try await PaymentsHarness.with(configure: {
            // Nothing listens on port 9 of the loopback.
            $0.cloudPayments.baseURL = "http://127.0.0.1:9"
        }) { harness in
            let payment = try await harness.charge(key: "unreachable")
            #expect(payment.status == .failed)
            #expect(payment.failureFinal == false)
            #expect(payment.failureMessage == "provider unreachable")
            #expect(try await harness.count("SELECT count(*) FROM idempotency_keys") == 0)
            #expect(try await harness.count("SELECT count(*) FROM attempts WHERE state = 'failed'") == 1)
        }
    }

    @Test("a takeover of a crashed call resends its pending attempt with the same X-Request-ID")
    func takeOver() async throws {
        try await PaymentsHarness.with { harness in
            let request = harness.chargeRequest()
            let payment = try await harness.client.charge(request, options: PaymentsHarness.options(key: "crash"))
            // Make it look as if the process died after sending but before recording the answer.
            try await harness.postgres.withConnection { connection in
                try await connection.execute(
                    """
                    UPDATE idempotency_keys SET state = 'running', response = NULL, locked_until = now() - interval '1 s';
                    """
                )
            }
            try await harness.postgres.withConnection { connection in
                try await connection.execute(
                    "UPDATE attempts SET state = 'pending', settled_at = NULL WHERE payment_id = \(UUID(uuidString: payment.paymentID)!)"
                )
                try await connection.execute(
                    "DELETE FROM ledger_entries WHERE payment_id = \(UUID(uuidString: payment.paymentID)!)"
                )
                try await connection.execute(
                    "DELETE FROM outbox"
                )
                try await connection.execute(
                    "UPDATE payments SET status = 'created' WHERE payment_id = \(UUID(uuidString: payment.paymentID)!)"
                )
            }
            let resumed = try await harness.client.charge(request, options: PaymentsHarness.options(key: "crash"))
            #expect(resumed.paymentID == payment.paymentID)
            #expect(resumed.status == .succeeded)
            // The provider answered the resend from its X-Request-ID store: still one charge.
            #expect(await harness.operations(payment).count == 1)
            #expect(try await harness.outboxCount("payment.succeeded") == 1)
        }
    }
}
