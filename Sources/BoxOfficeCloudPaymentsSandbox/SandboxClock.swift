public import FoundationEssentials
import Synchronization

/// The sandbox's clock: the system time plus an offset that tests move forward, so that the
/// one-hour `X-Request-ID` window, card expiry and the seven-day auto-void can be crossed
/// without waiting.
public final class SandboxClock: Sendable {
    private let offsetSeconds = Mutex<Int64>(0)

    /// A clock at the system time.
    public init() {}

    /// The current time of the sandbox.
    public func now() -> Date {
        Date().addingTimeInterval(TimeInterval(offsetSeconds.withLock { $0 }))
    }

    /// Moves the clock forward (or back, for a negative value) by whole seconds.
    public func advance(seconds: Int64) {
        offsetSeconds.withLock { $0 += seconds }
    }
}
