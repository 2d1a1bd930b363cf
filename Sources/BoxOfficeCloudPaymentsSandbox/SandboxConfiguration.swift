/// Everything a sandbox run is set up with. The defaults serve `boxoffice sandbox` on
/// `http://127.0.0.1:8090` with one test terminal.
public struct SandboxConfiguration: Sendable {
    /// A merchant terminal: the Basic-auth pair and where its notifications go.
    public struct Terminal: Sendable {
        /// The Basic-auth user.
        public var publicID: String
        /// The Basic-auth password and the notifications' HMAC key.
        public var apiSecret: String
        /// One URL per notification type; a type without one is not sent.
        public var notificationURLs: [SandboxNotificationType: String]

        /// A terminal.
        public init(publicID: String, apiSecret: String, notificationURLs: [SandboxNotificationType: String] = [:]) {
            self.publicID = publicID
            self.apiSecret = apiSecret
            self.notificationURLs = notificationURLs
        }
    }

    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one (see ``CloudPaymentsSandbox/withRunning(_:_:)``).
    public var port: Int
    /// The base URL put into `AcsUrl` and order `Url`s; nil means `http://host:<bound port>`.
    public var publicBaseURL: String?
    /// The terminals the sandbox accepts.
    public var terminals: [Terminal]
    /// Requests in flight per terminal before HTTP 429: the provider's cap for test terminals.
    public var concurrentRequestsMax: Int
    /// How long an `X-Request-ID` answer is kept, on ``clock``.
    public var requestIDRetentionSeconds: Int64
    /// Larger request bodies are refused with HTTP 413.
    public var requestBodyBytesMax: Int
    /// Extra decline triggers: card number (digits only) → reason code, for card and token payments.
    public var cardReasonCodes: [String: Int]
    /// How many milliseconds one "minute" of the notification retry schedule lasts (60 000 for
    /// real time; tests shrink it).
    public var notificationMinuteMilliseconds: Int64
    /// Delivery attempts per notification, the provider's 100.
    public var notificationAttemptsMax: Int
    /// How long the sandbox waits for a notification answer, the provider's 30 s.
    public var notificationAnswerTimeoutMilliseconds: Int64
    /// Notifications being delivered (first attempt or retries) at most; a new one past it is
    /// not sent and counted as ``SandboxFaultCounts/notificationsDiscarded``. Bounds memory when
    /// a receiver is down for long under a retry schedule in real time.
    public var notificationsPendingMax: Int
    /// Transactions (payments and refunds) kept in memory; past it the oldest finished ones
    /// (Completed, Cancelled, Declined, refunds) are forgotten, then, if none is finished, the
    /// oldest of all. A forgotten transaction is `Not found` to every method.
    public var transactionsKeptMax: Int
    /// `X-Request-ID` answers kept; past it the oldest stored ones are forgotten before their hour
    /// is up (a request still running is never forgotten: its repeats are waiting for it).
    public var requestIDsKeptMax: Int
    /// Tokens kept; past it the oldest issued are forgotten (a payment with one is `Token is invalid`).
    public var tokensKeptMax: Int
    /// Orders kept; past it the oldest paid ones are forgotten, then the oldest of all.
    public var ordersKeptMax: Int
    /// Entries of the operations log (`GET /sandbox/operations`) kept; past it the oldest are
    /// dropped (``SandboxOperation/sequence`` keeps counting).
    public var operationsKeptMax: Int
    /// Faults to inject; can be replaced while running through `POST /sandbox/faults`.
    public var faults: SandboxFaults
    /// The clock of `X-Request-ID` retention, card expiry and auto-void.
    public var clock: SandboxClock

    /// The sandbox's defaults; see each property.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8090,
        publicBaseURL: String? = nil,
        terminals: [Terminal] = [Terminal(publicID: "pk_sandbox", apiSecret: "sandbox_api_secret")],
        concurrentRequestsMax: Int = 5,
        requestIDRetentionSeconds: Int64 = 3600,
        requestBodyBytesMax: Int = 1 << 20,
        cardReasonCodes: [String: Int] = [:],
        notificationMinuteMilliseconds: Int64 = 60_000,
        notificationAttemptsMax: Int = 100,
        notificationAnswerTimeoutMilliseconds: Int64 = 30_000,
        notificationsPendingMax: Int = Self.notificationsPendingMaxDefault,
        transactionsKeptMax: Int = Self.transactionsKeptMaxDefault,
        requestIDsKeptMax: Int = Self.requestIDsKeptMaxDefault,
        tokensKeptMax: Int = Self.tokensKeptMaxDefault,
        ordersKeptMax: Int = Self.ordersKeptMaxDefault,
        operationsKeptMax: Int = Self.operationsKeptMaxDefault,
        faults: SandboxFaults = SandboxFaults(),
        clock: SandboxClock = SandboxClock()
    ) {
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.terminals = terminals
        self.concurrentRequestsMax = concurrentRequestsMax
        self.requestIDRetentionSeconds = requestIDRetentionSeconds
        self.requestBodyBytesMax = requestBodyBytesMax
        self.cardReasonCodes = cardReasonCodes
        self.notificationMinuteMilliseconds = notificationMinuteMilliseconds
        self.notificationAttemptsMax = notificationAttemptsMax
        self.notificationAnswerTimeoutMilliseconds = notificationAnswerTimeoutMilliseconds
        self.notificationsPendingMax = notificationsPendingMax
        precondition(
            [
                transactionsKeptMax, requestIDsKeptMax, tokensKeptMax, ordersKeptMax, operationsKeptMax,
                notificationsPendingMax,
            ].allSatisfy {
                $0 > 0
            },
            "the sandbox's limits must be positive"
        )
        self.transactionsKeptMax = transactionsKeptMax
        self.requestIDsKeptMax = requestIDsKeptMax
        self.tokensKeptMax = tokensKeptMax
        self.ordersKeptMax = ordersKeptMax
        self.operationsKeptMax = operationsKeptMax
        self.faults = faults
        self.clock = clock
    }

    // The defaults keep memory in the tens of megabytes (a transaction is well under 1 KiB)
    // while holding far more than any test or a day of local development makes.

    /// Default of ``notificationsPendingMax``.
    public static let notificationsPendingMaxDefault = 10_000
    /// Default of ``transactionsKeptMax``.
    public static let transactionsKeptMaxDefault = 100_000
    /// Default of ``requestIDsKeptMax``.
    public static let requestIDsKeptMaxDefault = 100_000
    /// Default of ``tokensKeptMax``.
    public static let tokensKeptMaxDefault = 100_000
    /// Default of ``ordersKeptMax``.
    public static let ordersKeptMaxDefault = 10_000
    /// Default of ``operationsKeptMax``.
    public static let operationsKeptMaxDefault = 100_000
}

/// The provider's notification types.
public enum SandboxNotificationType: String, Sendable, CaseIterable {
    /// Before a payment: the answer decides it.
    case check = "Check"
    /// A payment succeeded (Completed or Authorized).
    case pay = "Pay"
    /// A payment was declined.
    case fail = "Fail"
    /// A two-stage payment was confirmed.
    case confirm = "Confirm"
    /// A refund was made.
    case refund = "Refund"
    /// A provider-side subscription (`/subscriptions/…`) changed. Never sent: the sandbox does
    /// not emulate subscriptions (BoxOffice renews with token payments, which notify Pay or Fail).
    case recurrent = "Recurrent"
    /// An authorized payment was voided.
    case cancel = "Cancel"
}
