/// An error from BoxOfficeRedis.
///
/// `description` never contains keys' values, command arguments or the password. A server's
/// error text can echo arguments (`unknown command …, with args beginning with: …`), so it is
/// kept in ``serverMessage`` and only its first word (`ERR`, `WRONGTYPE`) reaches `description`.
public struct RedisError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidConfiguration
            case connectFailed
            case timeout
            case connectionClosed
            case io
            case `protocol`
            case server
            case poolTimeout
            case shutdown
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The URL or a setting is not usable.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The server could not be reached or refused the connection, AUTH or SELECT.
        public static let connectFailed = Code(.connectFailed)
        /// The server did not answer within the command timeout.
        public static let timeout = Code(.timeout)
        /// The server closed the connection.
        public static let connectionClosed = Code(.connectionClosed)
        /// A socket error other than a timeout.
        public static let io = Code(.io)
        /// The server's answer could not be parsed or had an unexpected type.
        public static let `protocol` = Code(.protocol)
        /// The server answered with an error reply.
        public static let server = Code(.server)
        /// No pooled connection became free within the acquire timeout.
        public static let poolTimeout = Code(.poolTimeout)
        /// The client has been shut down.
        public static let shutdown = Code(.shutdown)

        public var description: String { String(describing: self.value) }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, free of values and secrets.
    public var message: String
    /// The server's error reply in full, for `.server`; may echo command arguments, so it is
    /// not part of `description`.
    public var serverMessage: String?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error; `message` must not contain values or secrets.
    public init(
        code: Code,
        message: String,
        serverMessage: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.serverMessage = serverMessage
        self.file = file
        self.line = line
    }

    public var description: String {
        guard let serverMessage else { return "RedisError.\(self.code): \(self.message)" }
        let kind = serverMessage.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        return "RedisError.\(self.code): \(self.message) (\(kind))"
    }
}
