import BoxOfficeRPC
import Foundation

/// Who is calling, from the RPC metadata's `caller`: `user:<uuid>`, `admin:<uuid>`, or a
/// service's name.
enum Caller: Hashable, Sendable {
    case user(UUID)
    case admin(String)
    case service(String)

    init(_ metadata: Metadata) {
        let text = metadata.caller ?? ""
        if text.hasPrefix("user:"), let id = UUID(uuidString: String(text.dropFirst("user:".count))) {
            self = .user(id)
        } else if text.hasPrefix("admin:") {
            self = .admin(text)
        } else {
            self = .service(text)
        }
    }

    /// The user this caller acts as, when it is one.
    var userID: UUID? {
        if case .user(let id) = self { return id }
        return nil
    }

    /// The text idempotency keys are scoped by.
    static func scope(_ metadata: Metadata) -> String { metadata.caller ?? "" }
}
