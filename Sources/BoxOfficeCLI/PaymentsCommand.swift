import ArgumentParser
import AsyncHTTPClient
import BoxOfficeCloudPayments
import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import BoxOfficeRPCNIO
import BoxOfficeRabbitMQ
import BoxOfficeRuntime
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `boxoffice payments`: PaymentService's process.
struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "PaymentService: charges, refunds, provider notifications, reconciliation.",
        subcommands: [Serve.self, Reconcile.self],
        defaultSubcommand: Serve.self
    )

    /// Serves PaymentService over RPC with its reconciler and outbox relay until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve PaymentService over RPC, with the reconciler and the outbox relay.",
            discussion: """
                The database (PAYMENTS_DATABASE, default boxoffice_payments, on the server of POSTGRES_URL) \
                must be migrated first (boxoffice migrate payments). Listens on PAYMENTS_RPC_HOST:PAYMENTS_RPC_PORT \
                (default 127.0.0.1:7103). The provider: PAYMENTS_CLOUDPAYMENTS_BASE_URL, _PUBLIC_ID, _API_SECRET \
                (default: the local sandbox). Reconciliation: PAYMENTS_RECONCILE_SCHEDULE_SECONDS (60,300,3600,86400), \
                PAYMENTS_PENDING_GRACE_SECONDS, PAYMENTS_PROVIDER_REQUEST_ID_WINDOW_SECONDS. Events go to \
                PAYMENTS_EVENTS_EXCHANGE on RABBITMQ_URL. Prints "payments: listening on HOST:PORT" once serving.
                """
        )

        @OptionGroup var common: CommonOptions

        func run() async throws {
            // Test hooks are read once, now (see PaymentsTestHooks).
            if PaymentsTestHooks.arm() {
                FileHandle.standardError.write(Data("payments: TEST HOOKS ARMED\n".utf8))
            }
            let settings = try await Settings.load(configFile: self.common.config)
            _ = Observability.bootstrap(settings)
            let logger = Logger(label: "boxoffice.payments")
            let paymentsSettings = try await PaymentsSettings.load(configFile: self.common.config, settings: settings)
            let configuration = paymentsSettings.payments
            let server = try PostgresConfiguration(url: settings.postgresURL)
            let postgres = PostgresClient(
                configuration: server.with(database: paymentsSettings.database),
                poolSizeMax: settings.postgresPoolSizeMax,
                logger: logger
            )
            let httpClient = CloudPaymentsClient.makeHTTPClient(configuration.cloudPayments)
            let provider = CloudPaymentsClient(
                configuration: configuration.cloudPayments,
                httpClient: httpClient,
                logger: logger
            )
            let service = PaymentService(
                postgres: postgres,
                provider: provider,
                configuration: configuration,
                logger: logger
            )
            var router = RPCRouter()
            router.register(service)
            let rpcServer = RPCServer(
                host: paymentsSettings.rpcHost,
                port: configuration.rpcPort,
                router: router.intercepted(by: RPCObservability.serverInterceptors(label: "boxoffice.payments.rpc")),
                logger: logger
            )
            var reconcilerOptions = PaymentReconciler.Options()
            reconcilerOptions.idleIntervalMilliseconds = paymentsSettings.reconcilerIdleMilliseconds
            let reconciler = PaymentReconciler(
                postgres: postgres,
                provider: provider,
                configuration: configuration,
                options: reconcilerOptions,
                logger: Logger(label: "boxoffice.payments.reconciler")
            )
            let broker = RabbitMQConnection(
                configuration: try RabbitMQConfiguration(url: settings.rabbitMQURL),
                topology: RabbitMQTopology(exchange: configuration.eventsExchange, queues: []),
                logger: logger
            )
            let relay = OutboxRelay(
                client: postgres,
                broker: broker,
                configuration: OutboxRelay.Configuration(exchange: configuration.eventsExchange),
                logger: logger
            )
            // The configuration's description redacts the API secret; the database URL is not logged.
            logger.info(
                "payments starting",
                metadata: ["configuration": "\(configuration)", "database": "\(paymentsSettings.database)"]
            )
            // Shut down in reverse order: the RPC server drains first, the broker goes last.
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [
                        .init(service: broker), .init(service: relay), .init(service: reconciler),
                        .init(service: rpcServer),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let port = try await rpcServer.boundPort()
                    // Unbuffered: a supervisor (or a test) waits for this line.
                    FileHandle.standardOutput.write(
                        Data("payments: listening on \(paymentsSettings.rpcHost):\(port)\n".utf8)
                    )
                    try await tasks.waitForAll()
                }
            } catch {
                await postgres.shutdown()
                try? await httpClient.shutdown()
                throw error
            }
            await postgres.shutdown()
            try await httpClient.shutdown()
        }
    }
}
