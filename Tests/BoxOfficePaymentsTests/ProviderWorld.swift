import AsyncHTTPClient
import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficeGateway
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
import Prometheus
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One test's world with notifications end to end: a fresh database, PaymentService over the
/// real RPC server, the real Gateway in front of it, and the sandbox (on a free port) whose
/// notification URLs point at the gateway's `/webhooks/cloudpayments/{kind}`. After the body the
/// ledger must check clean; the database is dropped.
struct ProviderWorld: Sendable {
    static let publicID = "pk_world_test"
    static let apiSecret = "world_test_secret"
    /// The gateway's 3-D Secure return route (CompleteThreeDs), the TermUrl of this world.
    static let threeDsReturnPath = "/v1/payments/3ds/return"

    let postgres: PostgresClient
    let configuration: PaymentsConfiguration
    let provider: CloudPaymentsClient
    let client: Payments_V1_PaymentServiceClient
    let sandbox: CloudPaymentsSandbox
    let gatewayURL: String
    let logger: Logger
    let userID = UUID()

    /// What a test changes from the defaults.
    struct Tune: Sendable {
        /// The provider client's timeout (and the service's per call).
        var timeoutMilliseconds: Int64 = 5_000
        var reconcileScheduleSeconds: [Int64]?
        var pendingGraceSeconds: Int64?
        var providerRequestIDWindowSeconds: Int64?
        var rateLimitRetriesMax: Int?
        var faults = SandboxFaults()
    }

    /// How many times a world is built on a fresh gateway port when the one picked was taken.
    static let gatewayPortAttemptsMax = 3

    static func with(
        _ tune: Tune = Tune(),
        notifications: Bool = true,
        _ body: (ProviderWorld) async throws -> Void
    ) async throws {
        // The gateway's port is picked before anything binds it (the sandbox and the service must
        // know it first), so another process on the machine may take it in between: then the world
        // is built again on another port. Only before `body` ran, so no test step runs twice.
        for attempt in 1...Self.gatewayPortAttemptsMax {
            let started = Mutex(false)
            do {
                try await Self.withOnce(tune, notifications: notifications) { world in
                    started.withLock { $0 = true }
                    try await body(world)
                }
                return
            } catch let error as IOError
                where error.errnoCode == EADDRINUSE && !started.withLock({ $0 })
                && attempt < Self.gatewayPortAttemptsMax
            {
                continue
            }
        }
    }

