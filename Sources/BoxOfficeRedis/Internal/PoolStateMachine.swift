/// What a task waiting for a pooled connection receives.
enum PoolLease<Connection: AnyObject> {
    /// Use this connection.
    case connection(Connection)
    /// A slot was freed for this task: open a connection.
    case connectSlot
}

/// The bookkeeping of a connection pool as a value that returns what to do, so that every
/// transition is testable without sockets (postgres-nio's approach). The caller holds it in a
/// lock and performs the returned actions outside the lock.
///
/// A *slot* is the right to hold one open (or opening) connection; there are at most
/// `connectionCountMax` slots. A waiter is handed either an idle connection or a slot to
/// connect with.
struct PoolStateMachine<Connection: AnyObject, Waiter> {
    typealias Lease = PoolLease<Connection>

    enum AcquireAction {
        /// Use this idle connection.
        case use(Connection)
        /// A slot is reserved: open a connection, then report ``connected()`` or ``connectFailed()``.
        case connect
        /// Wait; the waiter was queued under this id.
        case wait(UInt64)
        /// The pool is shut down.
        case fail
    }

    enum ReleaseAction {
        /// Nothing to do (the connection is idle again, or the slot simply freed).
        case none
        /// Resume `waiter` with `lease`.
        case resume(Waiter, Lease)
        /// Close `connection`.
        case close(Connection)
        /// Close `connection`, and resume `waiter` with a slot to connect with.
        case closeAndResume(Connection, Waiter)
    }

    private let connectionCountMax: Int
    private var idle: [Connection] = []
    private var slotsTaken = 0
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    private var nextWaiterID: UInt64 = 0
    private var isShutDown = false

    init(connectionCountMax: Int) {
        precondition(connectionCountMax > 0, "a pool needs at least one connection")
        self.connectionCountMax = connectionCountMax
    }

    /// Connections open or opening.
    var connectionCount: Int { self.slotsTaken }
    /// Tasks waiting for a connection.
    var waiterCount: Int { self.waiters.count }

    /// Asks for a connection. On `.wait(id)` the caller must call ``enqueue(_:_:)`` with that
    /// id and its waiter.
    mutating func acquire() -> AcquireAction {
        if let lease = self.immediateLease() {
            switch lease {
            case .connection(let connection): return .use(connection)
            case .connectSlot: return .connect
            }
        }
        if self.isShutDown { return .fail }
        let id = self.nextWaiterID
        self.nextWaiterID += 1
        return .wait(id)
    }

    enum EnqueueResult {
        case queued
        /// Something became free since ``acquire()``: use it instead of waiting.
        case lease(Lease)
        case fail
    }

    /// Queues a waiter for the id that ``acquire()`` returned.
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
        if self.slotsTaken < self.connectionCountMax {
            self.slotsTaken += 1
            return .connectSlot
        }
        return nil
    }

    /// Gives back a connection; `reusable` is false when it failed and must be closed.
    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        if reusable && !self.isShutDown {
            if !self.waiters.isEmpty {
                return .resume(self.waiters.removeFirst().waiter, .connection(connection))
            }
            self.idle.append(connection)
            return .none
        }
        // The connection goes; its slot passes to the first waiter, if any.
        if !self.waiters.isEmpty && !self.isShutDown {
            return .closeAndResume(connection, self.waiters.removeFirst().waiter)
        }
        self.slotsTaken -= 1
        return .close(connection)
    }

    /// A connection attempt for a slot failed: the slot passes to the first waiter, if any.
    mutating func connectFailed() -> ReleaseAction {
        if !self.waiters.isEmpty && !self.isShutDown {
            return .resume(self.waiters.removeFirst().waiter, .connectSlot)
        }
        self.slotsTaken -= 1
        return .none
    }

    /// Removes the waiter `id` (its wait timed out or its task was cancelled); nil when it was
    /// already served.
    mutating func removeWaiter(_ id: UInt64) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Shuts the pool down: returns the idle connections to close and the waiters to fail.
    /// Connections in use are closed when released.
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
extension PoolStateMachine.AcquireAction: Sendable where Connection: Sendable {}
extension PoolStateMachine.ReleaseAction: Sendable where Connection: Sendable, Waiter: Sendable {}
extension PoolStateMachine.EnqueueResult: Sendable where Connection: Sendable {}
