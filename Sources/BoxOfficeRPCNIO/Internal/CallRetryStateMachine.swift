import BoxOfficeRPC

/// One call's attempts to reach the target, with no I/O: whether a call whose request never
/// left may try again, now or after the pool's backoff, or must fail `UNAVAILABLE`.
///
/// Only calls whose request never reached a server come here (the connection could not be made,
/// or closed before the write): a request that left is never retried, since the server may have
/// acted on it.
struct CallRetryStateMachine: Equatable {
    enum Decision: Equatable {
        /// Ask the pool again at once.
        case retryNow
        /// Sleep until this instant, then ask the pool again.
        case retryAt(ContinuousClock.Instant)
        /// Give up with this error.
        case fail(RPCError)
    }

    /// Attempts one call makes before failing.
    let attemptsMax: Int
    /// The call's deadline: a retry that could only start after it is pointless.
    let deadline: ContinuousClock.Instant
    /// `host:port`, for the error message.
    let target: String
    private(set) var failedAttempts = 0

    init(attemptsMax: Int, deadline: ContinuousClock.Instant, target: String) {
        precondition(attemptsMax > 0, "a call needs an attempt")
        self.attemptsMax = attemptsMax
        self.deadline = deadline
        self.target = target
    }

    /// An attempt failed before the request left; `retryAt` is the pool's backoff for the slot,
    /// if it has one.
    mutating func attemptFailed(retryAt: ContinuousClock.Instant?) -> Decision {
        self.failedAttempts += 1
        guard self.failedAttempts < self.attemptsMax else {
            return .fail(RPCError(code: .unavailable, message: "cannot reach \(self.target)"))
        }
        guard let retryAt else { return .retryNow }
        guard retryAt < self.deadline else {
            return .fail(RPCError(code: .unavailable, message: "cannot reach \(self.target) before the deadline"))
        }
        return .retryAt(retryAt)
    }
}
