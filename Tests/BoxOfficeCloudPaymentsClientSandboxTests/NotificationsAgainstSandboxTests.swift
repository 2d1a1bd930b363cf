import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import Foundation
import Synchronization
import Testing

/// Notifications sent by the sandbox, received over HTTP, verified with the client's
/// NotificationVerifier (each HMAC header on its own) and parsed into the typed notifications.
@Suite("Client against the sandbox: notifications")
struct NotificationsAgainstSandboxTests {
    static let verifier = NotificationVerifier(apiSecret: CloudPaymentsSecret(Pair.apiSecret))

    /// The pair's configuration with every notification type of the first terminal sent to
    /// `receiverURL`, and a retry "minute" of 20 ms.
    static func configuration(_ receiverURL: String) -> SandboxConfiguration {
        var configuration = Pair.configuration()
        for (kind, url) in NotificationReceiver.urls(receiverURL) {
            configuration.terminals[0].notificationURLs[SandboxNotificationType(rawValue: kind.rawValue)!] = url
        }
        configuration.notificationMinuteMilliseconds = 20
        return configuration
    }

    /// Verifies `received` as a merchant must (the raw body against each header, before any
    /// parsing), then parses it.
    static func verifiedAndParsed(
        _ received: NotificationReceiver.Received,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CloudPaymentsNotification {
        let contentHMAC = try #require(received.header("Content-HMAC"), sourceLocation: sourceLocation)
        let xContentHMAC = try #require(received.header("X-Content-HMAC"), sourceLocation: sourceLocation)
        #expect(contentHMAC == xContentHMAC, sourceLocation: sourceLocation)
        #expect(
            received.header("Content-Type") == "application/x-www-form-urlencoded",
            sourceLocation: sourceLocation
        )
        try Self.verifier.verify(body: received.body, headers: received.headers)
        try Self.verifier.verify(body: received.body, headers: [(name: "content-hmac", value: contentHMAC)])
        try Self.verifier.verify(body: received.body, headers: [(name: "X-Content-HMAC", value: xContentHMAC)])
        // A signature is over these bytes and this secret only.
        let otherSecret = NotificationVerifier(apiSecret: CloudPaymentsSecret(Pair.otherSecret))
        expectSyncError(.signatureInvalid, sourceLocation: sourceLocation) { () throws(CloudPaymentsError) in
            try otherSecret.verify(body: received.body, headers: received.headers)
        }
        expectSyncError(.signatureInvalid, sourceLocation: sourceLocation) { () throws(CloudPaymentsError) in
            try Self.verifier.verify(body: received.body + Array("&x=1".utf8), headers: received.headers)
        }
        expectSyncError(.signatureMissing, sourceLocation: sourceLocation) { () throws(CloudPaymentsError) in
            try Self.verifier.verify(body: received.body, headers: [(name: "Content-Type", value: "text/plain")])
        }
        let notification = try CloudPaymentsNotification(kind: received.kind, body: received.body)
        #expect(notification.kind == received.kind, sourceLocation: sourceLocation)
        return notification
    }

