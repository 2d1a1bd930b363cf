import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Charge")
struct ChargeTests {
    /// The test cards of CLOUDPAYMENTS.md: number, 3-D Secure, whether a card payment succeeds,
    /// whether a token payment of its saved card succeeds (the table's token column; "—" rows
    /// never save a card, so their value is unused).
    static let cards: [(String, Bool, Bool, Bool)] = [
        ("4242424242424242", true, true, true), ("5555555555554444", true, true, true),
        ("2200000000000004", true, true, true),
        ("4012888888881881", true, false, false), ("5105105105105100", true, false, false),
        ("2202202202202200", true, false, false),
        ("4000000000003055", false, true, true), ("5205000000003055", false, true, true),
        ("2202000000003055", false, true, true),
        ("4111111111111111", false, true, false), ("5200828282828210", false, true, false),
        ("2200000022222222", false, true, false),
        ("4000056655665556", false, false, false), ("5404000000000043", false, false, false),
        ("2203000000000043", false, false, false),
    ]

    @Test(
        "every test card, one- and two-stage, through 3-D Secure where the card asks; its saved card by token",
        arguments: Self.cards
    )
    func testCards(card: String, threeDs: Bool, succeeds: Bool, tokenSucceeds: Bool) async throws {
        try await PaymentsHarness.with { harness in
            // Card payments and renewals as they ended, for the events that report them.
            var settled: [Payments_V1_Payment] = []
            for authorizeOnly in [false, true] {
                var payment = try await harness.charge(card: card, authorizeOnly: authorizeOnly, saveMethod: true)
                if threeDs {
                    #expect(payment.status == .requiresAction)
                    guard case .threeDs(let action)? = payment.action?.kind else {
                        Issue.record("no 3-D Secure action for \(card)")
                        continue
                    }
                    #expect(action.md == String(payment.providerTransactionID))
                    #expect(action.termURL == PaymentsConfiguration.threeDsTermURLDefault)
                    let answer = try await harness.completeThreeDs(
                        try await harness.threeDsReturn(action, choice: "success")
                    )
                    #expect(answer.paymentID == payment.paymentID)
                    #expect(answer.redirectURL.hasPrefix(PaymentsConfiguration.returnURLDefault + "?payment_id="))
                    payment = try await harness.client.getPayment(
                        .with(paymentID: payment.paymentID),
                        options: PaymentsHarness.options(key: nil)
                    )
                    #expect(answer.status == payment.status)
                }
                let expected: Payments_V1_PaymentStatus =
                    succeeds ? (authorizeOnly ? .authorized : .succeeded) : .failed
                #expect(payment.status == expected, "\(card) authorizeOnly \(authorizeOnly)")
                if !succeeds {
                    #expect(payment.failureCode == 5051)
                    #expect(payment.failureMessage == "InsufficientFunds")
                    #expect(payment.failureFinal == false)
                } else {
                    #expect(!payment.paymentMethodID.isEmpty, "the card was saved")
                }
                let operations = await harness.operations(payment)
                let charges = operations.filter { $0.kind == (authorizeOnly ? .cardAuth : .cardCharge) }
                #expect(charges.count == 1, "exactly one charge: \(operations)")
                #expect(operations.filter { $0.kind == .post3ds }.count == (threeDs ? 1 : 0))
                settled.append(payment)
                if succeeds {
                    settled.append(
                        try await Self.chargeToken(harness, payment: payment, card: card, succeeds: tokenSucceeds)
                    )
                }
            }
            // The provider issues a token per approved payment: each saved once.
            let tokenPayments: Int64 = succeeds ? 2 : 0
            #expect(try await harness.count("SELECT count(*) FROM payments") == 2 + tokenPayments)
            #expect(try await harness.count("SELECT count(*) FROM payment_methods") == (succeeds ? 2 : 0))
            #expect(try await harness.outboxCount("payment_method.saved") == (succeeds ? 2 : 0))
            #expect(
                try await harness.outboxCount("payment.succeeded")
                    == (succeeds ? 1 : 0) + (tokenSucceeds ? tokenPayments : 0)
            )
            #expect(
                try await harness.outboxCount("payment.failed") == (succeeds ? 0 : 2)
                    + (tokenSucceeds ? 0 : tokenPayments)
            )
            // The payloads say which card was saved for renewals and why a payment failed.
            let saved = try await OutboxPayloads.events(
                Events_V1_PaymentMethodSaved.self,
                PaymentEvents.methodSaved,
                in: harness.postgres
            )
            let savers = settled.filter { !$0.recurring && $0.status != .failed }
            #expect(saved.map(\.paymentID) == savers.map(\.paymentID))
            for (event, payment) in zip(saved, savers) {
                OutboxPayloads.expect(event, reports: payment, card: card)
            }
            let failed = try await OutboxPayloads.events(
                Events_V1_PaymentFailed.self,
                PaymentEvents.failed,
                in: harness.postgres
            )
            let failures = settled.filter { $0.status == .failed }
            #expect(failed.map(\.paymentID) == failures.map(\.paymentID))
            for (event, payment) in zip(failed, failures) {
                OutboxPayloads.expect(event, reports: payment)
                #expect(event.failureCode == 5051)
                #expect(event.failureMessage == "InsufficientFunds")
                #expect(event.amount?.amountMinor == (payment.recurring ? 5_000 : 10_000))
            }
        }
    }

    /// Charges the card `payment` saved by its token (a scheduled renewal) and checks the token
    /// column of the table: approved, or declined with insufficient funds. Returns the renewal.
    static func chargeToken(
        _ harness: PaymentsHarness,
        payment: Payments_V1_Payment,
        card: String,
        succeeds: Bool
    ) async throws -> Payments_V1_Payment {
        var request = Payments_V1_ChargeSavedMethodRequest()
        request.userID = harness.userID.uuidString.lowercased()
        request.invoiceID = "renewal-\(UUID().uuidString.prefix(8))"
        request.amount = PaymentsHarness.money(5_000)
        request.paymentMethodID = payment.paymentMethodID
        request.description = "Renewal"
        let renewal = try await harness.client.chargeSavedMethod(request, options: PaymentsHarness.options())
        #expect(renewal.status == (succeeds ? .succeeded : .failed), "token of \(card)")
        #expect(renewal.paymentMethodID == payment.paymentMethodID)
        #expect(renewal.recurring)
        if !succeeds {
            #expect(renewal.failureCode == 5051)
            #expect(renewal.failureMessage == "InsufficientFunds")
            #expect(renewal.failureFinal == false)
        }
        let operations = await harness.operations(renewal)
        #expect(operations.map(\.kind) == [.tokenCharge], "one token charge: \(operations)")
        #expect(operations.first?.reasonCode == (succeeds ? 0 : 5051))
        return renewal
    }

    @Test("3-D Secure failure on the bank's page fails the payment with 5206; a repeated return calls nothing")
    func threeDsFailure() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(card: "4242424242424242")
            guard case .threeDs(let action)? = payment.action?.kind else {
                Issue.record("no 3-D Secure action")
                return
            }
            let body = try await harness.threeDsReturn(action, choice: "failure")
            let answer = try await harness.completeThreeDs(body)
            #expect(answer.status == .failed)
            #expect(answer.redirectURL.hasSuffix("status=FAILED"))
            let again = try await harness.completeThreeDs(body)
            #expect(again == answer)
            let settled = try await harness.client.getPayment(
                .with(paymentID: payment.paymentID),
                options: PaymentsHarness.options(key: nil)
            )
            #expect(settled.failureCode == 5206)
            #expect(await harness.operations(payment).filter { $0.kind == .post3ds }.count == 1)
            #expect(try await harness.outboxCount("payment.failed") == 1)
            let event = try #require(
                try await OutboxPayloads.events(
                    Events_V1_PaymentFailed.self,
                    PaymentEvents.failed,
                    in: harness.postgres
                )
                .first
            )
            OutboxPayloads.expect(event, reports: settled)
            #expect(event.failureCode == 5206)
            #expect(event.amount?.amountMinor == 10_000 && event.amount?.currency == "RUB")
            #expect(try await harness.count("SELECT count(*) FROM attempts WHERE state IN ('pending','unknown')") == 0)
        }
    }

    @Test("two 3-D Secure returns at once make one post3ds and the same answer")
    func concurrentReturns() async throws {
        try await PaymentsHarness.with(faults: SandboxFaults(latencyMilliseconds: 200)) { harness in
            let payment = try await harness.charge(card: "5555555555554444")
            guard case .threeDs(let action)? = payment.action?.kind else {
                Issue.record("no 3-D Secure action")
                return
            }
            let body = try await harness.threeDsReturn(action, choice: "success")
            async let first = harness.completeThreeDs(body)
            async let second = harness.completeThreeDs(body)
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .succeeded })
            #expect(answers[0].redirectURL == answers[1].redirectURL)
            #expect(await harness.operations(payment).filter { $0.kind == .post3ds }.count == 1)
            #expect(try await harness.outboxCount("payment.succeeded") == 1)
        }
    }

    @Test("an unknown MD is NOT_FOUND; a return without PaRes is INVALID_ARGUMENT naming it")
    func threeDsBadReturns() async throws {
        try await PaymentsHarness.with { harness in
            let unknown = await rpcError { _ = try await harness.completeThreeDs(Array("MD=99999999&PaRes=x".utf8)) }
            #expect(unknown?.code == .notFound)
            let missing = await rpcError { _ = try await harness.completeThreeDs(Array("MD=12".utf8)) }
            #expect(missing?.code == .invalidArgument)
            #expect(missing?.details.first?.field == "PaRes")
        }
    }

    /// Amount triggers of the sandbox (`<code>.13`) for each recurring-retry family.
    static let declineCases: [(Int64, Int32, Bool)] = [
        (500_113, 5001, true), (500_513, 5005, true), (503_413, 5034, true), (505_713, 5057, true),
        (505_413, 5054, false), (501_413, 5014, false), (505_113, 5051, false), (509_613, 5096, false),
        (504_313, 5043, false), (530_013, 5300, false),
    ]

    @Test("each decline family: code, reason and whether a retry is forbidden", arguments: Self.declineCases)
    func declines(amountMinor: Int64, code: Int32, final: Bool) async throws {
        try await PaymentsHarness.with { harness in
            var declined: [Payments_V1_Payment] = []
            for authorizeOnly in [false, true] {
                let payment = try await harness.charge(amountMinor: amountMinor, authorizeOnly: authorizeOnly)
                declined.append(payment)
                #expect(payment.status == .failed)
                #expect(payment.failureCode == code)
                #expect(payment.failureFinal == final)
                #expect(!payment.failureMessage.isEmpty)
                #expect(await harness.operations(payment).count == 1)
            }
            #expect(try await harness.outboxCount("payment.failed") == 2)
            let failed = try await OutboxPayloads.events(
                Events_V1_PaymentFailed.self,
                PaymentEvents.failed,
                in: harness.postgres
            )
            #expect(failed.map(\.paymentID) == declined.map(\.paymentID))
            for (event, payment) in zip(failed, declined) {
                OutboxPayloads.expect(event, reports: payment)
                #expect(event.failureCode == code)
                #expect(event.failureFinal == final)
                #expect(event.amount?.amountMinor == amountMinor && event.amount?.currency == "RUB")
            }
            #expect(try await harness.count("SELECT count(*) FROM ledger_entries") == 0)
        }
    }

    @Test("a hosted page answers a redirect to the provider's page")
    func hostedPage() async throws {
        try await PaymentsHarness.with { harness in
            var request = harness.chargeRequest()
            request.source = .testHostedPage
            let payment = try await harness.client.charge(request, options: PaymentsHarness.options())
            #expect(payment.status == .requiresAction)
            guard case .redirect(let redirect)? = payment.action?.kind else {
                Issue.record("no redirect")
                return
            }
            #expect(redirect.url.hasPrefix(harness.sandboxURL + "/sandbox/orders/"))
            #expect(await harness.operations(payment).map(\.kind) == [.orderCreate])
            let attempts = try await harness.attempts(payment)
            #expect(attempts.map(\.kind) == [.hostedOrder])
            #expect(attempts.first?.state == .unknown, "left open for the notification or the reconciler")
        }
    }
}

extension Payments_V1_GetPaymentRequest {
    static func with(paymentID: String) -> Self {
        var request = Self()
        request.paymentID = paymentID
        return request
    }
}
