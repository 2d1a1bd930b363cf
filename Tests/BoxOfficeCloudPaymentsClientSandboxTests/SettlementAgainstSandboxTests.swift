import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import Foundation
import Testing

/// confirm, void, refund, the lookups and orders: the real client against the real sandbox.
@Suite("Client against the sandbox: confirm, void, refund, lookups, orders")
struct SettlementAgainstSandboxTests {
    @Test("confirm takes part of an Authorized payment once; more than authorized is refused")
    func confirm() async throws {
        try await withPair { pair in
            let client = pair.client
            let auth = try await pair.authorized(amountMinor: 10_000)
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.confirm(
                    transactionId: auth.transactionId,
                    amount: Pair.money(10_001),
                    requestID: Pair.requestID()
                )
            }
            try await client.confirm(
                transactionId: auth.transactionId,
                amount: Pair.money(8_000),
                requestID: Pair.requestID()
            )
            let confirmed = try await client.getTransaction(transactionId: auth.transactionId)
            #expect(confirmed.status == .completed)
            #expect(confirmed.amount == Pair.money(8_000))
            #expect(confirmed.confirmDate != nil)
            let again = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.confirm(
                    transactionId: auth.transactionId,
                    amount: Pair.money(8_000),
                    requestID: Pair.requestID()
                )
            }
            #expect(again?.providerMessage == "Transaction is not authorized")
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await client.confirm(transactionId: 42, amount: Pair.money(1), requestID: Pair.requestID())
            }
            let confirms = await pair.operations().filter { $0.kind == .confirm }
            #expect(confirms.map(\.success) == [false, true, false])
        }
    }

    @Test("void releases only an Authorized payment")
    func void() async throws {
        try await withPair { pair in
            let client = pair.client
            let auth = try await pair.authorized()
            try await client.void(transactionId: auth.transactionId, requestID: Pair.requestID())
            let voided = try await client.getTransaction(transactionId: auth.transactionId)
            #expect(voided.status == .cancelled)
            #expect(voided.statusCode == 4)
            // Cancelled, Completed: nothing to void.
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.void(transactionId: auth.transactionId, requestID: Pair.requestID())
            }
            let charge = try await pair.charged()
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.void(transactionId: charge.transactionId, requestID: Pair.requestID())
            }
            #expect(try await client.getTransaction(transactionId: charge.transactionId).status == .completed)
            // Neither can an Authorized payment be refunded: it is voided or confirmed.
            let other = try await pair.authorized()
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.refund(
                    transactionId: other.transactionId,
                    amount: Pair.money(1),
                    requestID: Pair.requestID()
                )
            }
        }
    }

    @Test("on the sandbox clock: Authorized payments are voided after 7 days, refunds refused after a year")
    func lifetimes() async throws {
        let clock = SandboxClock()
        var configuration = Pair.configuration()
        configuration.clock = clock
        try await withPair(configuration) { pair in
            let client = pair.client
            let auth = try await pair.authorized()
            let payment = try await pair.charged()
            clock.advance(seconds: 7 * 86_400 + 1)
            #expect(try await client.getTransaction(transactionId: auth.transactionId).status == .cancelled)
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.confirm(
                    transactionId: auth.transactionId,
                    amount: Pair.money(1),
                    requestID: Pair.requestID()
                )
            }
            _ = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(1),
                requestID: Pair.requestID()
            )
            clock.advance(seconds: 365 * 86_400)
            let late = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.refund(
                    transactionId: payment.transactionId,
                    amount: Pair.money(1),
                    requestID: Pair.requestID()
                )
            }
            #expect(late?.providerMessage == "Refund period has expired")
        }
    }

    @Test("refunds: partial, several, each its own transaction; never above the payment")
    func refunds() async throws {
        try await withPair { pair in
            let client = pair.client
            let invoiceId = Pair.invoiceID()
            let payment = try await pair.charged(amountMinor: 10_000, invoiceId: invoiceId)
            let first = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(3_000),
                requestID: Pair.requestID()
            )
            let second = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(5_050),
                requestID: Pair.requestID()
            )
            #expect(Set([first, second, payment.transactionId]).count == 3)
            let over = await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.refund(
                    transactionId: payment.transactionId,
                    amount: Pair.money(1_951),
                    requestID: Pair.requestID()
                )
            }
            #expect(over?.providerMessage == "Amount exceeds the refundable amount")
            let last = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(1_950),
                requestID: Pair.requestID()
            )
            let refund = try await client.getTransaction(transactionId: second)
            #expect(refund.originalTransactionId == payment.transactionId)
            #expect(refund.amount == Pair.money(5_050))
            #expect(refund.invoiceId == invoiceId)
            let refunded = try await client.getTransaction(transactionId: payment.transactionId)
            #expect(refunded.refunded == true)
            #expect(refunded.amount == Pair.money(10_000))
            // v2 find answers the LAST operation with the InvoiceId: the last refund.
            let found = try await client.findPayment(invoiceId: invoiceId)
            #expect(found.transactionId == last)
            #expect(found.originalTransactionId == payment.transactionId)
            await expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.refund(
                    transactionId: payment.transactionId,
                    amount: Pair.money(1),
                    requestID: Pair.requestID()
                )
            }
            let refunds = await pair.operations().filter { $0.kind == .refund }
            #expect(refunds.map(\.success) == [true, true, false, true, false])
            #expect(refunds.compactMap(\.amountMinor) == [3_000, 5_050, 1_951, 1_950, 1])
        }
    }

    @Test("get and find: another terminal's transactions and unknown ids are not found")
    func lookups() async throws {
        try await withPair { pair in
            let payment = try await pair.charged()
            let paymentInvoiceId = try #require(payment.invoiceId)
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.otherClient.getTransaction(transactionId: payment.transactionId)
            }
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.otherClient.findPayment(invoiceId: paymentInvoiceId)
            }
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.getTransaction(transactionId: 999_999)
            }
            let miss = await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.findPayment(invoiceId: "never-used")
            }
            #expect(miss?.providerMessage == "Not found")
            // A declined then an approved attempt with one InvoiceId: find answers the last.
            let invoiceId = Pair.invoiceID()
            let declined = try await pair.client.chargeCard(
                Pair.card("4000056655665556", invoiceId: invoiceId),
                requestID: Pair.requestID()
            )
            #expect(try await pair.client.findPayment(invoiceId: invoiceId) == declined.transaction)
            let approved = try await pair.charged(invoiceId: invoiceId)
            #expect(try await pair.client.findPayment(invoiceId: invoiceId) == approved)
            try await pair.client.test()
        }
    }

    @Test("list by day (UTC and MSK) and v2 list: 100 a page, oldest first, filtered by status")
    func lists() async throws {
        try await withPair { pair in
            let client = pair.client
            var made: [Transaction] = []
            for index in 0..<101 {
                // Every tenth declined, for the status filter.
                let card = index % 10 == 0 ? "4000056655665556" : "4000000000003055"
                let result = try await client.chargeCard(Pair.card(card), requestID: Pair.requestID())
                made.append(try #require(result.transaction))
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            let created = try #require(made.first?.createdDate)
            let day = formatter.string(from: created)
            let listed = try await client.listTransactions(day: day, timeZone: "UTC")
            #expect(listed.map(\.transactionId) == made.map(\.transactionId))
            let nextDay = formatter.string(from: created.addingTimeInterval(2 * 86_400))
            #expect(try await client.listTransactions(day: nextDay).isEmpty)
            await expectError(.invalidArgument) { () async throws(CloudPaymentsError) in
                try await client.listTransactions(day: "yesterday")
            }

            let from = created.addingTimeInterval(-60)
            let to = Date().addingTimeInterval(60)
            let page1 = try await client.listPayments(createdFrom: from, createdTo: to, pageNumber: 1)
            let page2 = try await client.listPayments(createdFrom: from, createdTo: to, pageNumber: 2)
            #expect(page1.count == CloudPaymentsClient.listPageSize)
            #expect((page1 + page2).map(\.transactionId) == made.map(\.transactionId))
            #expect(try await client.listPayments(createdFrom: from, createdTo: to, pageNumber: 3).isEmpty)
            let declined = try await client.listPayments(
                createdFrom: from,
                createdTo: to,
                pageNumber: 1,
                statuses: [.declined]
            )
            #expect(declined.map(\.transactionId) == made.filter { $0.status == .declined }.map(\.transactionId))
            #expect(declined.count == 11)
            let other = try await pair.otherClient.listPayments(createdFrom: from, createdTo: to, pageNumber: 1)
            #expect(other.isEmpty)
        }
    }

    @Test("orders/create answers the hosted page; paying there is found by InvoiceId", arguments: [false, true])
    func orders(requireConfirmation: Bool) async throws {
        try await withPair { pair in
            let invoiceId = Pair.invoiceID()
            let order = try await pair.client.createOrder(
                OrderRequest(
                    amount: Pair.money(99_900),
                    orderDescription: "Season pass",
                    email: "payer@example.com",
                    invoiceId: invoiceId,
                    accountId: "user-9",
                    requireConfirmation: requireConfirmation,
                    successRedirectURL: "https://merchant.example/ok",
                    jsonData: #"{"plan":"season"}"#
                ),
                requestID: Pair.requestID()
            )
            #expect(order.status == "Created")
            #expect(order.amount == Pair.money(99_900))
            #expect(order.invoiceId == invoiceId)
            #expect(order.accountId == "user-9")
            #expect(order.number != nil)
            #expect(order.url == pair.baseURL + "/sandbox/orders/" + order.id)
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.findPayment(invoiceId: invoiceId)
            }
            let transactionId = try await Pair.payOrder(order, card: "4000000000003055")
            let found = try await pair.client.findPayment(invoiceId: invoiceId)
            #expect(found.transactionId == transactionId)
            #expect(found.status == (requireConfirmation ? .authorized : .completed))
            #expect(found.amount == Pair.money(99_900))
            #expect(found.accountId == "user-9")
            #expect(found.jsonData == #"{"plan":"season"}"#)
            let kinds = await pair.operations().map(\.kind)
            #expect(kinds == [.orderCreate, .orderPayment])
        }
    }

    @Test("wrong credentials are unauthorized and perform nothing")
    func unauthorized() async throws {
        try await withPair { pair in
            let wrong = pair.client(secret: "wrong")
            await expectError(.unauthorized) { () async throws(CloudPaymentsError) in try await wrong.test() }
            let error = await expectError(.unauthorized) { () async throws(CloudPaymentsError) in
                try await wrong.chargeCard(Pair.card("4000000000003055"), requestID: Pair.requestID())
            }
            #expect(error?.httpStatus == 401)
            #expect(await pair.operations().isEmpty)
        }
    }
}
