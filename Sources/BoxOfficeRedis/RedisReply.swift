/// One reply of the Redis protocol (RESP2).
public enum RedisReply: Sendable, Hashable {
    /// A bulk string.
    case string([UInt8])
    /// A simple status such as `OK`.
    case status(String)
    /// An integer.
    case integer(Int64)
    /// An array (MGET, pipelined EXEC, …).
    case array([RedisReply])
    /// The null bulk string or null array.
    case null
    /// An error reply; it may echo command arguments, so treat it like data.
    case error(String)
}
