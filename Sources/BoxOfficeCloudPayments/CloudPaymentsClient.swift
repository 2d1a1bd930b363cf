public import AsyncHTTPClient
public import Logging
import NIOCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The CloudPayments API over async-http-client: every method BoxOffice uses.
///
/// - Every call is a `POST` with a JSON body and Basic auth (Public ID, API secret).
/// - Mutating calls take a required ``RequestID``, sent as `X-Request-ID`: the provider answers a
///   repeat with the same id identically, without a second charge (for one hour).
/// - At most ``CloudPaymentsConfiguration/concurrentRequestsMax`` requests are in flight; an
///   HTTP 429 is waited out and retried (see ``CloudPaymentsConfiguration/rateLimitRetriesMax``).
/// - Failures are ``CloudPaymentsError``: for a mutating call, anything after the request may
///   have reached the provider is `.outcomeUnknown` — settle it with ``findPayment(invoiceId:timeoutMilliseconds:)``,
///   never by charging again. Errors never contain the secret, the cryptogram or a token.
public struct CloudPaymentsClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: CloudPaymentsConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    let limiter: ConcurrencyLimiter
    let authorization: String

    /// A client over `httpClient` (the process-wide shared one by default; the caller owns its
    /// lifetime when passing another). A service should pass ``makeHTTPClient(_:)``'s: the
    /// shared client waits up to 90 s for a connection and follows redirects.
    public init(
        configuration: CloudPaymentsConfiguration,
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "boxoffice.cloudpayments")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.limiter = ConcurrencyLimiter(permits: configuration.concurrentRequestsMax)
        self.authorization =
            "Basic " + Base64.encode(Array("\(configuration.publicID):\(configuration.apiSecret.value)".utf8))
    }

    /// An HTTP client made for the provider's API: connecting gives up after
    /// ``CloudPaymentsConfiguration/connectTimeoutMilliseconds`` (so an unreachable provider
    /// fails calls `notSent` then, not at their timeout), redirects are refused (the API never
    /// sends one; following it would send the Basic credentials elsewhere), and answers are not
    /// decompressed. The caller shuts it down (`shutdown()`) after its last call.
    public static func makeHTTPClient(_ configuration: CloudPaymentsConfiguration) -> HTTPClient {
        HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: HTTPClient.Configuration.Timeout(
                    connect: .milliseconds(configuration.connectTimeoutMilliseconds)
                ),
                decompression: .disabled
            )
        )
    }

    // MARK: - Cards

    /// `/payments/cards/charge`: a one-stage card payment.
    ///
    /// - Throws: ``CloudPaymentsError``: `.requestInvalid` (nothing happened), `.unauthorized`,
    ///   `.rateLimited`, `.notSent` (safe to retry), `.outcomeUnknown` (reconcile; never retry blindly).
    public func chargeCard(
        _ request: CardPaymentRequest,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> ChargeResult {
        let body = try request.body()
        return try await self.mutatingCall("/payments/cards/charge", body, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.chargeResult(allowing3DS: true)
        }
    }

    /// `/payments/cards/auth`: the first stage of a two-stage card payment (hold the money).
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func authorizeCard(
        _ request: CardPaymentRequest,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> ChargeResult {
        let body = try request.body()
        return try await self.mutatingCall("/payments/cards/auth", body, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.chargeResult(allowing3DS: true)
        }
    }

    /// `/payments/cards/post3ds`: completes a payment after 3-D Secure (`TransactionId` = `MD`).
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func post3DS(
        transactionId: Int64,
        paRes: String,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> PaymentResult {
        var writer = JSONWriter()
        writer.integer("TransactionId", transactionId)
        writer.string("PaRes", paRes)
        return try await self.mutatingCall("/payments/cards/post3ds", writer.bytes, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.paymentResult()
        }
    }

    // MARK: - Tokens

    /// `/payments/tokens/charge`: a one-stage payment with a saved token (renewals).
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func chargeToken(
        _ request: TokenPaymentRequest,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> PaymentResult {
        let body = try request.body()
        return try await self.mutatingCall("/payments/tokens/charge", body, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.paymentResult()
        }
    }

    /// `/payments/tokens/auth`: the first stage of a two-stage token payment.
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func authorizeToken(
        _ request: TokenPaymentRequest,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> PaymentResult {
        let body = try request.body()
        return try await self.mutatingCall("/payments/tokens/auth", body, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.paymentResult()
        }
    }

    // MARK: - After the payment

    /// `/payments/confirm`: takes `amount` (up to the authorized one) of an Authorized payment.
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func confirm(
        transactionId: Int64,
        amount: Money,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) {
        var writer = JSONWriter()
        writer.integer("TransactionId", transactionId)
        writer.amount("Amount", amount.decimal)
        try await self.mutatingCall("/payments/confirm", writer.bytes, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.acknowledgement()
        }
    }

    /// `/payments/void`: releases an Authorized payment.
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func void(
        transactionId: Int64,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) {
        var writer = JSONWriter()
        writer.integer("TransactionId", transactionId)
        try await self.mutatingCall("/payments/void", writer.bytes, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.acknowledgement()
        }
    }

    /// `/payments/refund`: refunds `amount` (partial allowed) of a Completed payment.
    ///
    /// - Returns: the refund's own `TransactionId`.
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func refund(
        transactionId: Int64,
        amount: Money,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> Int64 {
        var writer = JSONWriter()
        writer.integer("TransactionId", transactionId)
        writer.amount("Amount", amount.decimal)
        return try await self.mutatingCall("/payments/refund", writer.bytes, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.refundTransactionId()
        }
    }

    /// `/orders/create`: a hosted payment page (``Order/url``).
    ///
    /// - Throws: as ``chargeCard(_:requestID:timeoutMilliseconds:)``.
    public func createOrder(
        _ request: OrderRequest,
        requestID: RequestID,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> Order {
        let body = try request.body()
        return try await self.mutatingCall("/orders/create", body, requestID, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.order(currency: request.amount.currency)
        }
    }

    // MARK: - Lookups

    /// `/payments/get`: one transaction by id.
    ///
    /// - Throws: ``CloudPaymentsError`` `.notFound`, `.unauthorized`, `.rateLimited`,
    ///   `.notSent`, `.unavailable`, `.malformedResponse`.
    public func getTransaction(
        transactionId: Int64,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> Transaction {
        var writer = JSONWriter()
        writer.integer("TransactionId", transactionId)
        return try await self.readingCall("/payments/get", writer.bytes, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.transaction()
        }
    }

    /// `/v2/payments/find`: the **last** operation (payment or refund) with `invoiceId`; how the
    /// reconciler settles an attempt whose outcome is unknown.
    ///
    /// - Throws: as ``getTransaction(transactionId:timeoutMilliseconds:)``; `.notFound` means the
    ///   provider never saw the attempt.
    public func findPayment(
        invoiceId: String,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> Transaction {
        var writer = JSONWriter()
        writer.string("InvoiceId", invoiceId)
        return try await self.readingCall("/v2/payments/find", writer.bytes, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.transaction()
        }
    }

    /// `/payments/list`: every transaction of `day` (`yyyy-MM-dd`) in `timeZone` (`UTC`, `MSK`; the
    /// provider's default when nil).
    ///
    /// - Throws: `.invalidArgument` for a malformed day; otherwise as
    ///   ``getTransaction(transactionId:timeoutMilliseconds:)``.
    public func listTransactions(
        day: String,
        timeZone: String? = nil,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> [Transaction] {
        guard ProviderDate.parseDay(day) != nil else {
            throw CloudPaymentsError(code: .invalidArgument, message: "Date must be yyyy-MM-dd")
        }
        var writer = JSONWriter()
        writer.string("Date", day)
        writer.string("TimeZone", timeZone)
        return try await self.readingCall("/payments/list", writer.bytes, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.transactions()
        }
    }

    /// The provider's page size of `/v2/payments/list`.
    public static let listPageSize = 100

    /// `/v2/payments/list`: payments created in `[createdFrom, createdTo]` (UTC), page
    /// `pageNumber` (from 1) of ``listPageSize``, oldest first, optionally only `statuses`.
    ///
    /// - Throws: as ``getTransaction(transactionId:timeoutMilliseconds:)``.
    public func listPayments(
        createdFrom: Date,
        createdTo: Date,
        pageNumber: Int,
        statuses: [TransactionStatus]? = nil,
        timeoutMilliseconds: Int64? = nil
    ) async throws(CloudPaymentsError) -> [Transaction] {
        var writer = JSONWriter()
        writer.string("CreatedDateGte", ProviderDate.isoString(createdFrom))
        writer.string("CreatedDateLte", ProviderDate.isoString(createdTo))
        writer.integer("PageNumber", Int64(pageNumber))
        writer.strings("Statuses", statuses?.map(\.name))
        return try await self.readingCall("/v2/payments/list", writer.bytes, timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.transactions()
        }
    }

    /// `/test`: checks the base URL and the credentials.
    ///
    /// - Throws: as ``getTransaction(transactionId:timeoutMilliseconds:)``.
    public func test(timeoutMilliseconds: Int64? = nil) async throws(CloudPaymentsError) {
        try await self.readingCall("/test", Array("{}".utf8), timeoutMilliseconds) {
            (envelope) throws(CloudPaymentsError) in try envelope.acknowledgement()
        }
    }
}
