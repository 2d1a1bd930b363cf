import BoxOfficeRPC

/// The decisions of one server connection, with no I/O: which calls start, which are refused and
/// how, what a cancel, a deadline or a handler's end does, when the connection must close.
///
/// The connection handler feeds it events from the event loop and carries out the actions it
/// returns, as postgres-nio's `ConnectionStateMachine` does; the tests drive it without sockets.
/// `Call` is whatever the handler needs to stop a running handler (its task and deadline timer);
/// the tests use plain values.
struct ServerConnectionStateMachine<Call> {
    enum State: Equatable {
        /// Accepting calls.
        case serving
        /// A graceful shutdown started: new calls are refused `UNAVAILABLE`, running ones finish.
        case draining
        /// The connection is closing or closed: nothing more is read or answered.
        case closed
    }

    /// Where one call with a request id in use stands.
    private enum CallState {
        /// Admitted; the handler's task is being created.
        case starting
        /// The handler runs and the caller still waits for its answer.
        case running(Call)
    }

    /// What to do with a request frame.
    enum RequestAction {
        /// Run the handler, then report it with ``callStarted(_:call:)``.
        case start
        /// Answer at once with this status; no handler runs.
        case refuse(RPCError)
        /// Close the connection: the stream broke the protocol.
        case close(reason: String)
        /// Nothing: the connection is closing.
        case ignore
    }

    /// What to do when the caller stops waiting, or the deadline passes.
    enum StopAction {
        /// Cancel the handler's task and timer; with `answer`, answer it (a deadline), else send nothing.
        case cancel(Call, answer: RPCError?)
        /// Nothing: the call has already been answered, or is unknown.
        case none
    }

    /// What to do with a handler's result.
    enum FinishAction {
        /// Cancel the call's timer and write the answer.
        case answer(Call)
        /// Drop the result: the call was cancelled, timed out, or the connection closed.
        case drop
    }

    /// What to do with a frame the server cannot accept (a response, an oversized frame, a
    /// malformed one).
    enum ViolationAction: Equatable {
        /// Answer `requestID` with this status, then close.
        case refuseAndClose(requestID: UInt32, RPCError)
        /// Close without an answer.
        case close
        /// Nothing: already closing.
        case ignore
    }

    /// Handlers that may run at once; more are refused `RESOURCE_EXHAUSTED`.
    let callsRunningMax: Int
    /// The payload limit, for the status message of an oversized frame.
    let payloadBytesMax: Int
    private(set) var state: State
    /// Calls whose caller still waits for an answer.
    private var calls: [UInt32: CallState] = [:]
    /// Handler tasks still running, answered or not: what the concurrency limit counts, since a
    /// cancelled handler holds resources until it returns.
    private(set) var callsRunning = 0

    init(callsRunningMax: Int, payloadBytesMax: Int, draining: Bool = false) {
        self.callsRunningMax = callsRunningMax
        self.payloadBytesMax = payloadBytesMax
        self.state = draining ? .draining : .serving
    }

    /// Calls still owed an answer.
    var callsAwaitingAnswer: Int { self.calls.count }

    /// A request frame arrived. Checked in the order of `docs/rpc-frame.md`: request id in use,
    /// unknown method, concurrency limit, drain.
    mutating func requestReceived(requestID: UInt32, methodID: UInt32, methodKnown: Bool) -> RequestAction {
        guard self.state != .closed else { return .ignore }
        guard self.calls[requestID] == nil else {
            self.state = .closed
            return .close(reason: "request id in use")
        }
        guard methodKnown else {
            return .refuse(RPCError(code: .unimplemented, message: "unknown method id \(methodID)"))
        }
        guard self.callsRunning < self.callsRunningMax else {
            return .refuse(RPCError(code: .resourceExhausted, message: "too many concurrent calls"))
        }
        guard self.state == .serving else {
            return .refuse(RPCError(code: .unavailable, message: "the server is shutting down"))
        }
        self.callsRunning += 1
        self.calls[requestID] = .starting
        return .start
    }

    /// The handler of an admitted call is running; `call` stops it.
    mutating func callStarted(_ requestID: UInt32, call: Call) {
        guard case .starting = self.calls[requestID] else {
            // Only `.start` leads here, and nothing else touches a starting call in between.
            preconditionFailure("callStarted for request \(requestID), which was not admitted")
        }
        self.calls[requestID] = .running(call)
    }

    /// A cancel frame arrived: the caller no longer waits, so nothing is sent back.
    mutating func cancelReceived(_ requestID: UInt32) -> StopAction {
        guard self.state != .closed, case .running(let call) = self.calls.removeValue(forKey: requestID) else {
            return .none
        }
        return .cancel(call, answer: nil)
    }

    /// The deadline the caller gave passed before the handler finished.
    mutating func deadlinePassed(_ requestID: UInt32) -> StopAction {
        guard self.state != .closed, case .running(let call) = self.calls.removeValue(forKey: requestID) else {
            return .none
        }
        return .cancel(call, answer: RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
    }

    /// A handler returned (with a result or an error). Every admitted call reports this exactly once.
    mutating func handlerFinished(_ requestID: UInt32) -> FinishAction {
        precondition(self.callsRunning > 0, "handlerFinished with no handler running")
        self.callsRunning -= 1
        guard self.state != .closed, case .running(let call) = self.calls.removeValue(forKey: requestID) else {
            return .drop
        }
        return .answer(call)
    }

    /// A response frame arrived: clients never receive requests, so the stream is not ours.
    mutating func responseReceived() -> ViolationAction {
        self.close()
    }

    /// A frame over the payload limit: a request is answered `RESOURCE_EXHAUSTED`; either way the
    /// stream cannot be followed past the unread payload, so the connection closes.
    mutating func oversizedFrameReceived(requestID: UInt32, isRequest: Bool) -> ViolationAction {
        guard self.state != .closed else { return .ignore }
        self.state = .closed
        guard isRequest else { return .close }
        return .refuseAndClose(
            requestID: requestID,
            RPCError(code: .resourceExhausted, message: "frame over \(self.payloadBytesMax) bytes")
        )
    }

    /// The decoder refused the bytes, or the channel reported an error.
    mutating func malformedFrameReceived() -> ViolationAction {
        self.close()
    }

    /// A graceful shutdown started.
    mutating func drainStarted() {
        if self.state == .serving { self.state = .draining }
    }

    /// The channel closed: every call still running is cancelled; their results will be dropped.
    mutating func channelClosed() -> [Call] {
        self.state = .closed
        var running: [Call] = []
        for case .running(let call) in self.calls.values { running.append(call) }
        self.calls.removeAll()
        return running
    }

    private mutating func close() -> ViolationAction {
        guard self.state != .closed else { return .ignore }
        self.state = .closed
        return .close
    }
}

// Equatable where the call handle is, for the tests' expectations.
extension ServerConnectionStateMachine.RequestAction: Equatable where Call: Equatable {}
extension ServerConnectionStateMachine.StopAction: Equatable where Call: Equatable {}
extension ServerConnectionStateMachine.FinishAction: Equatable where Call: Equatable {}
