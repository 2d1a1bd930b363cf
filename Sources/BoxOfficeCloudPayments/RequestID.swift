/// The `X-Request-ID` of a mutating call: the provider processes repeats with the same id once
/// (for one hour) and answers them identically.
///
/// Derive it from our own attempt id so that a retry of the same attempt reuses it and a new
/// attempt never does.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    /// Longer than any id we derive; keeps the header bounded.
    public static let lengthMax = 128

    /// The header value.
    public let value: String

    /// A request id from `value`: 1 to ``lengthMax`` visible ASCII characters.
    ///
    /// - Throws: ``CloudPaymentsError`` `.invalidArgument` otherwise.
    public init(_ value: String) throws(CloudPaymentsError) {
        guard !value.isEmpty, value.utf8.count <= Self.lengthMax,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw CloudPaymentsError(
                code: .invalidArgument,
                message: "X-Request-ID must be 1 to \(Self.lengthMax) visible ASCII characters"
            )
        }
        self.value = value
    }

    public var description: String { self.value }
}
