import BoxOfficeCloudPaymentsSandbox
import BoxOfficeCrypto
import Foundation
import Testing

/// Notifications received by a local listener: form-encoded as the provider does, signed over
/// the raw body, retried on the schedule; Check's answer decides the payment.
@Suite("Notifications")
struct NotificationTests {
    /// A configuration whose test terminal notifies every type to the listener, with a retry
    /// "minute" of 20 ms.
    static func configuration(_ listenerURL: String) -> SandboxConfiguration {
        var configuration = SandboxClient.configuration()
        var urls: [SandboxNotificationType: String] = [:]
        for type in SandboxNotificationType.allCases { urls[type] = listenerURL + "/" + type.rawValue.lowercased() }
        configuration.terminals[0].notificationURLs = urls
        configuration.notificationMinuteMilliseconds = 20
        return configuration
    }

    static func expectSigned(_ received: TestListener.Received) {
        let expected = Data(
            HMACSHA256.authenticationCode(for: received.body, key: Array(SandboxClient.apiSecret.utf8))
        ).base64EncodedString()
        #expect(received.headers["content-hmac"] == expected)
        #expect(received.headers["x-content-hmac"] == expected)
        #expect(received.headers["content-type"] == "application/x-www-form-urlencoded")
    }

    @Test("Check then Pay for an approved payment, encoded and signed as the provider does")
    func pay() async throws {
        let listener = TestListener()
        try await listener.withRunning { url in
            try await withSandbox(Self.configuration(url)) { client, _ in
                let answer = try await client.charge("4000000000003055", amount: "100.00", invoiceID: "inv n")
                #expect(answer.success == true)
                let checkReceived = try await listener.wait(for: "/check", count: 1)
                let check = try #require(checkReceived.first)
                Self.expectSigned(check)
                let payReceived = try await listener.wait(for: "/pay", count: 1)
                let pay = try #require(payReceived.first)
                Self.expectSigned(pay)
                #expect(pay.field("TransactionId") == answer.field("TransactionId"))
                #expect(pay.field("Amount") == "100.00")
                #expect(pay.field("Status") == "Completed")
                #expect(pay.field("Token") == answer.field("Token"))
                #expect(pay.field("TestMode") == "1")
                #expect(pay.field("OperationType") == "Payment")
                #expect(pay.field("Data") == #"{"order":7}"#)
                // Raw encoding: `+` for space, lowercase escapes, empty fields sent empty.
                #expect(pay.text.contains("InvoiceId=inv+n&"))
                #expect(pay.text.contains("Name=CARD+HOLDER&"))
                #expect(pay.text.contains("Data=%7b%22order%22%3a7%7d"))
                #expect(pay.text.contains("&SubscriptionId=&"))
                #expect(pay.text.contains("Email=payer%40example.com"))
                #expect(pay.text.range(of: "%[0-9A-F]{0,1}[A-F]", options: .regularExpression) == nil)
                let checked1 = try await listener.wait(for: "/fail", count: 1, seconds: 0.3).isEmpty
                #expect(checked1)
            }
        }
    }

    @Test("Fail for a declined payment")
    func fail() async throws {
        let listener = TestListener()
        try await listener.withRunning { url in
            try await withSandbox(Self.configuration(url)) { client, _ in
                _ = try await client.charge("4000056655665556")
                let failReceived = try await listener.wait(for: "/fail", count: 1)
                let fail = try #require(failReceived.first)
                Self.expectSigned(fail)
                #expect(fail.field("ReasonCode") == "5051")
                #expect(fail.field("Reason") == "InsufficientFunds")
                #expect(listener.requests("/check").isEmpty)
                #expect(listener.requests("/pay").isEmpty)
            }
        }
    }

    @Test("a Check answer other than code 0 declines the payment", arguments: [#"{"code":13}"#, "not json"])
    func checkRefuses(answer: String) async throws {
        let listener = TestListener(answer: { path, _ in path == "/check" ? answer : #"{"code":0}"# })
        try await listener.withRunning { url in
            try await withSandbox(Self.configuration(url)) { client, _ in
                let payment = try await client.charge("4000000000003055")
                #expect(payment.success == false)
                #expect(payment.field("Status") == "Declined")
                #expect(payment.field("ReasonCode") == "5006")
                let checked2 = try await listener.wait(for: "/fail", count: 1).count
                #expect(checked2 == 1)
                #expect(listener.requests("/pay").isEmpty)
            }
        }
    }

    @Test("retried until the answer is code 0, on the schedule")
    func retries() async throws {
        let listener = TestListener(answer: { path, attempt in
            path == "/pay" && attempt < 2 ? #"{"code":1}"# : #"{"code":0}"#
        })
        try await listener.withRunning { url in
            try await withSandbox(Self.configuration(url)) { client, _ in
                let started = Date()
                _ = try await client.charge("4000000000003055")
                let attempts = try await listener.wait(for: "/pay", count: 3)
                #expect(attempts.count == 3)
                // Gaps of 1 and 2 "minutes" of 20 ms each.
                #expect(Date().timeIntervalSince(started) >= 0.06)
                #expect(Set(attempts.map(\.text)).count == 1)
                try await Task.sleep(for: .milliseconds(200))
                #expect(listener.requests("/pay").count == 3)
            }
        }
    }

    @Test("Confirm, Refund and Cancel")
    func lifecycle() async throws {
        let listener = TestListener()
        try await listener.withRunning { url in
            try await withSandbox(Self.configuration(url)) { client, _ in
                let fetched3 = try await client.charge("4000000000003055", kind: "auth")
                let auth = try #require(fetched3.field("TransactionId"))
                _ = try await client.post("/payments/confirm", json: #"{"TransactionId":\#(auth),"Amount":80}"#)
                let confirmReceived = try await listener.wait(for: "/confirm", count: 1)
                let confirm = try #require(confirmReceived.first)
                Self.expectSigned(confirm)
                #expect(confirm.field("Amount") == "80.00")
                #expect(confirm.field("Status") == "Completed")
                let refund = try await client.post("/payments/refund", json: #"{"TransactionId":\#(auth),"Amount":5}"#)
                let refundID = try #require(refund.model?["TransactionId"] as? Int)
                let refundNoteReceived = try await listener.wait(for: "/refund", count: 1)
                let refundNote = try #require(refundNoteReceived.first)
                Self.expectSigned(refundNote)
                #expect(refundNote.field("TransactionId") == String(refundID))
                #expect(refundNote.field("PaymentTransactionId") == auth)
                #expect(refundNote.field("Amount") == "5.00")
                let fetched4 = try await client.charge("4000000000003055", kind: "auth")
                let other = try #require(fetched4.field("TransactionId"))
                _ = try await client.post("/payments/void", json: #"{"TransactionId":\#(other)}"#)
                let cancelReceived = try await listener.wait(for: "/cancel", count: 1)
                let cancel = try #require(cancelReceived.first)
                #expect(cancel.field("TransactionId") == other)
                #expect(cancel.field("Status") == "Cancelled")
            }
        }
    }
}
