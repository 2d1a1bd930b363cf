/// A request-rate limit: a sustained rate and a burst, enforced per key (a client address or an
/// authenticated caller) by ``Gateway``. Requests over it are answered 429 with `Retry-After`.
///
/// The limit is a generic cell rate algorithm over integer nanoseconds: a key may send `burst`
/// requests at once, then one every `1 / requestsPerSecond` seconds.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests per second a key may sustain; 0 turns the limit off.
    public var requestsPerSecond: Int
    /// Requests a key may send at once after being idle; at least 1 when the limit is on.
    public var burst: Int

    /// A limit of `requestsPerSecond` sustained with bursts of `burst`.
    public init(requestsPerSecond: Int, burst: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    /// No limit.
    public static let off = RateLimit(requestsPerSecond: 0, burst: 0)

    /// Whether requests are limited at all.
    public var isOn: Bool { self.requestsPerSecond > 0 }

    public var description: String {
        self.isOn ? "\(self.requestsPerSecond)/s, burst \(self.burst)" : "off"
    }
}
