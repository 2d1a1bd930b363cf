import Foundation
import Testing

@Suite("Token payments")
struct TokenTests {
    static func tokenCharge(
        _ client: SandboxClient,
        token: String,
        amount: String = "50.00",
        kind: String = "charge"
    )
        async throws -> SandboxClient.Answer
    {
        try await client.post(
            "/payments/tokens/\(kind)",
            json: """
                {"Amount":\(amount),"Currency":"RUB","AccountId":"user-1","Token":"\(token)",\
                "TrInitiatorCode":0,"PaymentScheduled":1,"InvoiceId":"renewal-1"}
                """
        )
    }

    @Test(
        "tokens from successful card payments",
        arguments: [
            ("4000000000003055", "charge", "Completed", "0"),
            ("4000000000003055", "auth", "Authorized", "0"),
            ("4111111111111111", "charge", "Declined", "5051"),
            ("5200828282828210", "auth", "Declined", "5051"),
        ]
    )
    func tokenOutcome(card: String, kind: String, status: String, code: String) async throws {
        try await withSandbox { client, _ in
            let first = try await client.charge(card)
            let token = try #require(first.field("Token"))
            let answer = try await Self.tokenCharge(client, token: token, kind: kind)
            #expect(answer.field("Status") == status)
            #expect(answer.field("ReasonCode") == code)
            #expect(answer.success == (code == "0"))
            #expect(answer.field("CardLastFour") == String(card.suffix(4)))
        }
    }

    @Test("a token is usable only by the Public ID that created it")
    func otherTerminal() async throws {
        try await withSandbox { client, _ in
            let fetched1 = try await client.charge("4000000000003055")
            let token = try #require(fetched1.field("Token"))
            var other = client
            other.publicID = SandboxClient.otherPublicID
            other.apiSecret = SandboxClient.otherSecret
            let answer = try await Self.tokenCharge(other, token: token)
            #expect(answer.success == false)
            #expect(answer.field("ReasonCode") == "6025")
            #expect(answer.field("Reason") == "CrossTerminalTokenRestriction")
        }
    }

    @Test("required fields and unknown tokens")
    func refusals() async throws {
        try await withSandbox { client, _ in
            let noInitiator = try await client.post(
                "/payments/tokens/charge",
                json: #"{"Amount":1,"AccountId":"a","Token":"T"}"#
            )
            #expect(noInitiator.message as? String == "TrInitiatorCode is required")
            let unknown = try await Self.tokenCharge(client, token: "0000")
            #expect(unknown.success == false)
            #expect(unknown.json["Model"] == nil)
            let source = try await client.charge("4000000000003055")
            let trigger = try await Self.tokenCharge(
                client,
                token: try #require(source.field("Token")),
                amount: "5051.13"
            )
            #expect(trigger.field("ReasonCode") == "5051")
        }
    }
}
