import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import BoxOfficeCloudPayments

/// The client against ``RecordingServer``, a local peer that records requests and replays canned
/// provider answers. This checks the exact requests and the reactions to each answer; the
/// client against the sandbox comes with the sandbox.
@Suite("CloudPaymentsClient over HTTP (recording peer, not the sandbox)")
struct ClientHTTPTests {
    static let publicID = "pk_test_0123"
    static let secret = "api_secret_shhh_9876"

    static func client(
        _ server: RecordingServer,
        concurrentRequestsMax: Int = 5,
        rateLimitRetriesMax: Int = 3,
        timeoutMilliseconds: Int64 = 5000
    ) -> CloudPaymentsClient {
        CloudPaymentsClient(
            configuration: CloudPaymentsConfiguration(
                baseURL: server.baseURL,
                publicID: Self.publicID,
                apiSecret: CloudPaymentsSecret(Self.secret),
                requestTimeoutMilliseconds: timeoutMilliseconds,
                concurrentRequestsMax: concurrentRequestsMax,
                rateLimitRetriesMax: rateLimitRetriesMax,
                rateLimitDelayMilliseconds: 10
            )
        )
    }

    static let card = CardPaymentRequest(
        amount: try! Money(minorUnits: 12_345, currency: .rub),
        ipAddress: "203.0.113.7",
        cardCryptogramPacket: "CRYPTOGRAM-0123456789",
        invoiceId: "att-42",
        accountId: "user-7",
        jsonData: #"{"plan":"pro"}"#
    )

    private func expectError(
        _ code: CloudPaymentsError.Code,
        _ action: () async throws(CloudPaymentsError) -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> CloudPaymentsError? {
        do throws(CloudPaymentsError) {
            try await action()
            Issue.record("no error", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == code, sourceLocation: sourceLocation)
            for secret in [Self.secret, "CRYPTOGRAM-0123456789", "Basic "] {
                #expect(!error.description.contains(secret), sourceLocation: sourceLocation)
            }
            return error
        }
    }

    @Test("a card charge sends the exact request and reads the approved answer")
    func chargeRequest() async throws {
        try await RecordingServer.with(replies: [.init(status: 200, body: ProviderAnswers.approved)]) { server in
            let result = try await Self.client(server).chargeCard(Self.card, requestID: try RequestID("att-42-try-1"))
            guard case .approved(let transaction) = result else {
                Issue.record("not approved: \(result)")
                return
            }
            #expect(transaction.transactionId == 891_463)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == .POST)
            #expect(request.uri == "/payments/cards/charge")
            let credentials = Data("\(Self.publicID):\(Self.secret)".utf8).base64EncodedString()
            #expect(request.headers["Authorization"] == ["Basic \(credentials)"])
            #expect(request.headers["X-Request-ID"] == ["att-42-try-1"])
            #expect(request.headers["Content-Type"] == ["application/json"])
            #expect(
                request.body
                    == #"{"Amount":123.45,"Currency":"RUB","IpAddress":"203.0.113.7","#
                    + #""CardCryptogramPacket":"CRYPTOGRAM-0123456789","InvoiceId":"att-42","AccountId":"user-7","#
                    + #""JsonData":{"plan":"pro"}}"#
            )
        }
    }

