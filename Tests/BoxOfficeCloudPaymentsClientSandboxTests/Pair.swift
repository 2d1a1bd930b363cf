import AsyncHTTPClient
import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Our real client against our real sandbox, started in this process on a free port.
struct Pair {
    static let publicID = "pk_pair_terminal"
    static let apiSecret = "pair_api_secret"
    static let otherPublicID = "pk_pair_other"
    static let otherSecret = "pair_other_secret"
    /// Long for a local server; a hung call fails the test in this time rather than never.
    static let requestTimeoutMilliseconds: Int64 = 10_000
    /// The client's first wait after a 429 in these tests.
    static let rateLimitDelayMilliseconds: Int64 = 20
    /// An expiry in the future of any test run.
    static let expiry = "12/35"

    let sandbox: CloudPaymentsSandbox
    let baseURL: String

    /// A sandbox with two terminals (for tokens refused to another Public ID).
    static func configuration() -> SandboxConfiguration {
        SandboxConfiguration(
            port: 0,
            terminals: [
                .init(publicID: publicID, apiSecret: apiSecret),
                .init(publicID: otherPublicID, apiSecret: otherSecret),
            ]
        )
    }

    /// A client of the sandbox's first terminal (or of `publicID`/`secret`).
    func client(
        publicID: String = Pair.publicID,
        secret: String = Pair.apiSecret,
        timeoutMilliseconds: Int64 = Pair.requestTimeoutMilliseconds,
        concurrentRequestsMax: Int = CloudPaymentsConfiguration.concurrentRequestsMaxDefault,
        rateLimitRetriesMax: Int = CloudPaymentsConfiguration.rateLimitRetriesMaxDefault
    ) -> CloudPaymentsClient {
        CloudPaymentsClient(
            configuration: CloudPaymentsConfiguration(
                baseURL: baseURL,
                publicID: publicID,
                apiSecret: CloudPaymentsSecret(secret),
                requestTimeoutMilliseconds: timeoutMilliseconds,
                concurrentRequestsMax: concurrentRequestsMax,
                rateLimitRetriesMax: rateLimitRetriesMax,
                rateLimitDelayMilliseconds: Self.rateLimitDelayMilliseconds
            )
        )
    }

    var client: CloudPaymentsClient { self.client() }
    var otherClient: CloudPaymentsClient { self.client(publicID: Self.otherPublicID, secret: Self.otherSecret) }

    /// The sandbox's operations log.
    func operations() async -> [SandboxOperation] { await sandbox.operations() }

    // MARK: - Requests

    static func money(_ minorUnits: Int64) -> Money { try! Money(minorUnits: minorUnits, currency: .rub) }

    /// A fresh request id: every attempt has its own.
    static func requestID() -> RequestID { try! RequestID("req-" + UUID().uuidString) }

    static func invoiceID() -> String { "inv-" + UUID().uuidString }

    /// A card payment with the sandbox's test cryptogram of `card`.
    static func card(
        _ card: String,
        amountMinor: Int64 = 10_000,
        invoiceId: String = Pair.invoiceID(),
        cvv: String = "123"
    ) -> CardPaymentRequest {
        CardPaymentRequest(
            amount: Self.money(amountMinor),
            ipAddress: "203.0.113.7",
            cardCryptogramPacket: SandboxCryptogram(cardNumber: card, expiry: Self.expiry, cvv: cvv).packet,
            name: "CARD HOLDER",
            invoiceId: invoiceId,
            paymentDescription: "Ticket",
            accountId: "user-1",
            email: "payer@example.com",
            jsonData: #"{"order":7}"#
        )
    }

    /// An approved one-stage payment of a card without 3-D Secure.
    func charged(
        _ card: String = "4000000000003055",
        amountMinor: Int64 = 10_000,
        invoiceId: String = Pair.invoiceID()
    ) async throws -> Transaction {
        let result = try await client.chargeCard(
            Self.card(card, amountMinor: amountMinor, invoiceId: invoiceId),
            requestID: Self.requestID()
        )
        guard case .approved(let transaction) = result else { throw PairFailure("not approved: \(result)") }
        return transaction
    }

    /// An approved two-stage payment (Authorized) of a card without 3-D Secure.
    func authorized(_ card: String = "4000000000003055", amountMinor: Int64 = 10_000) async throws -> Transaction {
        let result = try await client.authorizeCard(
            Self.card(card, amountMinor: amountMinor),
            requestID: Self.requestID()
        )
        guard case .approved(let transaction) = result else { throw PairFailure("not approved: \(result)") }
        return transaction
    }

    // MARK: - The payer's browser

    /// Plays the payer's browser at the bank: posts `MD`, `PaReq` and a `TermUrl` to the
    /// challenge's `AcsUrl` and returns the `PaRes` the page's form `choice` (`success` or
    /// `failure`) would post back to the `TermUrl`.
    static func paRes(_ challenge: ThreeDSChallenge, choice: String) async throws -> String {
        let form = [
            ("MD", String(challenge.transactionId)), ("PaReq", challenge.paReq),
            ("TermUrl", "https://merchant.example/3ds-return"),
        ]
        let page = try await Self.postForm(challenge.acsURL, form)
        let start = try #require(page.range(of: "id=\"\(choice)\""))
        let end = try #require(page.range(of: "</form>", range: start.upperBound..<page.endIndex))
        let match = try #require(
            page[start.upperBound..<end.lowerBound].firstMatch(of: /name="PaRes" value="([^"]*)"/)
        )
        return String(match.1).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Types `card` on an order's hosted page; returns the transaction id the page shows.
    static func payOrder(_ order: Order, card: String) async throws -> Int64 {
        let page = try await Self.postForm(order.url, [("card", card), ("exp", Self.expiry), ("cvv", "123")])
        let match = try #require(page.firstMatch(of: /<span id="transaction">([0-9]+)<\/span>/))
        return try #require(Int64(match.1))
    }

    static func postForm(_ url: String, _ fields: [(String, String)]) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}

struct PairFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a fresh sandbox on a free port.
func withPair(
    _ configuration: SandboxConfiguration = Pair.configuration(),
    _ body: (Pair) async throws -> Void
) async throws {
    try await CloudPaymentsSandbox.withRunning(configuration) { sandbox in
        try await body(Pair(sandbox: sandbox, baseURL: await sandbox.baseURL()))
    }
}

/// Runs `action`, expecting it to throw a ``CloudPaymentsError`` with `code`; returns the error.
@discardableResult
func expectError<Value>(
    _ code: CloudPaymentsError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ action: () async throws(CloudPaymentsError) -> Value
) async -> CloudPaymentsError? {
    do throws(CloudPaymentsError) {
        let value = try await action()
        Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

extension ChargeResult {
    var transaction: Transaction? {
        switch self {
        case .approved(let transaction), .declined(let transaction): transaction
        case .requires3DS: nil
        }
    }
}

extension PaymentResult {
    var transaction: Transaction {
        switch self {
        case .approved(let transaction), .declined(let transaction): transaction
        }
    }

    var isApproved: Bool {
        if case .approved = self { return true }
        return false
    }
}
