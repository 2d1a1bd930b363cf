import Synchronization

/// A pool of at most `sizeMax` connections of any kind, opened on demand and shared by tasks.
///
/// A task that finds every connection busy waits, first come first served, at most
/// `acquireTimeout`; the wait ends early when its task is cancelled. Opening a connection
/// happens outside the pool's lock, in a slot reserved for it, so a slow server never blocks
/// other callers. A connection released as not reusable (it broke) is closed and its slot passes
/// to the first waiter, which opens a new one. All bookkeeping lives in a value-type state
/// machine (``PoolStateMachine``); this class only performs what it answers.
///
/// Every connection that ``acquire()`` returns must be given back exactly once with
/// ``release(_:reusable:)``. The wrappers wrap the pair in a scoped `withConnection`.
public final class ConnectionPool<Connection: Sendable>: Sendable {
    /// The most connections open (or being opened) at once.
    public let sizeMax: Int
    /// The longest a task waits for a busy pool. Opening a connection is not counted: it is
    /// bounded by the `open` function itself (a connect timeout).
    public let acquireTimeout: Duration

    private let openConnection: @Sendable () async throws -> Connection
    private let closeConnection: @Sendable (Connection) async -> Void
    private let state: Mutex<State>

    /// A task waiting for a connection, or for a slot to open one in.
    private struct Waiter: Sendable {
        var id: UInt64
        var continuation: CheckedContinuation<PoolLease<Connection>, any Error>
    }

    private typealias Machine = PoolStateMachine<Connection, Waiter>

    private struct State: Sendable {
        var machine: Machine
        /// One timer per queued waiter, cancelled as soon as the waiter leaves the queue so no
        /// sleeping task outlives the wait.
        var timers: [UInt64: Task<Void, Never>] = [:]

        /// Takes the timer of the waiter that `action` resumes, if any.
        mutating func takeTimer(for action: Machine.ReleaseAction) -> Task<Void, Never>? {
            switch action {
            case .resume(let waiter, _), .closeAndOpen(_, for: let waiter):
                return self.timers.removeValue(forKey: waiter.id)
            case .none, .close:
                return nil
            }
        }
    }

    /// Creates a pool; no connection is opened until the first ``acquire()``.
    ///
    /// - Parameters:
    ///   - sizeMax: The most connections open at once; must be positive.
    ///   - acquireTimeout: The longest a task waits when every connection is busy.
    ///   - open: Opens a connection; its error is what ``acquire()`` throws when it fails.
    ///   - close: Closes a connection the pool no longer needs.
    public init(
        sizeMax: Int,
        acquireTimeout: Duration,
        open: @escaping @Sendable () async throws -> Connection,
        close: @escaping @Sendable (Connection) async -> Void
    ) {
        precondition(sizeMax > 0, "sizeMax must be positive")
        self.sizeMax = sizeMax
        self.acquireTimeout = acquireTimeout
        self.openConnection = open
        self.closeConnection = close
        self.state = Mutex(State(machine: Machine(sizeMax: sizeMax)))
    }

    /// Connections open or being opened, in use or idle.
    public var connectionCount: Int { self.state.withLock { $0.machine.connectionCount } }
    /// Open connections nobody uses.
    public var idleCount: Int { self.state.withLock { $0.machine.idleCount } }
    /// Tasks waiting for a connection.
    public var waiterCount: Int { self.state.withLock { $0.machine.waiterCount } }

    /// Returns an idle connection, a newly opened one, or the first one released while this task
    /// waits.
    ///
    /// - Throws: ``ConnectionPoolError`` `.timeout` after waiting `acquireTimeout`,
    ///   ``ConnectionPoolError`` `.shutDown` once ``shutdown()`` ran, `CancellationError` when the
    ///   task is cancelled while it waits, or what `open` throws (the slot is then free again).
    public func acquire() async throws -> Connection {
        let id: UInt64
        switch self.state.withLock({ $0.machine.acquire() }) {
        case .use(let connection): return connection
        case .open: return try await self.open()
        case .fail: throw Self.shutDownError()
        case .wait(let waiterID): id = waiterID
        }
        let lease = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate = self.state.withLock { state -> Result<PoolLease<Connection>, any Error>? in
                    // Looked at under the lock: a cancellation handler that ran before the waiter
                    // was queued found nothing to remove, so this is the last chance to notice.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch state.machine.enqueue(id, Waiter(id: id, continuation: continuation)) {
                    case .queued:
                        state.timers[id] = self.startTimer(for: id)
                        return nil
                    case .lease(let lease):
                        return .success(lease)
                    case .fail:
                        return .failure(Self.shutDownError())
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            self.failWaiter(id, with: CancellationError())
        }
        switch lease {
        case .connection(let connection): return connection
        case .open: return try await self.open()
        }
    }

    /// Gives back a connection that ``acquire()`` returned.
    ///
    /// A reusable connection goes to the first waiter or becomes idle; one that is not reusable,
    /// or any connection after ``shutdown()``, is closed, and its slot passes to the first
    /// waiter, which opens a new connection.
    public func release(_ connection: Connection, reusable: Bool) async {
        let (action, timer) = self.state.withLock { state in
            let action = state.machine.release(connection, reusable: reusable)
            return (action, state.takeTimer(for: action))
        }
        timer?.cancel()
        await self.perform(action)
    }

    /// Closes the idle connections and fails the waiting tasks with ``ConnectionPoolError``
    /// `.shutDown`; connections in use are closed when released, and later acquires fail.
    public func shutdown() async {
        let (idle, waiters, timers) = self.state.withLock { state in
            let (idle, waiters) = state.machine.shutdown()
            let timers = Array(state.timers.values)
            state.timers = [:]
            return (idle, waiters, timers)
        }
        for timer in timers { timer.cancel() }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.shutDownError()) }
        for connection in idle { await self.closeConnection(connection) }
    }

    // MARK: - Internals

    /// Opens a connection in a slot this task holds.
    private func open() async throws -> Connection {
        do {
            return try await self.openConnection()
        } catch {
            let (action, timer) = self.state.withLock { state in
                let action = state.machine.openFailed()
                return (action, state.takeTimer(for: action))
            }
            timer?.cancel()
            await self.perform(action)
            throw error
        }
    }

    private func perform(_ action: Machine.ReleaseAction) async {
        switch action {
        case .none:
            break
        case .resume(let waiter, let lease):
            waiter.continuation.resume(returning: lease)
        case .close(let connection):
            await self.closeConnection(connection)
        case .closeAndOpen(let connection, for: let waiter):
            // The waiter opens its connection while this one closes.
            waiter.continuation.resume(returning: .open)
            await self.closeConnection(connection)
        }
    }

    private func startTimer(for id: UInt64) -> Task<Void, Never> {
        let timeout = self.acquireTimeout
        let sizeMax = self.sizeMax
        // Not inheriting the caller's executor preference: the caller may be inside another
        // connection's scope, whose thread has no business running this timer.
        return Task(executorPreference: globalConcurrentExecutor) { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.failWaiter(
                id,
                with: ConnectionPoolError(
                    code: .timeout,
                    message: "no connection became free within \(timeout) (pool size \(sizeMax))"
                )
            )
        }
    }

    private func failWaiter(_ id: UInt64, with error: any Error) {
        let (waiter, timer) = self.state.withLock { state in
            (state.machine.removeWaiter(id), state.timers.removeValue(forKey: id))
        }
        timer?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    private static func shutDownError() -> ConnectionPoolError {
        ConnectionPoolError(code: .shutDown, message: "the pool was shut down")
    }
}
