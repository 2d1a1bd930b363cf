import Synchronization

/// Per-key request rate limiting for the gateway (GCRA: one "theoretical arrival time" per key,
/// integer nanoseconds, no floating point).
///
/// State is in memory, per gateway instance: N instances behind a balancer allow N times the
/// limit, which is what a per-instance first line of defence is for. The table is bounded by
/// `keysMax`: when full, keys whose bucket has refilled (indistinguishable from absent ones) are
/// dropped; if every key is still active, the new key is limited as if it had used its burst,
/// so a flood of distinct addresses cannot grow memory or get through unlimited.
final class RateLimiter: Sendable {
    /// What ``admit(_:now:)`` decided.
    enum Decision: Equatable {
        case allowed
        /// Refused; the key may try again after this many nanoseconds.
        case refused(retryAfterNanoseconds: Int64)
    }

    let limit: RateLimit
    let keysMax: Int
    /// Nanoseconds between two requests at the sustained rate.
    private let emissionIntervalNanoseconds: Int64
    /// How far ahead of now a key's arrival time may run: the burst.
    private let toleranceNanoseconds: Int64
    private let arrivals: Mutex<[String: Int64]>

    init(limit: RateLimit, keysMax: Int) {
        precondition(limit.isOn, "a limiter needs a limit that is on")
        precondition(limit.burst >= 1 && keysMax >= 1)
        self.limit = limit
        self.keysMax = keysMax
        self.emissionIntervalNanoseconds = max(1, 1_000_000_000 / Int64(limit.requestsPerSecond))
        self.toleranceNanoseconds = self.emissionIntervalNanoseconds * Int64(limit.burst)
        self.arrivals = Mutex([:])
    }

    /// Counts one request of `key` at `now` (nanoseconds on a monotonic clock).
    func admit(_ key: String, now: Int64) -> Decision {
        self.arrivals.withLock { arrivals in
            var arrival = arrivals[key]
            if arrival == nil, arrivals.count >= self.keysMax {
                arrivals = arrivals.filter { $0.value > now }
                if arrivals.count >= self.keysMax {
                    // Still full of active keys: treat the newcomer as having used its burst.
                    arrival = now + self.toleranceNanoseconds
                }
            }
            let next = max(arrival ?? now, now) + self.emissionIntervalNanoseconds
            let ahead = next - now
            if ahead > self.toleranceNanoseconds {
                return .refused(retryAfterNanoseconds: ahead - self.toleranceNanoseconds)
            }
            if arrivals.count < self.keysMax || arrivals[key] != nil {
                arrivals[key] = next
            }
            return .allowed
        }
    }

    /// The number of keys tracked (for tests).
    var keyCount: Int { self.arrivals.withLock { $0.count } }

    private static let clockOrigin = ContinuousClock.now

    /// Nanoseconds on the monotonic clock since the first use.
    static func nowNanoseconds() -> Int64 {
        let elapsed = (ContinuousClock.now - Self.clockOrigin).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }

    /// `Retry-After` seconds for a refusal: rounded up, at least 1.
    static func retryAfterSeconds(_ nanoseconds: Int64) -> Int64 {
        max(1, (nanoseconds + 999_999_999) / 1_000_000_000)
    }
}