    @Test("a renewal sends TrInitiatorCode 0 and PaymentScheduled 1; lookups carry no X-Request-ID")
    func renewalAndLookup() async throws {
        let replies: [RecordingServer.Reply] = [
            .init(status: 200, body: ProviderAnswers.declined),
            .init(status: 200, body: ProviderAnswers.approved),
        ]
        try await RecordingServer.with(replies: replies) { server in
            let client = Self.client(server)
            let renewal = TokenPaymentRequest.renewal(
                amount: try Money(minorUnits: 50_000, currency: try Currency(code: "JPY")),
                accountId: "user-7",
                token: "tk_secret_token",
                invoiceId: "att-43"
            )
            let result = try await client.chargeToken(renewal, requestID: try RequestID("att-43"))
            guard case .declined(let declined) = result else {
                Issue.record("not declined")
                return
            }
            #expect(declined.reasonCode == .insufficientFunds)
            #expect(!renewal.description.contains("tk_secret_token"))
            let found = try await client.findPayment(invoiceId: "1234567")
            #expect(found.invoiceId == "1234567")
            let requests = server.requests
            #expect(requests.map(\.uri) == ["/payments/tokens/charge", "/v2/payments/find"])
            #expect(
                requests[0].body
                    == #"{"Amount":50000,"Currency":"JPY","AccountId":"user-7","Token":"tk_secret_token","#
                    + #""TrInitiatorCode":0,"PaymentScheduled":1,"InvoiceId":"att-43"}"#
            )
            #expect(requests[1].body == #"{"InvoiceId":"1234567"}"#)
            #expect(requests[1].headers["X-Request-ID"].isEmpty)
        }
    }

    @Test("429 is waited out and retried with the same X-Request-ID, then succeeds")
    func rateLimitThenSuccess() async throws {
        let replies: [RecordingServer.Reply] = [
            .init(status: 429, body: ""), .init(status: 429, body: ""),
            .init(status: 200, body: #"{"Model":{"TransactionId":777},"Success":true,"Message":null}"#),
        ]
        try await RecordingServer.with(replies: replies) { server in
            let refundId = try await Self.client(server).refund(
                transactionId: 891_463,
                amount: try Money(minorUnits: 1, currency: .rub),
                requestID: try RequestID("refund-1")
            )
            #expect(refundId == 777)
            #expect(server.requests.count == 3)
            #expect(server.requests.allSatisfy { $0.headers["X-Request-ID"] == ["refund-1"] })
            #expect(server.requests.allSatisfy { $0.body == #"{"TransactionId":891463,"Amount":0.01}"# })
        }
    }

    @Test("429 past the retry limit is rateLimited (safe to retry), after exactly limit + 1 requests")
    func rateLimitExhausted() async throws {
        try await RecordingServer.with(replies: [.init(status: 429, body: "")]) { server in
            let client = Self.client(server, rateLimitRetriesMax: 2)
            let error = await self.expectError(.rateLimited) { () async throws(CloudPaymentsError) in
                _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-1"))
            }
            #expect(error?.isSafeToRetry == true)
            #expect(server.requests.count == 3)
        }
    }

    @Test("401 is unauthorized and never retried; the error holds no credentials")
    func unauthorized() async throws {
        try await RecordingServer.with(replies: [.init(status: 401, body: "")]) { server in
            let client = Self.client(server)
            _ = await self.expectError(.unauthorized) { () async throws(CloudPaymentsError) in
                _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-2"))
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("5xx or an unreadable answer to a charge is UNKNOWN; to a lookup, unavailable / malformed")
    func unknownOutcomes() async throws {
        let replies: [RecordingServer.Reply] = [
            .init(status: 500, body: "oops"), .init(status: 200, body: "<html>gateway</html>"),
            .init(status: 502, body: ""), .init(status: 200, body: "<html>gateway</html>"),
        ]
        try await RecordingServer.with(replies: replies) { server in
            let client = Self.client(server)
            let first = await self.expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-3"))
            }
            #expect(first?.httpStatus == 500)
            #expect(first?.isSafeToRetry == false)
            _ = await self.expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-4"))
            }
            _ = await self.expectError(.unavailable) { () async throws(CloudPaymentsError) in
                _ = try await client.getTransaction(transactionId: 1)
            }
            _ = await self.expectError(.malformedResponse) { () async throws(CloudPaymentsError) in
                _ = try await client.getTransaction(transactionId: 1)
            }
            // Nothing was retried: an unknown charge is for the reconciler.
            #expect(server.requests.count == 4)
        }
    }

    @Test("a timeout on a charge is UNKNOWN")
    func timeout() async throws {
        try await RecordingServer.with(replies: [
            .init(status: 200, body: ProviderAnswers.approved, delayMilliseconds: 3000)
        ]) {
            server in
            let client = Self.client(server)
            // 1 s, not less: a loaded machine must still get the request to the server in time,
            // or the server records nothing and the test says nothing about the timeout.
            _ = await self.expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-5"), timeoutMilliseconds: 1000)
            }
            #expect(server.requests.count == 1)
        }
    }

    /// A port that was just free, where nobody listens: bound, read, closed.
    static func closedPort() async throws -> Int {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        return port
    }

    @Test("no server listening: the request was not sent, safe to retry")
    func notSent() async throws {
        let port = try await Self.closedPort()
        let client = CloudPaymentsClient(
            configuration: CloudPaymentsConfiguration(
                baseURL: "http://127.0.0.1:\(port)",
                publicID: Self.publicID,
                apiSecret: CloudPaymentsSecret(Self.secret),
                requestTimeoutMilliseconds: 2000
            )
        )
        let error = await self.expectError(.notSent) { () async throws(CloudPaymentsError) in
            _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-6"))
        }
        #expect(error?.isSafeToRetry == true)
    }

    @Test("with the provider's own HTTP client, an unreachable provider fails at the connect timeout")
    func connectTimeout() async throws {
        let port = try await Self.closedPort()
        let configuration = CloudPaymentsConfiguration(
            baseURL: "http://127.0.0.1:\(port)",
            publicID: Self.publicID,
            apiSecret: CloudPaymentsSecret(Self.secret),
            requestTimeoutMilliseconds: 30_000,
            connectTimeoutMilliseconds: 300
        )
        let httpClient = CloudPaymentsClient.makeHTTPClient(configuration)
        let client = CloudPaymentsClient(configuration: configuration, httpClient: httpClient)
        let start = ContinuousClock.now
        let error = await self.expectError(.notSent) { () async throws(CloudPaymentsError) in
            _ = try await client.chargeCard(Self.card, requestID: try RequestID("a-7"))
        }
        // Far below the 30 s request timeout: the connection attempts stopped at 300 ms.
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(error?.isSafeToRetry == true)
        try await httpClient.shutdown()
    }

    @Test("no more than concurrentRequestsMax requests are in flight")
    func concurrencyCap() async throws {
        let reply = RecordingServer.Reply(status: 200, body: ProviderAnswers.approved, delayMilliseconds: 100)
        try await RecordingServer.with(replies: [reply]) { server in
            let client = Self.client(server, concurrentRequestsMax: 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask { _ = try await client.getTransaction(transactionId: Int64(index)) }
                }
                try await group.waitForAll()
            }
            #expect(server.requests.count == 6)
            #expect(server.inFlightMax == 2)
        }
    }

    @Test("post3ds, two-stage auth and orders/create send the provider's field names")
    func post3DSAuthAndOrders() async throws {
        let order =
            #"{"Model":{"Id":"f2K8LV6reGE9WBFn","Number":61,"Amount":10.0,"Currency":"RUB","#
            + #""Description":"Pro","Url":"https://orders.example/f2K8LV6reGE9WBFn","Status":"Created"},"#
            + #""Success":true,"Message":null}"#
        let replies: [RecordingServer.Reply] = [
            .init(status: 200, body: ProviderAnswers.approved),
            .init(status: 200, body: ProviderAnswers.requires3DS),
            .init(status: 200, body: ProviderAnswers.approved),
            .init(status: 200, body: order),
        ]
        try await RecordingServer.with(replies: replies) { server in
            let client = Self.client(server)
            let completed = try await client.post3DS(
                transactionId: 891_583,
                paRes: "eJxVUdtu",
                requestID: try RequestID("p-1")
            )
            guard case .approved = completed else {
                Issue.record("not approved")
                return
            }
            let challenge = try await client.authorizeCard(Self.card, requestID: try RequestID("a-7"))
            guard case .requires3DS(let threeDS) = challenge else {
                Issue.record("not 3-D Secure")
                return
            }
            #expect(threeDS.acsURL == "https://demo.cloudpayments.ru/acs")
            let held = try await client.authorizeToken(
                TokenPaymentRequest(
                    amount: try Money(minorUnits: 100, currency: .eur),
                    accountId: "user-7",
                    token: "tk",
                    initiator: .cardholder,
                    paymentScheduled: false
                ),
                requestID: try RequestID("a-8")
            )
            guard case .approved = held else {
                Issue.record("not approved")
                return
            }
            let created = try await client.createOrder(
                OrderRequest(
                    amount: try Money(minorUnits: 1000, currency: .rub),
                    orderDescription: "Pro",
                    requireConfirmation: false
                ),
                requestID: try RequestID("o-1")
            )
            #expect(created.url == "https://orders.example/f2K8LV6reGE9WBFn")
            #expect(created.amount == (try Money(minorUnits: 1000, currency: .rub)))
            #expect(created.number == 61)
            let requests = server.requests
            #expect(
                requests.map { "\($0.uri) \($0.headers["X-Request-ID"].first ?? "-")" } == [
                    "/payments/cards/post3ds p-1", "/payments/cards/auth a-7", "/payments/tokens/auth a-8",
                    "/orders/create o-1",
                ]
            )
            #expect(requests[0].body == #"{"TransactionId":891583,"PaRes":"eJxVUdtu"}"#)
            #expect(
                requests[2].body
                    == #"{"Amount":1.00,"Currency":"EUR","AccountId":"user-7","Token":"tk","TrInitiatorCode":1,"#
                    + #""PaymentScheduled":0}"#
            )
            #expect(
                requests[3].body
                    == #"{"Amount":10.00,"Currency":"RUB","Description":"Pro","RequireConfirmation":false}"#
            )
        }
    }

    @Test("confirm, void, list and test send the provider's field names and read their answers")
    func otherMethods() async throws {
        let replies: [RecordingServer.Reply] = [
            .init(status: 200, body: #"{"Success":true,"Message":null}"#),
            .init(status: 200, body: #"{"Success":false,"Message":"Transaction is not authorized"}"#),
            .init(status: 200, body: #"{"Success":true,"Message":null,"Model":[]}"#),
            .init(status: 200, body: #"{"Success":true,"Message":null,"Model":[]}"#),
            .init(status: 200, body: #"{"Success":true,"Message":"bd6353c3-0ed6-4a65-946f-083664bf8dbd"}"#),
        ]
        try await RecordingServer.with(replies: replies) { server in
            let client = Self.client(server)
            try await client.confirm(
                transactionId: 5,
                amount: try Money(minorUnits: 1234, currency: try Currency(code: "KWD")),
                requestID: try RequestID("c-1")
            )
            let refused = await self.expectError(.requestInvalid) { () async throws(CloudPaymentsError) in
                try await client.void(transactionId: 5, requestID: try RequestID("v-1"))
            }
            #expect(refused?.providerMessage == "Transaction is not authorized")
            #expect(try await client.listTransactions(day: "2014-08-09", timeZone: "MSK").isEmpty)
            let listed = try await client.listPayments(
                createdFrom: Date(timeIntervalSince1970: 1_407_542_400),
                createdTo: Date(timeIntervalSince1970: 1_407_628_799),
                pageNumber: 1,
                statuses: [.completed, .authorized]
            )
            #expect(listed.isEmpty)
            try await client.test()
            let bodies = server.requests.map { "\($0.uri) \($0.body)" }
            #expect(
                bodies == [
                    #"/payments/confirm {"TransactionId":5,"Amount":1.234}"#,
                    #"/payments/void {"TransactionId":5}"#,
                    #"/payments/list {"Date":"2014-08-09","TimeZone":"MSK"}"#,
                    #"/v2/payments/list {"CreatedDateGte":"2014-08-09T00:00:00","CreatedDateLte":"2014-08-09T23:59:59","#
                        + #""PageNumber":1,"Statuses":["Completed","Authorized"]}"#,
                    #"/test {}"#,
                ]
            )
        }
    }
}

@Suite("Secrets stay out of descriptions")
struct RedactionTests {
    @Test("configuration, secret and requests never print the secret, cryptogram or token")
    func redaction() throws {
        let configuration = CloudPaymentsConfiguration(publicID: "pk", apiSecret: CloudPaymentsSecret("s3cr3t-value"))
        #expect(!"\(configuration)".contains("s3cr3t-value"))
        #expect(!String(reflecting: configuration.apiSecret).contains("s3cr3t-value"))
        #expect(!"\(ClientHTTPTests.card)".contains("CRYPTOGRAM"))
        #expect(throws: CloudPaymentsError.self) { try RequestID("") }
        #expect(throws: CloudPaymentsError.self) { try RequestID("has space") }
    }
}
