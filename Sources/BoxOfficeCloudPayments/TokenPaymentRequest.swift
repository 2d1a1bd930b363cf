/// The body of `/payments/tokens/charge` and `/payments/tokens/auth`.
///
/// `TrInitiatorCode` and `PaymentScheduled` have no defaults: a public client defaulting them
/// sent renewals as cardholder-initiated. Use ``renewal(amount:accountId:token:invoiceId:)``
/// for scheduled renewals (0 and 1). Its `description` leaves out the token.
public struct TokenPaymentRequest: Sendable, CustomStringConvertible {
    /// `Amount` and `Currency`.
    public var amount: Money
    /// `AccountId`: the user the token was issued for.
    public var accountId: String
    /// `Token`: never logged.
    public var token: String
    /// `TrInitiatorCode`.
    public var initiator: TransactionInitiator
    /// `PaymentScheduled`: sent as 1 or 0; 1 for scheduled renewals.
    public var paymentScheduled: Bool
    /// `InvoiceId`: one per charge attempt.
    public var invoiceId: String?
    /// `Description`.
    public var paymentDescription: String?
    /// `IpAddress`.
    public var ipAddress: String?
    /// `Email`.
    public var email: String?
    /// `JsonData`: JSON object text, sent as an object.
    public var jsonData: String?

    /// Creates a request.
    public init(
        amount: Money,
        accountId: String,
        token: String,
        initiator: TransactionInitiator,
        paymentScheduled: Bool,
        invoiceId: String? = nil,
        paymentDescription: String? = nil,
        ipAddress: String? = nil,
        email: String? = nil,
        jsonData: String? = nil
    ) {
        self.amount = amount
        self.accountId = accountId
        self.token = token
        self.initiator = initiator
        self.paymentScheduled = paymentScheduled
        self.invoiceId = invoiceId
        self.paymentDescription = paymentDescription
        self.ipAddress = ipAddress
        self.email = email
        self.jsonData = jsonData
    }

    /// A scheduled renewal: merchant-initiated (`TrInitiatorCode=0`), `PaymentScheduled=1`.
    public static func renewal(amount: Money, accountId: String, token: String, invoiceId: String) -> Self {
        Self(
            amount: amount,
            accountId: accountId,
            token: token,
            initiator: .merchant,
            paymentScheduled: true,
            invoiceId: invoiceId
        )
    }

    public var description: String {
        "TokenPaymentRequest(\(self.amount), InvoiceId \(self.invoiceId ?? "-"), "
            + "TrInitiatorCode \(self.initiator.rawValue), PaymentScheduled \(self.paymentScheduled ? 1 : 0), "
            + "token <redacted>)"
    }

    func body() throws(CloudPaymentsError) -> [UInt8] {
        var writer = JSONWriter()
        writer.amount("Amount", self.amount.decimal)
        writer.string("Currency", self.amount.currency.code)
        writer.string("AccountId", self.accountId)
        writer.string("Token", self.token)
        writer.integer("TrInitiatorCode", Int64(self.initiator.rawValue))
        writer.integer("PaymentScheduled", self.paymentScheduled ? 1 : 0)
        writer.string("InvoiceId", self.invoiceId)
        writer.string("Description", self.paymentDescription)
        writer.string("IpAddress", self.ipAddress)
        writer.string("Email", self.email)
        writer.raw("JsonData", try JSONData.object(self.jsonData))
        return writer.bytes
    }
}
