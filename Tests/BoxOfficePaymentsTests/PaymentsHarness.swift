import AsyncHTTPClient
import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import BoxOfficeRPCNIO
import Contracts
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// One test's world: a fresh database, a sandbox on a free port, PaymentService served over the
/// real RPC server and a client of it. After the body, the ledger must check clean; the database
/// is dropped.
struct PaymentsHarness: Sendable {
    static let publicID = "pk_payments_test"
    static let apiSecret = "payments_test_secret"
    static let service = "users"
    static let connectTimeoutSeconds = 30

    let postgres: PostgresClient
    let service: PaymentService
    let client: Payments_V1_PaymentServiceClient
    let sandbox: CloudPaymentsSandbox
    let sandboxURL: String
    /// The port PaymentService's RPC server listens on (127.0.0.1).
    let rpcPort: Int
    let userID = UUID()

    static func with(
        faults: SandboxFaults = SandboxFaults(),
        providerBaseURL: String? = nil,
        _ body: (PaymentsHarness) async throws -> Void
    ) async throws {
        await HarnessGate.shared.acquire()
        do {
            try await Self.run(faults: faults, providerBaseURL: providerBaseURL, body)
        } catch {
            await HarnessGate.shared.release()
            throw error
        }
        await HarnessGate.shared.release()
    }

