/// The body of `/payments/cards/charge` and `/payments/cards/auth`.
///
/// Its `description` leaves out the cryptogram.
public struct CardPaymentRequest: Sendable, CustomStringConvertible {
    /// `Amount` and `Currency`.
    public var amount: Money
    /// `IpAddress`: the payer's.
    public var ipAddress: String
    /// `CardCryptogramPacket`: made by the provider's browser widget; never logged.
    public var cardCryptogramPacket: String
    /// `Name`: the cardholder's name.
    public var name: String?
    /// `InvoiceId`: one per charge attempt, so the reconciler can find it.
    public var invoiceId: String?
    /// `Description`.
    public var paymentDescription: String?
    /// `AccountId`: the user.
    public var accountId: String?
    /// `Email`.
    public var email: String?
    /// `JsonData`: JSON object text, sent as an object.
    public var jsonData: String?
    /// `CultureName` (`ru-RU`, `en-US`).
    public var cultureName: String?

    /// Creates a request.
    public init(
        amount: Money,
        ipAddress: String,
        cardCryptogramPacket: String,
        name: String? = nil,
        invoiceId: String? = nil,
        paymentDescription: String? = nil,
        accountId: String? = nil,
        email: String? = nil,
        jsonData: String? = nil,
        cultureName: String? = nil
    ) {
        self.amount = amount
        self.ipAddress = ipAddress
        self.cardCryptogramPacket = cardCryptogramPacket
        self.name = name
        self.invoiceId = invoiceId
        self.paymentDescription = paymentDescription
        self.accountId = accountId
        self.email = email
        self.jsonData = jsonData
        self.cultureName = cultureName
    }

    public var description: String {
        "CardPaymentRequest(\(self.amount), InvoiceId \(self.invoiceId ?? "-"), cryptogram <redacted>)"
    }

    func body() throws(CloudPaymentsError) -> [UInt8] {
        var writer = JSONWriter()
        writer.amount("Amount", self.amount.decimal)
        writer.string("Currency", self.amount.currency.code)
        writer.string("IpAddress", self.ipAddress)
        writer.string("CardCryptogramPacket", self.cardCryptogramPacket)
        writer.string("Name", self.name)
        writer.string("InvoiceId", self.invoiceId)
        writer.string("Description", self.paymentDescription)
        writer.string("AccountId", self.accountId)
        writer.string("Email", self.email)
        writer.raw("JsonData", try JSONData.object(self.jsonData))
        writer.string("CultureName", self.cultureName)
        return writer.bytes
    }
}
