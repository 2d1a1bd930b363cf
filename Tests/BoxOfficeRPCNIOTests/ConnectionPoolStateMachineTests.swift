import BoxOfficeRPC
import Testing

@testable import BoxOfficeRPCNIO

/// Every transition of the client's connection slots, legal and not, without sockets.
@Suite("Connection pool state machine")
struct ConnectionPoolStateMachineTests {
    final class FakeConnection {}
    typealias Machine = ConnectionPoolStateMachine<FakeConnection, String>
    typealias Step = Machine.Step

    static let initial = Duration.milliseconds(20)
    static let max = Duration.milliseconds(100)

    static func machine(slots: Int = 2) -> Machine {
        Machine(slotCount: slots, backoffInitial: Self.initial, backoffMax: Self.max)
    }

    static func isConnect(_ step: Step) -> Bool {
        if case .connect = step { return true }
        return false
    }

    static func waitsOn(_ step: Step) -> String? {
        if case .wait(let attempt) = step { return attempt }
        return nil
    }

    static func uses(_ step: Step) -> FakeConnection? {
        if case .use(let connection) = step { return connection }
        return nil
    }

    static func retryAt(_ step: Step) -> ContinuousClock.Instant? {
        if case .retryAt(let instant) = step { return instant }
        return nil
    }

    static func isShutDown(_ step: Step) -> Bool {
        if case .shutDown = step { return true }
        return false
    }

    @Test("the first caller connects, the next ones wait on the same attempt, then all use the connection")
    func connectOnce() {
        var machine = Self.machine()
        let now = ContinuousClock.now
        #expect(Self.isConnect(machine.connectionRequested(0, now: now)))
        machine.connectStarted(0, attempt: "attempt-1")
        #expect(Self.waitsOn(machine.connectionRequested(0, now: now)) == "attempt-1")
        let connection = FakeConnection()
        guard case .none = machine.connectSucceeded(0, connection) else {
            Issue.record("connection refused")
            return
        }
        #expect(Self.uses(machine.connectionRequested(0, now: now)) === connection)
        // Slots are independent.
        #expect(Self.isConnect(machine.connectionRequested(1, now: now)))
    }

    @Test("failures back off, doubling up to the maximum, scaled by the jitter")
    func backoff() {
        var machine = Self.machine(slots: 1)
        let now = ContinuousClock.now
        var expected: [Duration] = []
        var seen: [Duration] = []
        var clock = now
        for attempt in 1...5 {
            #expect(Self.isConnect(machine.connectionRequested(0, now: clock)))
            machine.connectStarted(0, attempt: "attempt-\(attempt)")
            machine.connectFailed(0, now: clock, jitter: 1)
            guard let retryAt = Self.retryAt(machine.connectionRequested(0, now: clock)) else {
                Issue.record("no backoff after failure \(attempt)")
                return
            }
            seen.append(retryAt - clock)
            expected.append(min(Self.initial * (1 << (attempt - 1)), Self.max))
            clock = retryAt  // the backoff is over exactly then
        }
        #expect(seen == expected)
        #expect(machine.backoff(attempt: 0) == Self.initial)
        var jittered = Self.machine(slots: 1)
        #expect(Self.isConnect(jittered.connectionRequested(0, now: now)))
        jittered.connectStarted(0, attempt: "a")
        jittered.connectFailed(0, now: now, jitter: 1.2)
        #expect(Self.retryAt(jittered.connectionRequested(0, now: now)) == now + Self.initial * 1.2)
    }

    @Test("a success after failures resets the backoff once the connection closes")
    func resetAfterSuccess() {
        var machine = Self.machine(slots: 1)
        let now = ContinuousClock.now
        #expect(Self.isConnect(machine.connectionRequested(0, now: now)))
        machine.connectStarted(0, attempt: "a")
        machine.connectFailed(0, now: now, jitter: 1)
        let later = now + .seconds(1)
        #expect(Self.isConnect(machine.connectionRequested(0, now: later)))
        machine.connectStarted(0, attempt: "b")
        let connection = FakeConnection()
        _ = machine.connectSucceeded(0, connection)
        machine.connectionClosed(0, connection)
        // Reconnects at once, no backoff.
        #expect(Self.isConnect(machine.connectionRequested(0, now: later)))
    }

    @Test("a close of a connection that is no longer the slot's is ignored")
    func staleClose() {
        var machine = Self.machine(slots: 1)
        let now = ContinuousClock.now
        _ = machine.connectionRequested(0, now: now)
        machine.connectStarted(0, attempt: "a")
        let current = FakeConnection()
        _ = machine.connectSucceeded(0, current)
        machine.connectionClosed(0, FakeConnection())
        #expect(Self.uses(machine.connectionRequested(0, now: now)) === current)
    }

    @Test("shutdown hands back open connections, refuses callers, closes late arrivals, ignores late failures")
    func shutdown() {
        var machine = Self.machine()
        let now = ContinuousClock.now
        _ = machine.connectionRequested(0, now: now)
        machine.connectStarted(0, attempt: "a")
        let open = FakeConnection()
        _ = machine.connectSucceeded(0, open)
        _ = machine.connectionRequested(1, now: now)
        machine.connectStarted(1, attempt: "b")
        let toClose = machine.shutdown()
        #expect(toClose.count == 1 && toClose[0] === open)
        #expect(Self.isShutDown(machine.connectionRequested(0, now: now)))
        #expect(Self.isShutDown(machine.connectionRequested(1, now: now)))
        let late = FakeConnection()
        guard case .close(let closed) = machine.connectSucceeded(1, late) else {
            Issue.record("a connection made after shutdown was kept")
            return
        }
        #expect(closed === late)
        machine.connectFailed(1, now: now, jitter: 1)
        #expect(Self.isShutDown(machine.connectionRequested(1, now: now)))
        #expect(machine.shutdown().isEmpty)
    }

    @Test("connectStarted without a connect step is a programmer error")
    func startWithoutConnect() async {
        await #expect(processExitsWith: .failure) {
            var machine = ConnectionPoolStateMachine<ConnectionPoolStateMachineTests.FakeConnection, String>(
                slotCount: 1,
                backoffInitial: .milliseconds(1),
                backoffMax: .milliseconds(2)
            )
            machine.connectStarted(0, attempt: "stray")
        }
    }

    @Test("a connection with no attempt running is a programmer error")
    func successWithoutAttempt() async {
        await #expect(processExitsWith: .failure) {
            var machine = ConnectionPoolStateMachine<ConnectionPoolStateMachineTests.FakeConnection, String>(
                slotCount: 1,
                backoffInitial: .milliseconds(1),
                backoffMax: .milliseconds(2)
            )
            _ = machine.connectSucceeded(0, ConnectionPoolStateMachineTests.FakeConnection())
        }
    }
}
