import Testing

@testable import BoxOfficeRedis

@Suite struct PoolStateMachineTests {
    final class Connection {}
    typealias Machine = PoolStateMachine<Connection, String>

    @Test func opensUpToTheLimitThenQueuesWaiters() {
        var machine = Machine(connectionCountMax: 2)
        guard case .connect = machine.acquire(), case .connect = machine.acquire() else {
            Issue.record("expected two connects")
            return
        }
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        guard case .queued = machine.enqueue(id, "third") else {
            Issue.record("expected the waiter to be queued")
            return
        }
        #expect(machine.connectionCount == 2)
        #expect(machine.waiterCount == 1)

        // A released connection goes straight to the waiter.
        let connection = Connection()
        guard case .resume(let waiter, .connection(let handed)) = machine.release(connection, reusable: true) else {
            Issue.record("expected a hand-over")
            return
        }
        #expect(waiter == "third")
        #expect(handed === connection)
        #expect(machine.waiterCount == 0)
    }

    @Test func idleConnectionsAreReused() {
        var machine = Machine(connectionCountMax: 1)
        guard case .connect = machine.acquire() else {
            Issue.record("expected a connect")
            return
        }
        let connection = Connection()
        guard case .none = machine.release(connection, reusable: true) else {
            Issue.record("expected idle")
            return
        }
        guard case .use(let reused) = machine.acquire() else {
            Issue.record("expected reuse")
            return
        }
        #expect(reused === connection)
    }

    @Test func failedConnectionIsClosedAndItsSlotPassesToAWaiter() {
        var machine = Machine(connectionCountMax: 1)
        _ = machine.acquire()
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        _ = machine.enqueue(id, "next")
        let broken = Connection()
        guard case .closeAndResume(let closed, let waiter) = machine.release(broken, reusable: false) else {
            Issue.record("expected close and resume")
            return
        }
        #expect(closed === broken)
        #expect(waiter == "next")
        #expect(machine.connectionCount == 1)

        // Without waiters the slot is freed.
        guard case .close = machine.release(Connection(), reusable: false) else {
            Issue.record("expected close")
            return
        }
        #expect(machine.connectionCount == 0)
    }

    @Test func failedConnectPassesTheSlotOn() {
        var machine = Machine(connectionCountMax: 1)
        _ = machine.acquire()
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        _ = machine.enqueue(id, "next")
        guard case .resume("next", .connectSlot) = machine.connectFailed() else {
            Issue.record("expected the slot to pass to the waiter")
            return
        }
        guard case .none = machine.connectFailed() else {
            Issue.record("expected nothing")
            return
        }
        #expect(machine.connectionCount == 0)
    }

    @Test func enqueueAfterARaceUsesWhatBecameFree() {
        var machine = Machine(connectionCountMax: 1)
        _ = machine.acquire()
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        // The connection comes back between acquire() and enqueue().
        let connection = Connection()
        _ = machine.release(connection, reusable: true)
        guard case .lease(.connection(let leased)) = machine.enqueue(id, "late") else {
            Issue.record("expected the idle connection")
            return
        }
        #expect(leased === connection)
        #expect(machine.waiterCount == 0)
    }

    @Test func timedOutWaiterIsRemovedOnce() {
        var machine = Machine(connectionCountMax: 1)
        _ = machine.acquire()
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        _ = machine.enqueue(id, "w")
        #expect(machine.removeWaiter(id) == "w")
        #expect(machine.removeWaiter(id) == nil)
    }

    @Test func shutdownClosesIdleFailsWaitersAndRefusesNewWork() {
        var machine = Machine(connectionCountMax: 2)
        _ = machine.acquire()
        _ = machine.acquire()
        let idle = Connection()
        _ = machine.release(idle, reusable: true)
        _ = machine.acquire()  // takes `idle` again
        _ = machine.release(idle, reusable: true)
        guard case .use = machine.acquire() else {
            Issue.record("expected reuse")
            return
        }
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        _ = machine.enqueue(id, "w")
        _ = machine.release(idle, reusable: true)  // goes to "w"
        guard case .wait(let second) = machine.acquire() else {
            Issue.record("expected a wait")
            return
        }
        _ = machine.enqueue(second, "w2")

        let (close, fail) = machine.shutdown()
        #expect(close.isEmpty)
        #expect(fail == ["w2"])
        guard case .fail = machine.acquire() else {
            Issue.record("expected failure after shutdown")
            return
        }
        guard case .close = machine.release(Connection(), reusable: true) else {
            Issue.record("expected a close after shutdown")
            return
        }
    }
}
