#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `Cancel`: an Authorized payment was voided.
///
/// CLOUDPAYMENTS.md does not list Cancel's fields; these are the ones every notification about a
/// payment carries (`TransactionId`, `Amount`, `DateTime`, `InvoiceId`, `AccountId`), with
/// `Currency` optional as for Refund.
public struct CancelNotification: Hashable, Sendable {
    /// `TransactionId`: the voided payment.
    public var transactionId: Int64
    /// `Amount`, exact.
    public var amount: DecimalAmount
    /// `Currency`, when sent.
    public var currency: Currency?
    /// `DateTime` (UTC).
    public var dateTime: Date
    /// `InvoiceId`.
    public var invoiceId: String?
    /// `AccountId`.
    public var accountId: String?
    /// `Data`.
    public var data: String?

    init(fields: LooseFields) throws(CloudPaymentsError) {
        self.transactionId = try fields.requiredInt64("TransactionId")
        self.amount = try fields.requiredDecimal("Amount")
        self.currency = try fields.currency("Currency")
        if let currency = self.currency { _ = try self.amount.money(in: currency) }
        self.dateTime = try fields.requiredDate("DateTime")
        self.invoiceId = try fields.string("InvoiceId")
        self.accountId = try fields.string("AccountId")
        self.data = try fields.jsonText("Data")
    }
}
