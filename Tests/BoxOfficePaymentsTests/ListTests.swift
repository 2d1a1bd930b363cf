import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@Suite("Queries")
struct ListTests {
    @Test("lists: newest first, paged with opaque tokens, filtered; users see only their own")
    func list() async throws {
        try await PaymentsHarness.with { harness in
            var ids: [String] = []
            for index in 0..<5 {
                let card = index == 2 ? "4000056655665556" : "4000000000003055"
                ids.append(try await harness.charge(card: card, amountMinor: Int64(100 + index)).paymentID)
            }
            var request = Payments_V1_ListPaymentsRequest()
            request.userID = harness.userID.uuidString.lowercased()
            request.pageSize = 2
            var seen: [String] = []
            var pages = 0
            repeat {
                let page = try await harness.client.listPayments(request, options: PaymentsHarness.options(key: nil))
                seen += page.payments.map(\.paymentID)
                request.pageToken = page.nextPageToken
                pages += 1
            } while !request.pageToken.isEmpty && pages < 10
            #expect(pages == 3)
            #expect(seen == ids.reversed())

            var failed = Payments_V1_ListPaymentsRequest()
            failed.status = .failed
            let failedPage = try await harness.client.adminListPayments(failed, options: PaymentsHarness.options(key: nil, caller: "admin:ops"))
            #expect(failedPage.payments.map(\.paymentID) == [ids[2]])

            var byUser = Payments_V1_ListPaymentsRequest()
            byUser.userID = harness.userID.uuidString.lowercased()
            let adminUser = try await harness.client.adminListUserPayments(byUser, options: PaymentsHarness.options(key: nil, caller: "admin:ops"))
            #expect(adminUser.payments.count == 5)
            let forbidden = await rpcError {
                _ = try await harness.client.adminListPayments(.init(), options: harness.userOptions())
            }
            #expect(forbidden?.code == .permissionDenied)

            let stranger = try await harness.client.listPayments(
                .init(),
                options: PaymentsHarness.options(key: nil, caller: "user:\(UUID().uuidString.lowercased())")
            )
            #expect(stranger.payments.isEmpty)

            var badToken = Payments_V1_ListPaymentsRequest()
            badToken.pageToken = "garbage!"
            let bad = await rpcError {
                _ = try await harness.client.listPayments(badToken, options: PaymentsHarness.options(key: nil))
            }
            #expect(bad?.details.first?.field == "pageToken")

            let hidden = await rpcError {
                var get = Payments_V1_GetPaymentRequest()
                get.paymentID = ids[0]
                get.userID = UUID().uuidString
                _ = try await harness.client.getPayment(get, options: PaymentsHarness.options(key: nil))
            }
            #expect(hidden?.code == .notFound)
        }
    }
}
