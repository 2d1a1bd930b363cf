import BoxOfficeRPC

/// The decisions of one client connection, with no I/O: request ids, which callers wait, who is
/// resumed with what, when a cancel frame goes out, and which calls may be retried elsewhere.
///
/// Calling tasks (start, cancel) and the event loop (write, answer, deadline, close) both feed it,
/// so the connection keeps it behind a lock and carries out the returned actions outside it. That
/// registration happens before the request can leave, and a cancel cannot overtake it. `Waiter`
/// is what resumes a caller (a continuation); the tests use plain values.
struct ClientConnectionStateMachine<Waiter> {
    /// Where one call stands.
    private enum CallState {
        /// Registered; the request frame is not in the channel yet.
        case registered(Waiter)
        /// The request frame was handed to the channel: the server may act on it.
        case sent(Waiter)
    }

    /// What to do with a new call.
    enum StartAction {
        /// Hand the request to the event loop, which reports ``writeRequested(_:channelWritable:)``.
        case write
        /// Resume the caller: the connection is closed and the request never left.
        case resume(Waiter, ClientCallOutcome)
    }

    /// What the event loop does with a registered request.
    enum WriteAction {
        /// Write the frame and arm the deadline timer.
        case write
        /// Resume the caller with ``ClientCallOutcome/notSent``: the connection closed first.
        case resume(Waiter, ClientCallOutcome)
        /// Nothing: the caller already gave up (cancelled before the write).
        case none
    }

    /// What to do when a call ends on this side or an answer arrives.
    enum CallAction {
        /// Resume the caller; with `cancelTimer`, cancel its deadline timer; with `sendCancel`,
        /// tell the server (its request left, and the server may still be working on it).
        case resume(Waiter, ClientCallOutcome, cancelTimer: Bool, sendCancel: Bool)
        /// Resume the caller, then close the connection (an oversized answer).
        case resumeAndClose(Waiter, ClientCallOutcome)
        /// Close the connection: the server broke the protocol.
        case close
        /// Nothing: nobody waits for this id any more.
        case none
    }

    private var calls: [UInt32: CallState] = [:]
    private var lastRequestID: UInt32 = 0
    private(set) var isClosed = false

    init() {}

    /// Calls waiting for an answer (sent or not).
    var callsWaiting: Int { self.calls.count }

    /// A request id not in use on this connection, for a call about to start. Allocated before the
    /// call registers so that its frame can be encoded, and its cancellation handler knows it.
    mutating func nextRequestID() -> UInt32 {
        // Ids wrap after 2^32 calls; one still in flight from the previous round is skipped.
        repeat { self.lastRequestID &+= 1 } while self.calls[self.lastRequestID] != nil
        return self.lastRequestID
    }

    /// A caller registers a call under an id from ``nextRequestID()``.
    mutating func callStarted(_ requestID: UInt32, _ waiter: Waiter) -> StartAction {
        guard !self.isClosed else { return .resume(waiter, .notSent) }
        precondition(self.calls[requestID] == nil, "request id \(requestID) registered twice")
        self.calls[requestID] = .registered(waiter)
        return .write
    }

    /// The event loop is about to write the request; `channelWritable` is false when the channel
    /// is no longer active (closing), so the request would never leave.
    mutating func writeRequested(_ requestID: UInt32, channelWritable: Bool) -> WriteAction {
        guard case .registered(let waiter) = self.calls[requestID] else { return .none }
        guard !self.isClosed, channelWritable else {
            self.calls[requestID] = nil
            return .resume(waiter, .notSent)
        }
        self.calls[requestID] = .sent(waiter)
        return .write
    }

    /// The calling task was cancelled.
    mutating func callCancelled(_ requestID: UInt32) -> CallAction {
        self.end(requestID, .failure(RPCError(code: .cancelled, message: "the call was cancelled")))
    }

    /// The call's deadline passed before an answer.
    mutating func deadlinePassed(_ requestID: UInt32) -> CallAction {
        self.end(requestID, .failure(RPCError(code: .deadlineExceeded, message: "deadline exceeded")))
    }

    /// An answer arrived. One for an id nobody waits for (given up on) is dropped; one for a
    /// request that was never sent means the server is not following the protocol.
    mutating func responseReceived(_ requestID: UInt32, _ outcome: ClientCallOutcome) -> CallAction {
        guard !self.isClosed else { return .none }
        switch self.calls[requestID] {
        case .sent(let waiter):
            self.calls[requestID] = nil
            return .resume(waiter, outcome, cancelTimer: true, sendCancel: false)
        case .registered:
            return self.close()
        case nil:
            return .none
        }
    }

    /// An answer over the size limit arrived: its call fails, and the connection must close since
    /// the unread payload leaves the stream out of step.
    mutating func oversizedResponseReceived(_ requestID: UInt32) -> CallAction {
        guard !self.isClosed else { return .none }
        self.isClosed = true
        guard case .sent(let waiter) = self.calls.removeValue(forKey: requestID) else { return .close }
        return .resumeAndClose(
            waiter,
            .failure(RPCError(code: .resourceExhausted, message: "response over the size limit"))
        )
    }

    /// A malformed frame, a request or cancel frame from the server, or a channel error.
    mutating func protocolViolated() -> CallAction {
        guard !self.isClosed else { return .none }
        return self.close()
    }

    /// The channel closed. Callers whose request left fail `UNAVAILABLE` (the server may have
    /// acted, so no retry); those whose request never left get ``ClientCallOutcome/notSent``.
    mutating func channelClosed() -> [(Waiter, ClientCallOutcome)] {
        self.isClosed = true
        var resumes: [(Waiter, ClientCallOutcome)] = []
        resumes.reserveCapacity(self.calls.count)
        for state in self.calls.values {
            switch state {
            case .sent(let waiter):
                resumes.append((waiter, .failure(RPCError(code: .unavailable, message: "the connection closed"))))
            case .registered(let waiter):
                resumes.append((waiter, .notSent))
            }
        }
        self.calls.removeAll()
        return resumes
    }

    private mutating func end(_ requestID: UInt32, _ outcome: ClientCallOutcome) -> CallAction {
        switch self.calls.removeValue(forKey: requestID) {
        case .sent(let waiter):
            return .resume(waiter, outcome, cancelTimer: true, sendCancel: !self.isClosed)
        case .registered(let waiter):
            // Never written: the loop's write finds nothing and skips it; the server never hears of it.
            return .resume(waiter, outcome, cancelTimer: false, sendCancel: false)
        case nil:
            return .none
        }
    }

    private mutating func close() -> CallAction {
        self.isClosed = true
        return .close
    }
}

// Equatable where the waiter is, for the tests' expectations.
extension ClientConnectionStateMachine.StartAction: Equatable where Waiter: Equatable {}
extension ClientConnectionStateMachine.WriteAction: Equatable where Waiter: Equatable {}
extension ClientConnectionStateMachine.CallAction: Equatable where Waiter: Equatable {}

extension ClientConnectionStateMachine {
    /// Moves the id counter, so that the tests can reach the wrap without 2^32 calls.
    mutating func skipRequestIDs(toLast requestID: UInt32) {
        self.lastRequestID = requestID
    }
}
