import BoxOfficeThreads
import CHiredis
import Synchronization

/// One connection to Redis, borrowed from a ``RedisClient`` with
/// ``RedisClient/withConnection(_:)``.
///
/// hiredis blocks its caller, so every call runs on the connection's own ``DedicatedThread``.
/// Inside `withConnection` the whole scope already runs there, so a command costs no thread
/// hop. Each call is one job on that thread, so calls from several tasks never interleave on
/// the wire. A call that fails with a timeout or an I/O error leaves the connection closed; the
/// pool then replaces it.
public final class RedisConnection: @unchecked Sendable {
    /// The most commands one ``pipeline(_:)`` may hold: the replies are all kept in memory.
    public static let pipelineCommandCountMax = 10_000

    /// The thread that all of this connection's blocking calls run on.
    let thread: DedicatedThread

    // Touched only on `thread`.
    private let context: HiredisContext
    private let failed = Atomic<Bool>(false)

    init(thread: DedicatedThread, context: HiredisContext) {
        self.thread = thread
        self.context = context
    }

    /// True once a call failed in a way that leaves the connection unusable.
    var hasFailed: Bool { self.failed.load(ordering: .relaxed) }

    /// Runs `body` against the context on the connection's thread, recording a failure that
    /// leaves the context unusable.
    private func perform<Result>(_ body: (HiredisContext) throws(RedisError) -> Result) async throws -> Result {
        try await self.thread.run { () throws(RedisError) -> Result in
            defer { if self.context.hasFailed { self.failed.store(true, ordering: .relaxed) } }
            return try body(self.context)
        }
    }

    /// Frees the hiredis context on the connection's thread.
    func close() async {
        await self.thread.run { self.context.close() }
    }

    /// The value of `key`, or nil when it does not exist.
    ///
    /// - Throws: ``RedisError`` (`.server` when the key holds a non-string value).
    public func get(_ key: String) async throws -> [UInt8]? {
        try await self.perform { context throws(RedisError) in
            try context.command {
                $0.append("GET")
                $0.append(key)
            } read: { reply throws(RedisError) in
                switch reply.pointee.type {
                case REDIS_REPLY_STRING: return RedisReply.bytes(reply.pointee)
                case REDIS_REPLY_NIL: return nil
                case REDIS_REPLY_ERROR: throw RedisError.server(reply, command: "GET")
                default: throw RedisError.unexpected(reply, command: "GET")
                }
            }
        }
    }

    /// Sets `key` to `value`, with an expiration (`EX`/`PX`) and only when absent (`NX`) if asked.
    ///
    /// - Returns: false when `onlyIfAbsent` is set and the key existed (nothing was written).
    public func set(
        _ key: String,
        _ value: [UInt8],
        expiration: RedisExpiration? = nil,
        onlyIfAbsent: Bool = false
    ) async throws -> Bool {
        try await self.perform { context throws(RedisError) in
            try context.command {
                $0.append("SET")
                $0.append(key)
                $0.append(value)
                switch expiration {
                case .seconds(let seconds):
                    $0.append("EX")
                    $0.append(seconds)
                case .milliseconds(let milliseconds):
                    $0.append("PX")
                    $0.append(milliseconds)
                case nil:
                    break
                }
                if onlyIfAbsent { $0.append("NX") }
            } read: { reply throws(RedisError) in
                switch reply.pointee.type {
                case REDIS_REPLY_STATUS: return true
                case REDIS_REPLY_NIL: return false
                case REDIS_REPLY_ERROR: throw RedisError.server(reply, command: "SET")
                default: throw RedisError.unexpected(reply, command: "SET")
                }
            }
        }
    }

    /// Deletes `keys`; returns how many existed.
    public func delete(_ keys: [String]) async throws -> Int {
        if keys.isEmpty { return 0 }
        return try await Int(self.integerCommand("DEL", keys))
    }

