import BoxOfficeRPC
import Testing

@testable import BoxOfficeRPCNIO

@Suite("Flush coalescing state machine")
struct FlushStateMachineTests {
    @Test("writes during a read wait for the end of the read burst")
    func duringRead() {
        var machine = FlushStateMachine()
        machine.readStarted()
        #expect(machine.wrote() == .none)
        #expect(machine.wrote() == .none)
        #expect(machine.readCompleted() == true)
        #expect(machine.readCompleted() == false)
    }

    @Test("writes outside a read share one scheduled flush")
    func outsideRead() {
        var machine = FlushStateMachine()
        #expect(machine.wrote() == .scheduleFlush)
        #expect(machine.wrote() == .none)
        machine.scheduledFlushRan()
        #expect(machine.wrote() == .scheduleFlush)
    }

    @Test("a read burst with no writes flushes nothing; closing flushes what a read left pending")
    func closing() {
        var machine = FlushStateMachine()
        machine.readStarted()
        #expect(machine.closing() == false)
        #expect(machine.wrote() == .none)
        #expect(machine.closing() == true)
        #expect(machine.readCompleted() == false)
        // A scheduled flush would run after the close: flush before closing.
        #expect(machine.wrote() == .scheduleFlush)
        #expect(machine.closing() == true)
    }
}

@Suite("Call retry state machine")
struct CallRetryStateMachineTests {
    static let target = "127.0.0.1:1"

    @Test("a failed attempt with no backoff retries at once, until the attempts run out")
    func attempts() {
        var machine = CallRetryStateMachine(attemptsMax: 3, deadline: .now + .seconds(10), target: Self.target)
        #expect(machine.attemptFailed(retryAt: nil) == .retryNow)
        #expect(machine.attemptFailed(retryAt: nil) == .retryNow)
        #expect(
            machine.attemptFailed(retryAt: nil)
                == .fail(RPCError(code: .unavailable, message: "cannot reach \(Self.target)"))
        )
    }

    @Test("a backoff before the deadline is waited out; one past it fails at once")
    func backoff() {
        let deadline = ContinuousClock.now + .seconds(1)
        var machine = CallRetryStateMachine(attemptsMax: 5, deadline: deadline, target: Self.target)
        let soon = deadline - .milliseconds(500)
        #expect(machine.attemptFailed(retryAt: soon) == .retryAt(soon))
        #expect(
            machine.attemptFailed(retryAt: deadline)
                == .fail(RPCError(code: .unavailable, message: "cannot reach \(Self.target) before the deadline"))
        )
        #expect(machine.failedAttempts == 2)
    }

    @Test("one attempt means no retry")
    func single() {
        var machine = CallRetryStateMachine(attemptsMax: 1, deadline: .now + .seconds(1), target: Self.target)
        guard case .fail = machine.attemptFailed(retryAt: nil) else {
            Issue.record("retried")
            return
        }
    }
}
