/// The payment state machine: a pure value, no I/O. Every transition is listed in
/// ``applying(_:)``; anything else throws ``PaymentsError/Code/illegalTransition`` naming the
/// status and the event.
///
/// ```
/// created ──► requires_action ──► succeeded ──► partially_refunded ──► refunded
///    │               │        ╲──► authorized ──► succeeded (captured)
///    │               │                       ╲──► voided
///    ├──► succeeded / authorized / failed / unknown
/// unknown ──► succeeded / authorized / failed          (settled by reconciler or notification)
/// failed ──► succeeded / authorized                     (a late success: the money moved, book it)
/// ```
///
/// Choices the design left open:
/// - A capture or void whose outcome is unknown leaves the payment `authorized`; the unknown is
///   tracked on the attempt, which the reconciler settles (`.captured` or `.voided`).
/// - `failed → succeeded/authorized` is allowed: a payer may retry on the hosted page after a
///   Fail notification, and money the provider took must be booked rather than refused.
/// - A repeat of the event that led to the current status (Pay after succeeded, Fail after
///   failed, Cancel after voided, Confirm after succeeded, an unknown again) is a no-op (``Transition/isNoOp``), since
///   notifications, the synchronous answer and the reconciler race to report the same outcome.
public struct PaymentState: Hashable, Sendable {
    /// What happened to the payment.
    public enum Event: Hashable, Sendable, CustomStringConvertible {
        /// The payer must act: a 3-D Secure challenge or a hosted page.
        case actionRequired
        /// The provider took the money (one-stage charge, Pay with Status Completed).
        case approved
        /// The provider holds the money (two-stage, Pay with Status Authorized).
        case authorized
        /// The provider declined, or the request was refused before it reached the provider.
        case declined
        /// The provider's answer was lost.
        case outcomeUnknown
        /// An authorized payment was captured, for `amountMinor` (up to the authorized amount).
        case captured(amountMinor: Int64)
        /// An authorized payment was released.
        case voided
        /// `amountMinor` of a succeeded payment was returned.
        case refunded(amountMinor: Int64)

        public var description: String {
            switch self {
            case .actionRequired: "actionRequired"
            case .approved: "approved"
            case .authorized: "authorized"
            case .declined: "declined"
            case .outcomeUnknown: "outcomeUnknown"
            case .captured(let amount): "captured(\(amount))"
            case .voided: "voided"
            case .refunded(let amount): "refunded(\(amount))"
            }
        }
    }

    /// The outcome of ``applying(_:)``.
    public struct Transition: Hashable, Sendable {
        /// The state after the event.
        public var state: PaymentState
        /// True when the event repeated an outcome already recorded: nothing changes, and no
        /// ledger entry or event may be written for it.
        public var isNoOp: Bool
    }

    /// Where the payment stands.
    public var status: PaymentStatus
    /// What is (or will be) taken; a partial capture lowers it.
    public var amountMinor: Int64
    /// How much of it has been refunded.
    public var refundedMinor: Int64

    /// A state; `refundedMinor` must be within `0...amountMinor`.
    public init(status: PaymentStatus, amountMinor: Int64, refundedMinor: Int64 = 0) {
        precondition(amountMinor > 0 && (0...amountMinor).contains(refundedMinor), "refunded must be within amount")
        self.status = status
        self.amountMinor = amountMinor
        self.refundedMinor = refundedMinor
    }

    /// What is left to refund.
    public var refundableMinor: Int64 { self.status.hasTakenMoney ? self.amountMinor - self.refundedMinor : 0 }

    /// The state after `event`.
    ///
    /// - Throws: ``PaymentsError`` `.illegalTransition` naming the status and the event for a
    ///   transition the machine does not have (a refund of a failed payment, a capture of a
    ///   succeeded one), `.failedPrecondition` naming `amountMinor` for a refund above what is
    ///   left or a capture above the authorized amount (or an amount that is not positive).
    public func applying(_ event: Event) throws(PaymentsError) -> Transition {
        switch (self.status, event) {
        // Repeats of the outcome already recorded.
        case (.requiresAction, .actionRequired), (.succeeded, .approved), (.partiallyRefunded, .approved),
            (.refunded, .approved), (.authorized, .authorized), (.failed, .declined), (.unknown, .outcomeUnknown),
            (.voided, .voided), (.succeeded, .captured), (.partiallyRefunded, .captured), (.refunded, .captured):
            return Transition(state: self, isNoOp: true)

        case (.created, .actionRequired):
            return self.moving(to: .requiresAction)
        case (.created, .approved), (.requiresAction, .approved), (.unknown, .approved), (.failed, .approved):
            return self.moving(to: .succeeded)
        case (.created, .authorized), (.requiresAction, .authorized), (.unknown, .authorized), (.failed, .authorized):
            return self.moving(to: .authorized)
        case (.created, .declined), (.requiresAction, .declined), (.unknown, .declined):
            return self.moving(to: .failed)
        case (.created, .outcomeUnknown), (.requiresAction, .outcomeUnknown):
            return self.moving(to: .unknown)

        case (.authorized, .captured(let amount)):
            guard amount > 0, amount <= self.amountMinor else {
                throw PaymentsError(
                    code: .failedPrecondition,
                    message: "amountMinor: a capture must be 1 to \(self.amountMinor), got \(amount)",
                    field: "amountMinor"
                )
            }
            var next = self
            next.status = .succeeded
            next.amountMinor = amount
            return Transition(state: next, isNoOp: false)
        case (.authorized, .approved):
            // The provider reports the held payment completed: the capture happened.
            return self.moving(to: .succeeded)
        case (.authorized, .voided):
            return self.moving(to: .voided)

        case (.succeeded, .refunded(let amount)), (.partiallyRefunded, .refunded(let amount)):
            let left = self.amountMinor - self.refundedMinor
            guard amount > 0, amount <= left else {
                throw PaymentsError(
                    code: .failedPrecondition,
                    message: "amountMinor: a refund must be 1 to \(left) (the amount not yet refunded), got \(amount)",
                    field: "amountMinor"
                )
            }
            var next = self
            next.refundedMinor += amount
            next.status = next.refundedMinor == next.amountMinor ? .refunded : .partiallyRefunded
            return Transition(state: next, isNoOp: false)

        default:
            throw PaymentsError(
                code: .illegalTransition,
                message: "payment in status \(self.status) cannot take event \(event)"
            )
        }
    }

    private func moving(to status: PaymentStatus) -> Transition {
        var next = self
        next.status = status
        return Transition(state: next, isNoOp: false)
    }
}
