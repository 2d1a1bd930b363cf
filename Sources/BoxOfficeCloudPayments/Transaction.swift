#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A transaction `Model` as the provider returns it, every field CLOUDPAYMENTS.md lists.
///
/// Amounts are exact ``Money``; dates are read from `/Date(ms)/` or the `…Iso` twin (UTC).
/// `description` leaves out the token and card data.
public struct Transaction: Hashable, Sendable, CustomStringConvertible {
    /// `TransactionId`.
    public var transactionId: Int64
    /// `Amount` in `Currency`.
    public var amount: Money
    /// `CurrencyCode`: the provider's numeric currency code.
    public var currencyCode: Int?
    /// `PaymentAmount` in `PaymentCurrency`: what the card was charged, when it differs.
    public var paymentAmount: Money?
    /// `InvoiceId`: ours; each charge attempt has its own. Numeric or string on the wire.
    public var invoiceId: String?
    /// `AccountId`: ours (the user). Numeric or string on the wire.
    public var accountId: String?
    /// `Email`.
    public var email: String?
    /// `Description`.
    public var transactionDescription: String?
    /// `JsonData` as JSON text (the provider sends an object or a string holding one).
    public var jsonData: String?
    /// `CreatedDate` / `CreatedDateIso`.
    public var createdDate: Date?
    /// `AuthDate` / `AuthDateIso`.
    public var authDate: Date?
    /// `ConfirmDate` / `ConfirmDateIso`.
    public var confirmDate: Date?
    /// `AuthCode`.
    public var authCode: String?
    /// `TestMode`.
    public var testMode: Bool?
    /// `Rrn`.
    public var rrn: String?
    /// `OriginalTransactionId`: for a refund, the payment it refunds.
    public var originalTransactionId: Int64?
    /// `IpAddress`.
    public var ipAddress: String?
    /// `IpCountry`.
    public var ipCountry: String?
    /// `CardFirstSix`.
    public var cardFirstSix: String?
    /// `CardLastFour`.
    public var cardLastFour: String?
    /// `CardExpDate` (`MM/YY`).
    public var cardExpDate: String?
    /// `CardType` (`Visa`).
    public var cardType: String?
    /// `CardTypeCode`.
    public var cardTypeCode: Int?
    /// `Issuer`.
    public var issuer: String?
    /// `IssuerBankCountry`.
    public var issuerBankCountry: String?
    /// `Status`.
    public var status: TransactionStatus
    /// `StatusCode`.
    public var statusCode: Int?
    /// `Reason` (`Approved`, `InsufficientFunds`).
    public var reason: String?
    /// `ReasonCode`; `.none` (0) when approved.
    public var reasonCode: ReasonCode?
    /// `CardHolderMessage`: text to show the payer.
    public var cardHolderMessage: String?
    /// `Token`: charge it later with tokens/charge.
    public var token: String?
    /// `SubscriptionId`.
    public var subscriptionId: String?
    /// `GatewayName`.
    public var gatewayName: String?
    /// `Refunded`.
    public var refunded: Bool?
    /// `TotalFee` in `Currency`.
    public var totalFee: Money?

    public var description: String {
        var text = "Transaction(\(self.transactionId), \(self.amount), \(self.status)"
        if let reasonCode = self.reasonCode, reasonCode != .none { text += ", \(reasonCode)" }
        if let invoiceId = self.invoiceId { text += ", InvoiceId \(invoiceId)" }
        return text + ")"
    }
}

extension Transaction {
    /// Reads a transaction `Model`.
    ///
    /// - Throws: ``CloudPaymentsError`` `.malformedResponse` for a missing or mistyped required
    ///   field, `.invalidAmount` / `.unknownCurrency` for an amount that is not exact.
    init(model fields: LooseFields) throws(CloudPaymentsError) {
        let currency = try fields.currency("Currency") ?? .rub
        self.transactionId = try fields.requiredInt64("TransactionId")
        self.amount = try fields.requiredDecimal("Amount").money(in: currency)
        self.currencyCode = try fields.int("CurrencyCode")
        if let paymentAmount = try fields.decimal("PaymentAmount") {
            let paymentCurrency = try fields.currency("PaymentCurrency") ?? currency
            self.paymentAmount = try paymentAmount.money(in: paymentCurrency)
        }
        self.invoiceId = try fields.string("InvoiceId")
        self.accountId = try fields.string("AccountId")
        self.email = try fields.string("Email")
        self.transactionDescription = try fields.string("Description")
        self.jsonData = try fields.jsonText("JsonData")
        self.createdDate = try fields.dateWithIsoTwin("CreatedDate")
        self.authDate = try fields.dateWithIsoTwin("AuthDate")
        self.confirmDate = try fields.dateWithIsoTwin("ConfirmDate")
        self.authCode = try fields.string("AuthCode")
        self.testMode = try fields.bool("TestMode")
        self.rrn = try fields.string("Rrn")
        self.originalTransactionId = try fields.int64("OriginalTransactionId")
        self.ipAddress = try fields.string("IpAddress")
        self.ipCountry = try fields.string("IpCountry")
        self.cardFirstSix = try fields.string("CardFirstSix")
        self.cardLastFour = try fields.string("CardLastFour")
        self.cardExpDate = try fields.string("CardExpDate")
        self.cardType = try fields.string("CardType")
        self.cardTypeCode = try fields.int("CardTypeCode")
        self.issuer = try fields.string("Issuer")
        self.issuerBankCountry = try fields.string("IssuerBankCountry")
        self.statusCode = try fields.int("StatusCode")
        if let name = try fields.string("Status") {
            self.status = TransactionStatus(name: name)
        } else if let code = self.statusCode, let status = TransactionStatus(code: code) {
            self.status = status
        } else {
            throw CloudPaymentsError(code: .malformedResponse, message: "field Status is missing")
        }
        self.reason = try fields.string("Reason")
        self.reasonCode = try fields.int("ReasonCode").map(ReasonCode.init(rawValue:))
        self.cardHolderMessage = try fields.string("CardHolderMessage")
        self.token = try fields.string("Token")
        self.subscriptionId = try fields.string("SubscriptionId")
        self.gatewayName = try fields.string("GatewayName")
        self.refunded = try fields.bool("Refunded")
        self.totalFee = try fields.decimal("TotalFee")?.money(in: currency)
    }
}
