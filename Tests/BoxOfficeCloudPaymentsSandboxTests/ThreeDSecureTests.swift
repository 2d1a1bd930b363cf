import Foundation
import Testing

/// 3-D Secure through the sandbox's ACS page: the page's form is posted to the TermUrl (a local
/// listener), and what arrived there goes to post3ds.
@Suite("3-D Secure")
struct ThreeDSecureTests {
    /// The hidden fields and action of the page's form with `id`.
    static func form(_ html: String, id: String) throws -> (action: String, fields: [String: String]) {
        let start = try #require(html.range(of: "id=\"\(id)\""))
        let formStart = try #require(
            html.range(of: "<form", options: .backwards, range: html.startIndex..<start.lowerBound)
        )
        let formEnd = try #require(html.range(of: "</form>", range: start.upperBound..<html.endIndex))
        let form = String(html[formStart.lowerBound..<formEnd.upperBound])
        let action = try #require(form.firstMatch(of: /action="([^"]*)"/)).1
        var fields: [String: String] = [:]
        for match in form.matches(of: /<input type="hidden" name="([^"]*)" value="([^"]*)">/) {
            fields[String(match.1)] = String(match.2).replacingOccurrences(of: "&amp;", with: "&")
        }
        return (String(action).replacingOccurrences(of: "&amp;", with: "&"), fields)
    }

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    @Test(
        "the page's choice decides, then post3ds settles",
        arguments: [
            ("4242424242424242", "charge", "success", "Completed", "0"),
            ("5555555555554444", "auth", "success", "Authorized", "0"),
            ("2200000000000004", "charge", "failure", "Declined", "5206"),
            ("4012888888881881", "charge", "success", "Declined", "5051"),
            ("5105105105105100", "auth", "failure", "Declined", "5206"),
        ]
    )
    func throughThePage(card: String, kind: String, choice: String, status: String, code: String) async throws {
        let listener = TestListener(answer: { _, _ in "ok" })
        try await listener.withRunning { listenerURL in
            try await withSandbox { client, _ in
                let challenge = try await client.charge(card, kind: kind)
                let model = try #require(challenge.model)
                let transactionID = try #require(model["TransactionId"] as? Int)
                let acsURL = try #require(model["AcsUrl"] as? String)
                let paReq = try #require(model["PaReq"] as? String)
                // The payer's browser posts MD, PaReq, TermUrl to the AcsUrl.
                let termURL = listenerURL + "/3ds-return?order=1"
                let page = try await SandboxClient(baseURL: acsURL).send(
                    "",
                    body: Self.encode([("MD", String(transactionID)), ("PaReq", paReq), ("TermUrl", termURL)]),
                    contentType: "application/x-www-form-urlencoded"
                )
                #expect(page.status == 200)
                let form = try Self.form(page.text, id: choice)
                #expect(form.action == termURL)
                // The bank's page posts MD and PaRes back to the TermUrl.
                _ = try await SandboxClient(baseURL: form.action).send(
                    "",
                    body: Self.encode(form.fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                    contentType: "application/x-www-form-urlencoded"
                )
                let returned = try #require(listener.requests("/3ds-return").first)
                let md = try #require(returned.field("MD"))
                let paRes = try #require(returned.field("PaRes"))
                #expect(md == String(transactionID))
                let answer = try await client.post(
                    "/payments/cards/post3ds",
                    json: #"{"TransactionId":\#(md),"PaRes":"\#(paRes)"}"#
                )
                #expect(answer.field("Status") == status)
                #expect(answer.field("ReasonCode") == code)
                #expect(answer.success == (code == "0"))
                #expect(answer.field("TransactionId") == String(transactionID))
                // A second post3ds has nothing left to authenticate.
                let again = try await client.post(
                    "/payments/cards/post3ds",
                    json: #"{"TransactionId":\#(md),"PaRes":"\#(paRes)"}"#
                )
                #expect(again.success == false)
                #expect(again.json["Model"] == nil)
            }
        }
    }

    @Test("a forged PaRes fails authentication")
    func forgedPaRes() async throws {
        try await withSandbox { client, _ in
            let challenge = try await client.charge("4242424242424242")
            let id = try #require(challenge.model?["TransactionId"] as? Int)
            let answer = try await client.post(
                "/payments/cards/post3ds",
                json: #"{"TransactionId":\#(id),"PaRes":"sandbox-pares:\#(id + 1):approved"}"#
            )
            #expect(answer.field("Status") == "Declined")
            #expect(answer.field("ReasonCode") == "5206")
        }
    }
}
