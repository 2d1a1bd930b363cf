/// An error from the Postgres wrapper: a server error, a connection failure, a pool limit, a
/// decoding mismatch or a refused migration.
///
/// Server errors carry the SQLSTATE, the server's primary message, the constraint name and the
/// detail line. ``description`` is safe to log: it never contains parameter values (they are
/// always bound, never part of the SQL text) nor the server's `DETAIL` line, which can quote row
/// values such as `Key (email)=(…) already exists`. ``debugDescription`` has everything.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case server, connectionFailed, connectionClosed, poolTimeout, clientShutdown
            case typeMismatch, unexpectedNull, columnNotFound, commitFailed, connectionMisuse
            case migrationInvalid, migrationChecksumMismatch, invalidConfiguration
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server answered the statement with an error; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// A connection could not be opened (server down, wrong password, connect timeout).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while in use; it is discarded and the pool opens a new one.
        public static let connectionClosed = Code(.connectionClosed)
        /// No connection became free within the pool's acquire timeout.
        public static let poolTimeout = Code(.poolTimeout)
        /// The client was shut down.
        public static let clientShutdown = Code(.clientShutdown)
        /// A column's Postgres type cannot be decoded as the requested Swift type.
        public static let typeMismatch = Code(.typeMismatch)
        /// A column is NULL but a non-optional type was requested.
        public static let unexpectedNull = Code(.unexpectedNull)
        /// The row has no column of that name or index.
        public static let columnNotFound = Code(.columnNotFound)
        /// `COMMIT` did not commit: the transaction had failed and the server rolled it back.
        public static let commitFailed = Code(.commitFailed)
        /// A connection was used outside the scope that handed it out.
        public static let connectionMisuse = Code(.connectionMisuse)
        /// A migration folder or set is malformed (bad file name, duplicate or missing version).
        public static let migrationInvalid = Code(.migrationInvalid)
        /// A migration that was already applied has been edited since.
        public static let migrationChecksumMismatch = Code(.migrationChecksumMismatch)
        /// A connection URL or setting is invalid.
        public static let invalidConfiguration = Code(.invalidConfiguration)

        public var description: String { self.base.rawValue }
    }

    /// Well-known SQLSTATE values.
    public enum SQLState {
        public static let uniqueViolation = "23505"
        public static let foreignKeyViolation = "23503"
        public static let serializationFailure = "40001"
        public static let deadlockDetected = "40P01"
        public static let lockNotAvailable = "55P03"
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, in words that never include parameter values.
    public var message: String
    /// The five-character SQLSTATE the server reported (e.g. `23505`), for ``Code/server`` errors.
    public var sqlState: String?
    /// The server's primary message. It may quote a value for data exceptions (class 22) and
    /// raised exceptions (class P0); ``description`` leaves it out for those classes.
    public var serverMessage: String?
    /// The constraint the statement violated, when the server names one.
    public var constraintName: String?
    /// The server's detail line; may contain row values, so only ``debugDescription`` shows it.
    public var detail: String?
    /// The column a decoding error is about.
    public var column: String?
    /// For pipelines: the position of the failing query in the batch.
    public var queryIndex: Int?
    /// The error that caused this one, if any.
    public var underlying: (any Error)?
    /// Where the error was raised.
    public var file: String
    public var line: Int

    /// Creates an error; `message` must not contain parameter values or secrets.
    public init(
        code: Code,
        message: String,
        sqlState: String? = nil,
        serverMessage: String? = nil,
        constraintName: String? = nil,
        detail: String? = nil,
        column: String? = nil,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.constraintName = constraintName
        self.detail = detail
        self.column = column
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// True for the SQLSTATEs after which retrying the whole transaction can succeed:
    /// serialization failure (40001) and deadlock (40P01).
    public var isTransactionRetryable: Bool {
        self.sqlState == SQLState.serializationFailure || self.sqlState == SQLState.deadlockDetected
    }

    public var description: String {
        var text = "PostgresError(\(self.code)"
        if let sqlState = self.sqlState { text += ", sqlState: \(sqlState)" }
        text += ": \(self.message)"
        if let serverMessage = self.serverMessage, self.sqlState.map(Self.messageMayQuoteValues) == false {
            text += ": \(serverMessage)"
        }
        if let constraintName = self.constraintName { text += ", constraint: \(constraintName)" }
        if let column = self.column { text += ", column: \(column)" }
        if let queryIndex = self.queryIndex { text += ", query: \(queryIndex)" }
        return text + ")"
    }

    public var debugDescription: String {
        var text = self.description
        if let serverMessage = self.serverMessage { text += " server message: \(serverMessage)" }
        if let detail = self.detail { text += " detail: \(detail)" }
        if let underlying = self.underlying { text += " underlying: \(String(reflecting: underlying))" }
        return text + " at \(self.file):\(self.line)"
    }

    // Data exceptions ("invalid input syntax for type integer: "…"") and RAISE messages can
    // carry values; every other class names only objects of the schema.
    private static func messageMayQuoteValues(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("22") || sqlState.hasPrefix("P0")
    }
}
