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

    /// A pool of one whose connection is in use, with `waiters` queued in this order; returns
    /// their ids.
    private static func fullPool(
        waiters: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (Machine, [UInt64]) {
        var machine = Machine(sizeMax: 1)
        #expect(machine.acquire() == .open, sourceLocation: sourceLocation)
        var ids: [UInt64] = []
        for waiter in waiters {
            let id = try #require(Self.waitID(&machine, sourceLocation: sourceLocation), sourceLocation: sourceLocation)
            #expect(machine.enqueue(id, waiter) == .queued, sourceLocation: sourceLocation)
            ids.append(id)
        }
        return (machine, ids)
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
        var (machine, _) = try Self.fullPool(waiters: ["first", "second", "third"])
        #expect(machine.release("c", reusable: true) == .resume("first", .connection("c")))
        #expect(machine.release("c", reusable: true) == .resume("second", .connection("c")))
        #expect(machine.release("c", reusable: true) == .resume("third", .connection("c")))
        #expect(machine.waiterCount == 0)
        #expect(machine.release("c", reusable: true) == .none)
        #expect(machine.acquire() == .use("c"))
    }

    @Test func removedWaiterIsSkippedAndRemovedOnlyOnce() throws {
        var (machine, ids) = try Self.fullPool(waiters: ["first", "second"])
        let (first, second) = (ids[0], ids[1])
        #expect(machine.removeWaiter(first) == "first")
        #expect(machine.removeWaiter(first) == nil)
        #expect(machine.release("c", reusable: true) == .resume("second", .connection("c")))
        // A waiter already served is gone too: its timeout finds nothing to fail.
        #expect(machine.removeWaiter(second) == nil)
    }

    @Test func brokenConnectionIsClosedAndItsSlotPassesToAWaiter() throws {
        var (machine, _) = try Self.fullPool(waiters: ["next"])
        #expect(machine.release("broken", reusable: false) == .closeAndOpen("broken", for: "next"))
        #expect(machine.connectionCount == 1)

        // Without waiters the slot is freed.
        #expect(machine.release("also broken", reusable: false) == .close("also broken"))
        #expect(machine.connectionCount == 0)
    }

    @Test func failedOpenPassesTheSlotToAWaiterOrFreesIt() throws {
        var (machine, _) = try Self.fullPool(waiters: ["next"])
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
        var (machine, ids) = try Self.fullPool(waiters: ["w1", "w2"])
        let second = ids[1]
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
