/// `Pay`: the payment succeeded. Its `description` leaves out the token.
public struct PayNotification: Hashable, Sendable, CustomStringConvertible {
    /// The shared payment fields.
    public var payment: NotificationPayment
    /// `Status`: `Completed` (one-stage) or `Authorized` (two-stage).
    public var status: TransactionStatus
    /// `AuthCode`.
    public var authCode: String?
    /// `Token`: save it for renewals.
    public var token: String?
    /// `GatewayName`.
    public var gatewayName: String?
    /// `Rrn`.
    public var rrn: String?
    /// `TotalFee` in the payment's currency.
    public var totalFee: Money?

    init(fields: LooseFields) throws(CloudPaymentsError) {
        self.payment = try NotificationPayment(fields: fields)
        self.status = TransactionStatus(name: try fields.requiredString("Status"))
        self.authCode = try fields.string("AuthCode")
        self.token = try fields.string("Token")
        self.gatewayName = try fields.string("GatewayName")
        self.rrn = try fields.string("Rrn")
        self.totalFee = try fields.decimal("TotalFee")?.money(in: self.payment.amount.currency)
    }

    public var description: String {
        "PayNotification(\(self.payment.transactionId), \(self.payment.amount), \(self.status), "
            + "InvoiceId \(self.payment.invoiceId ?? "-"), token \(self.token == nil ? "none" : "<redacted>"))"
    }
}