    @Test("Check, Pay, Fail, Confirm, Refund and Cancel: signed, verified, parsed into what the API answered")
    func lifecycle() async throws {
        let receiver = NotificationReceiver()
        try await receiver.withRunning { url in
            try await withPair(Self.configuration(url)) { pair in
                let client = pair.client
                // Check, then Pay, for an approved charge.
                let payment = try await pair.charged(amountMinor: 12_345)
                let check = try await receiver.wait(for: .check, count: 1)
                guard case .check(let checked) = try Self.verifiedAndParsed(try #require(check.first)) else {
                    throw PairFailure("not a Check")
                }
                #expect(checked.transactionId == payment.transactionId)
                #expect(checked.amount == Pair.money(12_345))
                let pays = try await receiver.wait(for: .pay, count: 1)
                guard case .pay(let pay) = try Self.verifiedAndParsed(try #require(pays.first)) else {
                    throw PairFailure("not a Pay")
                }
                #expect(pay.payment.transactionId == payment.transactionId)
                #expect(pay.payment.amount == payment.amount)
                #expect(pay.status == .completed)
                #expect(pay.token == payment.token)
                #expect(pay.authCode == payment.authCode)
                #expect(pay.rrn == payment.rrn)
                #expect(pay.payment.invoiceId == payment.invoiceId)
                #expect(pay.payment.accountId == "user-1")
                #expect(pay.payment.name == "CARD HOLDER")
                #expect(pay.payment.email == "payer@example.com")
                #expect(pay.payment.data == #"{"order":7}"#)
                #expect(pay.payment.testMode == true)
                #expect(pay.payment.operationType == "Payment")
                #expect(pay.payment.subscriptionId == nil)
                #expect(pay.payment.cardLastFour == payment.cardLastFour)
                let created = try #require(payment.createdDate)
                #expect(abs(pay.payment.dateTime.timeIntervalSince(created)) < 1)

                // Fail for a declined one, without a Check.
                let declined = try await client.chargeCard(Pair.card("4000056655665556"), requestID: Pair.requestID())
                let fails = try await receiver.wait(for: .fail, count: 1)
                guard case .fail(let fail) = try Self.verifiedAndParsed(try #require(fails.first)) else {
                    throw PairFailure("not a Fail")
                }
                #expect(fail.payment.transactionId == declined.transaction?.transactionId)
                #expect(fail.reasonCode == .insufficientFunds)
                #expect(fail.reason == "InsufficientFunds")
                #expect(receiver.received(.check).count == 1)

                // Pay (Authorized), then Confirm.
                let auth = try await pair.authorized(amountMinor: 10_000)
                try await client.confirm(
                    transactionId: auth.transactionId,
                    amount: Pair.money(8_000),
                    requestID: Pair.requestID()
                )
                let confirms = try await receiver.wait(for: .confirm, count: 1)
                guard case .confirm(let confirmed) = try Self.verifiedAndParsed(try #require(confirms.first)) else {
                    throw PairFailure("not a Confirm")
                }
                #expect(confirmed.transactionId == auth.transactionId)
                #expect(confirmed.amount == Pair.money(8_000))
                let authPay = try await Self.pay(of: auth.transactionId, receiver)
                #expect(authPay.status == .authorized)

                // Refund: its own id and the payment's.
                let refundId = try await client.refund(
                    transactionId: payment.transactionId,
                    amount: Pair.money(500),
                    requestID: Pair.requestID()
                )
                let refunds = try await receiver.wait(for: .refund, count: 1)
                guard case .refund(let refund) = try Self.verifiedAndParsed(try #require(refunds.first)) else {
                    throw PairFailure("not a Refund")
                }
                #expect(refund.transactionId == refundId)
                #expect(refund.paymentTransactionId == payment.transactionId)
                #expect(try refund.amount.money(in: payment.amount.currency) == Pair.money(500))
                #expect(refund.invoiceId == payment.invoiceId)

                // Cancel for a void.
                let voided = try await pair.authorized()
                try await client.void(transactionId: voided.transactionId, requestID: Pair.requestID())
                let cancels = try await receiver.wait(for: .cancel, count: 1)
                guard case .cancel(let cancel) = try Self.verifiedAndParsed(try #require(cancels.first)) else {
                    throw PairFailure("not a Cancel")
                }
                #expect(cancel.transactionId == voided.transactionId)
                #expect(try cancel.amount.money(in: .rub) == voided.amount)

                // A scheduled renewal with the token notifies Pay like any payment; Recurrent is for
                // provider subscriptions, which the sandbox does not have.
                let renewal = try await client.chargeToken(
                    .renewal(
                        amount: Pair.money(10_000),
                        accountId: "user-1",
                        token: try #require(payment.token),
                        invoiceId: Pair.invoiceID()
                    ),
                    requestID: Pair.requestID()
                )
                let renewalPay = try await Self.pay(of: renewal.transaction.transactionId, receiver)
                #expect(renewalPay.status == .completed)
                try await Task.sleep(for: .milliseconds(100))
                #expect(receiver.received(.recurrent).isEmpty)
                // Check and Pay for each of 4 approved payments; Fail, Confirm, Refund, Cancel once.
                #expect(receiver.received(.check).count == 4)
                #expect(receiver.received(.pay).count == 4)
                #expect(receiver.all.count == 12)
            }
        }
    }

