/// What we answer a notification with: `{"code":0}` accepts; Check may refuse with its codes.
public enum NotificationAnswer: Int, Hashable, Sendable, CaseIterable {
    /// 0: accepted (after it is durably recorded). Any other answer to Pay, Fail, Confirm,
    /// Refund, Recurrent or Cancel makes the provider retry.
    case accepted = 0
    /// 10 (Check): the InvoiceId is wrong.
    case invalidInvoiceId = 10
    /// 11 (Check): the AccountId is wrong.
    case invalidAccountId = 11
    /// 12 (Check): the amount is wrong.
    case wrongAmount = 12
    /// 13 (Check): the payment cannot be accepted.
    case cannotAccept = 13
    /// 20 (Check): the payment has expired.
    case expired = 20

    /// The answer's `code`.
    public var code: Int { self.rawValue }

    /// The JSON body to send with HTTP 200: `{"code":0}`.
    public var json: String { "{\"code\":\(self.rawValue)}" }

    /// ``json`` as bytes.
    public var jsonBytes: [UInt8] { Array(self.json.utf8) }
}
