import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import Contracts
import Foundation
import Testing

@Suite("Payment reconciler")
struct ReconcilerTests {
    @Test("the daily reconciliation reports what the provider and we disagree on; the reconciler then settles it")
    func dailyMismatches() async throws {
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 2_000,
            reconcileScheduleSeconds: [1],
            faults: SandboxFaults(scripted: [.responseLost], hangMilliseconds: 3_000, notificationDropPerMille: 1000)
        )
        try await ProviderWorld.with(tune) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let transactionID = try #require(try await world.chargeOperation(payment.paymentID).transactionID)
            // A payment made at the provider with an InvoiceId that is none of ours.
            let stranger = UUID().uuidString.lowercased()
            _ = try? await world.provider.chargeCard(
                CardPaymentRequest(
                    amount: try Money(minorUnits: 500, currency: .rub),
                    ipAddress: "127.0.0.1",
                    cardCryptogramPacket: SandboxCryptogram(cardNumber: "4000000000003055", expiry: "12/35", cvv: "123")
                        .packet,
                    invoiceId: stranger
                ),
                requestID: try RequestID("stranger-\(UUID().uuidString.prefix(8))")
            )
            // An expired idempotency key for the reaper.
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    """
                    INSERT INTO idempotency_keys (caller, key, method, fingerprint, state, locked_until, expires_at)
                    VALUES ('users', 'old-key', 'Charge', '\\x00'::bytea, 'done', now(), now() - interval '1 second')
                    """
                )
            }
            let reconciler = world.reconciler()
            let report = try await reconciler.reconcileDay(Date())
            let kinds = Dictionary(grouping: report.mismatches, by: \.kind)
            #expect(kinds[.statusMismatch]?.map(\.paymentID) == [payment.paymentID], "\(report.mismatches)")
            #expect(kinds[.statusMismatch]?.first?.providerTransactionID == transactionID)
            #expect(kinds[.unknownToUs]?.map(\.paymentID) == [stranger], "\(report.mismatches)")
            #expect(report.mismatches.count == 2)

            #expect(try await reconciler.runUntilSettled(timeoutSeconds: 10) == 0)
            #expect(try await world.payment(payment.paymentID).status == .succeeded)
            #expect(try await world.count("SELECT count(*) FROM idempotency_keys WHERE key = 'old-key'") == 0)
            let after = try await reconciler.reconcileDay(Date())
            #expect(after.mismatches.map(\.kind) == [.unknownToUs], "\(after.mismatches)")
            #expect(await world.charges(payment.paymentID).count == 1, "the reconciler never charges")
        }
    }
}
