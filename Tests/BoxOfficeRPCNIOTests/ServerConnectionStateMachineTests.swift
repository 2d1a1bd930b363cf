import BoxOfficeRPC
import Testing

@testable import BoxOfficeRPCNIO

/// Every transition of a server connection, legal and not, without sockets. Calls are plain
/// strings standing for a handler's task and timer.
@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
    typealias Machine = ServerConnectionStateMachine<String>

    static func machine(callsRunningMax: Int = 4, draining: Bool = false) -> Machine {
        Machine(callsRunningMax: callsRunningMax, payloadBytesMax: 1024, draining: draining)
    }

    /// Admits and starts `requestID` with the call handle "call-<id>".
    static func start(_ machine: inout Machine, _ requestID: UInt32) {
        #expect(machine.requestReceived(requestID: requestID, methodID: 9, methodKnown: true) == .start)
        machine.callStarted(requestID, call: "call-\(requestID)")
    }

    @Test("a call starts, finishes and is answered once")
    func startAndFinish() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        #expect(machine.callsRunning == 1 && machine.callsAwaitingAnswer == 1)
        #expect(machine.handlerFinished(1) == .answer("call-1"))
        #expect(machine.callsRunning == 0 && machine.callsAwaitingAnswer == 0)
        // The id is free again.
        Self.start(&machine, 1)
    }

    @Test("a request id in use closes the connection; later frames are ignored")
    func requestIDInUse() {
        var machine = Self.machine()
        Self.start(&machine, 7)
        #expect(
            machine.requestReceived(requestID: 7, methodID: 9, methodKnown: true) == .close(reason: "request id in use")
        )
        #expect(machine.state == .closed)
        #expect(machine.requestReceived(requestID: 8, methodID: 9, methodKnown: true) == .ignore)
        #expect(machine.cancelReceived(7) == .none)
        #expect(machine.responseReceived() == .ignore)
        #expect(machine.malformedFrameReceived() == .ignore)
        #expect(machine.oversizedFrameReceived(requestID: 8, isRequest: true) == .ignore)
        // The running handler still reports its end; its result is dropped.
        #expect(machine.handlerFinished(7) == .drop)
        #expect(machine.callsRunning == 0)
    }

    @Test("an unknown method is UNIMPLEMENTED and takes no slot")
    func unknownMethod() {
        var machine = Self.machine()
        #expect(
            machine.requestReceived(requestID: 1, methodID: 42, methodKnown: false)
                == .refuse(RPCError(code: .unimplemented, message: "unknown method id 42"))
        )
        #expect(machine.callsRunning == 0)
        Self.start(&machine, 1)
    }

    @Test("calls beyond the limit are RESOURCE_EXHAUSTED until a handler returns, even a cancelled one")
    func concurrencyLimit() {
        var machine = Self.machine(callsRunningMax: 2)
        Self.start(&machine, 1)
        Self.start(&machine, 2)
        let refused = machine.requestReceived(requestID: 3, methodID: 9, methodKnown: true)
        #expect(refused == .refuse(RPCError(code: .resourceExhausted, message: "too many concurrent calls")))
        // Cancelled, but its handler still runs: still counted.
        #expect(machine.cancelReceived(1) == .cancel("call-1", answer: nil))
        #expect(machine.requestReceived(requestID: 3, methodID: 9, methodKnown: true) == refused)
        #expect(machine.handlerFinished(1) == .drop)
        Self.start(&machine, 3)
    }

    @Test("the limit is checked before the drain, and the drain refuses new calls UNAVAILABLE")
    func drain() {
        var machine = Self.machine(callsRunningMax: 1)
        Self.start(&machine, 1)
        machine.drainStarted()
        #expect(machine.state == .draining)
        #expect(
            machine.requestReceived(requestID: 2, methodID: 9, methodKnown: true)
                == .refuse(RPCError(code: .resourceExhausted, message: "too many concurrent calls"))
        )
        // The running call finishes and is answered.
        #expect(machine.handlerFinished(1) == .answer("call-1"))
        #expect(
            machine.requestReceived(requestID: 2, methodID: 9, methodKnown: true)
                == .refuse(RPCError(code: .unavailable, message: "the server is shutting down"))
        )
        machine.drainStarted()
        #expect(machine.state == .draining)
    }

    @Test("a connection accepted during a drain starts draining")
    func acceptedDraining() {
        var machine = Self.machine(draining: true)
        #expect(machine.requestReceived(requestID: 1, methodID: 9, methodKnown: true).isRefusal)
    }

    @Test("a cancel stops the handler without an answer; a late result is dropped")
    func cancel() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        #expect(machine.cancelReceived(1) == .cancel("call-1", answer: nil))
        #expect(machine.cancelReceived(1) == .none)
        #expect(machine.deadlinePassed(1) == .none)
        #expect(machine.handlerFinished(1) == .drop)
    }

    @Test("a cancel for an unknown id is ignored")
    func cancelUnknown() {
        var machine = Self.machine()
        #expect(machine.cancelReceived(5) == .none)
        #expect(machine.state == .serving)
    }

    @Test("the deadline stops the handler and answers DEADLINE_EXCEEDED; a late result is dropped")
    func deadline() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        #expect(
            machine.deadlinePassed(1)
                == .cancel("call-1", answer: RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
        )
        #expect(machine.deadlinePassed(1) == .none)
        #expect(machine.cancelReceived(1) == .none)
        #expect(machine.handlerFinished(1) == .drop)
    }

    @Test("a deadline timer that fires after the answer does nothing")
    func deadlineAfterAnswer() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        #expect(machine.handlerFinished(1) == .answer("call-1"))
        #expect(machine.deadlinePassed(1) == .none)
    }

    @Test("a response frame from a client closes the connection")
    func responseFromClient() {
        var machine = Self.machine()
        #expect(machine.responseReceived() == .close)
        #expect(machine.state == .closed)
        #expect(machine.responseReceived() == .ignore)
    }

    @Test("an oversized request is answered RESOURCE_EXHAUSTED and closes; another oversized frame just closes")
    func oversized() {
        var request = Self.machine()
        #expect(
            request.oversizedFrameReceived(requestID: 3, isRequest: true)
                == .refuseAndClose(requestID: 3, RPCError(code: .resourceExhausted, message: "frame over 1024 bytes"))
        )
        #expect(request.state == .closed)
        var cancel = Self.machine()
        #expect(cancel.oversizedFrameReceived(requestID: 3, isRequest: false) == .close)
    }

    @Test("a malformed frame closes the connection")
    func malformed() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        #expect(machine.malformedFrameReceived() == .close)
        #expect(machine.malformedFrameReceived() == .ignore)
        #expect(machine.handlerFinished(1) == .drop)
    }

    @Test("the channel closing cancels every running call and drops their results")
    func channelClosed() {
        var machine = Self.machine()
        Self.start(&machine, 1)
        Self.start(&machine, 2)
        #expect(machine.cancelReceived(2) == .cancel("call-2", answer: nil))
        #expect(machine.channelClosed() == ["call-1"])
        #expect(machine.state == .closed)
        #expect(machine.handlerFinished(1) == .drop)
        #expect(machine.handlerFinished(2) == .drop)
        #expect(machine.callsRunning == 0)
        #expect(machine.channelClosed().isEmpty)
    }

    @Test("callStarted for a call that was not admitted is a programmer error")
    func startWithoutAdmission() async {
        await #expect(processExitsWith: .failure) {
            var machine = ServerConnectionStateMachine<String>(callsRunningMax: 1, payloadBytesMax: 1)
            machine.callStarted(1, call: "never admitted")
        }
    }

    @Test("handlerFinished with no handler running is a programmer error")
    func finishWithoutStart() async {
        await #expect(processExitsWith: .failure) {
            var machine = ServerConnectionStateMachine<String>(callsRunningMax: 1, payloadBytesMax: 1)
            _ = machine.handlerFinished(1)
        }
    }
}

extension ServerConnectionStateMachine.RequestAction {
    var isRefusal: Bool {
        if case .refuse = self { return true }
        return false
    }
}
