/// A parsed provider notification.
///
/// Parse only a body that ``NotificationVerifier`` has accepted: the signature is over the raw
/// bytes, checked before any field is read.
public enum CloudPaymentsNotification: Hashable, Sendable {
    /// `Check`.
    case check(NotificationPayment)
    /// `Pay`.
    case pay(PayNotification)
    /// `Fail`.
    case fail(FailNotification)
    /// `Confirm`: the shared payment fields of the confirmed payment.
    case confirm(NotificationPayment)
    /// `Refund`.
    case refund(RefundNotification)
    /// `Recurrent`.
    case recurrent(RecurrentNotification)
    /// `Cancel`.
    case cancel(CancelNotification)

    /// Parses the form-encoded `body` of a notification of `kind` (known from the URL it came to).
    ///
    /// Empty fields are absent; amounts are exact (``Money``) or refused.
    ///
    /// - Throws: ``CloudPaymentsError`` `.malformedNotification` for a body that is not form
    ///   encoding or lacks a required field; `.invalidAmount` / `.unknownCurrency` for money
    ///   that cannot be represented exactly.
    public init(kind: NotificationKind, body: [UInt8]) throws(CloudPaymentsError) {
        let fields = LooseFields(try FormBody.decode(body))
        do throws(CloudPaymentsError) {
            switch kind {
            case .check: self = .check(try NotificationPayment(fields: fields))
            case .pay: self = .pay(try PayNotification(fields: fields))
            case .fail: self = .fail(try FailNotification(fields: fields))
            case .confirm: self = .confirm(try NotificationPayment(fields: fields))
            case .refund: self = .refund(try RefundNotification(fields: fields))
            case .recurrent: self = .recurrent(try RecurrentNotification(fields: fields))
            case .cancel: self = .cancel(try CancelNotification(fields: fields))
            }
        } catch  where error.code == .malformedResponse {
            throw FormBody.malformed(error.message)
        }
    }

    /// The notification's kind.
    public var kind: NotificationKind {
        switch self {
        case .check: .check
        case .pay: .pay
        case .fail: .fail
        case .confirm: .confirm
        case .refund: .refund
        case .recurrent: .recurrent
        case .cancel: .cancel
        }
    }
}
