import BoxOfficePool
import BoxOfficeThreads
public import Logging
import Synchronization

/// A pool of Postgres connections with scoped access.
///
/// At most `poolSizeMax` connections are open; a caller that finds all of them busy waits up to
/// `acquireTimeout` and then gets ``PostgresError/Code/poolTimeout``. Connections are opened on
/// demand, each with a thread of its own for its blocking libpq calls, so no call ever blocks the
/// concurrency pool. A connection that broke is discarded and its slot reused.
public final class PostgresClient: Sendable {
    /// The largest number of connections when the caller names none.
    public static let poolSizeMaxDefault = 10
    /// The upper bound of the random pause before retrying a transaction, per failed attempt so far.
    public static let retryPauseMillisecondsMax = 20

    /// Where the connections go.
    public let configuration: PostgresConfiguration
    /// The most connections open at once.
    public let poolSizeMax: Int
    /// How long ``withConnection(_:)`` waits for a free connection.
    public let acquireTimeout: Duration
    let logger: Logger
    private let pool: ConnectionPool<LibPQConnection>

    /// Numbers connections across all clients of the process, so that thread names and log lines
    /// tell them apart.
    private static let connectionIDs = Atomic<Int>(0)

    /// Creates a pool; no connection is opened until the first use.
    public init(
        configuration: PostgresConfiguration,
        poolSizeMax: Int = PostgresClient.poolSizeMaxDefault,
        acquireTimeout: Duration = .seconds(5),
        logger: Logger
    ) {
        precondition(poolSizeMax > 0, "poolSizeMax must be positive")
        self.configuration = configuration
        self.poolSizeMax = poolSizeMax
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.pool = ConnectionPool(
            sizeMax: poolSizeMax,
            acquireTimeout: acquireTimeout,
            open: {
                let id = Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
                do {
                    let connection = try await LibPQConnection.connect(configuration, id: id)
                    logger.debug("opened Postgres connection", metadata: ["connection": "\(id)"])
                    return connection
                } catch {
                    logger.warning("could not open Postgres connection", metadata: ["error": "\(error)"])
                    throw error
                }
            },
            close: { await $0.close() }
        )
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    ///
    /// `body` runs on the connection's thread (as task executor preference), so its queries make
    /// no thread hop. A transaction `body` left open is rolled back. Throws
    /// ``PostgresError/Code/poolTimeout``, ``PostgresError/Code/connectionFailed``,
    /// ``PostgresError/Code/clientShutdown``, or what `body` throws.
    @discardableResult
    public func withConnection<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        let base = try await self.acquire()
        let lease = PostgresConnection(base: base)
        let (result, reusable) = await base.thread.withPreference { () async -> (Result<R, any Error>, Bool) in
            let result: Result<R, any Error>
            do {
                let value = try await body(lease)
                // What the body queued and no later call sent still runs before the connection
                // goes back (outside a transaction nothing else would send it).
                try await lease.flushQueued()
                result = .success(value)
            } catch {
                lease.discardQueued()
                result = .failure(error)
            }
            lease.endLoan()
            let reusable = await base.thread.run { base.resetForReuse() }
            return (result, reusable)
        }
        await self.release(base, reusable: reusable)
        return try result.get()
    }

    /// Runs `body` in a transaction at `isolation`: commits when it returns, rolls back when it
    /// throws (and rethrows its error).
    ///
    /// A failed `COMMIT` (a deferred constraint, a serialization failure detected at commit, or a
    /// transaction that had already failed) throws: ``PostgresError/Code/server`` with the SQLSTATE,
    /// or ``PostgresError/Code/commitFailed``.
    @discardableResult
    public func withTransaction<R: Sendable>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        try await self.withConnection { connection in
            // BEGIN travels with the transaction's first statement: one round trip fewer.
            try connection.enqueue(.control("BEGIN ISOLATION LEVEL \(isolation.sql)"))
            let value: R
            do {
                value = try await body(connection)
            } catch {
                // Best effort: if ROLLBACK fails the connection is broken and gets discarded, and
                // the caller should see the body's error, not that one.
                connection.discardQueued()
                try? await connection.executeScript("ROLLBACK")
                throw error
            }
            try await connection.commit()
            return value
        }
    }

    /// Runs `body` in a transaction like ``withTransaction(isolation:_:)``, and runs the whole
    /// transaction again when it fails with a serialization failure (40001) or a deadlock (40P01),
    /// at most `attemptsMax` times in all, with a short random pause between attempts.
    ///
    /// `body` may run several times: it must not have effects outside the transaction.
    @discardableResult
    public func withRetryingTransaction<R: Sendable>(
        isolation: PostgresIsolationLevel = .serializable,
        attemptsMax: Int = 5,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        precondition(attemptsMax > 0, "attemptsMax must be positive")
        var attempt = 1
        while true {
            do {
                return try await self.withTransaction(isolation: isolation, body)
            } catch let error as PostgresError where error.isTransactionRetryable && attempt < attemptsMax {
                self.logger.debug(
                    "retrying transaction",
                    metadata: ["attempt": "\(attempt)", "sqlState": "\(error.sqlState ?? "")"]
                )
                // Random pauses keep two conflicting transactions from colliding again in step.
                let pauseMilliseconds = Int.random(in: 0...(Self.retryPauseMillisecondsMax * attempt))
                try await Task.sleep(for: .milliseconds(pauseMilliseconds))
                attempt += 1
            }
        }
    }

    /// Closes the idle connections and fails the waiting callers; connections in use close when
    /// their scope ends, and later calls throw ``PostgresError/Code/clientShutdown``.
    ///
    /// Call it before dropping the client: each open connection holds a thread until closed.
    public func shutdown() async {
        await self.pool.shutdown()
    }

    // MARK: - Pool

    private func acquire() async throws -> LibPQConnection {
        do {
            return try await self.pool.acquire()
        } catch let error as ConnectionPoolError {
            if error.code == .timeout {
                throw PostgresError(
                    code: .poolTimeout,
                    message: "no connection became free within \(self.acquireTimeout) (pool size \(self.poolSizeMax))",
                    underlying: error
                )
            }
            throw PostgresError(code: .clientShutdown, message: "the Postgres client was shut down", underlying: error)
        }
    }

    private func release(_ connection: LibPQConnection, reusable: Bool) async {
        if !reusable {
            self.logger.debug("discarded Postgres connection", metadata: ["connection": "\(connection.id)"])
        }
        await self.pool.release(connection, reusable: reusable)
    }
}