    private static func withOnce(
        _ tune: Tune,
        notifications: Bool,
        _ body: (ProviderWorld) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.world")
        logger.logLevel = ProcessInfo.processInfo.environment["BOXOFFICE_TEST_LOG"] == "1" ? .info : .critical
        try await PaymentsDatabase.with(prefix: "payworld", poolSizeMax: 12, logger: logger) { postgres in
            let gatewayPort = try Self.freePort()
            var urls: [SandboxNotificationType: String] = [:]
            if notifications {
                for type in SandboxNotificationType.allCases {
                    urls[type] = "http://127.0.0.1:\(gatewayPort)/webhooks/cloudpayments/\(type.rawValue.lowercased())"
                }
            }
            var sandboxConfiguration = SandboxConfiguration(
                port: 0,
                terminals: [.init(publicID: Self.publicID, apiSecret: Self.apiSecret, notificationURLs: urls)],
                // One provider "minute" of the retry schedule lasts 20 ms here.
                notificationMinuteMilliseconds: 20,
                notificationAnswerTimeoutMilliseconds: 5_000
            )
            sandboxConfiguration.faults = tune.faults
            try await CloudPaymentsSandbox.withRunning(sandboxConfiguration, logger: logger) { sandbox in
                let sandboxURL = await sandbox.baseURL()
                var configuration = PaymentsConfiguration(
                    cloudPayments: CloudPaymentsConfiguration(
                        baseURL: sandboxURL,
                        publicID: Self.publicID,
                        apiSecret: CloudPaymentsSecret(Self.apiSecret),
                        requestTimeoutMilliseconds: tune.timeoutMilliseconds,
                        rateLimitRetriesMax: tune.rateLimitRetriesMax
                            ?? CloudPaymentsConfiguration.rateLimitRetriesMaxDefault
                    ),
                    providerTimeoutMilliseconds: tune.timeoutMilliseconds
                )
                // The payer's browser comes back through the gateway's route, as in production.
                configuration.threeDsTermURL = "http://127.0.0.1:\(gatewayPort)\(Self.threeDsReturnPath)"
                if let schedule = tune.reconcileScheduleSeconds { configuration.reconcileScheduleSeconds = schedule }
                if let grace = tune.pendingGraceSeconds { configuration.pendingGraceSeconds = grace }
                if let window = tune.providerRequestIDWindowSeconds {
                    configuration.providerRequestIDWindowSeconds = window
                }
                let provider = CloudPaymentsClient(configuration: configuration.cloudPayments, logger: logger)
                let service = PaymentService(
                    postgres: postgres,
                    provider: provider,
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
                        let rpcPort = try await rpcServer.boundPort()
                        try await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: rpcPort, logger: logger)
                        {
                            transport in
                            let gateway = try Gateway(
                                configuration: GatewayConfiguration(port: gatewayPort),
                                bindings: Payments_V1_PaymentServiceMethods.httpBindings,
                                upstreams: [Payments_V1_PaymentServiceMethods.all[0].service: transport],
                                metricsRegistry: PrometheusCollectorRegistry(),
                                logger: logger
                            )
                            try await withThrowingTaskGroup(of: Void.self) { gatewayGroup in
                                gatewayGroup.addTask { try await gateway.run() }
                                _ = try await gateway.boundPort()
                                let world = ProviderWorld(
                                    postgres: postgres,
                                    configuration: configuration,
                                    provider: provider,
                                    client: Payments_V1_PaymentServiceClient(RPCClient(transport: transport)),
                                    sandbox: sandbox,
                                    gatewayURL: "http://127.0.0.1:\(gatewayPort)",
                                    logger: logger
                                )
                                let result: Result<Void, any Error>
                                do {
                                    try await body(world)
                                    let findings = try await postgres.withConnection {
                                        try await LedgerCheck.run(in: $0)
                                    }
                                    #expect(findings.isEmpty, "ledger check: \(findings)")
                                    result = .success(())
                                } catch {
                                    result = .failure(error)
                                }
                                gatewayGroup.cancelAll()
                                try result.get()
                            }
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

    /// A port nothing listens on right now (bound, read, closed): the gateway must be known to
    /// the sandbox before either starts.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        #expect(bound == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: - Calls

    static func options(key: String? = UUID().uuidString) -> CallOptions {
        CallOptions(timeout: .seconds(30), metadata: Metadata(caller: "users", idempotencyKey: key))
    }

    func chargeRequest(
        card: String = "4000000000003055",
        amountMinor: Int64 = 10_000,
        authorizeOnly: Bool = false
    )
        -> Payments_V1_ChargeRequest
    {
        var request = Payments_V1_ChargeRequest()
        request.userID = self.userID.uuidString.lowercased()
        request.invoiceID = "inv-\(UUID().uuidString.prefix(8))"
        var money = Common_V1_Money()
        money.amountMinor = amountMinor
        money.currency = "RUB"
        request.amount = money
        var source = Payments_V1_PaymentSource()
        source.method = .cardCryptogram(SandboxCryptogram(cardNumber: card, expiry: "12/35", cvv: "123").packet)
        source.cardholderName = "CARD HOLDER"
        request.source = source
        request.authorizeOnly = authorizeOnly
        request.description = "Subscription"
        request.clientIp = "127.0.0.1"
        return request
    }

    func charge(
        card: String = "4000000000003055",
        amountMinor: Int64 = 10_000,
        authorizeOnly: Bool = false
    )
        async throws -> Payments_V1_Payment
    {
        try await self.client.charge(
            self.chargeRequest(card: card, amountMinor: amountMinor, authorizeOnly: authorizeOnly),
            options: Self.options()
        )
    }

    func payment(_ id: String) async throws -> Payments_V1_Payment {
        try await self.client.getPayment(.with(paymentID: id), options: Self.options(key: nil))
    }

    func reconciler(_ options: PaymentReconciler.Options = PaymentReconciler.Options()) -> PaymentReconciler {
        var options = options
        options.dailyReconciliation = false
        return PaymentReconciler(
            postgres: self.postgres,
            provider: self.provider,
            configuration: self.configuration,
            options: options,
            logger: self.logger
        )
    }

    // MARK: - Notifications by hand

    /// Posts a notification to the gateway's webhook, signed with `secret` (nil: no signature);
    /// returns the HTTP status and body.
    func notify(
        _ kind: String,
        _ fields: [(String, String)],
        secret: String? = ProviderWorld.apiSecret
    ) async throws -> (status: Int, body: String) {
        let body = Array(Self.encodeForm(fields).utf8)
        var request = HTTPClientRequest(url: "\(self.gatewayURL)/webhooks/cloudpayments/\(kind)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let secret {
            let signature = NotificationVerifier(apiSecret: CloudPaymentsSecret(secret)).signature(for: body)
            request.headers.add(name: "Content-HMAC", value: signature)
            request.headers.add(name: "X-Content-HMAC", value: signature)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: buffer))
    }

    /// Form encoding as the provider writes it: lower-case escapes, `+` for space.
    static func encodeForm(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~ ")
        return fields.map { key, value in
            let escaped = value.addingPercentEncoding(withAllowedCharacters: allowed)!
            let lowered = escaped.replacing(/%[0-9A-F]{2}/) { $0.output.lowercased() }
            return "\(key)=\(lowered.replacingOccurrences(of: " ", with: "+"))"
        }.joined(separator: "&")
    }

    static func dateTime(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// The fields of a Pay / Fail / Check / Confirm notification.
    func paymentFields(
        transactionID: Int64,
        invoiceID: String,
        amount: String = "100.00",
        accountID: String? = nil,
        extra: [(String, String)] = []
    ) -> [(String, String)] {
        [
            ("TransactionId", String(transactionID)), ("Amount", amount), ("Currency", "RUB"),
            ("PaymentAmount", amount), ("PaymentCurrency", "RUB"), ("DateTime", Self.dateTime()),
            ("CardFirstSix", "400000"), ("CardLastFour", "3055"), ("CardType", "Visa"), ("CardExpDate", "12/35"),
            ("TestMode", "1"), ("OperationType", "Payment"), ("InvoiceId", invoiceID),
            ("AccountId", accountID ?? self.userID.uuidString.lowercased()), ("SubscriptionId", ""),
            ("Name", "CARD HOLDER"),
            ("Email", ""), ("IpAddress", "127.0.0.1"), ("Issuer", ""), ("Description", "Subscription"), ("Data", ""),
        ] + extra
    }

    /// Moves the sandbox's clock by `seconds` (back, for a negative value) through its admin endpoint.
    func advanceSandboxClock(seconds: Int64) async throws {
        var request = HTTPClientRequest(url: await self.sandbox.baseURL() + "/sandbox/clock")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "{\"AdvanceSeconds\":\(seconds)}"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 16)
        #expect(response.status == .ok)
    }

    // MARK: - Inspection

    func count(_ sql: String) async throws -> Int64 {
        try await self.postgres.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql)).first?.decode(0, as: Int64.self) ?? -1
        }
    }

    func text(_ sql: String) async throws -> [String] {
        try await self.postgres.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(0, as: String.self) }
        }
    }

    /// The sandbox's charge operations (card and token, one- and two-stage) on `invoiceID`.
    func charges(_ invoiceID: String) async -> [SandboxOperation] {
        await self.sandbox.operations().filter {
            $0.invoiceID == invoiceID && [.cardCharge, .cardAuth, .tokenCharge, .tokenAuth].contains($0.kind)
        }
    }

    /// The sandbox's one charge operation on `invoiceID`, once it is there: under load the
    /// sandbox may still be asking Check when our client has given up on the answer.
    func chargeOperation(_ invoiceID: String) async throws -> SandboxOperation {
        try await self.eventually("the charge at the sandbox") { await !self.charges(invoiceID).isEmpty }
        let charges = await self.charges(invoiceID)
        #expect(charges.count == 1, "exactly one charge: \(charges)")
        return try #require(charges.first)
    }

    /// Waits until `condition` holds, checking every 50 ms, for up to `seconds`.
    func eventually(
        _ what: String,
        timeoutSeconds: Double = 10,
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)")
    }
}
