import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import BoxOfficeRPCNIO
import BoxOfficeRabbitMQ
import Contracts
import Foundation
import Logging
import TestSupport
import Testing

/// `boxoffice payments serve` and `boxoffice ledger check` as an operator runs them: the built
/// executable as a child process, against a test database, the sandbox in this process and the
/// local RabbitMQ.
@Suite("boxoffice payments serve and ledger check")
struct PaymentsProcessTests {
    static let publicID = "pk_process_test"
    static let apiSecret = "process_test_secret_value"

    /// The executable `swift build --build-tests` leaves in .build/debug.
    static let executable: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/boxoffice").path
    }()

    /// A running child process with its output in files.
    final class Child: @unchecked Sendable {
        let process = Process()
        let stdoutPath = NSTemporaryDirectory() + TestEnvironment.uniqueName("payments_out") + ".log"
        let stderrPath = NSTemporaryDirectory() + TestEnvironment.uniqueName("payments_err") + ".log"

        init(_ arguments: [String], environment: [String: String]) throws {
            _ = FileManager.default.createFile(atPath: self.stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: self.stderrPath, contents: nil)
            self.process.executableURL = URL(fileURLWithPath: PaymentsProcessTests.executable)
            self.process.arguments = arguments
            self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            self.process.standardOutput = FileHandle(forWritingAtPath: self.stdoutPath)
            self.process.standardError = FileHandle(forWritingAtPath: self.stderrPath)
            try self.process.run()
        }

        var stdout: String { (try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

        /// The RPC port once it prints "payments: listening on HOST:PORT".
        func port(timeoutSeconds: Double = 30) async throws -> Int {
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while Date() < deadline {
                if let match = self.stdout.firstMatch(of: /listening on [0-9.]+:([0-9]+)/), let port = Int(match.1) {
                    return port
                }
                if !self.process.isRunning {
                    Issue.record("payments serve exited \(self.process.terminationStatus): \(self.stderr)")
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("payments serve did not start: \(self.stderr)")
            throw CancellationError()
        }

        func waitForExit(timeoutSeconds: Double = 30) async throws -> Int32 {
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while self.process.isRunning {
                guard Date() < deadline else {
                    self.process.terminate()
                    Issue.record("child did not exit")
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return self.process.terminationStatus
        }

        deinit {
            if self.process.isRunning { self.process.terminate() }
            try? FileManager.default.removeItem(atPath: self.stdoutPath)
            try? FileManager.default.removeItem(atPath: self.stderrPath)
        }
    }

    /// Runs `boxoffice ledger check` on `database`; its output (both streams) and `exit=N`.
    static func ledgerCheck(database: String) throws -> String {
        let command =
            "POSTGRES_URL='\(TestEnvironment.postgresURL)' PAYMENTS_DATABASE='\(database)' "
            + "'\(Self.executable)' ledger check 2>&1; echo exit=$?"
        return try ChildProcess.run(["sh", "-c", command]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("killed between the provider call and the commit: recovered on restart with exactly one charge")
    func crashRecovery() async throws {
        var logger = Logger(label: "test.process")
        logger.logLevel = .critical
        let server = try PostgresConfiguration(url: TestEnvironment.postgresURL)
        let database = TestEnvironment.uniqueName("payproc")
        let exchange = TestEnvironment.uniqueName("test.payments.events")
        let admin = PostgresClient(configuration: server, poolSizeMax: 1, logger: logger)
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }
        let postgres = PostgresClient(configuration: server.with(database: database), poolSizeMax: 2, logger: logger)
        var failure: (any Error)?
        do {
            _ = try await PostgresMigrator(client: postgres, logger: logger)
                .migrate([try MessagingMigrations.load(), try PaymentsMigrations.load()])
            // A queue of the test's own on the exchange the relay publishes to, bound before anything
            // is charged, so every event either life publishes reaches it. Deleted with the exchange.
            try await EventsQueue.with(exchange: exchange, bindingKeys: ["#"], logger: logger) { events in
                try await CloudPaymentsSandbox.withRunning(
                    SandboxConfiguration(
                        port: 0,
                        terminals: [.init(publicID: Self.publicID, apiSecret: Self.apiSecret)]
                    ),
                    logger: logger
                ) { sandbox in
                    let environment = [
                        "POSTGRES_URL": TestEnvironment.postgresURL, "RABBITMQ_URL": TestEnvironment.rabbitMQURL,
                        "PAYMENTS_DATABASE": database, "PAYMENTS_RPC_PORT": "0",
                        "PAYMENTS_CLOUDPAYMENTS_BASE_URL": await sandbox.baseURL(),
                        "PAYMENTS_CLOUDPAYMENTS_PUBLIC_ID": Self.publicID,
                        "PAYMENTS_CLOUDPAYMENTS_API_SECRET": Self.apiSecret, "PAYMENTS_EVENTS_EXCHANGE": exchange,
                        "PAYMENTS_PENDING_GRACE_SECONDS": "1", "PAYMENTS_RECONCILE_SCHEDULE_SECONDS": "1,2",
                        "PAYMENTS_RECONCILER_IDLE_MILLISECONDS": "200", "LOG_LEVEL": "info",
                    ]
                    // First life: dies right after the provider answered the charge.
                    let first = try Child(
                        ["payments", "serve"],
                        environment: environment.merging([PaymentsTestHooks.crashAfterProviderCallVariable: "1"]) { $1 }
                    )
                    let firstPort = try await first.port()
                    var request = Payments_V1_ChargeRequest()
                    request.userID = UUID().uuidString.lowercased()
                    request.invoiceID = "inv-crash"
                    var money = Common_V1_Money()
                    money.amountMinor = 12_300
                    money.currency = "RUB"
                    request.amount = money
                    var source = Payments_V1_PaymentSource()
                    source.method = .cardCryptogram(
                        SandboxCryptogram(cardNumber: "4000000000003055", expiry: "12/35", cvv: "123").packet
                    )
                    request.source = source
                    request.clientIp = "127.0.0.1"
                    let options = CallOptions(
                        timeout: .seconds(10),
                        metadata: Metadata(caller: "users", idempotencyKey: UUID().uuidString)
                    )
                    await #expect(throws: (any Error).self) {
                        try await NIORPCClientTransport.withTransport(
                            host: "127.0.0.1",
                            port: firstPort,
                            logger: logger
                        ) {
                            _ = try await Payments_V1_PaymentServiceClient(RPCClient(transport: $0)).charge(
                                request,
                                options: options
                            )
                        }
                    }
                    #expect(try await first.waitForExit() == PaymentsTestHooks.crashExitStatus)
                    let charges = await sandbox.operations().filter { $0.kind == .cardCharge }
                    #expect(charges.count == 1 && charges[0].success, "the provider charged before the crash")
                    let paymentID = try #require(charges.first?.invoiceID)
                    let state = try await postgres.withConnection { connection in
                        try await connection.query(
                            """
                            SELECT p.status, a.state FROM payments p JOIN attempts a USING (payment_id)
                            WHERE p.payment_id = \(UUID(uuidString: paymentID)!)
                            """
                        ).map { "\(try $0.decode(0, as: String.self))/\(try $0.decode(1, as: String.self))" }
                    }
                    #expect(state == ["created/pending"], "nothing after the provider call was committed")

                    // Second life: the reconciler finds the pending attempt past its grace and settles it.
                    let second = try Child(["payments", "serve"], environment: environment)
                    _ = try await second.port()
                    let deadline = Date().addingTimeInterval(30)
                    var status = ""
                    while Date() < deadline {
                        status = try await postgres.withConnection { connection in
                            try await connection.query(
                                "SELECT status FROM payments WHERE payment_id = \(UUID(uuidString: paymentID)!)"
                            ).first?.decode(0, as: String.self) ?? ""
                        }
                        if status == "succeeded" { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(status == "succeeded", "settled by the reconciler after the restart")
                    #expect(
                        await sandbox.operations().filter { $0.kind == .cardCharge }.count == 1,
                        "exactly one charge"
                    )

                    // The recovered success reached RabbitMQ through the relay: one payment.succeeded
                    // carrying the payment as the provider charged it, and no second one after a grace.
                    let published = try await events.waitFor(count: 1, routingKey: PaymentEvents.succeeded)
                    let event = try Events_V1_PaymentSucceeded(rpcBytes: published[0].body)
                    #expect(event.paymentID == paymentID)
                    #expect(event.userID == request.userID)
                    #expect(event.invoiceID == request.invoiceID)
                    #expect(event.amount?.amountMinor == 12_300)
                    #expect(event.amount?.currency == "RUB")
                    #expect(event.providerTransactionID == charges.first?.transactionID)
                    #expect(!event.recurring)
                    #expect(
                        published[0].messageID == event.eventID,
                        "the message id is the event id consumers dedupe on"
                    )
                    let delivered = try await events.settled()
                    #expect(
                        delivered.map(\.routingKey) == [PaymentEvents.succeeded],
                        "exactly one event, payment.succeeded, after the grace period"
                    )

                    // ledger check: balanced now…
                    let balanced = try Self.ledgerCheck(database: database)
                    #expect(balanced.hasSuffix("exit=0"), "\(balanced)")
                    #expect(balanced.contains("ledger balanced: 2 entries, 1 payments"), "\(balanced)")
                    // …and exit 1 with the findings after an unbalanced entry.
                    try await postgres.withConnection { connection in
                        try await connection.execute(
                            """
                            INSERT INTO ledger_entries (journal_id, payment_id, account, side, amount_minor, currency)
                            VALUES (gen_random_uuid(), \(UUID(uuidString: paymentID)!), 'customer_payments', 'credit', 5, 'RUB')
                            """
                        )
                    }
                    let unbalanced = try Self.ledgerCheck(database: database)
                    #expect(unbalanced.hasSuffix("exit=1"), "\(unbalanced)")
                    #expect(
                        unbalanced.contains("currency_unbalanced") && unbalanced.contains("payment_mismatch"),
                        "\(unbalanced)"
                    )
                    try await postgres.withConnection { connection in
                        try await connection.execute("DELETE FROM ledger_entries WHERE amount_minor = 5")
                    }

                    // Graceful shutdown on SIGTERM; no secret in anything it printed.
                    second.process.terminate()
                    #expect(try await second.waitForExit() == 0, "\(second.stderr.suffix(2_000))")
                    for output in [first.stdout, first.stderr, second.stdout, second.stderr] {
                        #expect(!output.contains(Self.apiSecret), "the API secret was printed")
                        #expect(!output.contains("SBX1:"), "a card cryptogram was printed")
                    }
                    #expect(second.stderr.contains("reconciled attempt"))
                }
            }
        } catch {
            failure = error
        }
        await postgres.shutdown()
        try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: database) WITH (FORCE)") }
        await admin.shutdown()
        if let failure { throw failure }
    }
}
