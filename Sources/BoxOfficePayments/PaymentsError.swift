public import BoxOfficeRPC

/// An error of PaymentService's domain: a refused request, a state that does not allow the call,
/// an idempotency conflict.
///
/// `message` is meant for the caller: it never contains tokens, card data, SQL or its parameters.
public struct PaymentsError: Error, CustomStringConvertible, RPCErrorConvertible, Sendable {
    /// What went wrong, as a value callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invalidArgument
            case notFound
            case failedPrecondition
            case idempotencyInProgress
            case idempotencyMismatch
            case illegalTransition
            case providerUnavailable
            case permissionDenied
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A field of the request is invalid (``PaymentsError/field`` names it); nothing was written.
        public static let invalidArgument = Code(.invalidArgument)
        /// The payment, method or 3-D Secure transaction does not exist (or is another user's).
        public static let notFound = Code(.notFound)
        /// The payment's state does not allow the call (refunding a failed payment, over-refunding).
        public static let failedPrecondition = Code(.failedPrecondition)
        /// A request with the same idempotency key is still running (HTTP 409).
        public static let idempotencyInProgress = Code(.idempotencyInProgress)
        /// The idempotency key was used before with a different request (HTTP 422).
        public static let idempotencyMismatch = Code(.idempotencyMismatch)
        /// The payment state machine refused a transition; a bug or a provider answer out of order.
        public static let illegalTransition = Code(.illegalTransition)
        /// The provider could not be reached; nothing happened and the call may be retried.
        public static let providerUnavailable = Code(.providerUnavailable)
        /// The caller may not do this.
        public static let permissionDenied = Code(.permissionDenied)

        public var description: String { self.value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// For people and for the caller; free of secrets.
    public var message: String
    /// The request field at fault (lowerCamelCase JSON path), for ``Code/invalidArgument`` and
    /// for preconditions about one field (`amountMinor`).
    public var field: String?
    /// The error that caused this one; kept for the server's log, never sent.
    public var underlying: (any Error)?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error; `message` must hold no secrets, tokens or card data.
    public init(
        code: Code,
        message: String,
        field: String? = nil,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// An ``Code/invalidArgument`` error naming `field`.
    public static func invalid(_ field: String, _ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        PaymentsError(code: .invalidArgument, message: "\(field): \(reason)", field: field, file: file, line: line)
    }

    /// The RPC status: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ABORTED (409 in
    /// progress), FAILED_PRECONDITION (422 mismatch), UNAVAILABLE, PERMISSION_DENIED, INTERNAL.
    public var rpcError: RPCError {
        let details = self.field.map { [RPCErrorDetail(field: $0, reason: self.message)] } ?? []
        switch self.code {
        case .invalidArgument: return RPCError(code: .invalidArgument, message: self.message, details: details)
        case .notFound: return RPCError(code: .notFound, message: self.message)
        case .failedPrecondition, .idempotencyMismatch:
            return RPCError(code: .failedPrecondition, message: self.message, details: details)
        case .idempotencyInProgress: return RPCError(code: .aborted, message: self.message)
        case .providerUnavailable: return RPCError(code: .unavailable, message: self.message)
        case .permissionDenied: return RPCError(code: .permissionDenied, message: self.message)
        default: return RPCError(code: .internalError, message: "internal error", underlying: self)
        }
    }

    public var description: String {
        "PaymentsError.\(self.code): \(self.message)"
    }
}
