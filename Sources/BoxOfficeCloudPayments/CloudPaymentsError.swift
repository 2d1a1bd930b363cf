/// An error of the CloudPayments client or of notification handling.
///
/// `description` never contains the API secret, the `Authorization` header, card data,
/// cryptograms or tokens: messages are written by this module from fixed text and values
/// that are safe to log (HTTP status codes, field names, the provider's `Message`).
public struct CloudPaymentsError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case requestInvalid
            case notFound
            case unauthorized
            case rateLimited
            case outcomeUnknown
            case notSent
            case unavailable
            case malformedResponse
            case invalidAmount
            case unknownCurrency
            case invalidArgument
            case malformedNotification
            case signatureMissing
            case signatureInvalid
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The provider refused the request as invalid (`Success:false` with a `Message`, no
        /// `Model`); nothing happened. ``CloudPaymentsError/providerMessage`` holds its text.
        public static let requestInvalid = Code(.requestInvalid)
        /// A lookup found nothing (`{"Success":false,"Message":"Not found"}`).
        public static let notFound = Code(.notFound)
        /// HTTP 401: wrong Public ID or API secret. The request was not processed.
        public static let unauthorized = Code(.unauthorized)
        /// HTTP 429 after every retry the configuration allows. The request was not processed,
        /// so it is safe to send again later.
        public static let rateLimited = Code(.rateLimited)
        /// A mutating call whose result we do not know: timeout, an HTTP status other than 200,
        /// 401 and 429, the connection lost after the request was sent, or an answer we cannot
        /// read. The money may or may not have moved: settle it by asking the provider
        /// (`/v2/payments/find` by InvoiceId), never by sending the charge again.
        public static let outcomeUnknown = Code(.outcomeUnknown)
        /// The request never left this process (no connection could be made); safe to retry.
        public static let notSent = Code(.notSent)
        /// A read-only call failed (timeout, an HTTP status other than 200, the connection lost);
        /// it changed nothing and may be repeated.
        public static let unavailable = Code(.unavailable)
        /// A read-only call got an answer that is not the provider's envelope.
        public static let malformedResponse = Code(.malformedResponse)
        /// An amount that cannot be represented exactly in the currency's minor units: more
        /// decimals than the currency has, negative, exponent notation, or too large.
        public static let invalidAmount = Code(.invalidAmount)
        /// A currency missing from the table of minor-unit digits.
        public static let unknownCurrency = Code(.unknownCurrency)
        /// A caller-supplied argument is unusable (empty request id, JsonData that is not a
        /// JSON object, …); nothing was sent.
        public static let invalidArgument = Code(.invalidArgument)
        /// A notification body that is not the provider's form encoding or lacks a required field.
        public static let malformedNotification = Code(.malformedNotification)
        /// A notification without a `Content-HMAC` or `X-Content-HMAC` header.
        public static let signatureMissing = Code(.signatureMissing)
        /// A notification whose HMAC does not match its raw body.
        public static let signatureInvalid = Code(.signatureInvalid)

        public var description: String { self.value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, free of secrets, card data and tokens.
    public var message: String
    /// The provider's `Message` for ``Code/requestInvalid`` and ``Code/notFound``.
    public var providerMessage: String?
    /// The HTTP status of the answer, when there was one.
    public var httpStatus: Int?
    /// The error that caused this one (a transport error); not included in `description`
    /// because transport errors may echo request details.
    public var underlying: (any Error)?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error; `message` must not contain secrets, card data or tokens.
    public init(
        code: Code,
        message: String,
        providerMessage: String? = nil,
        httpStatus: Int? = nil,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.providerMessage = providerMessage
        self.httpStatus = httpStatus
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// True when the request certainly was not processed by the provider, so sending it again
    /// (with the same `X-Request-ID`) cannot move money twice.
    public var isSafeToRetry: Bool {
        self.code == .notSent || self.code == .rateLimited || self.code == .unavailable
    }

    public var description: String {
        var text = "CloudPaymentsError.\(self.code): \(self.message)"
        if let status = self.httpStatus { text += " (HTTP \(status))" }
        if let providerMessage = self.providerMessage { text += " — provider says: \(providerMessage)" }
        return text
    }
}
