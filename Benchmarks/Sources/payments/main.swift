import BenchmarkSupport
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

// Charges per second through PaymentService over RPC against the CloudPayments sandbox, all on
// this machine in one process: the sandbox (Hummingbird), PaymentService on a real RPC server with
// its own Postgres database, and `concurrency` callers on one RPC client connection pool. Each
// charge is a fresh card cryptogram of an approving test card with its own idempotency key, so it
// does the whole path: idempotency claim, payment + pending attempt committed, the provider call,
// settlement (payment, attempt, ledger entries, outbox event, stored answer) committed.
//
// The anchor is a fixed figure, not a program: 1,000 charges/s (Kill Bill states 100–1,000
// payment transactions/s as its target); ratio = ours / 1,000. After the runs it checks that the
// sandbox charged exactly once per payment and that the ledger balances.
//
// The provider allows 30 requests in flight on a live terminal (5 on a test one); the sandbox and
// the client use the live cap, so that is the first bound on charges/s: 30 / provider latency.

try await PaymentsBenchmark.run()

enum PaymentsBenchmark {
    static let runs = Int(Bench.env("PAYMENTS_BENCH_RUNS", "5"))!
    static let chargesPerRun = Int(Bench.env("PAYMENTS_BENCH_CHARGES", "2000"))!
    static let concurrency = Int(Bench.env("PAYMENTS_BENCH_CONCURRENCY", "64"))!
    static let providerCap = Int(Bench.env("PAYMENTS_BENCH_PROVIDER_CAP", "30"))!
    static let anchorChargesPerSecond = 1_000.0
    static let publicID = "pk_bench"
    static let apiSecret = "bench_api_secret"
    static let approvingCard = "4000000000003055"

    static func money(_ minor: Int64) -> Common_V1_Money {
        var money = Common_V1_Money()
        money.amountMinor = minor
        money.currency = "RUB"
        return money
    }

    static func chargeRequest() -> Payments_V1_ChargeRequest {
        var request = Payments_V1_ChargeRequest()
        request.userID = UUID().uuidString.lowercased()
        request.invoiceID = "inv-\(UUID().uuidString.prefix(12))"
        request.amount = money(19_900)
        var source = Payments_V1_PaymentSource()
        source.method = .cardCryptogram(
            SandboxCryptogram(cardNumber: approvingCard, expiry: "12/35", cvv: "123").packet
        )
        request.source = source
        request.description = "Monthly subscription"
        request.clientIp = "127.0.0.1"
        return request
    }

