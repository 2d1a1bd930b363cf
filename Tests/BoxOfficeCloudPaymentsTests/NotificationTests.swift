import BoxOfficeCrypto
import Foundation
import Testing

@testable import BoxOfficeCloudPayments

@Suite("Notifications")
struct NotificationTests {
    // As the provider posts a Pay: lowercase escapes, `+` for space, empty optional fields.
    static let payBody =
        "TransactionId=891463&Amount=1500.00&Currency=RUB&PaymentAmount=1500.00&PaymentCurrency=RUB"
        + "&OperationType=Payment&InvoiceId=att-0001&AccountId=user%40example.com&SubscriptionId=&Name=IVAN+PETROV"
        + "&Email=user%40example.com&DateTime=2026-11-29+10%3a15%3a30&IpAddress=127.0.0.1&IpCountry=RU"
        + "&CardFirstSix=424242&CardLastFour=4242&CardType=Visa&CardExpDate=12%2f30&Issuer=&IssuerBankCountry="
        + "&Description=%d0%9f%d0%be%d0%b4%d0%bf%d0%b8%d1%81%d0%ba%d0%b0+Pro&AuthCode=A1B2C3&Token=tk_1f2e3d"
        + "&TestMode=1&Status=Completed&GatewayName=Test&Data=%7b%22plan%22%3a%22pro%22%2c%22n%22%3a1.5%7d"
        + "&TotalFee=0&Rrn="

    @Test("a Pay body decodes escapes, + and empty fields into exact typed values")
    func pay() throws {
        let notification = try CloudPaymentsNotification(kind: .pay, body: Array(Self.payBody.utf8))
        guard case .pay(let pay) = notification else {
            Issue.record("not Pay")
            return
        }
        #expect(pay.payment.transactionId == 891_463)
        #expect(pay.payment.amount == (try Money(minorUnits: 150_000, currency: .rub)))
        #expect(pay.payment.accountId == "user@example.com")
        #expect(pay.payment.name == "IVAN PETROV")
        #expect(pay.payment.subscriptionId == nil)
        #expect(pay.payment.issuer == nil)
        #expect(pay.payment.cardExpDate == "12/30")
        #expect(pay.payment.paymentDescription == "Подписка Pro")
        #expect(pay.payment.testMode == true)
        #expect(pay.payment.dateTime == Date(timeIntervalSince1970: 1_795_947_330))
        #expect(pay.payment.data == #"{"plan":"pro","n":1.5}"#)
        #expect(pay.status == .completed)
        #expect(pay.token == "tk_1f2e3d")
        #expect(!"\(pay)".contains("tk_1f2e3d"))
        #expect(pay.rrn == nil)
        #expect(pay.totalFee?.minorUnits == 0)
        #expect(notification.kind == .pay)
    }

    @Test("Fail carries the reason code; Check the shared fields; Refund its own and the payment's id")
    func failCheckRefund() throws {
        let fail =
            "TransactionId=5&Amount=10.50&Currency=USD&DateTime=2026-01-02+03%3a04%3a05&TestMode=0"
            + "&Reason=InsufficientFunds&ReasonCode=5051&SubscriptionId="
        guard case .fail(let failed) = try CloudPaymentsNotification(kind: .fail, body: Array(fail.utf8)) else {
            Issue.record("not Fail")
            return
        }
        #expect(failed.reasonCode == .insufficientFunds)
        #expect(failed.payment.amount == (try Money(minorUnits: 1050, currency: .usd)))
        #expect(failed.payment.testMode == false)

        let check = "TransactionId=6&Amount=100&Currency=JPY&DateTime=2026-01-02+03%3A04%3A05&InvoiceId=77"
        guard case .check(let checked) = try CloudPaymentsNotification(kind: .check, body: Array(check.utf8)) else {
            Issue.record("not Check")
            return
        }
        #expect(checked.amount.minorUnits == 100)
        #expect(checked.invoiceId == "77")

        let refund =
            "TransactionId=9&PaymentTransactionId=5&Amount=3.25&DateTime=2026-01-02+03%3a04%3a05"
            + "&OperationType=Refund&InvoiceId=att-1&AccountId=u1"
        guard case .refund(let refunded) = try CloudPaymentsNotification(kind: .refund, body: Array(refund.utf8)) else {
            Issue.record("not Refund")
            return
        }
        #expect(refunded.transactionId == 9)
        #expect(refunded.paymentTransactionId == 5)
        #expect(try refunded.amount.money(in: .rub).minorUnits == 325)
        #expect(throws: CloudPaymentsError.self) { try refunded.amount.money(in: try Currency(code: "JPY")) }
    }

