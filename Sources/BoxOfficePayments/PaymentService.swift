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

    public func charge(_ request: Payments_V1_ChargeRequest, context: ServerContext) async throws
        -> Payments_V1_Payment
    {
        try await self.chargeCall(request, context: context)
    }

    public func chargeSavedMethod(
        _ request: Payments_V1_ChargeSavedMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.chargeSavedMethodCall(request, context: context)
    }

    public func getPayment(_ request: Payments_V1_GetPaymentRequest, context: ServerContext) async throws
        -> Payments_V1_Payment
    {
        try await self.getPaymentCall(request, context: context)
    }

    public func cancelPayment(
        _ request: Payments_V1_CancelPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.cancelPaymentCall(request, context: context)
    }

    public func refundPayment(
        _ request: Payments_V1_RefundPaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.refundPaymentCall(request, context: context)
    }

    public func capturePayment(
        _ request: Payments_V1_CapturePaymentRequest,
        context: ServerContext
    ) async throws -> Payments_V1_Payment {
        try await self.capturePaymentCall(request, context: context)
    }

    public func listPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .service)
    }

    public func adminListPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .admin)
    }

    public func adminListUserPayments(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentsResponse {
        try await self.listPaymentsCall(request, context: context, scope: .adminUser)
    }

    public func listPaymentMethods(
        _ request: Payments_V1_ListPaymentMethodsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentMethodsResponse {
        try await self.listPaymentMethodsCall(request, context: context)
    }

    public func getPaymentMethod(
        _ request: Payments_V1_GetPaymentMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_PaymentMethod {
        try await self.getPaymentMethodCall(request, context: context)
    }

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
        try await ProviderNotificationHandler(postgres: self.postgres, configuration: self.configuration, logger: self.logger).handle(request)
    }

    public func completeThreeDs(
        _ request: Payments_V1_ThreeDsReturnRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ThreeDsReturnResponse {
        try await self.completeThreeDsCall(request, context: context)
    }
}