    /// Runs `count` charges with `concurrency` in flight; returns the wall time and each call's latency.
    static func chargeRun(
        _ client: Payments_V1_PaymentServiceClient,
        count: Int
    ) async throws -> (seconds: Double, latencies: [Double]) {
        let requests = (0..<count).map { _ in chargeRequest() }
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    var index = worker
                    while index < count {
                        let options = CallOptions(
                            timeout: .seconds(30),
                            metadata: Metadata(caller: "users", idempotencyKey: UUID().uuidString)
                        )
                        let began = ContinuousClock.now
                        let payment = try await client.charge(requests[index], options: options)
                        mine.append(seconds(ContinuousClock.now - began))
                        guard payment.status == .succeeded else {
                            throw BenchError("charge \(index) ended \(payment.status), not SUCCEEDED")
                        }
                        index += concurrency
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return (seconds(ContinuousClock.now - start), latencies)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }

    static func run() async throws {
        var quiet = Logger(label: "bench.payments")
        quiet.logLevel = .critical

        let server = try PostgresConfiguration(
            url: Bench.env("POSTGRES_URL", "postgres://boxoffice:boxoffice@127.0.0.1:55432/postgres")
        )
        let database = "bench_payments_\(ProcessInfo.processInfo.processIdentifier)"
        let admin = PostgresClient(configuration: server, poolSizeMax: 1, logger: quiet)
        try await admin.withConnection { try await $0.execute("DROP DATABASE IF EXISTS \(unescaped: database)") }
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }
        let postgres = PostgresClient(configuration: server.with(database: database), poolSizeMax: 16, logger: quiet)

        do {
            _ = try await PostgresMigrator(client: postgres, logger: quiet)
                .migrate([try MessagingMigrations.load(), try PaymentsMigrations.load()])
            var sandboxConfiguration = SandboxConfiguration(
                port: 0,
                terminals: [.init(publicID: publicID, apiSecret: apiSecret)]
            )
            sandboxConfiguration.concurrentRequestsMax = providerCap
            try await CloudPaymentsSandbox.withRunning(sandboxConfiguration, logger: quiet) { sandbox in
                let configuration = PaymentsConfiguration(
                    cloudPayments: CloudPaymentsConfiguration(
                        baseURL: await sandbox.baseURL(),
                        publicID: publicID,
                        apiSecret: CloudPaymentsSecret(apiSecret),
                        concurrentRequestsMax: providerCap
                    )
                )
                let service = PaymentService(
                    postgres: postgres,
                    provider: CloudPaymentsClient(configuration: configuration.cloudPayments, logger: quiet),
                    configuration: configuration,
                    logger: quiet
                )
                var router = RPCRouter()
                router.register(service)
                let rpcServer = RPCServer(host: "127.0.0.1", port: 0, router: router, logger: quiet)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await rpcServer.run() }
                    let port = try await rpcServer.boundPort()
                    try await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: quiet) {
                        transport in
                        let client = Payments_V1_PaymentServiceClient(RPCClient(transport: transport))
                        Bench.progress("payments: warming up (200 charges)")
                        _ = try await chargeRun(client, count: 200)
                        var rates: [Double] = []
                        var p50s: [Double] = []
                        var p99s: [Double] = []
                        for run in 0..<runs {
                            let (seconds, latencies) = try await chargeRun(client, count: chargesPerRun)
                            let sorted = latencies.sorted()
                            rates.append(Double(chargesPerRun) / seconds)
                            p50s.append(percentile(sorted, 0.50))
                            p99s.append(percentile(sorted, 0.99))
                            Bench.progress(
                                "run \(run + 1)/\(runs): \(String(format: "%.0f", rates.last!)) charges/s, p50 \(String(format: "%.1f", p50s.last! * 1000)) ms, p99 \(String(format: "%.1f", p99s.last! * 1000)) ms"
                            )
                        }

                        // Exactly one provider charge per payment, every payment settled, ledger balanced.
                        let charges = await sandbox.operations().filter { $0.kind == .cardCharge }
                        let chargedInvoices = Set(charges.compactMap(\.invoiceID))
                        let (payments, succeeded) = try await postgres.withConnection { connection in
                            var total = 0
                            var ok = 0
                            for row in try await connection.query(
                                "SELECT count(*), status FROM payments GROUP BY status"
                            ) {
                                let count: Int64 = try row.decode(0)
                                let status: String = try row.decode(1)
                                total += Int(count)
                                if status == "succeeded" { ok += Int(count) }
                            }
                            return (total, ok)
                        }
                        let findings = try await postgres.withConnection { try await LedgerCheck.run(in: $0) }
                        guard charges.count == payments, chargedInvoices.count == payments, succeeded == payments,
                            findings.isEmpty
                        else {
                            throw BenchError(
                                "consistency: \(charges.count) provider charges, \(chargedInvoices.count) distinct invoices, \(payments) payments (\(succeeded) succeeded), \(findings.count) ledger findings"
                            )
                        }
                        print(
                            "payments: \(payments) charges, 0 double charges, every payment SUCCEEDED, ledger balanced"
                        )
                        print(
                            "payments: p50 \(String(format: "%.2f", Bench.median(p50s) * 1000)) ms, p99 \(String(format: "%.2f", Bench.median(p99s) * 1000)) ms at \(concurrency) in flight, provider cap \(providerCap)"
                        )
                        group.cancelAll()
                        Bench.result(
                            "payments",
                            ours: Bench.median(rates),
                            anchor: anchorChargesPerSecond,
                            unit: "charges/s"
                        )
                    }
                }
            }
        } catch {
            await postgres.shutdown()
            _ = try? await admin.withConnection {
                try await $0.execute("DROP DATABASE IF EXISTS \(unescaped: database)")
            }
            await admin.shutdown()
            throw error
        }
        await postgres.shutdown()
        try await admin.withConnection { try await $0.execute("DROP DATABASE IF EXISTS \(unescaped: database)") }
        await admin.shutdown()

    }
}
