/// The connection pool's bookkeeping as a value type that returns what to do, so that it can be
/// tested without sockets (postgres-nio's state machines work the same way).
///
/// `openCount` counts connections that are open or being opened; it never exceeds `sizeMax`.
/// Waiters are served first come, first served.
struct PoolStateMachine<Connection, Waiter> {
    enum AcquireAction {
        /// Use this idle connection.
        case use(Connection)
        /// Open a new connection (a slot is reserved for it).
        case open
        /// The pool is full: wait for a release.
        case wait
        /// The pool is shut down.
        case fail
    }

    enum ReleaseAction {
        /// Kept as idle.
        case keep
        /// Hand the connection to this waiter.
        case handOver(Connection, Waiter)
        /// Close the connection.
        case close(Connection)
        /// Close the connection and open a new one for this waiter (a slot is reserved).
        case closeAndOpen(Connection, for: Waiter)
    }

    let sizeMax: Int
    private(set) var idle: [Connection] = []
    private(set) var openCount = 0
    private(set) var isShutDown = false
    private var waiters: [(id: Int, waiter: Waiter)] = []

    init(sizeMax: Int) {
        precondition(sizeMax > 0, "a pool needs at least one connection")
        self.sizeMax = sizeMax
    }

    var waiterCount: Int { self.waiters.count }

    mutating func acquire() -> AcquireAction {
        if self.isShutDown { return .fail }
        if let connection = self.idle.popLast() { return .use(connection) }
        if self.openCount < self.sizeMax {
            self.openCount += 1
            return .open
        }
        return .wait
    }

    /// Queues a waiter after ``acquire()`` answered `.wait`.
    mutating func enqueue(_ waiter: Waiter, id: Int) {
        self.waiters.append((id, waiter))
    }

    /// Removes a waiter that timed out or was cancelled; nil when it was already served.
    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        if reusable && !self.isShutDown {
            if !self.waiters.isEmpty { return .handOver(connection, self.waiters.removeFirst().waiter) }
            self.idle.append(connection)
            return .keep
        }
        if !self.isShutDown, !self.waiters.isEmpty {
            // The slot passes straight to the first waiter: the count stays the same.
            return .closeAndOpen(connection, for: self.waiters.removeFirst().waiter)
        }
        self.openCount -= 1
        return .close(connection)
    }

    /// Opening a connection failed: its reserved slot is free again.
    mutating func openFailed() {
        self.openCount -= 1
    }

    /// Marks the pool shut down; returns the idle connections to close and the waiters to fail.
    mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
        self.isShutDown = true
        let idle = self.idle
        let waiters = self.waiters.map(\.waiter)
        self.openCount -= idle.count
        self.idle = []
        self.waiters = []
        return (idle, waiters)
    }
}
