/// The notification types; the provider posts each to its own configured URL, so the kind is
/// known from the route, not from the body.
public enum NotificationKind: String, Hashable, Sendable, CaseIterable {
    /// `Check`: before the payment; answer decides whether it may go ahead.
    case check = "Check"
    /// `Pay`: a payment succeeded (Completed, or Authorized for two-stage).
    case pay = "Pay"
    /// `Fail`: a payment was declined.
    case fail = "Fail"
    /// `Confirm`: a two-stage payment was confirmed.
    case confirm = "Confirm"
    /// `Refund`: a refund was made.
    case refund = "Refund"
    /// `Recurrent`: a provider-side subscription changed.
    case recurrent = "Recurrent"
    /// `Cancel`: a payment was voided.
    case cancel = "Cancel"
}
