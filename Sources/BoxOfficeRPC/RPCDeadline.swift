/// The deadline of the call being served, carried to every call its handler makes.
///
/// While a handler runs, ``current`` holds its call's deadline (the router sets it, whatever the
/// transport), and every transport gives an outgoing call the sooner of its own timeout and
/// ``current``: a downstream call never outlives the call it serves, without handlers passing
/// the remaining time by hand. A call made after ``current`` has passed fails
/// `DEADLINE_EXCEEDED` at once, without being sent.
public enum RPCDeadline {
    /// The served call's deadline; nil outside handlers and for calls served without one.
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// The deadline of a call starting at `now` with `timeout`: `now + timeout`, or ``current``
    /// when that is sooner. Transports call this; a result not after `now` means the call must
    /// fail `DEADLINE_EXCEEDED` without being sent.
    public static func forCall(
        timeout: Duration,
        now: ContinuousClock.Instant = ContinuousClock.now
    ) -> ContinuousClock.Instant {
        let own = now + timeout
        guard let served = Self.current else { return own }
        return min(own, served)
    }

    /// The error of a call whose deadline passed before it could be sent.
    public static let exceeded = RPCError(code: .deadlineExceeded, message: "deadline exceeded")
}
