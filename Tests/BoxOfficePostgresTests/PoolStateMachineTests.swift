import Testing

@testable import BoxOfficePostgres

@Suite("Pool state machine")
struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<String, String>

    @Test func opensUpToTheMaximumThenWaits() {
        var machine = Machine(sizeMax: 2)
        guard case .open = machine.acquire(), case .open = machine.acquire(), case .wait = machine.acquire() else {
            Issue.record("expected open, open, wait")
            return
        }
        #expect(machine.openCount == 2)
    }

    @Test func releaseHandsOverToTheFirstWaiterThenKeepsIdle() {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        machine.enqueue("first", id: 1)
        machine.enqueue("second", id: 2)
        #expect(machine.removeWaiter(id: 2) == "second")
        guard case .handOver("c", "first") = machine.release("c", reusable: true) else {
            Issue.record("expected a hand-over to the first waiter")
            return
        }
        guard case .keep = machine.release("c", reusable: true), case .use("c") = machine.acquire() else {
            Issue.record("expected the connection to be kept and reused")
            return
        }
    }

    @Test func brokenConnectionFreesItsSlotOrPassesItToAWaiter() {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        machine.enqueue("waiter", id: 1)
        guard case .closeAndOpen("c", for: "waiter") = machine.release("c", reusable: false) else {
            Issue.record("expected close-and-open for the waiter")
            return
        }
        #expect(machine.openCount == 1)
        guard case .close("d") = machine.release("d", reusable: false) else {
            Issue.record("expected close")
            return
        }
        #expect(machine.openCount == 0)
    }

    @Test func shutdownReturnsIdleAndWaitersAndRefusesLaterAcquires() {
        var machine = Machine(sizeMax: 2)
        _ = machine.acquire()
        _ = machine.acquire()
        _ = machine.release("idle", reusable: true)
        machine.enqueue("waiter", id: 1)
        let (idle, waiters) = machine.shutDown()
        #expect(idle == ["idle"])
        #expect(waiters == ["waiter"])
        guard case .fail = machine.acquire(), case .close("busy") = machine.release("busy", reusable: true) else {
            Issue.record("expected fail and close after shutdown")
            return
        }
        #expect(machine.openCount == 0)
    }
}
