import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres
import Logging
import TestSupport

/// A fresh payments database for one test: created, migrated (messaging, then payments), handed
/// to `body`, then shut down and dropped whether or not `body` threw.
enum PaymentsDatabase {
    static func with(
        prefix: String,
        poolSizeMax: Int,
        connectTimeoutSeconds: Int? = nil,
        logger: Logger,
        _ body: (PostgresClient) async throws -> Void
    ) async throws {
        var server = try PostgresConfiguration(url: TestEnvironment.postgresURL)
        if let connectTimeoutSeconds { server.connectTimeoutSeconds = connectTimeoutSeconds }
        let database = TestEnvironment.uniqueName(prefix)
        let admin = PostgresClient(configuration: server, poolSizeMax: 1, logger: logger)
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }
        let postgres = PostgresClient(
            configuration: server.with(database: database),
            poolSizeMax: poolSizeMax,
            logger: logger
        )
        var failure: (any Error)?
        do {
            _ = try await PostgresMigrator(client: postgres, logger: logger)
                .migrate([try MessagingMigrations.load(), try PaymentsMigrations.load()])
            try await body(postgres)
        } catch {
            failure = error
        }
        await postgres.shutdown()
        try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: database) WITH (FORCE)") }
        await admin.shutdown()
        if let failure { throw failure }
    }
}
