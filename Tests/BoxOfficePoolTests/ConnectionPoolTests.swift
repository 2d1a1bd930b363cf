import BoxOfficePool
import Synchronization
import Testing

/// The async pool against connections that are plain objects: what is tested is the pool's
/// bookkeeping and hand-over, not any server.
@Suite("Connection pool")
struct ConnectionPoolTests {
    /// A wait no passing test comes near; a test that reaches it fails instead of hanging.
    static let waitTimeoutLong = Duration.seconds(30)
    /// How long a condition may take to come true before the test fails.
    static let conditionTimeout = Duration.seconds(5)

    final class TestConnection: Sendable {
        let id: Int
        init(id: Int) { self.id = id }
    }

    struct OpenFailure: Error, Equatable {}

    /// Indices in the order tasks appended them.
    final class Log: Sendable {
        private let entries = Mutex<[Int]>([])
        var all: [Int] { self.entries.withLock { $0 } }
        func append(_ entry: Int) { self.entries.withLock { $0.append(entry) } }
    }

    /// Opens numbered connections and records what the pool opens and closes; the first
    /// `failuresFirst` opens fail.
    final class Server: Sendable {
        private struct State {
            var opened = 0
            var closed: [Int] = []
            var failuresLeft: Int
        }

        private let state: Mutex<State>

        init(failuresFirst: Int = 0) {
            self.state = Mutex(State(failuresLeft: failuresFirst))
        }

        var opened: Int { self.state.withLock { $0.opened } }
        var closed: [Int] { self.state.withLock { $0.closed } }

        func pool(sizeMax: Int, acquireTimeout: Duration = waitTimeoutLong) -> ConnectionPool<TestConnection> {
            ConnectionPool(
                sizeMax: sizeMax,
                acquireTimeout: acquireTimeout,
                open: { try self.open() },
                close: { connection in self.state.withLock { $0.closed.append(connection.id) } }
            )
        }

        private func open() throws -> TestConnection {
            try self.state.withLock { state in
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    throw OpenFailure()
                }
                state.opened += 1
                return TestConnection(id: state.opened)
            }
        }
    }

    /// Waits until `condition` holds, failing the test after ``conditionTimeout``.
    static func eventually(
        _ condition: () -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + Self.conditionTimeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition did not become true in time", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func opensOnDemandAndReusesIdleConnections() async throws {
        let server = Server()
        let pool = server.pool(sizeMax: 2)
        #expect(pool.connectionCount == 0)
        let first = try await pool.acquire()
        await pool.release(first, reusable: true)
        #expect(pool.idleCount == 1)
        let again = try await pool.acquire()
        #expect(again === first)
        let second = try await pool.acquire()
        #expect(second.id == 2)
        #expect(server.opened == 2)
        #expect(pool.connectionCount == 2)
        await pool.release(again, reusable: true)
        await pool.release(second, reusable: true)
        await pool.shutdown()
    }

    @Test func waiterTimesOutWithATimeoutError() async throws {
        let acquireTimeout = Duration.milliseconds(100)
        let pool = Server().pool(sizeMax: 1, acquireTimeout: acquireTimeout)
        let held = try await pool.acquire()
        let start = ContinuousClock.now
        let error = await #expect(throws: ConnectionPoolError.self) { try await pool.acquire() }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - start >= acquireTimeout)
        #expect(pool.waiterCount == 0)
        // The timed-out waiter does not take the connection when it comes back.
        await pool.release(held, reusable: true)
        #expect(pool.idleCount == 1)
        await pool.shutdown()
    }

    @Test func cancellingAWaiterRemovesIt() async throws {
        let pool = Server().pool(sizeMax: 1)
        let held = try await pool.acquire()
        let start = ContinuousClock.now
        let waiter = Task { try await pool.acquire() }
        try await Self.eventually { pool.waiterCount == 1 }
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(ContinuousClock.now - start < Self.waitTimeoutLong)
        #expect(pool.waiterCount == 0)
        await pool.release(held, reusable: true)
        #expect(pool.idleCount == 1)
        await pool.shutdown()
    }

    @Test func acquireInACancelledTaskDoesNotWait() async throws {
        let pool = Server().pool(sizeMax: 1)
        let held = try await pool.acquire()
        let waiter = Task {
            // Cancelled before it asks: it must not queue and sit out the long timeout.
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.acquire()
        }
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(pool.waiterCount == 0)
        await pool.release(held, reusable: true)
        await pool.shutdown()
    }

    @Test func waitersAreServedInTheOrderTheyCame() async throws {
        let pool = Server().pool(sizeMax: 1)
        let held = try await pool.acquire()
        let order = Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask {
                    let connection = try await pool.acquire()
                    order.append(index)
                    await pool.release(connection, reusable: true)
                }
                // Queue them one at a time so the arrival order is known.
                try await Self.eventually { pool.waiterCount == index + 1 }
            }
            await pool.release(held, reusable: true)
            try await group.waitForAll()
        }
        #expect(order.all == [0, 1, 2, 3])
        #expect(pool.connectionCount == 1)
        await pool.shutdown()
    }

    @Test func shutdownFailsWaitersClosesIdleAndRefusesLaterAcquires() async throws {
        let server = Server()
        let pool = server.pool(sizeMax: 2)
        let idle = try await pool.acquire()
        let held = try await pool.acquire()
        await pool.release(idle, reusable: true)
        _ = try await pool.acquire()  // takes `idle` again, so the next caller waits
        let waiter = Task { try await pool.acquire() }
        try await Self.eventually { pool.waiterCount == 1 }

        await pool.shutdown()
        let waited = await waiter.result
        #expect(throws: ConnectionPoolError.self) { try waited.get() }
        #expect((waited.error as? ConnectionPoolError)?.code == .shutDown)
        let later = await #expect(throws: ConnectionPoolError.self) { try await pool.acquire() }
        #expect(later?.code == .shutDown)

        // Connections in use close when they come back, even reusable ones.
        await pool.release(held, reusable: true)
        await pool.release(idle, reusable: true)
        #expect(Set(server.closed) == [idle.id, held.id])
        #expect(pool.connectionCount == 0)
    }

    @Test func shutdownClosesIdleConnections() async throws {
        let server = Server()
        let pool = server.pool(sizeMax: 2)
        let connection = try await pool.acquire()
        await pool.release(connection, reusable: true)
        await pool.shutdown()
        #expect(server.closed == [connection.id])
        #expect(pool.connectionCount == 0)
    }

    @Test func brokenConnectionIsClosedAndReplacedForTheWaiter() async throws {
        let server = Server()
        let pool = server.pool(sizeMax: 1)
        let broken = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        try await Self.eventually { pool.waiterCount == 1 }
        await pool.release(broken, reusable: false)
        let replacement = try await waiter.value
        #expect(replacement.id != broken.id)
        #expect(server.closed == [broken.id])
        #expect(server.opened == 2)
        #expect(pool.connectionCount == 1)
        await pool.release(replacement, reusable: true)
        await pool.shutdown()
    }

    @Test func failedOpenFreesTheSlotAndSurfacesTheError() async throws {
        let pool = Server(failuresFirst: 1).pool(sizeMax: 1)
        await #expect(throws: OpenFailure()) { try await pool.acquire() }
        #expect(pool.connectionCount == 0)
        let connection = try await pool.acquire()
        #expect(pool.connectionCount == 1)
        await pool.release(connection, reusable: true)
        await pool.shutdown()
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
