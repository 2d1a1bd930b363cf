/// A transaction's `Status` (with its `StatusCode`). Unknown statuses are kept, not dropped.
public enum TransactionStatus: Hashable, Sendable, CustomStringConvertible {
    /// `AwaitingAuthentication` (1): waiting for 3-D Secure.
    case awaitingAuthentication
    /// `Authorized` (2): money held; confirm or void it.
    case authorized
    /// `Completed` (3): money taken; may be refunded.
    case completed
    /// `Cancelled` (4): voided or fully refunded.
    case cancelled
    /// `Declined` (5).
    case declined
    /// A status this client does not know, as the provider spelled it.
    case unknown(String)

    /// The status named `name` (compared case-insensitively, as the provider's keys are).
    public init(name: String) {
        switch name.lowercased() {
        case "awaitingauthentication": self = .awaitingAuthentication
        case "authorized": self = .authorized
        case "completed": self = .completed
        case "cancelled": self = .cancelled
        case "declined": self = .declined
        default: self = .unknown(name)
        }
    }

    /// The status for a `StatusCode`, or nil for a code this client does not know.
    public init?(code: Int) {
        switch code {
        case 1: self = .awaitingAuthentication
        case 2: self = .authorized
        case 3: self = .completed
        case 4: self = .cancelled
        case 5: self = .declined
        default: return nil
        }
    }

    /// The provider's `StatusCode`, nil for an unknown status.
    public var code: Int? {
        switch self {
        case .awaitingAuthentication: 1
        case .authorized: 2
        case .completed: 3
        case .cancelled: 4
        case .declined: 5
        case .unknown: nil
        }
    }

    /// The provider's spelling.
    public var name: String {
        switch self {
        case .awaitingAuthentication: "AwaitingAuthentication"
        case .authorized: "Authorized"
        case .completed: "Completed"
        case .cancelled: "Cancelled"
        case .declined: "Declined"
        case .unknown(let name): name
        }
    }

    public var description: String { self.name }
}
