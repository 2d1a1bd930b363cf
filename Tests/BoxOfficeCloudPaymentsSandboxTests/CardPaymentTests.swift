import BoxOfficeCloudPaymentsSandbox
import Foundation
import Testing

/// The test-card table of CLOUDPAYMENTS.md, card by card, in both payment kinds.
@Suite("Card payments")
struct CardPaymentTests {
    enum Outcome: Sendable { case success, insufficientFunds }

    static let cards: [(String, Bool, Outcome)] = [
        ("4242424242424242", true, .success), ("5555555555554444", true, .success),
        ("2200000000000004", true, .success),
        ("4012888888881881", true, .insufficientFunds), ("5105105105105100", true, .insufficientFunds),
        ("2202202202202200", true, .insufficientFunds),
        ("4000000000003055", false, .success), ("5205000000003055", false, .success),
        ("2202000000003055", false, .success),
        ("4111111111111111", false, .success), ("5200828282828210", false, .success),
        ("2200000022222222", false, .success),
        ("4000056655665556", false, .insufficientFunds), ("5404000000000043", false, .insufficientFunds),
        ("2203000000000043", false, .insufficientFunds),
    ]

    static let arguments: [(String, Bool, Outcome, String)] = cards.flatMap { card in
        ["charge", "auth"].map { (card.0, card.1, card.2, $0) }
    }

    @Test("every test card, one and two stage", arguments: CardPaymentTests.arguments)
    func testCard(card: String, threeDSecure: Bool, outcome: Outcome, kind: String) async throws {
        try await withSandbox { client, _ in
            let answer = try await client.charge(card, kind: kind)
            #expect(answer.status == 200)
            if threeDSecure {
                #expect(answer.success == false)
                #expect(answer.message is NSNull)
                let model = try #require(answer.model)
                #expect(model["AcsUrl"] as? String == client.baseURL + "/sandbox/acs")
                #expect((model["PaReq"] as? String)?.isEmpty == false)
                #expect(model["TransactionId"] is Int)
                #expect(model["ReasonCode"] == nil)
                return
            }
            switch outcome {
            case .success:
                #expect(answer.success == true)
                #expect(answer.field("Status") == (kind == "charge" ? "Completed" : "Authorized"))
                #expect(answer.field("StatusCode") == (kind == "charge" ? "3" : "2"))
                #expect(answer.field("ReasonCode") == "0")
                #expect(answer.field("Token")?.count == 64)
            case .insufficientFunds:
                #expect(answer.success == false)
                #expect(answer.message is NSNull)
                #expect(answer.field("Status") == "Declined")
                #expect(answer.field("StatusCode") == "5")
                #expect(answer.field("ReasonCode") == "5051")
                #expect(answer.field("Reason") == "InsufficientFunds")
                #expect(answer.field("Token") == nil)
            }
        }
    }

