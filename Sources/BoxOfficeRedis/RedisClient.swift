import BoxOfficePool
import BoxOfficeThreads
public import Logging

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

    /// Where the client connects.
    public let configuration: RedisConfiguration
    private let acquireTimeout: Duration
    private let logger: Logger
    private let pool: ConnectionPool<RedisConnection>

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
        self.pool = ConnectionPool(
            sizeMax: poolSizeMax,
            acquireTimeout: acquireTimeout,
            open: { try await Self.connect(configuration, logger: logger) },
            close: { await Self.close($0) }
        )
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
        await self.pool.shutdown()
    }

    // MARK: Pool

    private func acquire() async throws -> RedisConnection {
        do {
            return try await self.pool.acquire()
        } catch let error as ConnectionPoolError {
            if error.code == .timeout {
                throw RedisError(
                    code: .poolTimeout,
                    message: "no Redis connection became free within \(self.acquireTimeout)"
                )
            }
            throw RedisError(code: .shutdown, message: "the Redis client was shut down")
        }
    }

    /// Opens a connection, with a thread of its own, for a slot the pool reserved.
    private static func connect(_ configuration: RedisConfiguration, logger: Logger) async throws -> RedisConnection {
        let thread = DedicatedThread(name: "redis \(configuration.host):\(configuration.port)")
        do {
            let context = try await thread.run { () throws(RedisError) in try HiredisContext.connect(configuration) }
            logger.debug("Redis connection opened", metadata: ["redis.server": "\(configuration)"])
            return RedisConnection(thread: thread, context: context)
        } catch {
            logger.warning(
                "Redis connection failed",
                metadata: ["redis.server": "\(configuration)", "error": "\(error)"]
            )
            await Self.retire(thread)
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
        await self.pool.release(connection, reusable: reusable)
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
