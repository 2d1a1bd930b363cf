import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Settlement entry points for notifications and the reconciler")
struct SettlementTests {
    @Test("a lost answer settled later by the provider's transaction books it once; repeats are no-ops")
    func settleUnknown() async throws {
        try await PaymentsHarness.with(faults: SandboxFaults(scripted: [.responseLost], hangMilliseconds: 100)) {
            harness in
            let payment = try await harness.charge(amountMinor: 900)
            #expect(payment.status == .unknown)
            let id = try #require(UUID(uuidString: payment.paymentID))
            // What the reconciler would do: ask the provider, then settle.
            let provider = harness.service.provider
            let transaction = try await provider.findPayment(invoiceId: payment.paymentID)
            #expect(transaction.status == .completed)
            for _ in 0..<2 {
                let result = try await harness.postgres.withTransaction { connection in
                    try await PaymentSettlement.settleCharge(
                        paymentID: id,
                        outcome: .transaction(transaction),
                        in: connection
                    )
                }
                #expect(result?.payment.status == .succeeded)
                #expect(result?.attempt.state == .succeeded)
            }
            #expect(try await harness.outboxCount("payment.succeeded") == 1)
            #expect(try await harness.count("SELECT count(*) FROM ledger_entries") == 2)
            #expect(await harness.operations(payment).count == 1)
        }
    }

    @Test("a refund made at the provider is recorded once, with its ledger entries and event")
    func externalRefund() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(amountMinor: 1_000)
            let id = try #require(UUID(uuidString: payment.paymentID))
            for _ in 0..<2 {
                let updated = try await harness.postgres.withTransaction { connection in
                    try await PaymentSettlement.recordRefund(
                        paymentID: id,
                        transactionID: 987_654,
                        amountMinor: 400,
                        in: connection
                    )
                }
                #expect(updated?.status == .partiallyRefunded)
                #expect(updated?.refundedMinor == 400)
            }
            #expect(try await harness.outboxCount("payment.refunded") == 1)
            let refunded = try await harness.client.getPayment(
                .with(paymentID: payment.paymentID),
                options: PaymentsHarness.options(key: nil)
            )
            let refund = try #require(refunded.refunds.first)
            #expect(refund.providerTransactionID == 987_654)
            let event = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentRefunded.self,
                    PaymentEvents.refunded,
                    in: harness.postgres
                ).first
            )
            OutboxPayloads.expect(event, reports: refund, of: refunded, refundedTotalMinor: 400)
            #expect(event.amount?.amountMinor == 400 && event.amount?.currency == "RUB")
            #expect(!event.fullyRefunded)
            let over = await #expect(throws: PaymentsError.self) {
                try await harness.postgres.withTransaction { connection in
                    try await PaymentSettlement.recordRefund(
                        paymentID: id,
                        transactionID: 987_655,
                        amountMinor: 601,
                        in: connection
                    )
                }
            }
            #expect(over?.code == .failedPrecondition)
        }
    }
}
