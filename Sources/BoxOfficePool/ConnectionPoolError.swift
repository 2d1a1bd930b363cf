/// An error from ``ConnectionPool``: no connection became free in time, or the pool is shut down.
///
/// The wrappers that own a pool map it to their own error type, so their callers see one error
/// type per module. `description` holds no connection details, only the limit that was hit.
public struct ConnectionPoolError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can match on. New codes may be added without
    /// breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case timeout, shutDown
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No connection became free within the pool's acquire timeout.
        public static let timeout = Code(.timeout)
        /// The pool was shut down.
        public static let shutDown = Code(.shutDown)

        public var description: String { self.base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error.
    public init(code: Code, message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "ConnectionPoolError.\(self.code): \(self.message)" }
}
