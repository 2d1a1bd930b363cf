/// What applying one provider notification did; kept in `provider_notifications.outcome`.
public enum ProviderNotificationOutcome: String, Hashable, Sendable, CaseIterable {
    /// The notification changed the payment (or its refund).
    case applied
    /// It repeated an outcome already recorded (the synchronous answer or the reconciler came
    /// first): nothing changed.
    case noChange = "no_change"
    /// No payment has its InvoiceId: recorded, logged at warning, answered 0 so the provider
    /// stops retrying.
    case unknownPayment = "unknown_payment"
    /// It came before what it depends on (a Refund before the Pay): kept unprocessed and
    /// re-applied once the payment has settled.
    case deferred
    /// It reports an outcome the payment has moved past (a Fail after a later Pay): ignored.
    case stale
    /// It contradicts our records (another amount or currency, a refund above what is left):
    /// ignored and logged at error for people to look at.
    case rejected
    /// A kind BoxOffice does not act on (Recurrent).
    case ignored
    /// A second delivery of a notification already recorded: answered 0 without applying it again.
    case duplicate
}
