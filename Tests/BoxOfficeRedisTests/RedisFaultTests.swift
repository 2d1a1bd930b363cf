import BoxOfficeRedis
import Logging
import TestSupport
import Testing

/// Redis going away or stalling must give an error within the configured timeouts, never a hang.
/// Each test runs a `redis-server` of its own so the shared one is never disturbed.
@Suite struct RedisFaultTests {
    static let connectTimeout = Duration.milliseconds(500)
    static let commandTimeout = Duration.milliseconds(500)
    /// Allowance for a loaded, shared test machine on top of a timeout.
    static let scheduling = Duration.milliseconds(700)

    static func client(for server: ChildRedisServer, poolSizeMax: Int = 2) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = Self.connectTimeout
        configuration.commandTimeout = Self.commandTimeout
        return RedisClient(
            configuration: configuration,
            poolSizeMax: poolSizeMax,
            acquireTimeout: .milliseconds(300),
            logger: Logger(label: "redis-fault-test")
        )
    }

    static func code(_ result: Result<some Any, any Error>) -> RedisError.Code? {
        guard case .failure(let error) = result else { return nil }
        return (error as? RedisError)?.code
    }

    @Test func killedServerGivesAnErrorQuicklyAndReconnectFailsFast() async throws {
        let server = try ChildRedisServer()
        let client = try Self.client(for: server)
        #expect(try await client.set("k", [1]))
        #expect(try await client.get("k") == [1])

        server.stop()
        let (elapsed, result) = await timed { try await client.get("k") }
        #expect(Self.code(result) == .connectionClosed || Self.code(result) == .io)
        #expect(elapsed < Self.commandTimeout + Self.scheduling)

        // The failed connection was discarded: the next call connects afresh and is refused.
        let (reconnectElapsed, reconnect) = await timed { try await client.get("k") }
        #expect(Self.code(reconnect) == .connectFailed)
        #expect(reconnectElapsed < Self.connectTimeout + Self.scheduling)
        await client.shutdown()
    }

    @Test func frozenServerGivesATimeoutAndTheConnectionIsReplaced() async throws {
        let server = try ChildRedisServer()
        let client = try Self.client(for: server, poolSizeMax: 1)
        #expect(try await client.set("k", [7]))

        server.freeze()
        let (elapsed, result) = await timed { try await client.get("k") }
        #expect(Self.code(result) == .timeout)
        #expect(elapsed >= Self.commandTimeout - .milliseconds(50))
        #expect(elapsed < Self.commandTimeout + Self.scheduling)

        // A new connection to a frozen server: the kernel completes the handshake, so the
        // command timeout is what bounds the wait.
        let (secondElapsed, second) = await timed { try await client.get("k") }
        #expect(Self.code(second) == .timeout)
        #expect(secondElapsed < Self.connectTimeout + Self.commandTimeout + Self.scheduling)

        server.thaw()
        // The pool replaced the timed-out connection (a hiredis context is unusable after an
        // error): this works although the pool holds a single connection.
        #expect(try await client.get("k") == [7])
        await client.shutdown()
        server.stop()
    }

    @Test func serverBusyInDebugSleepGivesATimeout() async throws {
        let server = try ChildRedisServer()
        let client = try Self.client(for: server, poolSizeMax: 1)
        let (elapsed, result) = await timed {
            try await client.command(RedisCommand("DEBUG", "SLEEP", "2"))
        }
        #expect(Self.code(result) == .timeout)
        #expect(elapsed < Self.commandTimeout + Self.scheduling)
        await client.shutdown()
        server.stop()
    }

    @Test func refusedConnectionFailsFast() async throws {
        let server = try ChildRedisServer()
        server.stop()
        let client = try Self.client(for: server)
        let (elapsed, result) = await timed { try await client.get("k") }
        #expect(Self.code(result) == .connectFailed)
        #expect(elapsed < Self.connectTimeout + Self.scheduling)
        await client.shutdown()
    }

    @Test func exhaustedPoolGivesAPoolTimeout() async throws {
        let configuration = try RedisConfiguration(url: TestEnvironment.redisURL)
        let acquireTimeout = Duration.milliseconds(200)
        let client = RedisClient(
            configuration: configuration,
            poolSizeMax: 1,
            acquireTimeout: acquireTimeout,
            logger: Logger(label: "redis-pool-test")
        )
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let (held, markHeld) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await client.withConnection { connection async throws in
                _ = try await connection.command(["PING"])
                markHeld.yield()
                for await _ in holding { break }
            }
        }
        for await _ in held { break }

        let (elapsed, result) = await timed { try await client.command(RedisCommand("PING")) }
        #expect(Self.code(result) == .poolTimeout)
        #expect(elapsed >= acquireTimeout - .milliseconds(20))
        #expect(elapsed < acquireTimeout + Self.scheduling)

        release.yield()
        try await holder.value
        // Once the connection is back, it is handed out again.
        #expect(try await client.command(RedisCommand("PING")) == .status("PONG"))
        await client.shutdown()
    }

    @Test func waiterGetsTheConnectionWhenItIsReleased() async throws {
        let configuration = try RedisConfiguration(url: TestEnvironment.redisURL)
        let client = RedisClient(
            configuration: configuration,
            poolSizeMax: 1,
            acquireTimeout: .seconds(5),
            logger: Logger(label: "redis-pool-test")
        )
        let results = try await withThrowingTaskGroup(of: RedisReply.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await client.withConnection { connection async throws in
                        try await Task.sleep(for: .milliseconds(20))
                        return try await connection.command(["PING"])
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: .status("PONG"), count: 8))
        await client.shutdown()
        await #expect(throws: RedisError.self) { try await client.command(RedisCommand("PING")) }
    }
}
