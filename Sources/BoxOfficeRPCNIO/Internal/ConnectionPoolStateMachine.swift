/// The decisions of a client's few connections to one target, with no I/O: when to connect,
/// who waits on which attempt, the backoff after failures, reconnecting after a close, shutdown.
///
/// `Connection` is a connection object (compared by identity), `Attempt` what callers wait on
/// while connecting (a future); the tests use plain objects. The pool keeps it behind a lock.
struct ConnectionPoolStateMachine<Connection: AnyObject, Attempt> {
    private enum Slot {
        /// No connection; with `retryAt`, the earliest time of the next attempt (backoff).
        case idle(failures: Int, retryAt: ContinuousClock.Instant?)
        /// An attempt was asked for; ``connectStarted(_:attempt:)`` fills it in.
        case connectRequested(failures: Int)
        case connecting(Attempt, failures: Int)
        case ready(Connection)
        case shutDown
    }

    /// What a caller does next to get a connection.
    enum Step {
        case use(Connection)
        /// Start an attempt and report it with ``connectStarted(_:attempt:)``, then wait on it.
        case connect
        case wait(Attempt)
        /// The slot is backing off after failures: no attempt before this instant.
        case retryAt(ContinuousClock.Instant)
        case shutDown
    }

    /// What to do with a connection that finished connecting.
    enum ConnectedAction {
        case none
        /// Close it: the pool shut down while it connected.
        case close(Connection)
    }

    /// The wait after the first failure; it doubles per further failure up to ``backoffMax``.
    let backoffInitial: Duration
    let backoffMax: Duration
    private var slots: [Slot]

    init(slotCount: Int, backoffInitial: Duration, backoffMax: Duration) {
        precondition(slotCount > 0, "a pool needs a slot")
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.slots = Array(repeating: .idle(failures: 0, retryAt: nil), count: slotCount)
    }

    var slotCount: Int { self.slots.count }

    /// A caller wants slot `index`'s connection at `now`.
    mutating func connectionRequested(_ index: Int, now: ContinuousClock.Instant) -> Step {
        switch self.slots[index] {
        case .ready(let connection):
            return .use(connection)
        case .idle(let failures, let retryAt):
            if let retryAt, retryAt > now { return .retryAt(retryAt) }
            self.slots[index] = .connectRequested(failures: failures)
            return .connect
        case .connectRequested:
            preconditionFailure("slot \(index): connectStarted must follow .connect under the same lock")
        case .connecting(let attempt, _):
            return .wait(attempt)
        case .shutDown:
            return .shutDown
        }
    }

    /// The attempt that ``Step/connect`` asked for has started.
    mutating func connectStarted(_ index: Int, attempt: Attempt) {
        guard case .connectRequested(let failures) = self.slots[index] else {
            preconditionFailure("slot \(index): connectStarted without .connect")
        }
        self.slots[index] = .connecting(attempt, failures: failures)
    }

    /// The attempt on slot `index` produced `connection`.
    mutating func connectSucceeded(_ index: Int, _ connection: Connection) -> ConnectedAction {
        switch self.slots[index] {
        case .connecting:
            self.slots[index] = .ready(connection)
            return .none
        case .shutDown:
            return .close(connection)
        case .idle, .connectRequested, .ready:
            preconditionFailure("slot \(index): a connection arrived with no attempt running")
        }
    }

    /// The attempt on slot `index` failed at `now`: the next one waits out the backoff.
    /// `jitter` (from 0.8 to 1.2 in production) scales the wait, so that many clients do not
    /// retry in step; the tests pass 1.
    mutating func connectFailed(_ index: Int, now: ContinuousClock.Instant, jitter: Double) {
        switch self.slots[index] {
        case .connecting(_, let failures):
            let attempt = failures + 1
            self.slots[index] = .idle(failures: attempt, retryAt: now + self.backoff(attempt: attempt) * jitter)
        case .shutDown:
            return
        case .idle, .connectRequested, .ready:
            preconditionFailure("slot \(index): a connect failure with no attempt running")
        }
    }

    /// `connection` closed (or was found inactive): the next caller of its slot reconnects at once.
    mutating func connectionClosed(_ index: Int, _ connection: Connection) {
        if case .ready(let current) = self.slots[index], current === connection {
            self.slots[index] = .idle(failures: 0, retryAt: nil)
        }
    }

    /// Refuses new connections; returns the open ones to close.
    mutating func shutdown() -> [Connection] {
        var open: [Connection] = []
        for index in self.slots.indices {
            if case .ready(let connection) = self.slots[index] { open.append(connection) }
            self.slots[index] = .shutDown
        }
        return open
    }

    /// The wait after `attempt` consecutive failures: doubling from ``backoffInitial``, capped.
    func backoff(attempt: Int) -> Duration {
        var wait = self.backoffInitial
        for _ in 1..<max(attempt, 1) where wait < self.backoffMax { wait *= 2 }
        return min(wait, self.backoffMax)
    }
}
