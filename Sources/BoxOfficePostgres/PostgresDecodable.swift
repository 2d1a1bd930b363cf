/// A Swift type that a result column can be decoded as.
///
/// Results arrive in Postgres's binary format; a conformance checks the column's type and throws
/// ``PostgresError/Code/typeMismatch`` for one it cannot read (``PostgresRow`` adds the column's
/// name to the error). Non-optional types throw ``PostgresError/Code/unexpectedNull`` for NULL;
/// `Optional` of a decodable type yields `nil`.
public protocol PostgresDecodable: Sendable {
    /// Decodes a value of `type` from its binary representation; `bytes` is `nil` for SQL NULL.
    static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Self
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Self {
        guard let bytes else { return nil }
        return try Wrapped.decodePostgresBinary(from: bytes, type: type)
    }
}

extension PostgresDecodable {
    /// The error for a column whose type `Self` cannot be decoded from.
    static func mismatch(_ type: PostgresDataType) -> PostgresError {
        PostgresError(code: .typeMismatch, message: "cannot decode Postgres type \(type) as \(Self.self)")
    }

    /// Unwraps a non-NULL value or throws ``PostgresError/Code/unexpectedNull``.
    static func nonNull(_ bytes: UnsafeRawBufferPointer?) throws(PostgresError) -> UnsafeRawBufferPointer {
        guard let bytes else {
            throw PostgresError(code: .unexpectedNull, message: "NULL cannot be decoded as \(Self.self); use Optional")
        }
        return bytes
    }
}
