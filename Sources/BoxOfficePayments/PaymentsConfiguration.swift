public import BoxOfficeCloudPayments

/// PaymentService's settings (`payments.*` configuration keys); every one has a safe local default.
public struct PaymentsConfiguration: Sendable, CustomStringConvertible {
    /// `payments.three_ds_term_url` default: the gateway's 3-D Secure return route.
    public static let threeDsTermURLDefault = "http://127.0.0.1:8080/v1/payments/3ds/return"
    /// `payments.return_url` default: the app page the browser lands on after 3-D Secure.
    public static let returnURLDefault = "http://127.0.0.1:8080/app/payments/return"
    /// `payments.rpc_port` default.
    public static let rpcPortDefault = 7103
    /// How long a claimed idempotency key is kept (the contract promises at least 24 hours).
    public static let idempotencyRetentionSecondsDefault: Int64 = 24 * 3600
    /// How long a running call holds its idempotency key before another caller may take it
    /// over; longer than the provider call's timeout so a live holder is never overtaken.
    public static let idempotencyLockSecondsDefault: Int64 = 120
    /// How long a `pending` attempt is left to its caller before the reconciler looks at it
    /// (a crash between the provider call and our commit).
    public static let pendingGraceSecondsDefault: Int64 = 120
    /// The reconciler's first look at an unknown attempt (then 5 min, 1 h, daily).
    public static let reconcileScheduleSecondsDefault: [Int64] = [60, 300, 3600, 86_400]
    /// The provider keeps an `X-Request-ID` answer this long; a resend within it is safe.
    public static let providerRequestIDWindowSecondsDefault: Int64 = 3600
    /// The default of each provider call's timeout.
    public static let providerTimeoutMillisecondsDefault: Int64 = 30_000
    /// How long the provider may keep redelivering one notification (CLOUDPAYMENTS.md: up to 100
    /// attempts at gaps of 1, 2, 5, 10, then 30 minutes, each waiting up to 30 s for our answer):
    /// 99 gaps of 2 868 minutes plus 100 answer timeouts.
    public static let providerNotificationRetrySpanSeconds: Int64 = (1 + 2 + 5 + 10 + 95 * 30) * 60 + 100 * 30
    /// `payments.notification_max_age_seconds` default: 3 days, well past the provider's retry span,
    /// so a genuine late retry is never refused.
    public static let notificationMaxAgeSecondsDefault: Int64 = 3 * 86_400

    /// The CloudPayments client's settings (base URL, Public ID, API secret — never logged).
    public var cloudPayments: CloudPaymentsConfiguration
    /// The RPC port of `boxoffice payments serve`.
    public var rpcPort: Int
    /// The 3-D Secure `TermUrl` given to the payer's browser.
    public var threeDsTermURL: String
    /// Where the browser is sent after 3-D Secure (`?payment_id=…&status=…` appended).
    public var returnURL: String
    /// See ``idempotencyRetentionSecondsDefault``.
    public var idempotencyRetentionSeconds: Int64
    /// See ``idempotencyLockSecondsDefault``.
    public var idempotencyLockSeconds: Int64
    /// See ``pendingGraceSecondsDefault``.
    public var pendingGraceSeconds: Int64
    /// When the reconciler looks at an unknown attempt: the gaps after it became unknown, the
    /// last one repeated (tests scale it down).
    public var reconcileScheduleSeconds: [Int64]
    /// See ``providerRequestIDWindowSecondsDefault``.
    public var providerRequestIDWindowSeconds: Int64
    /// The timeout of each provider call.
    public var providerTimeoutMilliseconds: Int64
    /// The RabbitMQ exchange the outbox relay publishes payment events to.
    public var eventsExchange: String
    /// A notification whose `DateTime` is older than this is a replay (the provider stops
    /// retrying long before): recorded as rejected and not applied. Must be longer than
    /// ``providerNotificationRetrySpanSeconds``.
    public var notificationMaxAgeSeconds: Int64

    /// A configuration; the defaults talk to the local sandbox (`http://127.0.0.1:8090`,
    /// `pk_sandbox`).
    public init(
        cloudPayments: CloudPaymentsConfiguration = CloudPaymentsConfiguration(
            baseURL: "http://127.0.0.1:8090",
            publicID: "pk_sandbox",
            apiSecret: CloudPaymentsSecret("sandbox_api_secret")
        ),
        rpcPort: Int = Self.rpcPortDefault,
        threeDsTermURL: String = Self.threeDsTermURLDefault,
        returnURL: String = Self.returnURLDefault,
        idempotencyRetentionSeconds: Int64 = Self.idempotencyRetentionSecondsDefault,
        idempotencyLockSeconds: Int64 = Self.idempotencyLockSecondsDefault,
        pendingGraceSeconds: Int64 = Self.pendingGraceSecondsDefault,
        reconcileScheduleSeconds: [Int64] = Self.reconcileScheduleSecondsDefault,
        providerRequestIDWindowSeconds: Int64 = Self.providerRequestIDWindowSecondsDefault,
        providerTimeoutMilliseconds: Int64 = Self.providerTimeoutMillisecondsDefault,
        eventsExchange: String = "boxoffice.events",
        notificationMaxAgeSeconds: Int64 = Self.notificationMaxAgeSecondsDefault
    ) {
        precondition(!reconcileScheduleSeconds.isEmpty, "the reconcile schedule needs at least one step")
        precondition(notificationMaxAgeSeconds > 0, "the notification age limit must be positive")
        self.cloudPayments = cloudPayments
        self.rpcPort = rpcPort
        self.threeDsTermURL = threeDsTermURL
        self.returnURL = returnURL
        self.idempotencyRetentionSeconds = idempotencyRetentionSeconds
        self.idempotencyLockSeconds = idempotencyLockSeconds
        self.pendingGraceSeconds = pendingGraceSeconds
        self.reconcileScheduleSeconds = reconcileScheduleSeconds
        self.providerRequestIDWindowSeconds = providerRequestIDWindowSeconds
        self.providerTimeoutMilliseconds = providerTimeoutMilliseconds
        self.eventsExchange = eventsExchange
        self.notificationMaxAgeSeconds = notificationMaxAgeSeconds
    }

    public var description: String {
        "PaymentsConfiguration(\(self.cloudPayments), rpcPort: \(self.rpcPort), termURL: \(self.threeDsTermURL))"
    }
}
