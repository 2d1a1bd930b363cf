import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeProtobuf
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
            let failedPage = try await harness.client.adminListPayments(
                failed,
                options: PaymentsHarness.options(key: nil, caller: "admin:ops")
            )
            #expect(failedPage.payments.map(\.paymentID) == [ids[2]])

            var byUser = Payments_V1_ListPaymentsRequest()
            byUser.userID = harness.userID.uuidString.lowercased()
            let adminUser = try await harness.client.adminListUserPayments(
                byUser,
                options: PaymentsHarness.options(key: nil, caller: "admin:ops")
            )
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

    @Test("across users: the admin list holds both users' payments; invoice, from and to filter; to <= from refused")
    func acrossUsers() async throws {
        try await PaymentsHarness.with { harness in
            let other = UUID().uuidString.lowercased()
            // Two users' payments, interleaved; a declined one and its retry on one invoice.
            func charge(
                _ user: String,
                invoice: String? = nil,
                card: String = "4000000000003055"
            ) async throws
                -> Payments_V1_Payment
            {
                var request = harness.chargeRequest(card: card)
                request.userID = user
                if let invoice { request.invoiceID = invoice }
                return try await harness.client.charge(request, options: PaymentsHarness.options())
            }
            let mine = harness.userID.uuidString.lowercased()
            let declined = try await charge(mine, invoice: "inv-retried", card: "4000056655665556")
            #expect(declined.status == .failed)
            let theirs = try await charge(other)
            let retried = try await charge(mine, invoice: "inv-retried")
            #expect(retried.status == .succeeded)
            let theirsLater = try await charge(other)
            let all = [declined, theirs, retried, theirsLater]
            let admin = PaymentsHarness.options(key: nil, caller: "admin:ops")

            let everyone = try await harness.client.adminListPayments(.init(), options: admin)
            #expect(everyone.payments.map(\.paymentID) == all.reversed().map(\.paymentID), "newest first")
            #expect(Set(everyone.payments.map(\.userID)) == [mine, other])
            // The service list without a user (an administrative service caller) sees both too.
            let service = try await harness.client.listPayments(.init(), options: PaymentsHarness.options(key: nil))
            #expect(service.payments.count == 4)

            var byInvoice = Payments_V1_ListPaymentsRequest()
            byInvoice.invoiceID = "inv-retried"
            let invoicePage = try await harness.client.adminListPayments(byInvoice, options: admin)
            #expect(invoicePage.payments.map(\.paymentID) == [retried.paymentID, declined.paymentID])
            byInvoice.invoiceID = theirs.invoiceID
            #expect(
                try await harness.client.adminListPayments(byInvoice, options: admin).payments.map(\.paymentID)
                    == [theirs.paymentID]
            )
            byInvoice.userID = mine
            #expect(try await harness.client.adminListPayments(byInvoice, options: admin).payments.isEmpty)

            // from is inclusive, to exclusive: [theirs, theirsLater) holds theirs and retried.
            let from = try #require(theirs.createdAt)
            let to = try #require(theirsLater.createdAt)
            var window = Payments_V1_ListPaymentsRequest()
            window.from = from
            window.to = to
            #expect(
                try await harness.client.adminListPayments(window, options: admin).payments.map(\.paymentID)
                    == [retried.paymentID, theirs.paymentID]
            )
            var since = Payments_V1_ListPaymentsRequest()
            since.from = from
            since.userID = other
            #expect(
                try await harness.client.adminListPayments(since, options: admin).payments.map(\.paymentID)
                    == [theirsLater.paymentID, theirs.paymentID]
            )
            var before = Payments_V1_ListPaymentsRequest()
            before.to = from
            #expect(
                try await harness.client.adminListPayments(before, options: admin).payments.map(\.paymentID)
                    == [declined.paymentID]
            )

            for bad in [from, ProtobufTimestamp(seconds: from.seconds - 1, nanos: from.nanos)] {
                var backwards = Payments_V1_ListPaymentsRequest()
                backwards.from = from
                backwards.to = bad
                for call in ["admin", "service"] {
                    let refused = await rpcError {
                        if call == "admin" {
                            _ = try await harness.client.adminListPayments(backwards, options: admin)
                        } else {
                            _ = try await harness.client.listPayments(
                                backwards,
                                options: PaymentsHarness.options(key: nil)
                            )
                        }
                    }
                    #expect(refused?.code == .invalidArgument, "\(call)")
                    #expect(refused?.details.first?.field == "to", "\(call)")
                }
            }
        }
    }
}