    @Test("the transaction Model carries every documented field")
    func modelFields() async throws {
        try await withSandbox { client, _ in
            let answer = try await client.charge("4000000000003055", amount: "\"1234.50\"", invoiceID: "inv-42")
            let model = try #require(answer.model)
            let documented = [
                "TransactionId", "Amount", "Currency", "CurrencyCode", "PaymentAmount", "PaymentCurrency",
                "InvoiceId", "AccountId", "Email", "Description", "JsonData", "CreatedDate", "CreatedDateIso",
                "AuthDate", "AuthDateIso", "ConfirmDate", "ConfirmDateIso", "AuthCode", "TestMode", "Rrn",
                "OriginalTransactionId", "IpAddress", "IpCountry", "CardFirstSix", "CardLastFour", "CardExpDate",
                "CardType", "CardTypeCode", "Issuer", "IssuerBankCountry", "Status", "StatusCode", "Reason",
                "ReasonCode", "CardHolderMessage", "Token", "SubscriptionId", "GatewayName", "Refunded", "TotalFee",
            ]
            for field in documented { #expect(model.keys.contains(field), "missing \(field)") }
            // Decimals exactly as written on the wire, never through a float.
            #expect(answer.text.contains(#""Amount":1234.50,"#))
            #expect(answer.field("InvoiceId") == "inv-42")
            #expect(answer.field("CardFirstSix") == "400000")
            #expect(answer.field("CardLastFour") == "3055")
            #expect(answer.field("CardExpDate") == "12/35")
            #expect(answer.field("CardType") == "Visa")
            #expect(answer.field("JsonData") == #"{"order":7}"#)
            let created = try #require(answer.field("CreatedDate"))
            #expect(created.wholeMatch(of: /\/Date\(\d{13}\)\//) != nil)
            let iso = try #require(answer.field("CreatedDateIso"))
            #expect(iso.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/) != nil)
            let millis = try #require(Int64(created.dropFirst(6).dropLast(2)))
            #expect(abs(Date().timeIntervalSince1970 - Double(millis) / 1000) < 60)
        }
    }

    @Test(
        "the sandbox's own decline triggers",
        arguments: [
            ("4000000000003055", "5054.13", "12/35", "5054", "ExpiredCard"),
            ("4000000000003055", "5300.13", "12/35", "5300", "AntiFraud"),
            ("4000000000003055", "5005.13", "12/35", "5005", "DoNotHonor"),
            ("4000000000003056", "10.00", "12/35", "5014", "InvalidCardNumber"),
            ("4000000000003055", "10.00", "01/20", "5054", "ExpiredCard"),
            ("4242424242424242", "5091.13", "12/35", "5091", "Timeout"),
        ]
    )
    func triggers(card: String, amount: String, exp: String, code: String, reason: String) async throws {
        try await withSandbox { client, _ in
            let answer = try await client.charge(card, amount: amount, exp: exp)
            #expect(answer.success == false)
            #expect(answer.field("Status") == "Declined")
            #expect(answer.field("ReasonCode") == code)
            #expect(answer.field("Reason") == reason)
        }
    }

    @Test("a card configured with a reason code declines with it")
    func configuredCard() async throws {
        var configuration = SandboxClient.configuration()
        configuration.cardReasonCodes = ["4000000000003055": 5043]
        try await withSandbox(configuration) { client, _ in
            let answer = try await client.charge("4000000000003055")
            #expect(answer.field("ReasonCode") == "5043")
            #expect(answer.field("Reason") == "StolenCard")
        }
    }

    @Test("invalid requests get a Message and no Model")
    func invalidRequests() async throws {
        try await withSandbox { client, _ in
            let missing = try await client.post(
                "/payments/cards/charge",
                json: #"{"IpAddress":"1.2.3.4","CardCryptogramPacket":"x"}"#
            )
            #expect(missing.text == #"{"Success":false,"Message":"Amount is required"}"#)
            let badPacket = try await client.post(
                "/payments/cards/charge",
                json: #"{"Amount":1,"IpAddress":"1.2.3.4","CardCryptogramPacket":"not-a-cryptogram"}"#
            )
            #expect(badPacket.success == false)
            #expect(badPacket.message as? String == "CardCryptogramPacket is invalid")
            #expect(badPacket.json["Model"] == nil)
            let tooPrecise = try await client.charge("4000000000003055", amount: "10.001")
            #expect(tooPrecise.message as? String == "Amount is invalid")
        }
    }

    @Test("form bodies and case-insensitive keys")
    func formBody() async throws {
        try await withSandbox { client, _ in
            let packet = SandboxClient.cryptogram("4000000000003055")
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let answer = try await client.postForm(
                "/payments/cards/auth",
                form: "amount=10.5&ipaddress=127.0.0.1&CARDCRYPTOGRAMPACKET=\(packet)&invoiceid=777&currency=usd"
            )
            #expect(answer.success == true)
            #expect(answer.text.contains(#""Amount":10.50,"#))
            #expect(answer.field("InvoiceId") == "777")
            #expect(answer.field("Currency") == "USD")
            #expect(answer.field("Status") == "Authorized")
        }
    }

    @Test("/test answers Success")
    func testMethod() async throws {
        try await withSandbox { client, _ in
            let answer = try await client.post("/test", json: "")
            #expect(answer.success == true)
        }
    }
}
