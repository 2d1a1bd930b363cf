/// `Fail`: the payment was declined.
public struct FailNotification: Hashable, Sendable {
    /// The shared payment fields.
    public var payment: NotificationPayment
    /// `Reason` (`InsufficientFunds`).
    public var reason: String?
    /// `ReasonCode`.
    public var reasonCode: ReasonCode

    init(fields: LooseFields) throws(CloudPaymentsError) {
        self.payment = try NotificationPayment(fields: fields)
        self.reason = try fields.string("Reason")
        self.reasonCode = ReasonCode(rawValue: Int(try fields.requiredInt64("ReasonCode")))
    }
}
