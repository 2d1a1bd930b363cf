import BoxOfficeCloudPaymentsSandbox
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

/// `boxoffice demo load`, the built executable, against a live PaymentService and sandbox.
@Suite("boxoffice demo load")
struct DemoLoadTests {
    /// The statuses of a user's payments, oldest first.
    static func statuses(_ userID: String, _ harness: PaymentsHarness) async throws -> [String] {
        var request = Payments_V1_ListPaymentsRequest()
        request.userID = userID
        request.pageSize = 100
        let answer = try await harness.client.listPayments(request, options: PaymentsHarness.options(key: nil))
        return answer.payments.sorted { $0.invoiceID < $1.invoiceID }.map { $0.status.protoName ?? "?" }
    }

    @Test("each demo user's payments are made once; a second run changes nothing")
    func loadTwice() async throws {
        try await PaymentsHarness.with { harness in
            let arguments = ["demo", "load", "--payments", "127.0.0.1:\(harness.rpcPort)"]
            let first = try PaymentsProcessTests.Child(arguments, environment: [:])
            #expect(try await first.waitForExit(timeoutSeconds: 60) == 0, "\(first.stderr)")
            #expect(first.stdout.contains("demo-inv-anna-2 SUCCEEDED"), "\(first.stdout)")

            let anna = "0d3c5b1e-6f0a-4c1e-9a70-000000000001"
            let boris = "0d3c5b1e-6f0a-4c1e-9a70-000000000002"
            let vera = "0d3c5b1e-6f0a-4c1e-9a70-000000000003"
            let expected = [
                anna: ["PARTIALLY_REFUNDED", "SUCCEEDED"],
                boris: ["FAILED"],
                vera: ["VOIDED"],
            ]
            for (user, statuses) in expected {
                #expect(try await Self.statuses(user, harness) == statuses, "\(user)")
            }
            let operations = await harness.sandbox.operations().count

            let second = try PaymentsProcessTests.Child(arguments, environment: [:])
            #expect(try await second.waitForExit(timeoutSeconds: 60) == 0, "\(second.stderr)")
            #expect(second.stdout.components(separatedBy: "already loaded").count - 1 == 3, "\(second.stdout)")
            for (user, statuses) in expected {
                #expect(try await Self.statuses(user, harness) == statuses, "\(user)")
            }
            #expect(await harness.sandbox.operations().count == operations, "a second run made no provider call")
        }
    }

    @Test("a bad --payments address is refused naming the option")
    func badAddress() async throws {
        let child = try PaymentsProcessTests.Child(["demo", "load", "--payments", "nowhere"], environment: [:])
        #expect(try await child.waitForExit() != 0)
        #expect(child.stderr.contains("--payments"), "\(child.stderr)")
    }
}
