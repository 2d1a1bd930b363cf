import AsyncHTTPClient
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import Contracts
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The hosted page paid as a person pays it: the redirect followed, the sandbox's order page
/// read, its card form posted; the payment settled by the Pay notification or the reconciler.
@Suite("Hosted page")
struct HostedPageTests {
    /// How long the settled payment may take to show (notification retries at 20 ms "minutes").
    static let settleTimeoutSeconds: Double = 15
    /// Largest page or JSON answer the test reads.
    static let answerBytesMax = 1 << 20

    @Test("the order page paid with a card: the Pay notification makes the payment succeeded, one orderPayment")
    func paidThroughNotification() async throws {
        try await ProviderWorld.with { world in
            let payment = try await Self.payOrderPage(world)
            try await world.eventually(
                "the Pay notification to settle the payment",
                timeoutSeconds: Self.settleTimeoutSeconds
            ) {
                try await world.payment(payment.paymentID).status == .succeeded
            }
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .succeeded)
            #expect(settled.providerTransactionID != 0)
            #expect(
                try await world.text("SELECT outcome FROM provider_notifications WHERE kind = 'Pay'") == ["applied"]
            )
            try await Self.expectSettledOnce(world, payment: settled)
        }
    }

    @Test("the order page paid with every notification dropped: the reconciler settles it, one orderPayment")
    func paidThroughReconciler() async throws {
        let tune = ProviderWorld.Tune(
            reconcileScheduleSeconds: [1],
            faults: SandboxFaults(notificationDropPerMille: 1000)
        )
        try await ProviderWorld.with(tune) { world in
            let payment = try await Self.payOrderPage(world)
            #expect(try await world.payment(payment.paymentID).status == .requiresAction, "no notification came")
            #expect(try await world.reconciler().runUntilSettled(timeoutSeconds: Self.settleTimeoutSeconds) == 0)
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .succeeded)
            #expect(try await world.count("SELECT count(*) FROM provider_notifications") == 0, "every one dropped")
            #expect(await world.sandbox.injectedFaults().notificationsDropped >= 1)
            try await Self.expectSettledOnce(world, payment: settled)
        }
    }

    /// Charges through the hosted page, follows the redirect to the sandbox's order page and
    /// posts its card form with a card that pays without 3-D Secure; returns the payment as the
    /// charge answered it.
    static func payOrderPage(_ world: ProviderWorld) async throws -> Payments_V1_Payment {
        var request = world.chargeRequest(amountMinor: 12_345)
        request.source = .testHostedPage
        let payment = try await world.client.charge(request, options: ProviderWorld.options())
        #expect(payment.status == .requiresAction)
        guard case .redirect(let redirect)? = payment.action?.kind else {
            Issue.record("no redirect")
            throw CancellationError()
        }
        let (status, html) = try await Self.fetch(redirect.url)
        #expect(status == 200)
        #expect(html.contains("Pay 123.45 RUB"), "the page shows the amount")
        let action = String(try #require(html.firstMatch(of: /<form method="post" action="([^"]+)" id="pay">/)).1)
        // The page's inputs, as a browser submits them.
        for name in ["card", "exp", "cvv"] { #expect(html.contains("name=\"\(name)\""), "input \(name)") }
        let sandboxURL = await world.sandbox.baseURL()
        let (paidStatus, paid) = try await Self.fetch(
            sandboxURL + action,
            form: [("card", "4000000000003055"), ("exp", "12/35"), ("cvv", "123")]
        )
        #expect(paidStatus == 200)
        #expect(paid.contains("<p id=\"status\">Completed</p>"), "the page reports the payment: \(paid)")
        #expect(paid.contains("href=\"https://app.example.com/ok\""), "the page links to the success URL")
        return payment
    }

    /// The settled hosted payment: one orderPayment at the sandbox's introspection endpoint,
    /// `payment.succeeded` once, the attempt closed, the ledger's two entries.
    static func expectSettledOnce(_ world: ProviderWorld, payment: Payments_V1_Payment) async throws {
        let (status, body) = try await Self.fetch(await world.sandbox.baseURL() + "/sandbox/operations")
        #expect(status == 200)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
        let mine = listed.filter { $0["InvoiceId"] as? String == payment.paymentID }
        #expect(mine.compactMap { $0["Kind"] as? String } == ["orderCreate", "orderPayment"], "\(mine)")
        let orderPayment = try #require(mine.last)
        #expect((orderPayment["TransactionId"] as? NSNumber)?.int64Value == payment.providerTransactionID)
        #expect(orderPayment["Status"] as? String == "Completed")
        #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
        #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.failed'") == 0)
        #expect(try await world.count("SELECT count(*) FROM attempts WHERE state IN ('pending', 'unknown')") == 0)
        #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)
        #expect(payment.amount?.amountMinor == 12_345)
    }

    /// GETs `url`, or POSTs `form` to it form-encoded; the status and the body as text.
    static func fetch(_ url: String, form: [(String, String)]? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        if let form {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: ProviderWorld.encodeForm(form)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: Self.answerBytesMax)
        return (Int(response.status.code), String(buffer: buffer))
    }
}
