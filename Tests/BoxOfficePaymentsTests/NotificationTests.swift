import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

/// Provider notifications end to end: the sandbox (or a test posting by hand) → the real gateway
/// route `/webhooks/cloudpayments/{kind}` → RPC → PaymentService → Postgres.
@Suite("Provider notifications")
struct NotificationTests {
    /// The charge's answer is lost and no notification is delivered: the payment stays unknown
    /// until the test itself notifies.
    static let lostAnswerNoNotifications = ProviderWorld.Tune(
        timeoutMilliseconds: 2_000,
        faults: SandboxFaults(scripted: [.responseLost], hangMilliseconds: 3_000, notificationDropPerMille: 1000)
    )

    @Test("a charge's Check and Pay come through the gateway; the Pay after the synchronous answer changes nothing")
    func payAfterAnswer() async throws {
        try await ProviderWorld.with { world in
            let payment = try await world.charge()
            #expect(payment.status == .succeeded)
            try await world.eventually("the Pay notification") {
                try await world.count("SELECT count(*) FROM provider_notifications WHERE kind = 'Pay'") == 1
            }
            let outcomes = try await world.text("SELECT outcome FROM provider_notifications")
            // The Pay raced the synchronous answer: whichever came second changed nothing.
            #expect(outcomes.count == 1 && ["no_change", "applied"].contains(outcomes[0]), "\(outcomes)")
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)
            #expect(await world.charges(payment.paymentID).count == 1)
        }
    }

    @Test("a lost synchronous answer leaves the payment unknown; the Pay notification settles it, one charge")
    func lostAnswerSettledByNotification() async throws {
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 2_000,
            faults: SandboxFaults(
                scripted: [.responseLost],
                hangMilliseconds: 3_000,
                notificationDelayMilliseconds: 2_500
            )
        )
        try await ProviderWorld.with(tune) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            try await world.eventually("the Pay to settle the payment") {
                try await world.payment(payment.paymentID).status == .succeeded
            }
            #expect(
                try await world.text("SELECT outcome FROM provider_notifications WHERE kind = 'Pay'") == ["applied"]
            )
            #expect(try await world.count("SELECT count(*) FROM attempts WHERE state IN ('pending', 'unknown')") == 0)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(await world.charges(payment.paymentID).count == 1, "exactly one charge")
        }
    }

    @Test("a lost answer with every notification dropped is settled by the reconciler, one charge")
    func lostAnswerSettledByReconciler() async throws {
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 2_000,
            reconcileScheduleSeconds: [1],
            faults: SandboxFaults(scripted: [.responseLost], hangMilliseconds: 3_000, notificationDropPerMille: 1000)
        )
        try await ProviderWorld.with(tune) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let reconciler = world.reconciler()
            // Not due before the first step of the schedule.
            #expect(try await reconciler.runPass().checked == 0)
            #expect(try await reconciler.runUntilSettled(timeoutSeconds: 10) == 0)
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .succeeded)
            #expect(
                try await world.count("SELECT count(*) FROM provider_notifications") == 0,
                "every notification dropped"
            )
            #expect(await world.charges(payment.paymentID).count == 1, "exactly one charge")
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
        }
    }

    @Test("duplicated and reordered notifications: Refund before Pay is deferred, then applied; repeats change nothing")
    func duplicatedAndReordered() async throws {
        try await ProviderWorld.with(Self.lostAnswerNoNotifications) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let charge = try await world.chargeOperation(payment.paymentID)
            let transactionID = try #require(charge.transactionID)
            // A partial refund made in the provider's back office while our payment is still unknown.
            let refundID = try await world.provider.refund(
                transactionId: transactionID,
                amount: try Money(minorUnits: 3_000, currency: .rub),
                requestID: try RequestID("back-office-\(UUID().uuidString.prefix(8))")
            )
            let refundFields: [(String, String)] = [
                ("TransactionId", String(refundID)), ("PaymentTransactionId", String(transactionID)),
                ("Amount", "30.00"), ("DateTime", ProviderWorld.dateTime()), ("InvoiceId", payment.paymentID),
                ("AccountId", world.userID.uuidString.lowercased()), ("OperationType", "Refund"),
            ]
            let payFields = world.paymentFields(
                transactionID: transactionID,
                invoiceID: payment.paymentID,
                extra: [("Status", "Completed"), ("AuthCode", "A1B2C3"), ("Token", ""), ("GatewayName", "Test")]
            )
            // Refund first, twice: deferred once, the duplicate answered 0 without a second row.
            for _ in 0..<2 {
                let answer = try await world.notify("refund", refundFields)
                #expect(answer.status == 200 && answer.body.contains("\"code\":0"), "\(answer)")
            }
            #expect(try await world.text("SELECT outcome FROM provider_notifications") == ["deferred"])
            #expect(try await world.payment(payment.paymentID).status == .unknown)
            // The Pay, twice: applied, then the deferred Refund re-applied in the same transaction.
            for _ in 0..<2 {
                let answer = try await world.notify("pay", payFields)
                #expect(answer.status == 200 && answer.body.contains("\"code\":0"), "\(answer)")
            }
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .partiallyRefunded)
            #expect(settled.refundedAmount?.amountMinor == 3_000)
            #expect(settled.refunds.count == 1 && settled.refunds[0].providerTransactionID == refundID)
            #expect(
                try await world.text("SELECT kind || '=' || outcome FROM provider_notifications ORDER BY id")
                    == ["Refund=applied", "Pay=applied"]
            )
            // A Fail for the same transaction arriving late is stale: nothing changes.
            let failFields = world.paymentFields(
                transactionID: transactionID,
                invoiceID: payment.paymentID,
                extra: [("Reason", "InsufficientFunds"), ("ReasonCode", "5051")]
            )
            #expect(try await world.notify("fail", failFields).status == 200)
            #expect(try await world.text("SELECT outcome FROM provider_notifications WHERE kind = 'Fail'") == ["stale"])
            #expect(try await world.payment(payment.paymentID).status == .partiallyRefunded)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.refunded'") == 1)
            // The deferred refund's event reports the back-office refund once, against the charge.
            let event = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentRefunded.self,
                    PaymentEvents.refunded,
                    in: world.postgres
                ).first
            )
            OutboxPayloads.expect(
                event,
                reports: try #require(settled.refunds.first),
                of: settled,
                refundedTotalMinor: 3_000
            )
            #expect(event.amount?.amountMinor == 3_000 && event.amount?.currency == "RUB")
            #expect(!event.fullyRefunded)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 4)
            #expect(await world.charges(payment.paymentID).count == 1)
        }
    }

    @Test("a bad or missing HMAC is refused (403) and records and changes nothing")
    func badSignature() async throws {
        try await ProviderWorld.with(Self.lostAnswerNoNotifications) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let transactionID = try #require(try await world.chargeOperation(payment.paymentID).transactionID)
            let fields = world.paymentFields(
                transactionID: transactionID,
                invoiceID: payment.paymentID,
                extra: [("Status", "Completed")]
            )
            for secret in ["not_the_secret", nil] as [String?] {
                let answer = try await world.notify("pay", fields, secret: secret)
                #expect(answer.status == 403, "\(answer)")
                #expect(!answer.body.contains("\"code\":0"))
            }
            #expect(try await world.count("SELECT count(*) FROM provider_notifications") == 0)
            #expect(try await world.payment(payment.paymentID).status == .unknown)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 0)
            // The right signature over the same body is accepted and settles it.
            #expect(try await world.notify("pay", fields).status == 200)
            #expect(try await world.payment(payment.paymentID).status == .succeeded)
        }
    }

    @Test("a notification for a payment we do not have is recorded, answered 0 and changes nothing")
    func unknownPayment() async throws {
        try await ProviderWorld.with { world in
            let invoice = UUID().uuidString.lowercased()
            let answer = try await world.notify(
                "pay",
                world.paymentFields(transactionID: 987_654, invoiceID: invoice, extra: [("Status", "Completed")])
            )
            #expect(answer.status == 200 && answer.body.contains("\"code\":0"), "\(answer)")
            #expect(
                try await world.text("SELECT outcome || ' ' || invoice_id FROM provider_notifications")
                    == ["unknown_payment \(invoice)"]
            )
            #expect(try await world.count("SELECT count(*) FROM payments") == 0)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 0)
        }
    }

    @Test("Check answers 10, 11, 12, 13, 20 and 0 as the provider defines, and changes nothing")
    func checkCodes() async throws {
        try await ProviderWorld.with { world in
            var hosted = world.chargeRequest(amountMinor: 25_000)
            hosted.source = .testHostedPage
            let pending = try await world.client.charge(hosted, options: ProviderWorld.options())
            #expect(pending.status == .requiresAction)
            let paid = try await world.charge()
            #expect(paid.status == .succeeded)
            let cases: [(String, [(String, String)], Int)] = [
                ("unknown InvoiceId", world.paymentFields(transactionID: 1, invoiceID: UUID().uuidString), 10),
                ("not a uuid", world.paymentFields(transactionID: 1, invoiceID: "12345"), 10),
                (
                    "another AccountId",
                    world.paymentFields(
                        transactionID: 1,
                        invoiceID: pending.paymentID,
                        amount: "250.00",
                        accountID: UUID().uuidString.lowercased()
                    ), 11
                ),
                (
                    "another amount",
                    world.paymentFields(transactionID: 1, invoiceID: pending.paymentID, amount: "250.01"), 12
                ),
                ("already paid", world.paymentFields(transactionID: 1, invoiceID: paid.paymentID), 13),
                ("payable", world.paymentFields(transactionID: 1, invoiceID: pending.paymentID, amount: "250.00"), 0),
            ]
            for (name, fields, code) in cases {
                let answer = try await world.notify("check", fields)
                #expect(answer.status == 200 && answer.body.contains("\"code\":\(code)"), "\(name): \(answer)")
            }
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    "UPDATE payments SET created_at = now() - interval '8 days' WHERE payment_id = \(UUID(uuidString: pending.paymentID)!)"
                )
            }
            let expired = try await world.notify(
                "check",
                world.paymentFields(transactionID: 1, invoiceID: pending.paymentID, amount: "250.00")
            )
            #expect(expired.body.contains("\"code\":20"), "\(expired)")
            // Checks are answered, not recorded, and change no payment.
            #expect(try await world.count("SELECT count(*) FROM provider_notifications WHERE kind = 'Check'") == 0)
            #expect(try await world.payment(pending.paymentID).status == .requiresAction)
        }
    }

    @Test("a notification whose DateTime is past the replay window: recorded rejected, answered 0, not applied")
    func staleDateTime() async throws {
        try await ProviderWorld.with(Self.lostAnswerNoNotifications) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let transactionID = try #require(try await world.chargeOperation(payment.paymentID).transactionID)
            let window = Double(PaymentsConfiguration.notificationMaxAgeSecondsDefault)
            #expect(window > Double(PaymentsConfiguration.providerNotificationRetrySpanSeconds))
            let stale = ProviderWorld.dateTime(Date().addingTimeInterval(-window - 60))
            func fields(_ dateTime: String, _ extra: [(String, String)]) -> [(String, String)] {
                world.paymentFields(transactionID: transactionID, invoiceID: payment.paymentID, extra: extra).map {
                    $0.0 == "DateTime" ? ($0.0, dateTime) : $0
                }
            }
            // A replayed Fail, validly signed: would fail the payment if applied.
            let fail = fields(stale, [("Reason", "InsufficientFunds"), ("ReasonCode", "5051")])
            for _ in 0..<2 {
                let answer = try await world.notify("fail", fail)
                #expect(answer.status == 200 && answer.body.contains("\"code\":0"), "\(answer)")
            }
            #expect(
                try await world.text("SELECT kind || '=' || outcome FROM provider_notifications") == ["Fail=rejected"]
            )
            #expect(try await world.payment(payment.paymentID).status == .unknown)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.failed'") == 0)
            // A stale Check is refused with 20 (expired) and, like every Check, not recorded.
            let check = try await world.notify("check", fields(stale, []))
            #expect(check.status == 200 && check.body.contains("\"code\":20"), "\(check)")
            // A Pay late by more than the provider's whole retry span, but inside the window, is applied.
            let late = ProviderWorld.dateTime(
                Date().addingTimeInterval(-Double(PaymentsConfiguration.providerNotificationRetrySpanSeconds) - 60)
            )
            let pay = try await world.notify("pay", fields(late, [("Status", "Completed"), ("AuthCode", "A1B2C3")]))
            #expect(pay.status == 200 && pay.body.contains("\"code\":0"), "\(pay)")
            #expect(try await world.payment(payment.paymentID).status == .succeeded)
            #expect(
                try await world.text("SELECT kind || '=' || outcome FROM provider_notifications ORDER BY id")
                    == ["Fail=rejected", "Pay=applied"]
            )
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)
        }
    }
}
