public import Contracts

/// Where a payment stands, as stored in `payments.status`; the values of the contract's
/// `PaymentStatus` (see ``PaymentState`` for the transitions between them).
public enum PaymentStatus: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Recorded; the provider has not answered yet.
    case created
    /// Waiting for the payer: 3-D Secure or a hosted page.
    case requiresAction = "requires_action"
    /// The money was taken.
    case succeeded
    /// Declined, abandoned, or refused before reaching the provider; no money moved.
    case failed
    /// The provider's answer was lost; the reconciler (or a notification) settles it.
    case unknown
    /// Succeeded, then part of it was refunded.
    case partiallyRefunded = "partially_refunded"
    /// Succeeded, then all of it was refunded.
    case refunded
    /// Authorized, then released; no money moved.
    case voided
    /// The money is held (two-stage); capture or void it.
    case authorized

    /// Whether the status is one where money was taken (the ledger holds the charge).
    public var hasTakenMoney: Bool {
        switch self {
        case .succeeded, .partiallyRefunded, .refunded: true
        default: false
        }
    }

    /// The contract's value.
    public var proto: Payments_V1_PaymentStatus {
        switch self {
        case .created: .created
        case .requiresAction: .requiresAction
        case .succeeded: .succeeded
        case .failed: .failed
        case .unknown: .unknown
        case .partiallyRefunded: .partiallyRefunded
        case .refunded: .refunded
        case .voided: .voided
        case .authorized: .authorized
        }
    }

    /// The status for a contract value; nil for UNSPECIFIED and unknown numbers.
    public init?(proto: Payments_V1_PaymentStatus) {
        guard let status = Self.allCases.first(where: { $0.proto == proto }) else { return nil }
        self = status
    }

    public var description: String { self.rawValue }
}
