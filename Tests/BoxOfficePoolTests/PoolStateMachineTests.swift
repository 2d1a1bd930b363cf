import Testing

@testable import BoxOfficePool

@Suite("Pool state machine")
struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<String, String>

    /// Acquires and asserts a wait, returning the waiter id.
    private static func waitID(_ machine: inout Machine, sourceLocation: SourceLocation = #_sourceLocation) -> UInt64? {
        guard case .wait(let id) = machine.acquire() else {
            Issue.record("expected a wait", sourceLocation: sourceLocation)
            return nil
        }
        return id
    }

    @Test func opensUpToTheMaximumThenQueuesWaiters() throws {
        var machine = Machine(sizeMax: 2)
        #expect(machine.acquire() == .open)
        #expect(machine.acquire() == .open)
        let id = try #require(Self.waitID(&machine))
        #expect(machine.enqueue(id, "third") == .queued)
        #expect(machine.connectionCount == 2)
        #expect(machine.waiterCount == 1)
    }

    @Test func idleConnectionsAreReusedMostRecentFirst() {
        var machine = Machine(sizeMax: 2)
        _ = machine.acquire()
        _ = machine.acquire()
        #expect(machine.release("a", reusable: true) == .none)
        #expect(machine.release("b", reusable: true) == .none)
        #expect(machine.idleCount == 2)
        #expect(machine.acquire() == .use("b"))
        #expect(machine.acquire() == .use("a"))
        #expect(machine.connectionCount == 2)
    }

    @Test func releaseHandsOverToWaitersFirstComeFirstServedThenKeepsIdle() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        for name in ["first", "second", "third"] {
            let id = try #require(Self.waitID(&machine))
            #expect(machine.enqueue(id, name) == .queued)
        }
        #expect(machine.release("c", reusable: true) == .resume("first", .connection("c")))
        #expect(machine.release("c", reusable: true) == .resume("second", .connection("c")))
        #expect(machine.release("c", reusable: true) == .resume("third", .connection("c")))
        #expect(machine.waiterCount == 0)
        #expect(machine.release("c", reusable: true) == .none)
        #expect(machine.acquire() == .use("c"))
    }

    @Test func removedWaiterIsSkippedAndRemovedOnlyOnce() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let first = try #require(Self.waitID(&machine))
        _ = machine.enqueue(first, "first")
        let second = try #require(Self.waitID(&machine))
        _ = machine.enqueue(second, "second")
        #expect(machine.removeWaiter(first) == "first")
        #expect(machine.removeWaiter(first) == nil)
        #expect(machine.release("c", reusable: true) == .resume("second", .connection("c")))
        // A waiter already served is gone too: its timeout finds nothing to fail.
        #expect(machine.removeWaiter(second) == nil)
    }

    @Test func brokenConnectionIsClosedAndItsSlotPassesToAWaiter() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let id = try #require(Self.waitID(&machine))
        _ = machine.enqueue(id, "next")
        #expect(machine.release("broken", reusable: false) == .closeAndOpen("broken", for: "next"))
        #expect(machine.connectionCount == 1)

        // Without waiters the slot is freed.
        #expect(machine.release("also broken", reusable: false) == .close("also broken"))
        #expect(machine.connectionCount == 0)
    }

    @Test func failedOpenPassesTheSlotToAWaiterOrFreesIt() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let id = try #require(Self.waitID(&machine))
        _ = machine.enqueue(id, "next")
        #expect(machine.openFailed() == .resume("next", .open))
        #expect(machine.connectionCount == 1)
        #expect(machine.openFailed() == .none)
        #expect(machine.connectionCount == 0)
        #expect(machine.acquire() == .open)
    }

    @Test func enqueueAfterARaceUsesWhatBecameFree() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let id = try #require(Self.waitID(&machine))
        // The connection comes back between acquire() and enqueue().
        _ = machine.release("c", reusable: true)
        #expect(machine.enqueue(id, "late") == .lease(.connection("c")))
        #expect(machine.waiterCount == 0)

        // The slot is freed between acquire() and enqueue().
        let again = try #require(Self.waitID(&machine))
        _ = machine.release("c", reusable: false)
        #expect(machine.enqueue(again, "later") == .lease(.open))
        #expect(machine.connectionCount == 1)
    }

    @Test func shutdownReturnsTheIdleConnections() {
        var machine = Machine(sizeMax: 2)
        _ = machine.acquire()
        _ = machine.acquire()
        _ = machine.release("idle", reusable: true)
        let (close, fail) = machine.shutdown()
        #expect(close == ["idle"])
        #expect(fail.isEmpty)
        #expect(machine.connectionCount == 1)
        // The connection in use is closed when it comes back, reusable or not.
        #expect(machine.release("busy", reusable: true) == .close("busy"))
        #expect(machine.connectionCount == 0)
    }

    @Test func shutdownReturnsTheWaitersAndRefusesLaterWork() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let first = try #require(Self.waitID(&machine))
        _ = machine.enqueue(first, "w1")
        let second = try #require(Self.waitID(&machine))
        _ = machine.enqueue(second, "w2")
        let (close, fail) = machine.shutdown()
        #expect(close.isEmpty)
        #expect(fail == ["w1", "w2"])
        #expect(machine.isShutDown)
        #expect(machine.acquire() == .fail)
        #expect(machine.enqueue(second, "w3") == .fail)
        // No waiter receives a slot after shutdown.
        #expect(machine.release("busy", reusable: false) == .close("busy"))
        #expect(machine.connectionCount == 0)
    }

    @Test func enqueueFailsWhenTheShutdownCameAfterAcquire() throws {
        var machine = Machine(sizeMax: 1)
        _ = machine.acquire()
        let id = try #require(Self.waitID(&machine))
        _ = machine.shutdown()
        #expect(machine.enqueue(id, "late") == .fail)
        #expect(machine.openFailed() == .none)
        #expect(machine.connectionCount == 0)
    }
}
