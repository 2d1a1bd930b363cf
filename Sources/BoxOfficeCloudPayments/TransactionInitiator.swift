/// Who starts a token payment: `TrInitiatorCode`.
public enum TransactionInitiator: Int, Hashable, Sendable {
    /// 0: the merchant (renewals, without the payer present).
    case merchant = 0
    /// 1: the cardholder, present and paying.
    case cardholder = 1
}
