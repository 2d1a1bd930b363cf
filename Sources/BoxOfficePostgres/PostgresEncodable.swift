/// A Swift value that can be bound as a query parameter.
///
/// Values are sent in Postgres's binary format with their type's OID, so the server never parses
/// them as SQL. The standard conformances are `Int16`, `Int32`, `Int64`, `Int` (int8), `Bool`,
/// `String` (text), `UUID`, `Date` (timestamptz, microseconds), `[UInt8]` (bytea), `Double`
/// (float8), and `Optional` of each (NULL for `nil`).
public protocol PostgresEncodable: Sendable {
    /// The type the value is sent as; the server converts it where a column has a related type.
    static var postgresDataType: PostgresDataType { get }

    /// Appends the value's binary representation to `bytes` and returns `true`, or appends
    /// nothing and returns `false` to send SQL NULL.
    func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        switch self {
        case .some(let value): value.encodePostgresBinary(into: &bytes)
        case .none: false
        }
    }
}
