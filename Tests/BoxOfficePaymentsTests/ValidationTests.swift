import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Bad input")
struct ValidationTests {
    /// A request broken one way, and the field the error must name.
    static let broken: [(String, @Sendable (inout Payments_V1_ChargeRequest) -> Void)] = [
        ("userId", { $0.userID = "" }),
        ("userId", { $0.userID = "not-a-uuid" }),
        ("invoiceId", { $0.invoiceID = "" }),
        ("amount", { $0.amount = nil }),
        ("amount.amountMinor", { $0.amount?.amountMinor = 0 }),
        ("amount.amountMinor", { $0.amount?.amountMinor = -5 }),
        ("amount.currency", { $0.amount?.currency = "XYZ" }),
        ("amount.currency", { $0.amount?.currency = "rub" }),
        ("source", { $0.source = nil }),
        ("source.cardCryptogram", { $0.source?.method = .cardCryptogram("") }),
        ("clientIp", { $0.clientIp = "" }),
        ("source.paymentMethodId", { $0.source?.method = .paymentMethodID("nope") }),
        ("source.hostedPage.successUrl", { $0.source?.method = .hostedPage(Payments_V1_HostedPage()) }),
        ("description", { $0.description = String(repeating: "x", count: 1_001) }),
    ]

    @Test("INVALID_ARGUMENT names the field and nothing is written", arguments: 0..<Self.broken.count)
    func charge(index: Int) async throws {
        let (field, breakIt) = Self.broken[index]
        try await PaymentsHarness.with { (harness) async throws in
            var request = harness.chargeRequest()
            breakIt(&request)
            let error = await rpcError { _ = try await harness.client.charge(request, options: PaymentsHarness.options()) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.details.first?.field == field)
            #expect(try await harness.count("SELECT count(*) FROM payments") == 0)
            #expect(try await harness.count("SELECT count(*) FROM idempotency_keys") == 0)
            #expect(await harness.sandbox.operations().isEmpty)
        }
    }

    @Test("a mutating call without an idempotency key is refused")
    func missingKey() async throws {
        try await PaymentsHarness.with { (harness) async throws in
            let error = await rpcError {
                _ = try await harness.client.charge(harness.chargeRequest(), options: PaymentsHarness.options(key: nil))
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.details.first?.field == "idempotencyKey")
            var refund = Payments_V1_RefundPaymentRequest()
            refund.paymentID = UUID().uuidString
            refund.amountMinor = 0
            let badAmount = await rpcError {
                _ = try await harness.client.refundPayment(refund, options: PaymentsHarness.options())
            }
            #expect(badAmount?.details.first?.field == "amountMinor")
            #expect(try await harness.count("SELECT count(*) FROM idempotency_keys") == 0)
        }
    }
}
