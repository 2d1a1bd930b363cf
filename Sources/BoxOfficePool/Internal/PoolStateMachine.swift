/// What a task that waited for a pooled connection receives.
enum PoolLease<Connection> {
    /// Use this connection.
    case connection(Connection)
    /// A slot is reserved for this task: open a connection in it.
    case open
}

/// The bookkeeping of a connection pool as a value that returns what to do, so that every
/// transition is testable without sockets (postgres-nio's approach). The caller holds it in a
/// lock and performs the returned actions outside the lock.
///
/// A *slot* is the right to hold one open (or opening) connection; there are at most `sizeMax`
/// slots. Waiters are served first come, first served, each with an idle connection or with a
/// slot to open one in.
struct PoolStateMachine<Connection, Waiter> {
    typealias Lease = PoolLease<Connection>

    enum AcquireAction {
        /// Use this idle connection.
        case use(Connection)
        /// A slot is reserved: open a connection, and call ``openFailed()`` if that fails.
        case open
        /// Wait: call ``enqueue(_:_:)`` with this id and the waiter.
        case wait(UInt64)
        /// The pool is shut down.
        case fail
    }

    enum EnqueueResult {
        /// The waiter is queued; it will be resumed by a release, or removed by ``removeWaiter(_:)``.
        case queued
        /// Something became free since ``acquire()``: use it instead of waiting.
        case lease(Lease)
        /// The pool was shut down since ``acquire()``.
        case fail
    }

    enum ReleaseAction {
        /// Nothing to do (the connection is idle again, or its slot is simply free).
        case none
        /// Resume `waiter` with `lease`.
        case resume(Waiter, Lease)
        /// Close `connection`; its slot is free.
        case close(Connection)
        /// Close `connection`, and resume `waiter` with its slot to open a new one in.
        case closeAndOpen(Connection, for: Waiter)
    }

    /// The most connections open or opening at once.
    let sizeMax: Int
    private var idle: [Connection] = []
    private var slotsTaken = 0
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    private var nextWaiterID: UInt64 = 0
    private(set) var isShutDown = false

    init(sizeMax: Int) {
        precondition(sizeMax > 0, "a pool needs at least one connection")
        self.sizeMax = sizeMax
    }

    /// Connections open or being opened, in use or idle.
    var connectionCount: Int { self.slotsTaken }
    /// Open connections nobody uses.
    var idleCount: Int { self.idle.count }
    /// Tasks waiting for a connection.
    var waiterCount: Int { self.waiters.count }

    /// Asks for a connection.
    mutating func acquire() -> AcquireAction {
        if let lease = self.immediateLease() {
            switch lease {
            case .connection(let connection): return .use(connection)
            case .open: return .open
            }
        }
        if self.isShutDown { return .fail }
        let id = self.nextWaiterID
        self.nextWaiterID += 1
        return .wait(id)
    }

    /// Queues `waiter` under the id that ``acquire()`` returned. The caller's lock was let go in
    /// between, so this looks again first.
    mutating func enqueue(_ id: UInt64, _ waiter: Waiter) -> EnqueueResult {
        if let lease = self.immediateLease() { return .lease(lease) }
        if self.isShutDown { return .fail }
        self.waiters.append((id, waiter))
        return .queued
    }

    private mutating func immediateLease() -> Lease? {
        if self.isShutDown { return nil }
        // Most recently used first: it is the one most likely to still be warm.
        if let connection = self.idle.popLast() { return .connection(connection) }
        if self.slotsTaken < self.sizeMax {
            self.slotsTaken += 1
            return .open
        }
        return nil
    }

    /// Gives back a connection; `reusable` is false when it broke and must be closed.
    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        if reusable && !self.isShutDown {
            if !self.waiters.isEmpty {
                return .resume(self.waiters.removeFirst().waiter, .connection(connection))
            }
            self.idle.append(connection)
            return .none
        }
        // The connection goes; its slot passes straight to the first waiter, if any, so the
        // count stays the same.
        if !self.waiters.isEmpty && !self.isShutDown {
            return .closeAndOpen(connection, for: self.waiters.removeFirst().waiter)
        }
        self.slotsTaken -= 1
        return .close(connection)
    }

    /// Opening a connection in a reserved slot failed: the slot passes to the first waiter, if
    /// any, or is free again.
    mutating func openFailed() -> ReleaseAction {
        if !self.waiters.isEmpty && !self.isShutDown {
            return .resume(self.waiters.removeFirst().waiter, .open)
        }
        self.slotsTaken -= 1
        return .none
    }

    /// Removes the waiter `id` (its wait timed out or its task was cancelled); nil when it was
    /// already served or never queued.
    mutating func removeWaiter(_ id: UInt64) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Shuts the pool down: returns the idle connections to close and the waiters to fail.
    /// Connections in use are closed when released; later acquires fail.
    mutating func shutdown() -> (close: [Connection], fail: [Waiter]) {
        self.isShutDown = true
        let idle = self.idle
        let waiters = self.waiters.map(\.waiter)
        self.idle = []
        self.waiters = []
        self.slotsTaken -= idle.count
        return (idle, waiters)
    }
}

extension PoolLease: Sendable where Connection: Sendable {}
extension PoolStateMachine: Sendable where Connection: Sendable, Waiter: Sendable {}
extension PoolStateMachine.AcquireAction: Sendable where Connection: Sendable {}
extension PoolStateMachine.EnqueueResult: Sendable where Connection: Sendable {}
extension PoolStateMachine.ReleaseAction: Sendable where Connection: Sendable, Waiter: Sendable {}

// Equality lets the unit tests compare whole actions.
extension PoolLease: Equatable where Connection: Equatable {}
extension PoolStateMachine.AcquireAction: Equatable where Connection: Equatable {}
extension PoolStateMachine.EnqueueResult: Equatable where Connection: Equatable {}
extension PoolStateMachine.ReleaseAction: Equatable where Connection: Equatable, Waiter: Equatable {}
