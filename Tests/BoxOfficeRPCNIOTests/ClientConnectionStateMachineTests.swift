import BoxOfficeRPC
import Testing

@testable import BoxOfficeRPCNIO

/// Every transition of a client connection, legal and not, without sockets. Waiters are plain
/// strings standing for the callers' continuations.
@Suite("Client connection state machine")
struct ClientConnectionStateMachineTests {
    typealias Machine = ClientConnectionStateMachine<String>

    static let unavailable = ClientCallOutcome.failure(RPCError(code: .unavailable, message: "the connection closed"))
    static let cancelled = ClientCallOutcome.failure(RPCError(code: .cancelled, message: "the call was cancelled"))
    static let deadline = ClientCallOutcome.failure(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))

    /// Starts and writes a call for `waiter`; returns its request id.
    static func send(_ machine: inout Machine, _ waiter: String) -> UInt32 {
        let requestID = Self.register(&machine, waiter)
        #expect(machine.writeRequested(requestID, channelWritable: true) == .write)
        return requestID
    }

    /// Registers a call for `waiter` without writing it; returns its request id.
    static func register(_ machine: inout Machine, _ waiter: String) -> UInt32 {
        let requestID = machine.nextRequestID()
        #expect(machine.callStarted(requestID, waiter) == .write)
        return requestID
    }

    @Test("calls get distinct request ids and their own answers, in any order")
    func multiplexing() {
        var machine = Machine()
        let first = Self.send(&machine, "a")
        let second = Self.send(&machine, "b")
        #expect(first != second)
        #expect(machine.callsWaiting == 2)
        #expect(
            machine.responseReceived(second, .response([2]))
                == .resume("b", .response([2]), cancelTimer: true, sendCancel: false)
        )
        #expect(
            machine.responseReceived(first, .response([1]))
                == .resume("a", .response([1]), cancelTimer: true, sendCancel: false)
        )
        #expect(machine.callsWaiting == 0)
    }

    @Test("a server status reaches the caller")
    func status() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        let failure = ClientCallOutcome.failure(RPCError(code: .notFound, message: "no such seat"))
        #expect(machine.responseReceived(id, failure) == .resume("a", failure, cancelTimer: true, sendCancel: false))
    }

    @Test("an answer for an id nobody waits for is dropped")
    func lateAnswer() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        #expect(machine.deadlinePassed(id) == .resume("a", Self.deadline, cancelTimer: true, sendCancel: true))
        #expect(machine.responseReceived(id, .response([])) == .none)
        #expect(machine.responseReceived(999, .response([])) == .none)
        #expect(!machine.isClosed)
    }

    @Test("an answer for a request that was never sent closes the connection")
    func answerBeforeSend() {
        var machine = Machine()
        let id = Self.register(&machine, "a")
        #expect(machine.responseReceived(id, .response([])) == .close)
        #expect(machine.isClosed)
        // The loop's write then finds the connection closed: never sent, so retryable.
        #expect(machine.writeRequested(id, channelWritable: true) == .resume("a", .notSent))
    }

    @Test("cancelling a sent call resumes it CANCELLED and tells the server; the deadline then does nothing")
    func cancelSent() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        #expect(machine.callCancelled(id) == .resume("a", Self.cancelled, cancelTimer: true, sendCancel: true))
        #expect(machine.callCancelled(id) == .none)
        #expect(machine.deadlinePassed(id) == .none)
    }

    @Test("cancelling before the write resumes the caller and the write is skipped, with no cancel frame")
    func cancelBeforeWrite() {
        var machine = Machine()
        let id = Self.register(&machine, "a")
        #expect(machine.callCancelled(id) == .resume("a", Self.cancelled, cancelTimer: false, sendCancel: false))
        #expect(machine.writeRequested(id, channelWritable: true) == .none)
    }

    @Test("the deadline resumes DEADLINE_EXCEEDED and sends a cancel; a later cancel does nothing")
    func deadlinePassed() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        #expect(machine.deadlinePassed(id) == .resume("a", Self.deadline, cancelTimer: true, sendCancel: true))
        #expect(machine.callCancelled(id) == .none)
    }

    @Test("closing fails sent calls UNAVAILABLE and unsent ones notSent; new calls are notSent")
    func closed() {
        var machine = Machine()
        _ = Self.send(&machine, "sent")
        let unsent = Self.register(&machine, "unsent")
        let resumes = machine.channelClosed().sorted { $0.0 < $1.0 }
        #expect(resumes.map(\.0) == ["sent", "unsent"])
        #expect(resumes.map(\.1) == [Self.unavailable, .notSent])
        #expect(machine.isClosed)
        #expect(machine.writeRequested(unsent, channelWritable: true) == .none)
        let late = machine.nextRequestID()
        #expect(machine.callStarted(late, "late") == .resume("late", .notSent))
        #expect(machine.channelClosed().isEmpty)
    }

    @Test("a cancel after a protocol violation resumes the caller but sends no cancel frame")
    func cancelWhileClosing() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        #expect(machine.protocolViolated() == .close)
        #expect(machine.protocolViolated() == .none)
        #expect(machine.callCancelled(id) == .resume("a", Self.cancelled, cancelTimer: true, sendCancel: false))
        // Answers arriving while closing are not delivered.
        #expect(machine.responseReceived(id, .response([])) == .none)
    }

    @Test("an oversized answer fails its call RESOURCE_EXHAUSTED and closes; others fail on close")
    func oversized() {
        var machine = Machine()
        let id = Self.send(&machine, "a")
        _ = Self.send(&machine, "b")
        #expect(
            machine.oversizedResponseReceived(id)
                == .resumeAndClose(
                    "a",
                    .failure(RPCError(code: .resourceExhausted, message: "response over the size limit"))
                )
        )
        #expect(machine.oversizedResponseReceived(id) == .none)
        #expect(machine.channelClosed().map(\.1) == [Self.unavailable])
    }

    @Test("an oversized answer for an unknown id just closes")
    func oversizedUnknown() {
        var machine = Machine()
        #expect(machine.oversizedResponseReceived(4) == .close)
        #expect(machine.isClosed)
    }

    @Test("a write onto a channel that is no longer active is notSent, so the call may be retried")
    func writeOnInactiveChannel() {
        var machine = Machine()
        let id = Self.register(&machine, "a")
        #expect(machine.writeRequested(id, channelWritable: false) == .resume("a", .notSent))
        #expect(machine.callsWaiting == 0)
        #expect(machine.writeRequested(id, channelWritable: true) == .none)
    }

    @Test("request ids skip ids still in flight when they wrap")
    func idWrap() {
        var machine = Machine()
        let first = Self.send(&machine, "old")
        #expect(first == 1)
        machine.skipRequestIDs(toLast: UInt32.max - 1)
        #expect(Self.send(&machine, "max") == UInt32.max)
        #expect(Self.send(&machine, "zero") == 0)
        #expect(Self.send(&machine, "next") == 2)
    }

    @Test("registering one request id twice is a programmer error")
    func duplicateID() async {
        await #expect(processExitsWith: .failure) {
            var machine = ClientConnectionStateMachine<String>()
            let id = machine.nextRequestID()
            _ = machine.callStarted(id, "a")
            _ = machine.callStarted(id, "b")
        }
    }
}
