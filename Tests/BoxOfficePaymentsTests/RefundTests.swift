import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Refunds, voids and captures")
struct RefundTests {
    static func refund(_ paymentID: String, _ amount: Int64?) -> Payments_V1_RefundPaymentRequest {
        var request = Payments_V1_RefundPaymentRequest()
        request.paymentID = paymentID
        request.amountMinor = amount
        request.reason = "customer asked"
        request.requestedBy = "admin:ops"
        return request
    }

    @Test("partial, repeated and full refunds; an over-refund is refused naming amountMinor")
    func refunds() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(amountMinor: 1_000)
            #expect(payment.status == .succeeded)
            var refunded = try await harness.client.refundPayment(
                Self.refund(payment.paymentID, 300),
                options: PaymentsHarness.options()
            )
            #expect(refunded.status == .partiallyRefunded)
            #expect(refunded.refundedAmount?.amountMinor == 300)
            refunded = try await harness.client.refundPayment(
                Self.refund(payment.paymentID, 200),
                options: PaymentsHarness.options()
            )
            #expect(refunded.refundedAmount?.amountMinor == 500)
            #expect(refunded.refunds.map { $0.amount?.amountMinor } == [300, 200])
            #expect(refunded.refunds.allSatisfy { $0.status == .succeeded && $0.providerTransactionID != 0 })

            let over = await rpcError {
                _ = try await harness.client.refundPayment(
                    Self.refund(payment.paymentID, 501),
                    options: PaymentsHarness.options()
                )
            }
            #expect(over?.code == .failedPrecondition)
            #expect(over?.details.first?.field == "amountMinor")
            #expect(over?.message.contains("500") == true)

            // Without an amount: the rest.
            refunded = try await harness.client.refundPayment(
                Self.refund(payment.paymentID, nil),
                options: PaymentsHarness.options()
            )
            #expect(refunded.status == .refunded)
            #expect(refunded.refundedAmount?.amountMinor == 1_000)
            let nothingLeft = await rpcError {
                _ = try await harness.client.refundPayment(
                    Self.refund(payment.paymentID, 1),
                    options: PaymentsHarness.options()
                )
            }
            #expect(nothingLeft?.code == .failedPrecondition)

            let operations = await harness.sandbox.operations().filter { $0.kind == .refund }
            #expect(operations.count == 3, "the refused ones never reached the provider")
            #expect(try await harness.outboxCount("payment.refunded") == 3)
            // One event per refund, each with its amount, the running total and the reason.
            let events = try await OutboxPayloads.events(
                Events_V1_PaymentRefunded.self,
                PaymentEvents.refunded,
                in: harness.postgres
            )
            #expect(refunded.refunds.map { $0.amount?.amountMinor } == [300, 200, 500])
            #expect(events.map(\.refundID) == refunded.refunds.map(\.refundID))
            for (event, (refund, total)) in zip(events, zip(refunded.refunds, [Int64(300), 500, 1_000])) {
                OutboxPayloads.expect(event, reports: refund, of: refunded, refundedTotalMinor: total)
                #expect(event.reason == "customer asked")
                #expect(event.amount?.currency == "RUB")
            }
            #expect(events.map(\.fullyRefunded) == [false, false, true])
            #expect(try await harness.count("SELECT count(*) FROM ledger_entries") == 8)
        }
    }

    @Test("refunding a failed payment is refused; CancelPayment refunds a succeeded one, partially")
    func cancelRefunds() async throws {
        try await PaymentsHarness.with { harness in
            let failed = try await harness.charge(card: "4000056655665556")
            let refused = await rpcError {
                _ = try await harness.client.refundPayment(
                    Self.refund(failed.paymentID, nil),
                    options: PaymentsHarness.options()
                )
            }
            #expect(refused?.code == .failedPrecondition)

            let payment = try await harness.charge(amountMinor: 2_000)
            var cancel = Payments_V1_CancelPaymentRequest()
            cancel.paymentID = payment.paymentID
            cancel.userID = harness.userID.uuidString.lowercased()
            cancel.amountMinor = 500
            cancel.reason = "partial cancel"
            let cancelled = try await harness.client.cancelPayment(cancel, options: PaymentsHarness.options())
            #expect(cancelled.status == .partiallyRefunded)
            #expect(cancelled.refundedAmount?.amountMinor == 500)
            #expect(cancelled.refunds.first?.requestedBy == PaymentsHarness.service)

            // Another user's payment does not exist for them.
            var foreign = cancel
            foreign.userID = UUID().uuidString
            let hidden = await rpcError {
                _ = try await harness.client.cancelPayment(foreign, options: PaymentsHarness.options())
            }
            #expect(hidden?.code == .notFound)
        }
    }

    @Test("an authorized payment is voided by CancelPayment; no money moved")
    func void() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(authorizeOnly: true)
            #expect(payment.status == .authorized)
            var cancel = Payments_V1_CancelPaymentRequest()
            cancel.paymentID = payment.paymentID
            let voided = try await harness.client.cancelPayment(cancel, options: PaymentsHarness.options())
            #expect(voided.status == .voided)
            #expect(await harness.sandbox.operations().filter { $0.kind == .void }.count == 1)
            #expect(try await harness.outboxCount("payment.voided") == 1)
            let event = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentVoided.self,
                    PaymentEvents.voided,
                    in: harness.postgres
                )
                .first
            )
            OutboxPayloads.expect(event, reports: voided)
            #expect(event.amount?.amountMinor == 10_000 && event.amount?.currency == "RUB")
            #expect(try await harness.count("SELECT count(*) FROM ledger_entries") == 0)
            let again = await rpcError {
                _ = try await harness.client.cancelPayment(cancel, options: PaymentsHarness.options())
            }
            #expect(again?.code == .failedPrecondition)
        }
    }

    @Test("capture takes the held money, in part; more than held is refused")
    func capture() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(amountMinor: 1_000, authorizeOnly: true)
            var capture = Payments_V1_CapturePaymentRequest()
            capture.paymentID = payment.paymentID
            capture.amountMinor = 1_001
            let over = await rpcError {
                _ = try await harness.client.capturePayment(capture, options: PaymentsHarness.options())
            }
            #expect(over?.code == .failedPrecondition)
            #expect(over?.details.first?.field == "amountMinor")

            capture.amountMinor = 800
            let captured = try await harness.client.capturePayment(capture, options: PaymentsHarness.options())
            #expect(captured.status == .succeeded)
            #expect(captured.amount?.amountMinor == 800)
            #expect(await harness.sandbox.operations().filter { $0.kind == .confirm }.map(\.amountMinor) == [800])
            #expect(try await harness.outboxCount("payment.succeeded") == 1)
            // The captured amount is what can be refunded.
            let refunded = try await harness.client.refundPayment(
                Self.refund(payment.paymentID, nil),
                options: PaymentsHarness.options()
            )
            #expect(refunded.status == .refunded)
            #expect(refunded.refundedAmount?.amountMinor == 800)
        }
    }
}
