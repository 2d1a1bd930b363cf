/// An error of the outbox or the inbox.
public struct MessagingError: Error, CustomStringConvertible {
    /// What went wrong, as a code callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidEvent
            case missingMessageID
            case unavailable
        }

        private let value: Value

        /// The event cannot be written: empty routing key, oversized payload.
        public static let invalidEvent = Code(value: .invalidEvent)
        /// A delivery without a message id cannot be deduplicated.
        public static let missingMessageID = Code(value: .missingMessageID)
        /// The database cannot be used now; the event was left unsettled.
        public static let unavailable = Code(value: .unavailable)

        public var description: String { self.value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
