/// Where and as whom the client talks to CloudPayments, and its limits.
public struct CloudPaymentsConfiguration: Sendable, CustomStringConvertible {
    /// The provider's production API.
    public static let productionBaseURL = "https://api.cloudpayments.ru"
    /// The provider allows 5 requests in flight for test terminals (30 for live); above that
    /// it answers 429.
    public static let concurrentRequestsMaxDefault = 5
    /// The provider may take up to 5 minutes to answer. We give up earlier: a mutating call that
    /// times out is UNKNOWN and settled by `/v2/payments/find`, never charged again, so a
    /// shorter wait costs nothing but a reconciliation.
    public static let requestTimeoutMillisecondsDefault: Int64 = 60_000
    /// How long connecting to the provider may take, retries included, before a call fails
    /// ``CloudPaymentsError/Code/notSent``: an unreachable provider is known after this, not
    /// after the whole request timeout. Applies to the HTTP client ``CloudPaymentsClient/makeHTTPClient(_:)``
    /// makes.
    public static let connectTimeoutMillisecondsDefault: Int64 = 5_000
    /// How often a 429 is retried before ``CloudPaymentsError/Code/rateLimited`` is thrown.
    public static let rateLimitRetriesMaxDefault = 5
    /// The first wait after a 429; doubled for every further 429 of the same call.
    public static let rateLimitDelayMillisecondsDefault: Int64 = 200
    /// Largest answer read; a `/v2/payments/list` page of 100 transactions is far smaller.
    public static let responseBytesMaxDefault = 8 * 1024 * 1024

    /// The API root, without a trailing slash (`https://api.cloudpayments.ru`, or the sandbox).
    public var baseURL: String
    /// The terminal's Public ID (the Basic auth user).
    public var publicID: String
    /// The API secret (the Basic auth password).
    public var apiSecret: CloudPaymentsSecret
    /// The timeout of a call that does not pass its own.
    public var requestTimeoutMilliseconds: Int64
    /// Requests this client keeps in flight at most; more wait their turn locally.
    public var concurrentRequestsMax: Int
    /// See ``rateLimitRetriesMaxDefault``.
    public var rateLimitRetriesMax: Int
    /// See ``rateLimitDelayMillisecondsDefault``.
    public var rateLimitDelayMilliseconds: Int64
    /// See ``responseBytesMaxDefault``.
    public var responseBytesMax: Int
    /// See ``connectTimeoutMillisecondsDefault``.
    public var connectTimeoutMilliseconds: Int64

    /// A configuration with the defaults above.
    public init(
        baseURL: String = Self.productionBaseURL,
        publicID: String,
        apiSecret: CloudPaymentsSecret,
        requestTimeoutMilliseconds: Int64 = Self.requestTimeoutMillisecondsDefault,
        concurrentRequestsMax: Int = Self.concurrentRequestsMaxDefault,
        rateLimitRetriesMax: Int = Self.rateLimitRetriesMaxDefault,
        rateLimitDelayMilliseconds: Int64 = Self.rateLimitDelayMillisecondsDefault,
        responseBytesMax: Int = Self.responseBytesMaxDefault,
        connectTimeoutMilliseconds: Int64 = Self.connectTimeoutMillisecondsDefault
    ) {
        precondition(concurrentRequestsMax > 0, "concurrentRequestsMax must be positive")
        precondition(requestTimeoutMilliseconds > 0, "requestTimeoutMilliseconds must be positive")
        precondition(connectTimeoutMilliseconds > 0, "connectTimeoutMilliseconds must be positive")
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.publicID = publicID
        self.apiSecret = apiSecret
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.concurrentRequestsMax = concurrentRequestsMax
        self.rateLimitRetriesMax = rateLimitRetriesMax
        self.rateLimitDelayMilliseconds = rateLimitDelayMilliseconds
        self.responseBytesMax = responseBytesMax
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }

    public var description: String {
        "CloudPaymentsConfiguration(baseURL: \(self.baseURL), publicID: \(self.publicID), apiSecret: <redacted>, "
            + "requestTimeoutMilliseconds: \(self.requestTimeoutMilliseconds), "
            + "connectTimeoutMilliseconds: \(self.connectTimeoutMilliseconds), "
            + "concurrentRequestsMax: \(self.concurrentRequestsMax))"
    }
}