    /// Increments the integer at `key` (missing counts as 0) and returns the new value.
    ///
    /// - Throws: ``RedisError`` `.server` when the value is not an integer.
    public func increment(_ key: String) async throws -> Int64 {
        try await self.integerCommand("INCR", [key])
    }

    /// Sets `key` to expire in `seconds`; returns false when the key does not exist.
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await self.perform { context throws(RedisError) in
            try context.command {
                $0.append("EXPIRE")
                $0.append(key)
                $0.append(seconds)
            } read: { reply throws(RedisError) in
                try Self.integer(reply, command: "EXPIRE") == 1
            }
        }
    }

    /// The time to live of `key` in milliseconds, or nil when the key does not exist or has no
    /// expiration.
    public func ttlMilliseconds(_ key: String) async throws -> Int64? {
        let milliseconds = try await self.integerCommand("PTTL", [key])
        // PTTL answers -2 for a missing key and -1 for a key without expiration.
        return milliseconds >= 0 ? milliseconds : nil
    }

    /// The values of `keys` in order, nil where a key does not exist or holds a non-string.
    public func mget(_ keys: [String]) async throws -> [[UInt8]?] {
        if keys.isEmpty { return [] }
        return try await self.perform { context throws(RedisError) in
            try context.command {
                $0.append("MGET")
                for key in keys { $0.append(key) }
            } read: { reply throws(RedisError) in
                switch reply.pointee.type {
                case REDIS_REPLY_ARRAY:
                    let array = reply.pointee
                    var values: [[UInt8]?] = []
                    values.reserveCapacity(array.elements)
                    for index in 0..<array.elements {
                        let element = array.element[index]!.pointee
                        values.append(element.type == REDIS_REPLY_STRING ? RedisReply.bytes(element) : nil)
                    }
                    return values
                case REDIS_REPLY_ERROR: throw RedisError.server(reply, command: "MGET")
                default: throw RedisError.unexpected(reply, command: "MGET")
                }
            }
        }
    }

    /// Sends all `commands` before reading any reply, and returns the replies in order. At most
    /// ``pipelineCommandCountMax`` commands; split longer batches.
    ///
    /// A command the server rejects gives a ``RedisReply/error(_:)`` in its place; the others
    /// still run.
    ///
    /// - Throws: ``RedisError`` for I/O errors and timeouts (the connection is then closed).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        if commands.isEmpty { return [] }
        precondition(commands.count <= Self.pipelineCommandCountMax, "pipeline of \(commands.count) commands")
        return try await self.perform { context throws(RedisError) in try context.pipeline(commands) }
    }

    /// Runs any command given as words, e.g. `["HSET", key, field, value]`.
    ///
    /// - Returns: the reply, including ``RedisReply/error(_:)`` when the server rejects it.
    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await self.command(RedisCommand(strings: arguments))
    }

    /// Runs any command given as binary arguments.
    public func command(_ arguments: [[UInt8]]) async throws -> RedisReply {
        try await self.command(RedisCommand(arguments: arguments))
    }

    /// Runs a prepared command.
    public func command(_ command: RedisCommand) async throws -> RedisReply {
        precondition(!command.lengths.isEmpty, "a command needs at least its name")
        return try await self.perform { context throws(RedisError) in
            try context.command {
                $0.appendArguments(of: command)
            } read: {
                RedisReply($0)
            }
        }
    }

    private func integerCommand(_ name: StaticString, _ keys: [String]) async throws -> Int64 {
        try await self.perform { context throws(RedisError) in
            try context.command {
                $0.append(name)
                for key in keys { $0.append(key) }
            } read: { reply throws(RedisError) in
                try Self.integer(reply, command: name)
            }
        }
    }

    private static func integer(_ reply: UnsafePointer<redisReply>, command: StaticString) throws(RedisError) -> Int64 {
        switch reply.pointee.type {
        case REDIS_REPLY_INTEGER: return Int64(reply.pointee.integer)
        case REDIS_REPLY_ERROR: throw RedisError.server(reply, command: command)
        default: throw RedisError.unexpected(reply, command: command)
        }
    }
}
