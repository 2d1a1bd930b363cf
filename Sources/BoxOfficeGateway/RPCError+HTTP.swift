public import BoxOfficeRPC

extension RPCError.Code {
    /// The HTTP status the gateway answers for this code (API.md's map).
    ///
    /// `CANCELLED` is 503: the gateway cancels a call only when it gives up on it itself (client
    /// gone, shutdown), and 499 is no registered status that clients or OpenAPI know. Codes that
    /// mean a server fault (`UNKNOWN`, `INTERNAL`, `DATA_LOSS`) are 500.
    public var httpStatus: Int {
        switch self {
        case .invalidArgument, .outOfRange: return 400
        case .unauthenticated: return 401
        case .permissionDenied: return 403
        case .notFound: return 404
        case .alreadyExists, .aborted: return 409
        case .failedPrecondition: return 422
        case .resourceExhausted: return 429
        case .unimplemented: return 501
        case .unavailable, .cancelled: return 503
        case .deadlineExceeded: return 504
        default: return 500
        }
    }

    /// True for codes whose message the caller wrote for its caller (client errors); the
    /// gateway replaces the message of the others, which may name hosts or internals.
    var messageIsForClients: Bool {
        self.httpStatus < 500
    }
}
