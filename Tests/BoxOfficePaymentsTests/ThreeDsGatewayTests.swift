import AsyncHTTPClient
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import Contracts
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// 3-D Secure completed as the payer's browser completes it: the sandbox's ACS page posts its
/// form to the TermUrl, which is the real gateway's `/v1/payments/3ds/return`.
@Suite("3-D Secure through the gateway")
struct ThreeDsGatewayTests {
    /// Largest answer body the test reads.
    static let answerBytesMax = 1 << 20

    @Test("the ACS success form posted to the gateway's TermUrl: 303 to the return URL, the payment succeeded")
    func successThroughGateway() async throws {
        try await ProviderWorld.with { world in
            let payment = try await world.charge(card: "4242424242424242")
            #expect(payment.status == .requiresAction)
            guard case .threeDs(let action)? = payment.action?.kind else {
                Issue.record("no 3-D Secure action")
                return
            }
            #expect(action.termURL == world.gatewayURL + ProviderWorld.threeDsReturnPath)
            let body = try await PaymentsHarness.threeDsReturn(action, choice: "success")
            let (status, location) = try await Self.postWithoutRedirects(action.termURL, body: body)
            #expect(status == 303)
            #expect(
                location == PaymentsConfiguration.returnURLDefault + "?payment_id=\(payment.paymentID)&status=SUCCEEDED"
            )
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .succeeded)
            #expect(settled.action == nil)
            let post3ds = await world.sandbox.operations().filter {
                $0.kind == .post3ds && $0.transactionID == payment.providerTransactionID
            }
            #expect(post3ds.count == 1, "one post3ds: \(post3ds)")
            #expect(try await world.count("SELECT count(*) FROM outbox WHERE routing_key = 'payment.succeeded'") == 1)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 2)

            // The browser's back button posts the same form again: the same redirect, nothing called.
            let (againStatus, againLocation) = try await Self.postWithoutRedirects(action.termURL, body: body)
            #expect(againStatus == 303)
            #expect(againLocation == location)
            #expect(await world.sandbox.operations().filter { $0.kind == .post3ds }.count == 1)
        }
    }

    @Test("the ACS failure form posted to the gateway: 303 with status FAILED, the payment failed with 5206")
    func failureThroughGateway() async throws {
        try await ProviderWorld.with { world in
            let payment = try await world.charge(card: "5555555555554444")
            guard case .threeDs(let action)? = payment.action?.kind else {
                Issue.record("no 3-D Secure action")
                return
            }
            let body = try await PaymentsHarness.threeDsReturn(action, choice: "failure")
            let (status, location) = try await Self.postWithoutRedirects(action.termURL, body: body)
            #expect(status == 303)
            #expect(
                location == PaymentsConfiguration.returnURLDefault + "?payment_id=\(payment.paymentID)&status=FAILED"
            )
            let settled = try await world.payment(payment.paymentID)
            #expect(settled.status == .failed)
            #expect(settled.failureCode == 5206)
            #expect(try await world.count("SELECT count(*) FROM ledger_entries") == 0)
        }
    }

    /// POSTs the form `body` to `url` with a client that does not follow redirects; the status
    /// and the `Location` header.
    static func postWithoutRedirects(_ url: String, body: [UInt8]) async throws -> (Int, String?) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<(Int, String?), any Error>
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: Self.answerBytesMax)
            result = .success((Int(response.status.code), response.headers.first(name: "Location")))
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        return try result.get()
    }
}
