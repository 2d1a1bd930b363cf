import AsyncHTTPClient
import BoxOfficeCloudPaymentsSandbox
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Requests written by hand, exactly as CLOUDPAYMENTS.md describes them, sent over real HTTP.
struct SandboxClient {
    static let publicID = "pk_test_terminal"
    static let apiSecret = "test_api_secret"
    static let otherPublicID = "pk_other_terminal"
    static let otherSecret = "other_api_secret"
    static let timeout = TimeAmount.seconds(10)

    var baseURL: String
    var publicID = SandboxClient.publicID
    var apiSecret = SandboxClient.apiSecret

    static func configuration(port: Int = 0) -> SandboxConfiguration {
        SandboxConfiguration(
            port: port,
            terminals: [
                .init(publicID: publicID, apiSecret: apiSecret),
                .init(publicID: otherPublicID, apiSecret: otherSecret),
            ]
        )
    }

    struct Answer {
        var status: Int
        var text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var success: Bool? { json["Success"] as? Bool }
        var message: Any? { json["Message"] }
        var model: [String: Any]? { json["Model"] as? [String: Any] }
        var models: [[String: Any]]? { json["Model"] as? [[String: Any]] }
        /// A Model field as its JSON text, so numbers are compared as written.
        func field(_ name: String) -> String? {
            guard let value = model?[name], !(value is NSNull) else { return nil }
            return "\(value)"
        }
    }

    func post(
        _ path: String,
        json: String,
        requestID: String? = nil,
        authorization: String? = nil
    ) async throws -> Answer {
        try await self.send(
            path,
            body: json,
            contentType: "application/json",
            requestID: requestID,
            authorization: authorization
        )
    }

    func postForm(_ path: String, form: String, requestID: String? = nil) async throws -> Answer {
        try await self.send(path, body: form, contentType: "application/x-www-form-urlencoded", requestID: requestID)
    }

    func send(
        _ path: String,
        body: String,
        contentType: String,
        requestID: String? = nil,
        authorization: String? = nil,
        method: HTTPMethod = .POST,
        timeout: TimeAmount = SandboxClient.timeout
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        let credentials = Data("\(publicID):\(apiSecret)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: authorization ?? "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: contentType)
        if let requestID { request.headers.add(name: "X-Request-ID", value: requestID) }
        if method == .POST { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 1 << 22)
        return Answer(status: Int(response.status.code), text: String(buffer: buffer))
    }

    func get(_ path: String) async throws -> Answer {
        try await self.send(path, body: "", contentType: "text/plain", method: .GET)
    }

    static func cryptogram(_ card: String, exp: String = "12/35", cvv: String = "123") -> String {
        SandboxCryptogram(cardNumber: card, expiry: exp, cvv: cvv).packet
    }

    /// A one- or two-stage card payment.
    func charge(
        _ card: String,
        amount: String = "100.00",
        kind: String = "charge",
        invoiceID: String = UUID().uuidString,
        requestID: String? = nil,
        exp: String = "12/35"
    ) async throws -> Answer {
        try await self.post(
            "/payments/cards/\(kind)",
            json: """
                {"Amount":\(amount),"Currency":"RUB","IpAddress":"127.0.0.1","Name":"CARD HOLDER",\
                "CardCryptogramPacket":"\(Self.cryptogram(card, exp: exp))","InvoiceId":"\(invoiceID)",\
                "AccountId":"user-1","Email":"payer@example.com","Description":"Ticket",\
                "JsonData":{"order":7}}
                """,
            requestID: requestID
        )
    }

    func operations() async throws -> [[String: Any]] {
        let answer = try await self.get("/sandbox/operations")
        return (try JSONSerialization.jsonObject(with: Data(answer.text.utf8))) as? [[String: Any]] ?? []
    }
}

/// Runs a test against a fresh sandbox on a free port.
func withSandbox(
    _ configuration: SandboxConfiguration = SandboxClient.configuration(),
    _ body: (SandboxClient, CloudPaymentsSandbox) async throws -> Void
) async throws {
    try await CloudPaymentsSandbox.withRunning(configuration) { sandbox in
        try await body(SandboxClient(baseURL: await sandbox.baseURL()), sandbox)
    }
}
