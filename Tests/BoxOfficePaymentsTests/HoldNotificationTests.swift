import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

/// Confirm and Cancel notifications through PaymentService: a held (two-stage) payment captured
/// or voided where our synchronous answer never told us, settled by the provider's notification
/// alone; each notification delivered twice by the sandbox and posted once more by hand.
@Suite("Confirm and Cancel notifications")
struct HoldNotificationTests {
    /// How long a notification may take to settle the payment.
    static let settleTimeoutSeconds: Double = 15
    /// The service gives up on the provider after this; the lost answer is held longer.
    static let providerTimeoutMilliseconds: Int64 = 2_000
    /// After the authorization: every notification sent twice.
    static let duplicated = SandboxFaults(seed: 7, notificationDuplicatePerMille: 1000)

    @Test("the capture's answer is lost: the Confirm notification captures the payment, once")
    func confirmAfterLostCapture() async throws {
        try await ProviderWorld.with(ProviderWorld.Tune(timeoutMilliseconds: Self.providerTimeoutMilliseconds)) {
            world in
            let (payment, transactionID) = try await Self.authorize(world)
            var faults = Self.duplicated
            faults.scripted = [.responseLost]
            faults.hangMilliseconds = Self.providerTimeoutMilliseconds + 1_000
            // The Confirm comes after our call has given up on the answer.
            faults.notificationDelayMilliseconds = Self.providerTimeoutMilliseconds + 500
            await world.sandbox.setFaults(faults)
            var capture = Payments_V1_CapturePaymentRequest()
            capture.paymentID = payment.paymentID
            let answered = try await world.client.capturePayment(capture, options: ProviderWorld.options())
            #expect(answered.status == .authorized, "the capture's outcome is not known yet")
            #expect(
                try await world.count("SELECT count(*) FROM attempts WHERE kind = 'capture' AND state = 'unknown'") == 1
            )
            try await world.eventually("the Confirm to capture the payment", timeoutSeconds: Self.settleTimeoutSeconds)
            {
                try await world.payment(payment.paymentID).status == .succeeded
            }
            #expect(
                try await world.count("SELECT count(*) FROM attempts WHERE kind = 'capture' AND state = 'succeeded'")
                    == 1
            )
            try await Self.expectOnce(world, kind: "confirm", payment: payment, transactionID: transactionID)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)
            let confirms = await world.sandbox.operations().filter { $0.kind == .confirm }
            #expect(confirms.map(\.transactionID) == [transactionID], "one capture at the provider")
        }
    }

    @Test(
        "captured in the provider's back office, whole or in part: the Confirm captures what it took, once",
        arguments: [10_000, 8_000] as [Int64]
    )
    func confirmFromBackOffice(capturedMinor: Int64) async throws {
        try await ProviderWorld.with { world in
            let (payment, transactionID) = try await Self.authorize(world)
            await world.sandbox.setFaults(Self.duplicated)
            try await world.provider.confirm(
                transactionId: transactionID,
                amount: try Money(minorUnits: capturedMinor, currency: .rub),
                requestID: try RequestID("back-office-\(UUID().uuidString.prefix(8))")
            )
            try await world.eventually("the Confirm to capture the payment", timeoutSeconds: Self.settleTimeoutSeconds)
            {
                try await world.payment(payment.paymentID).status == .succeeded
            }
            #expect(try await world.payment(payment.paymentID).amount?.amountMinor == capturedMinor)
            try await Self.expectOnce(
                world,
                kind: "confirm",
                payment: payment,
                transactionID: transactionID,
                amount: capturedMinor == 10_000 ? "100.00" : "80.00"
            )
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(
                try await world.count("SELECT count(*) FROM ledger_entries WHERE amount_minor = \(capturedMinor)") == 2,
                "the ledger took what the provider took"
            )
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)
            // The books agree with the provider's.
            let report = try await world.reconciler().reconcileDay(Date())
            #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        }
    }

    @Test("voided in the provider's back office: the Cancel notification voids the payment, payment.voided once")
    func cancelFromBackOffice() async throws {
        try await ProviderWorld.with { world in
            let (payment, transactionID) = try await Self.authorize(world)
            await world.sandbox.setFaults(Self.duplicated)
            try await world.provider.void(
                transactionId: transactionID,
                requestID: try RequestID("back-office-\(UUID().uuidString.prefix(8))")
            )
            try await world.eventually("the Cancel to void the payment", timeoutSeconds: Self.settleTimeoutSeconds) {
                try await world.payment(payment.paymentID).status == .voided
            }
            try await Self.expectOnce(world, kind: "cancel", payment: payment, transactionID: transactionID)
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.voided'") == 1)
            let event = try #require(
                try await OutboxPayloads.events(Events_V1_PaymentVoided.self, PaymentEvents.voided, in: world.postgres)
                    .first
            )
            OutboxPayloads.expect(event, reports: try await world.payment(payment.paymentID))
            #expect(event.amount?.amountMinor == 10_000 && event.amount?.currency == "RUB")
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 0)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 0, "nothing was taken")
            // A voided payment cannot be captured any more.
            var capture = Payments_V1_CapturePaymentRequest()
            capture.paymentID = payment.paymentID
            let refused = await rpcError {
                _ = try await world.client.capturePayment(capture, options: ProviderWorld.options())
            }
            #expect(refused?.code == .failedPrecondition)
        }
    }

    /// Authorizes 100.00 RUB (no 3-D Secure) and waits for its Pay (Authorized) notification, so
    /// that only the notification under test comes afterwards.
    static func authorize(_ world: ProviderWorld) async throws -> (Payments_V1_Payment, Int64) {
        let payment = try await world.charge(authorizeOnly: true)
        #expect(payment.status == .authorized)
        let transactionID = try #require(try await world.chargeOperation(payment.paymentID).transactionID)
        #expect(payment.providerTransactionID == transactionID)
        try await world.eventually("the Pay (Authorized) notification") {
            try await world.count("SELECT count(*) FROM provider_notifications WHERE kind = 'Pay'") == 1
        }
        return (payment, transactionID)
    }

    /// The `kind` notification was delivered twice by the sandbox and is posted once more by
    /// hand: one row, applied; the repeats answered `{"code":0}` and changing nothing.
    static func expectOnce(
        _ world: ProviderWorld,
        kind: String,
        payment: Payments_V1_Payment,
        transactionID: Int64,
        amount: String = "100.00"
    ) async throws {
        let name = kind.prefix(1).uppercased() + kind.dropFirst()
        try await world.eventually("the sandbox's second delivery") {
            await world.sandbox.injectedFaults().notificationsDuplicated >= 1
        }
        #expect(
            try await world.text("SELECT outcome FROM provider_notifications WHERE kind = '\(name)'") == ["applied"]
        )
        let before = try await world.payment(payment.paymentID)
        let answer = try await world.notify(
            kind,
            world.paymentFields(transactionID: transactionID, invoiceID: payment.paymentID, amount: amount)
        )
        #expect(answer.status == 200 && answer.body.contains("\"code\":0"), "\(answer)")
        #expect(try await world.count("SELECT count(*) FROM provider_notifications WHERE kind = '\(name)'") == 1)
        #expect(try await world.payment(payment.paymentID) == before)
    }
}
