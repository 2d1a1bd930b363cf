/// An error from the RabbitMQ wrapper.
///
/// `code` says what kind of failure it was and is what callers switch on; `message` is for people
/// and never contains a password (the URL's credentials never reach an error).
public struct RabbitMQError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invalidConfiguration
            case notConnected
            case connectionLost
            case unroutable
            case nacked
            case channelClosed
            case topology
            case staleDelivery
            case closed
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The configuration (for example the URL) is malformed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// No connection could be made to the broker (refused, timed out, login failed).
        public static let notConnected = Code(.notConnected)
        /// The connection was lost before the operation completed; a publish may or may not have
        /// reached the broker and must be retried (delivery is at-least-once).
        public static let connectionLost = Code(.connectionLost)
        /// A mandatory publish matched no queue and the broker returned it.
        public static let unroutable = Code(.unroutable)
        /// The broker refused responsibility for a published message (`basic.nack`).
        public static let nacked = Code(.nacked)
        /// The broker closed a channel because of an error in a request (for example a missing
        /// exchange or queue).
        public static let channelClosed = Code(.channelClosed)
        /// Declaring exchanges, queues or bindings failed.
        public static let topology = Code(.topology)
        /// A delivery was acknowledged on a connection other than the one it came from, or twice;
        /// the broker redelivers it.
        public static let staleDelivery = Code(.staleDelivery)
        /// The connection is not running: `run()` has ended or was never started and cannot be.
        public static let closed = Code(.closed)

        public var description: String { self.value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, for people; never contains credentials.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?
    /// Where the error was made.
    public var file: String
    /// Where the error was made.
    public var line: Int

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying {
            return "RabbitMQError(\(self.code)): \(self.message) (caused by \(underlying))"
        }
        return "RabbitMQError(\(self.code)): \(self.message)"
    }
}
