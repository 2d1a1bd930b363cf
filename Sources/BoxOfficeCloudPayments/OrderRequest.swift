/// The body of `/orders/create`: a hosted payment page for a payer without a cryptogram.
public struct OrderRequest: Sendable {
    /// `Amount` and `Currency`.
    public var amount: Money
    /// `Description`.
    public var orderDescription: String
    /// `Email`.
    public var email: String?
    /// `InvoiceId`.
    public var invoiceId: String?
    /// `AccountId`.
    public var accountId: String?
    /// `RequireConfirmation`: true for a two-stage payment.
    public var requireConfirmation: Bool?
    /// `SuccessRedirectUrl`.
    public var successRedirectURL: String?
    /// `FailRedirectUrl`.
    public var failRedirectURL: String?
    /// `JsonData`: JSON object text, sent as an object.
    public var jsonData: String?

    /// Creates a request.
    public init(
        amount: Money,
        orderDescription: String,
        email: String? = nil,
        invoiceId: String? = nil,
        accountId: String? = nil,
        requireConfirmation: Bool? = nil,
        successRedirectURL: String? = nil,
        failRedirectURL: String? = nil,
        jsonData: String? = nil
    ) {
        self.amount = amount
        self.orderDescription = orderDescription
        self.email = email
        self.invoiceId = invoiceId
        self.accountId = accountId
        self.requireConfirmation = requireConfirmation
        self.successRedirectURL = successRedirectURL
        self.failRedirectURL = failRedirectURL
        self.jsonData = jsonData
    }

    func body() throws(CloudPaymentsError) -> [UInt8] {
        var writer = JSONWriter()
        writer.amount("Amount", self.amount.decimal)
        writer.string("Currency", self.amount.currency.code)
        writer.string("Description", self.orderDescription)
        writer.string("Email", self.email)
        writer.string("InvoiceId", self.invoiceId)
        writer.string("AccountId", self.accountId)
        writer.bool("RequireConfirmation", self.requireConfirmation)
        writer.string("SuccessRedirectUrl", self.successRedirectURL)
        writer.string("FailRedirectUrl", self.failRedirectURL)
        writer.raw("JsonData", try JSONData.object(self.jsonData))
        return writer.bytes
    }
}
