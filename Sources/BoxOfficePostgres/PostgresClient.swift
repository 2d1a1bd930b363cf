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
    private let state: Mutex<State>

    /// A task waiting for a connection; resumed with one, or with permission to open one.
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Grant, any Error>
    }

    private enum Grant {
        case connection(LibPQConnection)
        case open
    }

    private struct State {
        var pool: PoolStateMachine<LibPQConnection, Waiter>
        var nextWaiterID = 0
        var nextConnectionID = 0
        var timeouts: [Int: Task<Void, Never>] = [:]
    }

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
        self.state = Mutex(State(pool: PoolStateMachine(sizeMax: poolSizeMax)))
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
                result = .success(try await body(lease))
            } catch {
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
            try await connection.executeScript("BEGIN ISOLATION LEVEL \(isolation.sql)")
            let value: R
            do {
                value = try await body(connection)
            } catch {
                // Best effort: if ROLLBACK fails the connection is broken and gets discarded, and
                // the caller should see the body's error, not that one.
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
        let (idle, waiters, timeouts) = self.state.withLock { state in
            let (idle, waiters) = state.pool.shutDown()
            let timeouts = state.timeouts.values
            state.timeouts = [:]
            return (idle, waiters, Array(timeouts))
        }
        for timeout in timeouts { timeout.cancel() }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.shutdownError()) }
        for connection in idle { await connection.close() }
    }

    // MARK: - Pool

    private func acquire() async throws -> LibPQConnection {
        switch self.state.withLock({ $0.pool.acquire() }) {
        case .use(let connection): return connection
        case .open: return try await self.open()
        case .fail: throw Self.shutdownError()
        case .wait: break
        }
        let id = self.state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let immediate: PoolStateMachine<LibPQConnection, Waiter>.AcquireAction? = self.state.withLock { state in
                    // Look again: a connection may have come back since the first look.
                    let action = state.pool.acquire()
                    guard case .wait = action, !Task.isCancelled else { return action }
                    state.pool.enqueue(Waiter(id: id, continuation: continuation), id: id)
                    let timeout = self.acquireTimeout
                    state.timeouts[id] = Task { [weak self] in
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        self?.failWaiter(
                            id: id,
                            with: PostgresError(
                                code: .poolTimeout,
                                message:
                                    "no connection became free within \(timeout) (pool size \(self?.poolSizeMax ?? 0))"
                            )
                        )
                    }
                    return nil
                }
                switch immediate {
                case nil: break
                case .use(let connection): continuation.resume(returning: .connection(connection))
                case .open: continuation.resume(returning: .open)
                case .fail: continuation.resume(throwing: Self.shutdownError())
                case .wait: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            self.failWaiter(id: id, with: CancellationError())
        }
        switch grant {
        case .connection(let connection): return connection
        case .open: return try await self.open()
        }
    }

    private func failWaiter(id: Int, with error: any Error) {
        let waiter = self.state.withLock { state in
            state.timeouts.removeValue(forKey: id)?.cancel()
            return state.pool.removeWaiter(id: id)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Opens a connection in a slot the state machine reserved.
    private func open() async throws -> LibPQConnection {
        let id = self.state.withLock { state in
            state.nextConnectionID += 1
            return state.nextConnectionID
        }
        do {
            let connection = try await LibPQConnection.connect(self.configuration, id: id)
            self.logger.debug("opened Postgres connection", metadata: ["connection": "\(id)"])
            return connection
        } catch {
            self.state.withLock { $0.pool.openFailed() }
            self.logger.warning("could not open Postgres connection", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private func release(_ connection: LibPQConnection, reusable: Bool) async {
        let action = self.state.withLock { state in
            let action = state.pool.release(connection, reusable: reusable)
            switch action {
            case .handOver(_, let waiter), .closeAndOpen(_, let waiter):
                state.timeouts.removeValue(forKey: waiter.id)?.cancel()
            case .keep, .close:
                break
            }
            return action
        }
        switch action {
        case .keep:
            break
        case .handOver(let connection, let waiter):
            waiter.continuation.resume(returning: .connection(connection))
        case .close(let connection):
            await connection.close()
        case .closeAndOpen(let connection, let waiter):
            waiter.continuation.resume(returning: .open)
            await connection.close()
        }
        if !reusable {
            self.logger.debug("discarded Postgres connection", metadata: ["connection": "\(connection.id)"])
        }
    }

    private static func shutdownError() -> PostgresError {
        PostgresError(code: .clientShutdown, message: "the Postgres client was shut down")
    }
}
