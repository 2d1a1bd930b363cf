import CHiredis

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Owns one blocking hiredis connection. Every method must run on the connection's thread.
///
/// hiredis 0.14 leaves a context unusable after any error (`err` stays set), so the first
/// failure marks the context failed and the pool replaces it.
final class HiredisContext {
    private var context: UnsafeMutablePointer<redisContext>?
    private let encoder = CommandEncoder()
    private let endpoint: String

    /// True once an I/O, protocol or timeout error occurred; the context must then be freed.
    private(set) var hasFailed = false

    private init(context: UnsafeMutablePointer<redisContext>, endpoint: String) {
        self.context = context
        self.endpoint = endpoint
    }

    deinit { self.close() }

    /// Connects, sets the command timeout, authenticates and selects the database.
    static func connect(_ configuration: RedisConfiguration) throws(RedisError) -> HiredisContext {
        let endpoint = "\(configuration.host):\(configuration.port)"
        // A write to a socket the server closed raises SIGPIPE, which would end the process;
        // blocking it on this thread (the connection's own) turns it into an EPIPE error
        // without changing the signal disposition of the whole process.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        guard
            let raw = redisConnectWithTimeout(
                configuration.host,
                Int32(configuration.port),
                timeval(configuration.connectTimeout)
            )
        else {
            throw RedisError(code: .connectFailed, message: "cannot allocate a hiredis context for \(endpoint)")
        }
        if raw.pointee.err != 0 {
            let reason = Self.errorString(raw)
            redisFree(raw)
            throw RedisError(code: .connectFailed, message: "cannot connect to \(endpoint): \(reason)")
        }
        let context = HiredisContext(context: raw, endpoint: endpoint)
        // AUTH and SELECT are part of connecting, so they get the connect timeout.
        guard redisSetTimeout(raw, timeval(configuration.connectTimeout)) == 0 else {
            throw RedisError(code: .connectFailed, message: "cannot set the socket timeout for \(endpoint)")
        }
        do {
            if let password = configuration.password {
                try context.command {
                    $0.append("AUTH")
                    if let username = configuration.username { $0.append(username) }
                    $0.append(password)
                } read: { reply throws(RedisError) in
                    try Self.expectOK(reply, command: "AUTH")
                }
            }
            if configuration.database != 0 {
                try context.command {
                    $0.append("SELECT")
                    $0.append(configuration.database)
                } read: { reply throws(RedisError) in
                    try Self.expectOK(reply, command: "SELECT")
                }
            }
        } catch {
            throw RedisError(
                code: error.code == .timeout ? .timeout : .connectFailed,
                message: "cannot set up the connection to \(endpoint): \(error.message)",
                serverMessage: error.serverMessage
            )
        }
        guard redisSetTimeout(raw, timeval(configuration.commandTimeout)) == 0 else {
            throw RedisError(code: .connectFailed, message: "cannot set the socket timeout for \(endpoint)")
        }
        return context
    }

    /// Frees the context; later calls fail with `.connectionClosed`.
    func close() {
        if let context = self.context { redisFree(context) }
        self.context = nil
    }

    /// Sends the command that `build` writes into the encoder, waits for its reply and hands it
    /// to `read`, which must not keep the pointer.
    func command<Result>(
        _ build: (CommandEncoder) -> Void,
        read: (UnsafePointer<redisReply>) throws(RedisError) -> Result
    ) throws(RedisError) -> Result {
        let context = try self.usableContext()
        self.encoder.reset()
        build(self.encoder)
        self.encoder.finishCommand()
        try self.append(context)
        let reply = try self.nextReply(context)
        defer { freeReplyObject(reply) }
        return try read(reply)
    }

    /// Sends every command in one write, then reads every reply in order: one round trip for
    /// the batch instead of one per command.
    func pipeline(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        let context = try self.usableContext()
        self.encoder.reset()
        for command in commands { self.encoder.encode(command) }
        try self.append(context)
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands.indices {
            let reply = try self.nextReply(context)
            defer { freeReplyObject(reply) }
            replies.append(RedisReply(reply))
        }
        return replies
    }

    /// Queues the encoder's output in hiredis's write buffer; it is written by the next read.
    private func append(_ context: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        let result = self.encoder.output.withUnsafeBufferPointer { output in
            output.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(context, $0.baseAddress, $0.count) }
        }
        guard result == REDIS_OK else { throw self.failure(context, errorNumber: errno) }
    }

    /// Writes what is pending, then blocks (up to the command timeout) for the next reply.
    private func nextReply(
        _ context: UnsafeMutablePointer<redisContext>
    ) throws(RedisError) -> UnsafeMutablePointer<
        redisReply
    > {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            throw self.failure(context, errorNumber: errno)
        }
        return raw.assumingMemoryBound(to: redisReply.self)
    }

    private func usableContext() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context = self.context, !self.hasFailed else {
            throw RedisError(code: .connectionClosed, message: "the connection to \(self.endpoint) is closed")
        }
        return context
    }

    private func failure(_ context: UnsafeMutablePointer<redisContext>, errorNumber: Int32) -> RedisError {
        self.hasFailed = true
        let reason = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where errorNumber == EAGAIN || errorNumber == EWOULDBLOCK:
            // SO_RCVTIMEO/SO_SNDTIMEO expired: the server is stalled or the network is gone.
            return RedisError(code: .timeout, message: "no reply from \(self.endpoint) within the command timeout")
        case REDIS_ERR_EOF:
            return RedisError(code: .connectionClosed, message: "\(self.endpoint) closed the connection")
        case REDIS_ERR_PROTOCOL:
            return RedisError(code: .protocol, message: "protocol error from \(self.endpoint): \(reason)")
        default:
            return RedisError(code: .io, message: "I/O error on \(self.endpoint): \(reason)")
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func expectOK(_ reply: UnsafePointer<redisReply>, command: StaticString) throws(RedisError) {
        switch reply.pointee.type {
        case REDIS_REPLY_STATUS:
            return
        case REDIS_REPLY_ERROR:
            throw RedisError.server(reply, command: command)
        default:
            throw RedisError.unexpected(reply, command: command)
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(max(seconds, 0)), tv_usec: Int(max(attoseconds, 0) / 1_000_000_000_000))
        // A zero timeval means "no timeout" to the kernel; the smallest positive one keeps the
        // promise of never waiting forever.
        if self.tv_sec == 0 && self.tv_usec == 0 { self.tv_usec = 1 }
    }
}
