import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Saved methods and token charges")
struct SavedMethodTests {
    func renewal(
        _ harness: PaymentsHarness,
        methodID: String,
        amountMinor: Int64 = 5_000
    )
        -> Payments_V1_ChargeSavedMethodRequest
    {
        var request = Payments_V1_ChargeSavedMethodRequest()
        request.userID = harness.userID.uuidString.lowercased()
        request.invoiceID = "renewal-\(UUID().uuidString.prefix(8))"
        request.amount = PaymentsHarness.money(amountMinor)
        request.paymentMethodID = methodID
        request.description = "Renewal"
        return request
    }

    @Test("a saved card: listed without its number, charged by token (payer present and renewal), deleted")
    func savedCard() async throws {
        try await PaymentsHarness.with { harness in
            let first = try await harness.charge(card: "4000000000003055", saveMethod: true)
            #expect(first.status == .succeeded)
            let listed = try await harness.client.listPaymentMethods(.init(), options: harness.userOptions())
            #expect(listed.paymentMethods.count == 1)
            let method = try #require(listed.paymentMethods.first)
            #expect(method.paymentMethodID == first.paymentMethodID)
            #expect(method.firstSix == "400000")
            #expect(method.lastFour == "3055")
            #expect(method.expMonth == 12)
            #expect(method.expYear == 2035)
            #expect(method.brand == .visa)
            // Only the token is stored: no column holds the card number.
            #expect(
                try await harness.count("SELECT count(*) FROM payment_methods WHERE token LIKE '%4000000000003055%'")
                    == 0
            )
            #expect(try await harness.outboxCount("payment_method.saved") == 1)
            let saved = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentMethodSaved.self,
                    PaymentEvents.methodSaved,
                    in: harness.postgres
                ).first
            )
            OutboxPayloads.expect(saved, reports: first, card: "4000000000003055")
            #expect(saved.paymentMethodID == method.paymentMethodID)
            #expect(saved.lastFour == "3055")

            // The payer present pays with the saved card.
            var request = harness.chargeRequest()
            var source = Payments_V1_PaymentSource()
            source.method = .paymentMethodID(method.paymentMethodID)
            request.source = source
            let second = try await harness.client.charge(request, options: PaymentsHarness.options())
            #expect(second.status == .succeeded)
            #expect(second.paymentMethodID == method.paymentMethodID)
            #expect(!second.recurring)
            #expect(await harness.operations(second).map(\.kind) == [.tokenCharge])

            // The scheduled renewal.
            let renewal = try await harness.client.chargeSavedMethod(
                self.renewal(harness, methodID: method.paymentMethodID),
                options: PaymentsHarness.options()
            )
            #expect(renewal.status == .succeeded)
            #expect(renewal.recurring)
            #expect(await harness.operations(renewal).map(\.kind) == [.tokenCharge])
            #expect(try await harness.outboxCount("payment.succeeded") == 3)

            let got = try await harness.client.getPaymentMethod(
                .with(id: method.paymentMethodID, userID: harness.userID),
                options: PaymentsHarness.options(key: nil)
            )
            #expect(got == method)

            var delete = Payments_V1_DeletePaymentMethodRequest()
            delete.paymentMethodID = method.paymentMethodID
            _ = try await harness.client.deletePaymentMethod(delete, options: harness.userOptions())
            #expect(
                try await harness.client.listPaymentMethods(.init(), options: harness.userOptions()).paymentMethods
                    .isEmpty
            )
            let gone = await rpcError {
                _ = try await harness.client.chargeSavedMethod(
                    self.renewal(harness, methodID: method.paymentMethodID),
                    options: PaymentsHarness.options()
                )
            }
            #expect(gone?.code == .notFound)
            let deletedTwice = await rpcError {
                _ = try await harness.client.deletePaymentMethod(delete, options: harness.userOptions())
            }
            #expect(deletedTwice?.code == .notFound)
        }
    }

    @Test("a token payment of the card the table declines for tokens fails with 5051")
    func tokenDecline() async throws {
        try await PaymentsHarness.with { harness in
            let first = try await harness.charge(card: "4111111111111111", saveMethod: true)
            #expect(first.status == .succeeded)
            let renewal = try await harness.client.chargeSavedMethod(
                self.renewal(harness, methodID: first.paymentMethodID),
                options: PaymentsHarness.options()
            )
            #expect(renewal.status == .failed)
            #expect(renewal.failureCode == 5051)
            #expect(renewal.failureFinal == false)
            #expect(try await harness.outboxCount("payment.failed") == 1)
            let failed = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentFailed.self,
                    PaymentEvents.failed,
                    in: harness.postgres
                )
                .first
            )
            OutboxPayloads.expect(failed, reports: renewal)
            #expect(failed.failureCode == 5051)
            #expect(failed.recurring, "a renewal's failure says so, for dunning")
            #expect(failed.amount?.amountMinor == 5_000 && failed.amount?.currency == "RUB")
        }
    }

    @Test("another user's method cannot be charged or seen")
    func foreignMethod() async throws {
        try await PaymentsHarness.with { harness in
            let first = try await harness.charge(saveMethod: true)
            var request = self.renewal(harness, methodID: first.paymentMethodID)
            request.userID = UUID().uuidString
            let error = await rpcError {
                _ = try await harness.client.chargeSavedMethod(request, options: PaymentsHarness.options())
            }
            #expect(error?.code == .notFound)
            let listed = try await harness.client.listPaymentMethods(
                .init(),
                options: PaymentsHarness.options(key: nil, caller: "user:\(UUID().uuidString.lowercased())")
            )
            #expect(listed.paymentMethods.isEmpty)
        }
    }
}

extension Payments_V1_GetPaymentMethodRequest {
    static func with(id: String, userID: UUID) -> Self {
        var request = Self()
        request.paymentMethodID = id
        request.userID = userID.uuidString.lowercased()
        return request
    }
}
