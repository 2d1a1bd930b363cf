#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The fields Check, Pay, Fail and Confirm notifications share, with exact money.
public struct NotificationPayment: Hashable, Sendable {
    /// `TransactionId`.
    public var transactionId: Int64
    /// `Amount` (`"123.00"`) in `Currency`.
    public var amount: Money
    /// `PaymentAmount` in `PaymentCurrency`.
    public var paymentAmount: Money?
    /// `DateTime` (`yyyy-MM-dd HH:mm:ss`, UTC).
    public var dateTime: Date
    /// `CardFirstSix`.
    public var cardFirstSix: String?
    /// `CardLastFour`.
    public var cardLastFour: String?
    /// `CardType`.
    public var cardType: String?
    /// `CardExpDate` (`MM/YY`).
    public var cardExpDate: String?
    /// `TestMode` (sent as 1/0).
    public var testMode: Bool?
    /// `OperationType` (`Payment`, `Refund`).
    public var operationType: String?
    /// `InvoiceId`.
    public var invoiceId: String?
    /// `AccountId`.
    public var accountId: String?
    /// `SubscriptionId`; nil when sent empty.
    public var subscriptionId: String?
    /// `Name`.
    public var name: String?
    /// `Email`.
    public var email: String?
    /// `IpAddress`.
    public var ipAddress: String?
    /// `Issuer`.
    public var issuer: String?
    /// `Description`.
    public var paymentDescription: String?
    /// `Data`: the JsonData of the payment, as the JSON text the provider sent.
    public var data: String?

    init(fields: LooseFields) throws(CloudPaymentsError) {
        // The provider's default currency when none is named.
        let currency = try fields.currency("Currency") ?? .rub
        self.transactionId = try fields.requiredInt64("TransactionId")
        self.amount = try fields.requiredDecimal("Amount").money(in: currency)
        if let paymentAmount = try fields.decimal("PaymentAmount") {
            self.paymentAmount = try paymentAmount.money(in: try fields.currency("PaymentCurrency") ?? currency)
        }
        self.dateTime = try fields.requiredDate("DateTime")
        self.cardFirstSix = try fields.string("CardFirstSix")
        self.cardLastFour = try fields.string("CardLastFour")
        self.cardType = try fields.string("CardType")
        self.cardExpDate = try fields.string("CardExpDate")
        self.testMode = try fields.bool("TestMode")
        self.operationType = try fields.string("OperationType")
        self.invoiceId = try fields.string("InvoiceId")
        self.accountId = try fields.string("AccountId")
        self.subscriptionId = try fields.string("SubscriptionId")
        self.name = try fields.string("Name")
        self.email = try fields.string("Email")
        self.ipAddress = try fields.string("IpAddress")
        self.issuer = try fields.string("Issuer")
        self.paymentDescription = try fields.string("Description")
        self.data = try fields.jsonText("Data")
    }
}
