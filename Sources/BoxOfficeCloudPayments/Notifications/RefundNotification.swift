#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `Refund`: a refund was made.
///
/// The provider's Refund notification carries no `Currency` (CLOUDPAYMENTS.md lists none), so
/// the amount stays an exact ``DecimalAmount``: convert it with the original payment's currency
/// (``DecimalAmount/money(in:)``), which refuses any amount that currency cannot hold.
public struct RefundNotification: Hashable, Sendable {
    /// `TransactionId`: the refund's own id.
    public var transactionId: Int64
    /// `PaymentTransactionId`: the payment refunded.
    public var paymentTransactionId: Int64
    /// `Amount`, exact.
    public var amount: DecimalAmount
    /// `Currency`, when the provider sends one anyway.
    public var currency: Currency?
    /// `DateTime` (UTC).
    public var dateTime: Date
    /// `InvoiceId`.
    public var invoiceId: String?
    /// `AccountId`.
    public var accountId: String?
    /// `OperationType`.
    public var operationType: String?
    /// `Data`.
    public var data: String?

    init(fields: LooseFields) throws(CloudPaymentsError) {
        self.transactionId = try fields.requiredInt64("TransactionId")
        self.paymentTransactionId = try fields.requiredInt64("PaymentTransactionId")
        self.amount = try fields.requiredDecimal("Amount")
        self.currency = try fields.currency("Currency")
        if let currency = self.currency { _ = try self.amount.money(in: currency) }
        self.dateTime = try fields.requiredDate("DateTime")
        self.invoiceId = try fields.string("InvoiceId")
        self.accountId = try fields.string("AccountId")
        self.operationType = try fields.string("OperationType")
        self.data = try fields.jsonText("Data")
    }
}
