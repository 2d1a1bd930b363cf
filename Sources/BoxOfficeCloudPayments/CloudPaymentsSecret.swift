/// The API secret: the Basic auth password and the notification HMAC key.
///
/// Its `description` and `debugDescription` are redacted so that logging a configuration or an
/// error can never print it.
public struct CloudPaymentsSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    /// Wraps the secret `value`.
    public init(_ value: String) { self.value = value }

    var bytes: [UInt8] { Array(self.value.utf8) }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
