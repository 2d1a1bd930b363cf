public import BoxOfficeCloudPayments
public import BoxOfficePostgres
public import BoxOfficeRPC
public import Contracts
public import Logging

/// PaymentService: charges through CloudPayments, 3-D Secure, captures, voids and refunds, saved
/// cards, payment queries. The handlers are thin: validation in `Validation`, idempotency in
/// ``IdempotencyStore``, SQL in the stores, every provider outcome through
/// ``PaymentSettlement``.
///
/// A mutating call (Charge, ChargeSavedMethod, CompleteThreeDs, CapturePayment, CancelPayment,
/// RefundPayment) validates its input (nothing written on INVALID_ARGUMENT), claims its
/// idempotency key and writes the payment and a `pending` attempt in one transaction, commits,
/// calls the provider with the attempt's `X-Request-ID`, then settles the outcome and stores the
/// answer in a second transaction.
public struct PaymentService: Payments_V1_PaymentServiceProtocol {
    /// The payments database.
    public let postgres: PostgresClient
    /// The provider.
    public let provider: CloudPaymentsClient
    /// The settings.
    public let configuration: PaymentsConfiguration
    let logger: Logger

    /// A service over `postgres` (migrated with `MessagingMigrations` and ``PaymentsMigrations``)
    /// and `provider`.
    public init(
        postgres: PostgresClient,
        provider: CloudPaymentsClient,
        configuration: PaymentsConfiguration,
        logger: Logger = Logger(label: "boxoffice.payments")
    ) {
        self.postgres = postgres
        self.provider = provider
        self.configuration = configuration
        self.logger = logger
    }

    /// Charges with a cryptogram, a saved card or a hosted page (idempotency key required); the
    /// payment may come back REQUIRES_ACTION (3-D Secure, redirect) or UNKNOWN (answer lost).
    public func charge(
        _ request: Payments_V1_ChargeRequest,
        context: ServerContext
    ) async throws
        -> Payments_V1_Payment
    {
        try await self.chargeCall(request, context: context)
    }

    /// Charges a saved card for a renewal: merchant-initiated (`TrInitiatorCode=0`,
    /// `PaymentScheduled=1`); NOT_FOUND for a method the user does not own.
    public func chargeSavedMethod(
        _ request: Payments_V1_ChargeSavedMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.chargeSavedMethodCall(request, context: context)
    }

    /// One payment with its refunds; NOT_FOUND for another user's.
    public func getPayment(
        _ request: Payments_V1_GetPaymentRequest,
        context: ServerContext
    ) async throws
        -> Payments_V1_Payment
    {
        try await self.getPaymentCall(request, context: context)
    }

    /// Voids an authorized payment, or refunds (part of) a succeeded one.
    public func cancelPayment(
        _ request: Payments_V1_CancelPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.cancelPaymentCall(request, context: context)
    }

    /// Refunds (part of) a succeeded payment; FAILED_PRECONDITION naming `amountMinor` beyond
    /// what is left (refunded and pending refunds counted).
    public func refundPayment(
        _ request: Payments_V1_RefundPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.refundPaymentCall(request, context: context)
    }

    /// Takes (part of) the held money of an authorized payment.
    public func capturePayment(
        _ request: Payments_V1_CapturePaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.capturePaymentCall(request, context: context)
    }

    /// Payments newest first with filters; a user caller sees only their own.
    public func listPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .service)
    }

    /// Payments across users (administrators and services; PERMISSION_DENIED for users).
    public func adminListPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .admin)
    }

    /// One user's payments (`user_id` required; not for user callers).
    public func adminListUserPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .adminUser)
    }

    /// The calling user's saved cards, newest first (never a card number or token).
    public func listPaymentMethods(
        _ request: Payments_V1_ListPaymentMethodsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentMethodsResponse {
        try await self.listPaymentMethodsCall(request, context: context)
    }

    /// One saved card of `user_id`.
    public func getPaymentMethod(
        _ request: Payments_V1_GetPaymentMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_PaymentMethod {
        try await self.getPaymentMethodCall(request, context: context)
    }

    /// Forgets one of the calling user's saved cards.
    public func deletePaymentMethod(
        _ request: Payments_V1_DeletePaymentMethodRequest,
        context: ServerContext
    ) async throws -> Common_V1_Empty {
        try await self.deletePaymentMethodCall(request, context: context)
    }

    /// Verifies, records and applies a CloudPayments notification; see ``ProviderNotificationHandler``.
    public func handleProviderNotification(
        _ request: Payments_V1_ProviderNotificationRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ProviderNotificationResponse {
        try await ProviderNotificationHandler(
            postgres: self.postgres,
            configuration: self.configuration,
            logger: self.logger
        ).handle(request)
    }

    /// Completes 3-D Secure from the TermUrl post (`MD`, `PaRes`) and says where to send the browser.
    public func completeThreeDs(
        _ request: Payments_V1_ThreeDsReturnRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ThreeDsReturnResponse {
        try await self.completeThreeDsCall(request, context: context)
    }
}
