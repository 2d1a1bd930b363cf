import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres
import Foundation
import Logging
import TestSupport
import Testing

/// `boxoffice payments reconcile --day` as an operator runs it: the built executable against a
/// fresh payments database and a sandbox started here on a free port.
@Suite("boxoffice payments reconcile")
struct ReconcileCommandTests {
    static let publicID = "pk_reconcile_cli"
    static let apiSecret = "reconcile_cli_secret"

    @Test("a provider payment we do not know: reported, exit 1; a quiet day: exit 0; a bad --day refused naming it")
    func reconcile() async throws {
        var logger = Logger(label: "test.reconcile-cli")
        logger.logLevel = .critical
        let server = try PostgresConfiguration(url: TestEnvironment.postgresURL)
        let database = TestEnvironment.uniqueName("payrecon_cli")
        let admin = PostgresClient(configuration: server, poolSizeMax: 1, logger: logger)
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }
        let result: Result<Void, any Error>
        do {
            let postgres = PostgresClient(
                configuration: server.with(database: database),
                poolSizeMax: 1,
                logger: logger
            )
            var migrationError: (any Error)?
            do {
                _ = try await PostgresMigrator(client: postgres, logger: logger)
                    .migrate([try MessagingMigrations.load(), try PaymentsMigrations.load()])
            } catch {
                migrationError = error
            }
            await postgres.shutdown()
            if let migrationError { throw migrationError }
            try await self.runAgainstSandbox(database: database, logger: logger)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: database) WITH (FORCE)") }
        await admin.shutdown()
        try result.get()
    }

    func runAgainstSandbox(database: String, logger: Logger) async throws {
        let configuration = SandboxConfiguration(
            port: 0,
            terminals: [.init(publicID: Self.publicID, apiSecret: Self.apiSecret)]
        )
        try await CloudPaymentsSandbox.withRunning(configuration, logger: logger) { sandbox in
            let baseURL = await sandbox.baseURL()
            let provider = CloudPaymentsClient(
                configuration: CloudPaymentsConfiguration(
                    baseURL: baseURL,
                    publicID: Self.publicID,
                    apiSecret: CloudPaymentsSecret(Self.apiSecret)
                ),
                logger: logger
            )
            // A payment at the provider with an InvoiceId that is none of ours.
            let stranger = UUID().uuidString.lowercased()
            let answer = try await provider.chargeCard(
                CardPaymentRequest(
                    amount: try Money(minorUnits: 500, currency: .rub),
                    ipAddress: "127.0.0.1",
                    cardCryptogramPacket: SandboxCryptogram(cardNumber: "4000000000003055", expiry: "12/35", cvv: "123")
                        .packet,
                    invoiceId: stranger
                ),
                requestID: try RequestID("cli-\(UUID().uuidString.prefix(8))")
            )
            guard case .approved(let charged) = answer else {
                Issue.record("the stranger's payment was not approved: \(answer)")
                return
            }
            let environment = [
                "POSTGRES_URL=\(TestEnvironment.postgresURL)", "PAYMENTS_DATABASE=\(database)",
                "PAYMENTS_CLOUDPAYMENTS_BASE_URL=\(baseURL)", "PAYMENTS_CLOUDPAYMENTS_PUBLIC_ID=\(Self.publicID)",
                "PAYMENTS_CLOUDPAYMENTS_API_SECRET=\(Self.apiSecret)", "LOG_LEVEL=critical",
            ]
            let command = environment + [TokenCommandTests.executable, "payments", "reconcile", "--day"]
            let now = Date()
            let today = Self.dayText(now)
            let failure = try await #require(throws: ChildProcess.Failure.self) {
                try await Self.run(command + [today])
            }
            #expect(failure.status == 1)
            let lines = failure.standardOutput.split(separator: "\n").map(String.init)
            #expect(
                lines.first == "reconciliation \(today): provider 1 payment(s), 0 refund(s); "
                    + "ours 0 payment(s), 0 refund(s); 1 mismatch(es)",
                "\(failure.standardOutput)"
            )
            #expect(lines.count == 2)
            #expect(
                lines.last?.hasPrefix("unknown_to_us: payment \(stranger), transaction \(charged.transactionId)")
                    == true
            )
            #expect(!failure.standardOutput.contains(Self.apiSecret) && !failure.output.contains(Self.apiSecret))

            // The day before: nothing on either side.
            let yesterday = Self.dayText(now.addingTimeInterval(-86_400))
            let quiet = try await Self.run(command + [yesterday])
            #expect(
                quiet == "reconciliation \(yesterday): provider 0 payment(s), 0 refund(s); "
                    + "ours 0 payment(s), 0 refund(s); 0 mismatch(es)\n"
            )

            for bad in ["2026-13-01", "2026-02-30", "29-11-2026", "2026-1-5", "yesterday", ""] {
                let refused = try await #require(throws: ChildProcess.Failure.self, "\(bad)") {
                    try await Self.run(command + [bad])
                }
                #expect(refused.status == 64, "a usage error (EX_USAGE), not a mismatch: \(bad)")
                #expect(refused.output.contains("--day must be a calendar date YYYY-MM-DD"), "\(refused.output)")
                #expect(refused.standardOutput.isEmpty)
            }
            // The replay window of notifications must outlast the provider's retries.
            let shortWindow = try await #require(throws: ChildProcess.Failure.self) {
                try await Self.run(["PAYMENTS_NOTIFICATION_MAX_AGE_SECONDS=3600"] + command + [today])
            }
            #expect(shortWindow.output.contains("payments.notification_max_age_seconds"), "\(shortWindow.output)")
            #expect(await sandbox.operations().count == 1, "reconciling changes nothing at the provider")
        }
    }

    static func dayText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// Runs `command` on a thread of its own: the child blocks until it exits, and the sandbox it
    /// talks to needs the concurrency pool meanwhile.
    static func run(_ command: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try ChildProcess.run(command) }) }.start()
        }
    }
}
