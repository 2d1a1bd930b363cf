import BoxOfficeThreads
public import Logging
import Synchronization

/// A pool of Redis connections.
///
/// Borrow a connection for a scope with ``withConnection(_:)``, or use the one-command
/// conveniences (``get(_:)``, ``set(_:_:expiration:onlyIfAbsent:)``, …) that borrow one for
/// a single command. Connections open on demand up to `poolSizeMax`; a task that finds none
/// free waits at most `acquireTimeout` and then fails with `.poolTimeout`. A connection that
/// failed (timeout, I/O error, server closed it) is closed on release and replaced by the next
/// acquire, so one bad moment does not poison the pool.
///
/// Call ``shutdown()`` before dropping the client: each open connection holds a thread.
///
/// Redis being down never hangs a caller: connecting is bounded by the configuration's
/// `connectTimeout` (a refused connection fails at once) and each command by `commandTimeout`.
public final class RedisClient: Sendable {
    /// The default largest number of connections.
    public static let poolSizeMaxDefault = 8
    /// The default longest wait for a free connection.
    public static let acquireTimeoutDefault = Duration.seconds(1)

    private typealias Waiter = CheckedContinuation<PoolLease<RedisConnection>, any Error>
    private typealias StateMachine = PoolStateMachine<RedisConnection, Waiter>

    /// Where the client connects.
    public let configuration: RedisConfiguration
    private let acquireTimeout: Duration
    private let logger: Logger
    private let state: Mutex<StateMachine>

    /// Creates a pool; no connection is opened until the first use.
    public init(
        configuration: RedisConfiguration,
        poolSizeMax: Int = RedisClient.poolSizeMaxDefault,
        acquireTimeout: Duration = RedisClient.acquireTimeoutDefault,
        logger: Logger
    ) {
        precondition(poolSizeMax > 0, "poolSizeMax must be positive")
        self.configuration = configuration
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.state = Mutex(StateMachine(connectionCountMax: poolSizeMax))
    }

    /// Runs `body` with a connection to itself, on the connection's thread.
    ///
    /// The scope runs under the connection thread's task executor preference, so the many
    /// commands of one scope pay for one thread hop. Do not keep the connection after `body`
    /// returns.
    ///
    /// - Throws: ``RedisError`` `.poolTimeout`, `.connectFailed`, `.shutdown`, or whatever
    ///   `body` throws.
    public func withConnection<Result>(_ body: (RedisConnection) async throws -> Result) async throws -> Result {
        let connection = try await self.acquire()
        let result: Result
        do {
            result = try await connection.thread.withPreference { try await body(connection) }
        } catch {
            await self.release(connection)
            throw error
        }
        await self.release(connection)
        return result
    }

    /// Closes idle connections and fails waiting tasks; connections in use close when their
    /// scope ends. Later calls fail with `.shutdown`.
    public func shutdown() async {
        let (idle, waiters) = self.state.withLock { $0.shutdown() }
        for waiter in waiters {
            waiter.resume(throwing: Self.shutDownError())
        }
        for connection in idle { await Self.close(connection) }
    }

    // MARK: Pool

    private func acquire() async throws -> RedisConnection {
        let id: UInt64
        switch self.state.withLock({ $0.acquire() }) {
        case .use(let connection): return connection
        case .connect: return try await self.connect()
        case .fail: throw Self.shutDownError()
        case .wait(let waiterID): id = waiterID
        }
        let lease = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                switch self.state.withLock({ $0.enqueue(id, continuation) }) {
                case .queued: self.startTimer(for: id)
                case .lease(let lease): continuation.resume(returning: lease)
                case .fail: continuation.resume(throwing: Self.shutDownError())
                }
            }
        } onCancel: {
            // When cancellation comes before the waiter is queued, nothing is removed here and
            // the wait is still bounded by the acquire timeout.
            if let waiter = self.state.withLock({ $0.removeWaiter(id) }) {
                waiter.resume(throwing: CancellationError())
            }
        }
        switch lease {
        case .connection(let connection): return connection
        case .connectSlot: return try await self.connect()
        }
    }

    private static func shutDownError() -> RedisError {
        RedisError(code: .shutdown, message: "the Redis client was shut down")
    }

    private func startTimer(for id: UInt64) {
        let timeout = self.acquireTimeout
        // Not inheriting the caller's executor preference: the caller may be inside another
        // connection's scope, whose thread has no business running this timer.
        Task(executorPreference: globalConcurrentExecutor) { [self] in
            try? await Task.sleep(for: timeout)
            guard let waiter = self.state.withLock({ $0.removeWaiter(id) }) else { return }
            waiter.resume(
                throwing: RedisError(
                    code: .poolTimeout,
                    message: "no Redis connection became free within \(timeout)"
                )
            )
        }
    }

    /// Opens a connection for a slot this task holds.
    private func connect() async throws -> RedisConnection {
        let thread = DedicatedThread(name: "redis \(self.configuration.host):\(self.configuration.port)")
        do {
            let configuration = self.configuration
            let context = try await thread.run { () throws(RedisError) in try HiredisContext.connect(configuration) }
            self.logger.debug("Redis connection opened", metadata: ["redis.server": "\(self.configuration)"])
            return RedisConnection(thread: thread, context: context)
        } catch {
            self.logger.warning(
                "Redis connection failed",
                metadata: ["redis.server": "\(self.configuration)", "error": "\(error)"]
            )
            await Self.retire(thread)
            self.perform(self.state.withLock { $0.connectFailed() })
            throw error
        }
    }

    private func release(_ connection: RedisConnection) async {
        let reusable = !connection.hasFailed
        if !reusable {
            self.logger.debug(
                "Redis connection discarded after an error",
                metadata: ["redis.server": "\(self.configuration)"]
            )
        }
        let action = self.state.withLock { $0.release(connection, reusable: reusable) }
        switch action {
        case .close(let connection):
            await Self.close(connection)
        case .closeAndResume(let connection, let waiter):
            waiter.resume(returning: .connectSlot)
            await Self.close(connection)
        default:
            self.perform(action)
        }
    }

    private func perform(_ action: StateMachine.ReleaseAction) {
        switch action {
        case .none: break
        case .resume(let waiter, let lease): waiter.resume(returning: lease)
        case .close, .closeAndResume: preconditionFailure("closing is handled by release")
        }
    }

    private static func close(_ connection: RedisConnection) async {
        await connection.close()
        await Self.retire(connection.thread)
    }

    /// Stops a connection's thread. `shutdown()` joins the thread, which it cannot do from the
    /// thread itself, and a task that just ran there may still be on it.
    private static func retire(_ thread: DedicatedThread) async {
        if thread.isCurrent {
            await Task.detached { thread.shutdown() }.value
        } else {
            thread.shutdown()
        }
    }
}
