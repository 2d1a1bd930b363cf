import BoxOfficePostgres
import Logging
import Synchronization
import TestSupport

/// A database of its own for one test, created through the superuser URL and dropped afterwards,
/// so tests run in parallel with each other and with everything else on the shared server.
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "BoxOfficePostgresTests")
        logger.logLevel = .warning
        return logger
    }()

    static var adminConfiguration: PostgresConfiguration {
        get throws { try PostgresConfiguration(url: TestEnvironment.postgresURL) }
    }

    /// Creates a database, runs `body` with its configuration, drops it.
    static func withConfiguration<R: Sendable>(
        _ body: (PostgresConfiguration) async throws -> R
    ) async throws -> R {
        let admin = PostgresClient(configuration: try adminConfiguration, poolSizeMax: 1, logger: logger)
        let name = TestEnvironment.uniqueName("pgtest")
        try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: name)") }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(try adminConfiguration.with(database: name)))
        } catch {
            result = .failure(error)
        }
        try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: name) WITH (FORCE)") }
        await admin.shutdown()
        return try result.get()
    }

    /// Creates a database and a client for it, runs `body`, shuts the client down, drops it.
    static func withClient<R: Sendable>(
        poolSizeMax: Int = 4,
        acquireTimeout: Duration = .seconds(5),
        _ body: (PostgresClient) async throws -> R
    ) async throws -> R {
        try await withConfiguration { configuration in
            let client = PostgresClient(
                configuration: configuration,
                poolSizeMax: poolSizeMax,
                acquireTimeout: acquireTimeout,
                logger: logger
            )
            let result: Result<R, any Error>
            do {
                result = .success(try await body(client))
            } catch {
                result = .failure(error)
            }
            await client.shutdown()
            return try result.get()
        }
    }
}

struct TestFailure: Error {}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { self.count.withLock { $0 } }
    func increment() { self.count.withLock { $0 += 1 } }
}