    @Test("Confirm, Cancel and Recurrent parse their fields")
    func confirmCancelRecurrent() throws {
        let confirm = "TransactionId=11&Amount=99.90&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05&InvoiceId=att-2"
        guard case .confirm(let confirmed) = try CloudPaymentsNotification(kind: .confirm, body: Array(confirm.utf8))
        else {
            Issue.record("not Confirm")
            return
        }
        #expect(confirmed.amount.minorUnits == 9990)
        let cancel = "TransactionId=12&Amount=5&DateTime=2026-01-02+03%3a04%3a05&InvoiceId=att-3&AccountId="
        guard case .cancel(let cancelled) = try CloudPaymentsNotification(kind: .cancel, body: Array(cancel.utf8))
        else {
            Issue.record("not Cancel")
            return
        }
        #expect(cancelled.transactionId == 12)
        #expect(cancelled.accountId == nil)
        #expect(try cancelled.amount.money(in: .rub).minorUnits == 500)
        let recurrent =
            "Id=sc_8cf8a9338fb8ebf7202b08d09c938&AccountId=u1&Amount=1.02&Currency=RUB&Status=Active"
            + "&Interval=Month&Period=1&MaxPeriods="
        guard
            case .recurrent(let subscription) = try CloudPaymentsNotification(
                kind: .recurrent,
                body: Array(recurrent.utf8)
            )
        else {
            Issue.record("not Recurrent")
            return
        }
        #expect(subscription.id == "sc_8cf8a9338fb8ebf7202b08d09c938")
        #expect(subscription.amount?.minorUnits == 102)
        #expect(subscription.fields["Interval"] == "Month")
        #expect(subscription.fields["MaxPeriods"] == nil)
    }

    @Test(
        "bodies that are not the provider's form encoding, or money that is not exact, are refused",
        arguments: [
            "TransactionId=1&Amount=1.001&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05",
            "TransactionId=1&Amount=1e2&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05",
            "TransactionId=1&Amount=-1.00&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05",
            "TransactionId=1&Amount=1.00&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05&Name=%zz",
            "TransactionId=1&Amount=1.00&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05&Name=%4",
            "TransactionId=1&Amount=1.00&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05&amount=2.00",
            "TransactionId=1&Amount=1.00&Currency=RUB",
            "Amount=1.00&Currency=RUB&DateTime=2026-01-02+03%3a04%3a05",
            "TransactionId=1&Amount=1.00&Currency=ZZZ&DateTime=2026-01-02+03%3a04%3a05",
        ]
    )
    func refused(body: String) {
        #expect(throws: CloudPaymentsError.self) { try CloudPaymentsNotification(kind: .check, body: Array(body.utf8)) }
    }

    @Test("answers render the provider's JSON codes")
    func answers() {
        #expect(NotificationAnswer.accepted.json == #"{"code":0}"#)
        #expect(NotificationAnswer.allCases.map(\.code) == [0, 10, 11, 12, 13, 20])
        #expect(NotificationAnswer.expired.json == #"{"code":20}"#)
    }
}

@Suite("Notification HMAC")
struct NotificationVerifierTests {
    static let secret = "test_api_secret_5f2b"
    let verifier = NotificationVerifier(apiSecret: CloudPaymentsSecret(Self.secret))
    let body = Array(NotificationTests.payBody.utf8)

    // Computed independently of the verifier: HMAC-SHA256 of the raw bytes, standard base64.
    private var goodSignature: String {
        Data(HMACSHA256.authenticationCode(for: self.body, key: Array(Self.secret.utf8))).base64EncodedString()
    }

    @Test("the right Content-HMAC (or X-Content-HMAC) over the raw body is accepted")
    func good() throws {
        try self.verifier.verify(body: self.body, headers: [(name: "Content-HMAC", value: self.goodSignature)])
        try self.verifier.verify(body: self.body, headers: [(name: "x-content-hmac", value: self.goodSignature)])
        try self.verifier.verify(
            body: self.body,
            headers: [
                (name: "Content-Type", value: "application/x-www-form-urlencoded"),
                (name: "content-hmac", value: " \(self.goodSignature)"),
            ]
        )
        #expect(self.verifier.signature(for: self.body) == self.goodSignature)
    }

    @Test("a wrong signature, a missing header or a body changed by one byte is refused")
    func bad() {
        let expectCode = { (code: CloudPaymentsError.Code, action: () throws(CloudPaymentsError) -> Void) in
            do throws(CloudPaymentsError) {
                try action()
                Issue.record("accepted")
            } catch {
                #expect(error.code == code)
                #expect(!error.description.contains(Self.secret))
            }
        }
        expectCode(.signatureMissing) { () throws(CloudPaymentsError) in
            try self.verifier.verify(body: self.body, headers: [(name: "Content-Type", value: "text/plain")])
        }
        expectCode(.signatureInvalid) { () throws(CloudPaymentsError) in
            let other = NotificationVerifier(apiSecret: CloudPaymentsSecret("another secret"))
            try self.verifier.verify(body: self.body, signature: other.signature(for: self.body))
        }
        for index in [0, self.body.count / 2, self.body.count - 1] {
            var changed = self.body
            changed[index] ^= 0x01
            expectCode(.signatureInvalid) { () throws(CloudPaymentsError) in
                try self.verifier.verify(body: changed, headers: [(name: "Content-HMAC", value: self.goodSignature)])
            }
        }
        // A Content-HMAC that does not match is not rescued by a matching X-Content-HMAC.
        expectCode(.signatureInvalid) { () throws(CloudPaymentsError) in
            try self.verifier.verify(
                body: self.body,
                headers: [(name: "Content-HMAC", value: "AAAA"), (name: "X-Content-HMAC", value: self.goodSignature)]
            )
        }
        expectCode(.signatureInvalid) { () throws(CloudPaymentsError) in
            try self.verifier.verify(body: self.body, signature: "")
        }
    }
}