    /// The verified Pay notification of `transactionId`, once it arrived.
    static func pay(of transactionId: Int64, _ receiver: NotificationReceiver) async throws -> PayNotification {
        let deadline = ContinuousClock.now + .milliseconds(NotificationReceiver.waitMillisecondsMax)
        while ContinuousClock.now < deadline {
            for received in receiver.received(.pay) {
                if case .pay(let pay) = try Self.verifiedAndParsed(received), pay.payment.transactionId == transactionId
                {
                    return pay
                }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw PairFailure("no Pay for \(transactionId)")
    }

    @Test("a Check answered with a refusal code declines the payment (5006), and Fail follows")
    func checkRefused() async throws {
        let receiver = NotificationReceiver(answer: { $0 == .check ? .cannotAccept : .accepted })
        try await receiver.withRunning { url in
            try await withPair(Self.configuration(url)) { pair in
                let result = try await pair.client.chargeCard(
                    Pair.card("4000000000003055"),
                    requestID: Pair.requestID()
                )
                guard case .declined(let transaction) = result else { throw PairFailure("not declined: \(result)") }
                #expect(transaction.reasonCode == .error)
                let fails = try await receiver.wait(for: .fail, count: 1)
                guard case .fail(let fail) = try Self.verifiedAndParsed(try #require(fails.first)) else {
                    throw PairFailure("not a Fail")
                }
                #expect(fail.payment.transactionId == transaction.transactionId)
                #expect(fail.reasonCode == .error)
                #expect(receiver.received(.pay).isEmpty)
            }
        }
    }

    @Test("a refused notification is retried until accepted, the same bytes each time")
    func retried() async throws {
        let attempts = Mutex(0)
        let receiver = NotificationReceiver(answer: { kind in
            guard kind == .pay else { return .accepted }
            return attempts.withLock { count in
                count += 1
                return count < 3 ? .cannotAccept : .accepted
            }
        })
        try await receiver.withRunning { url in
            try await withPair(Self.configuration(url)) { pair in
                let payment = try await pair.charged()
                let pays = try await receiver.wait(for: .pay, count: 3)
                #expect(pays.count == 3)
                #expect(Set(pays.map(\.body)).count == 1)
                for received in pays {
                    guard case .pay(let pay) = try Self.verifiedAndParsed(received) else {
                        throw PairFailure("not a Pay")
                    }
                    #expect(pay.payment.transactionId == payment.transactionId)
                }
                try await Task.sleep(for: .milliseconds(200))
                #expect(receiver.received(.pay).count == 3)
            }
        }
    }

    @Test("duplicated, reordered, delayed notifications verify and parse alike; a dropped one is found by find")
    func notificationFaults() async throws {
        let receiver = NotificationReceiver()
        try await receiver.withRunning { url in
            var configuration = Self.configuration(url)
            configuration.terminals[0].notificationURLs[.check] = nil
            try await withPair(configuration) { pair in
                await pair.sandbox.setFaults(SandboxFaults(notificationDuplicatePerMille: 1000))
                let duplicated = try await pair.charged()
                let twice = try await receiver.wait(for: .pay, count: 2)
                #expect(twice.count == 2)
                var keys: [String] = []
                for received in twice {
                    guard case .pay(let pay) = try Self.verifiedAndParsed(received) else {
                        throw PairFailure("not a Pay")
                    }
                    keys.append("\(received.kind.rawValue)/\(pay.payment.transactionId)")
                }
                #expect(keys == Array(repeating: "Pay/\(duplicated.transactionId)", count: 2))

                await pair.sandbox.setFaults(SandboxFaults(notificationReorderPerMille: 1000))
                let earlier = try await pair.charged()
                let later = try await pair.charged()
                let all = try await receiver.wait(for: .pay, count: 4)
                var order: [Int64] = []
                for received in all.suffix(2) {
                    guard case .pay(let pay) = try Self.verifiedAndParsed(received) else {
                        throw PairFailure("not a Pay")
                    }
                    order.append(pay.payment.transactionId)
                }
                #expect(order == [later.transactionId, earlier.transactionId])

                // Delayed: it comes, late.
                await pair.sandbox.setFaults(SandboxFaults(notificationDelayMilliseconds: 300))
                let started = ContinuousClock.now
                let delayed = try await pair.charged()
                let delayedPay = try await Self.pay(of: delayed.transactionId, receiver)
                #expect(ContinuousClock.now - started >= .milliseconds(300))
                #expect(delayedPay.status == .completed)

                // Dropped: it never comes; the merchant's reconciliation finds the payment anyway.
                await pair.sandbox.setFaults(SandboxFaults(notificationDropPerMille: 1000))
                let dropped = try await pair.charged()
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.received(.pay).count == 5)
                let found = try await pair.client.findPayment(invoiceId: try #require(dropped.invoiceId))
                #expect(found == dropped)
            }
        }
    }
}

/// Expects `action` to throw a ``CloudPaymentsError`` with `code`.
func expectSyncError(
    _ code: CloudPaymentsError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ action: () throws(CloudPaymentsError) -> Void
) {
    do throws(CloudPaymentsError) {
        try action()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}
