/// The outcome of a failed call: a status code from the gRPC canonical list, a message meant for
/// the caller, and optional details naming the offending fields.
///
/// `message` and `details` cross process boundaries and reach browsers through the gateway: they
/// must never contain secrets, card data, tokens or SQL. An unexpected error becomes
/// ``Code/internalError`` with a generic message (see ``init(unexpected:)``), and the original
/// error is kept in ``underlying`` for the server's log only: no transport sends it, and it takes
/// no part in equality or hashing.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A status code; the raw values are gRPC's, so logs and dashboards read the same.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The gRPC canonical number.
        public let rawValue: UInt8

        /// Returns nil for numbers outside the canonical list (1…16).
        public init?(rawValue: UInt8) {
            guard (1...16).contains(rawValue) else { return nil }
            self.rawValue = rawValue
        }

        private init(_ rawValue: UInt8) { self.rawValue = rawValue }

        /// The caller cancelled the call.
        public static let cancelled = Code(1)
        /// An error with no better code; prefer a specific one.
        public static let unknown = Code(2)
        /// The request is malformed or a field is invalid, whatever the system's state.
        public static let invalidArgument = Code(3)
        /// The deadline passed before the call completed.
        public static let deadlineExceeded = Code(4)
        /// The object does not exist, or the caller may not know it does.
        public static let notFound = Code(5)
        /// The object to create exists already.
        public static let alreadyExists = Code(6)
        /// The caller is known but may not do this.
        public static let permissionDenied = Code(7)
        /// A quota, rate limit or size limit was hit.
        public static let resourceExhausted = Code(8)
        /// The system is not in the state the call needs (e.g. refunding a failed payment).
        public static let failedPrecondition = Code(9)
        /// A concurrency conflict (e.g. an idempotent request still running); retry at a higher level.
        public static let aborted = Code(10)
        /// A value is outside its valid range (e.g. a page past the end).
        public static let outOfRange = Code(11)
        /// The server does not implement the method.
        public static let unimplemented = Code(12)
        /// A bug or broken invariant on the server; details are in its logs, never in the message.
        public static let internalError = Code(13)
        /// The service cannot answer now; retrying later may succeed.
        public static let unavailable = Code(14)
        /// Unrecoverable data loss or corruption.
        public static let dataLoss = Code(15)
        /// The caller has no valid credentials.
        public static let unauthenticated = Code(16)

        /// The upper-snake name used in JSON error bodies, e.g. `INVALID_ARGUMENT`.
        public var name: String {
            Self.names[Int(self.rawValue) - 1]
        }

        public var description: String { self.name }

        private static let names = [
            "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]

        /// Every code, in number order.
        public static let allCodes: [Code] = (1...16).map { Code(UInt8($0)) }
    }

    public var code: Code
    public var message: String
    /// Fields at fault, for `INVALID_ARGUMENT` and similar.
    public var details: [RPCErrorDetail]
    /// The error this one was made from, for the server's own log; never sent to a caller, and
    /// never part of ``description`` (it may hold internals such as hosts or SQL).
    public var underlying: (any Error)?

    /// An error with `code`, a `message` meant for the caller, and optional `details`.
    public init(code: Code, message: String, details: [RPCErrorDetail] = [], underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.underlying = underlying
    }

    /// Equal when code, message and details are: ``underlying`` stays out, since the caller never sees it.
    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.details == rhs.details
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
        hasher.combine(self.details)
    }

    /// The error a handler's unexpected failure becomes: `INTERNAL`, and nothing of the original
    /// error (which may hold internals) in the message; the original is kept in ``underlying`` so
    /// that the server can log it.
    public init(unexpected error: any Error) {
        if let error = error as? RPCError {
            self = error
        } else if let convertible = error as? any RPCErrorConvertible {
            self = convertible.rpcError
        } else if error is CancellationError {
            self.init(code: .cancelled, message: "the call was cancelled")
        } else {
            self.init(code: .internalError, message: "internal error", underlying: error)
        }
    }

    /// An `INVALID_ARGUMENT` error naming one field.
    public static func invalidArgument(field: String, reason: String) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "\(field): \(reason)",
            details: [RPCErrorDetail(field: field, reason: reason)]
        )
    }

    public var description: String { "\(self.code.name): \(self.message)" }
}

/// One field at fault: its JSON (lowerCamelCase) path, e.g. `payment.cardCryptogram`, and why.
public struct RPCErrorDetail: Hashable, Sendable {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// A domain error that knows its RPC status; handlers may throw these directly.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}