    private static func run(
        faults: SandboxFaults,
        providerBaseURL: String?,
        _ body: (PaymentsHarness) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.payments")
        logger.logLevel = .critical
        // The machine is shared with other test runs: a slow backend start is not a failure.
        try await PaymentsDatabase.with(
            prefix: "payments",
            poolSizeMax: 4,
            connectTimeoutSeconds: Self.connectTimeoutSeconds,
            logger: logger
        ) { postgres in
            var sandboxConfiguration = SandboxConfiguration(
                port: 0,
                terminals: [.init(publicID: Self.publicID, apiSecret: Self.apiSecret)]
            )
            sandboxConfiguration.faults = faults
            try await CloudPaymentsSandbox.withRunning(sandboxConfiguration, logger: logger) { sandbox in
                let sandboxURL = await sandbox.baseURL()
                var configuration = PaymentsConfiguration(
                    cloudPayments: CloudPaymentsConfiguration(
                        baseURL: sandboxURL,
                        publicID: Self.publicID,
                        apiSecret: CloudPaymentsSecret(Self.apiSecret),
                        requestTimeoutMilliseconds: 5_000
                    ),
                    providerTimeoutMilliseconds: 5_000
                )
                if let providerBaseURL { configuration.cloudPayments.baseURL = providerBaseURL }
                let service = PaymentService(
                    postgres: postgres,
                    provider: CloudPaymentsClient(configuration: configuration.cloudPayments, logger: logger),
                    configuration: configuration,
                    logger: logger
                )
                var router = RPCRouter()
                router.register(service)
                let rpcServer = RPCServer(host: "127.0.0.1", port: 0, router: router, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await rpcServer.run() }
                    let outcome: Result<Void, any Error>
                    do {
                        let port = try await rpcServer.boundPort()
                        try await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: logger) {
                            transport in
                            let harness = PaymentsHarness(
                                postgres: postgres,
                                service: service,
                                client: Payments_V1_PaymentServiceClient(RPCClient(transport: transport)),
                                sandbox: sandbox,
                                sandboxURL: sandboxURL,
                                rpcPort: port
                            )
                            try await body(harness)
                            let findings = try await postgres.withConnection { try await LedgerCheck.run(in: $0) }
                            #expect(findings.isEmpty, "ledger check: \(findings)")
                        }
                        outcome = .success(())
                    } catch {
                        outcome = .failure(error)
                    }
                    group.cancelAll()
                    try outcome.get()
                }
            }
        }
    }

    // MARK: - Calls

    /// Options of a service caller (UserService) with `key`.
    static func options(key: String? = UUID().uuidString, caller: String = PaymentsHarness.service) -> CallOptions {
        CallOptions(timeout: .seconds(30), metadata: Metadata(caller: caller, idempotencyKey: key))
    }

    /// Options of the harness's user as the gateway would send them.
    func userOptions(key: String? = nil) -> CallOptions {
        Self.options(key: key, caller: "user:\(self.userID.uuidString.lowercased())")
    }

    static func money(_ minor: Int64, _ currency: String = "RUB") -> Common_V1_Money {
        var money = Common_V1_Money()
        money.amountMinor = minor
        money.currency = currency
        return money
    }

    static func cryptogram(_ card: String, exp: String = "12/35", cvv: String = "123") -> String {
        SandboxCryptogram(cardNumber: card, expiry: exp, cvv: cvv).packet
    }

    func chargeRequest(
        card: String = "4000000000003055",
        amountMinor: Int64 = 10_000,
        authorizeOnly: Bool = false,
        saveMethod: Bool = false
    ) -> Payments_V1_ChargeRequest {
        var request = Payments_V1_ChargeRequest()
        request.userID = self.userID.uuidString.lowercased()
        request.invoiceID = "inv-\(UUID().uuidString.prefix(8))"
        request.amount = Self.money(amountMinor)
        var source = Payments_V1_PaymentSource()
        source.method = .cardCryptogram(Self.cryptogram(card))
        source.cardholderName = "CARD HOLDER"
        request.source = source
        request.saveMethod = saveMethod
        request.authorizeOnly = authorizeOnly
        request.description = "Subscription"
        request.clientIp = "127.0.0.1"
        request.email = "payer@example.com"
        return request
    }

    func charge(
        card: String = "4000000000003055",
        amountMinor: Int64 = 10_000,
        authorizeOnly: Bool = false,
        saveMethod: Bool = false,
        key: String = UUID().uuidString
    ) async throws -> Payments_V1_Payment {
        try await self.client.charge(
            self.chargeRequest(
                card: card,
                amountMinor: amountMinor,
                authorizeOnly: authorizeOnly,
                saveMethod: saveMethod
            ),
            options: Self.options(key: key)
        )
    }

    // MARK: - 3-D Secure

    /// Plays the payer's browser: posts the action's form to the ACS page, picks `choice`
    /// (`success` or `failure`) and returns the body the page would post to the TermUrl.
    func threeDsReturn(_ action: Payments_V1_ThreeDsAction, choice: String) async throws -> [UInt8] {
        try await Self.threeDsReturn(action, choice: choice)
    }

    /// ``threeDsReturn(_:choice:)`` for any world: the ACS page is the sandbox's own.
    static func threeDsReturn(_ action: Payments_V1_ThreeDsAction, choice: String) async throws -> [UInt8] {
        let page = try await Self.postForm(
            action.acsURL,
            [("MD", action.md), ("PaReq", action.paReq), ("TermUrl", action.termURL)]
        )
        let start = try #require(page.range(of: "id=\"\(choice)\""))
        let formStart = try #require(
            page.range(of: "<form", options: .backwards, range: page.startIndex..<start.lowerBound)
        )
        let formEnd = try #require(page.range(of: "</form>", range: start.upperBound..<page.endIndex))
        let form = String(page[formStart.lowerBound..<formEnd.upperBound])
        var fields: [(String, String)] = []
        for match in form.matches(of: /<input type="hidden" name="([^"]*)" value="([^"]*)">/) {
            fields.append((String(match.1), String(match.2).replacingOccurrences(of: "&amp;", with: "&")))
        }
        #expect(form.contains("action=\"\(action.termURL)\""))
        return Array(Self.encodeForm(fields).utf8)
    }

    func completeThreeDs(_ body: [UInt8]) async throws -> Payments_V1_ThreeDsReturnResponse {
        var request = Payments_V1_ThreeDsReturnRequest()
        request.rawBody = body
        request.headers = ["content-type": "application/x-www-form-urlencoded"]
        return try await self.client.completeThreeDs(request, options: Self.options(key: nil, caller: "gateway"))
    }

    static func encodeForm(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    static func postForm(_ url: String, _ fields: [(String, String)]) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: Self.encodeForm(fields)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return String(buffer: buffer)
    }

    // MARK: - Inspection

    /// The sandbox operations on `paymentID` (its InvoiceId) or on the refunds of its transaction.
    func operations(_ payment: Payments_V1_Payment) async -> [SandboxOperation] {
        await self.sandbox.operations().filter { operation in
            operation.invoiceID == payment.paymentID
                || (operation.kind == .refund
                    && payment.refunds.contains { $0.providerTransactionID == operation.transactionID })
        }
    }

    func count(_ sql: String) async throws -> Int64 {
        try await self.postgres.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql)).first?.decode(0, as: Int64.self) ?? -1
        }
    }

    func outboxCount(_ routingKey: String) async throws -> Int64 {
        try await self.postgres.withConnection { connection in
            try await connection.query("SELECT count(*) FROM outbox WHERE routing_key = \(routingKey)").first?
                .decode(0, as: Int64.self) ?? -1
        }
    }

    func attempts(_ payment: Payments_V1_Payment) async throws -> [AttemptRecord] {
        try await self.postgres.withConnection { connection in
            try await PaymentStore.attempts(payment: try #require(UUID(uuidString: payment.paymentID)), in: connection)
        }
    }
}

/// The RPC status of `body`'s error.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
