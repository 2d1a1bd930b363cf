/// When a key set with `SET` expires.
public enum RedisExpiration: Sendable, Hashable {
    /// After this many seconds (`EX`).
    case seconds(Int)
    /// After this many milliseconds (`PX`).
    case milliseconds(Int)
}
