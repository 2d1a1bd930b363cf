// One-command conveniences: each borrows a pooled connection for a single command. For several
// commands in a row, `withConnection` pays for one thread hop instead of one per command.
extension RedisClient {
    /// The value of `key`, or nil when it does not exist. See ``RedisConnection/get(_:)``.
    public func get(_ key: String) async throws -> [UInt8]? {
        try await self.withConnection { try await $0.get(key) }
    }

    /// Sets `key`. See ``RedisConnection/set(_:_:expiration:onlyIfAbsent:)``.
    public func set(
        _ key: String,
        _ value: [UInt8],
        expiration: RedisExpiration? = nil,
        onlyIfAbsent: Bool = false
    ) async throws -> Bool {
        try await self.withConnection {
            try await $0.set(key, value, expiration: expiration, onlyIfAbsent: onlyIfAbsent)
        }
    }

    /// Deletes `keys`. See ``RedisConnection/delete(_:)``.
    public func delete(_ keys: [String]) async throws -> Int {
        try await self.withConnection { try await $0.delete(keys) }
    }

    /// Increments `key`. See ``RedisConnection/increment(_:)``.
    public func increment(_ key: String) async throws -> Int64 {
        try await self.withConnection { try await $0.increment(key) }
    }

    /// Sets a time to live on `key`. See ``RedisConnection/expire(_:seconds:)``.
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await self.withConnection { try await $0.expire(key, seconds: seconds) }
    }

    /// The time to live of `key`. See ``RedisConnection/ttlMilliseconds(_:)``.
    public func ttlMilliseconds(_ key: String) async throws -> Int64? {
        try await self.withConnection { try await $0.ttlMilliseconds(key) }
    }

    /// The values of `keys`. See ``RedisConnection/mget(_:)``.
    public func mget(_ keys: [String]) async throws -> [[UInt8]?] {
        try await self.withConnection { try await $0.mget(keys) }
    }

    /// Sends `commands` as one pipeline. See ``RedisConnection/pipeline(_:)``.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        try await self.withConnection { try await $0.pipeline(commands) }
    }

    /// Runs any command. See ``RedisConnection/command(_:)-(RedisCommand)``.
    public func command(_ command: RedisCommand) async throws -> RedisReply {
        try await self.withConnection { try await $0.command(command) }
    }
}
