/// Byte arrays are bytea.
extension Array: PostgresEncodable where Element == UInt8 {
    public static var postgresDataType: PostgresDataType { .bytea }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        bytes.append(contentsOf: self)
        return true
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> [UInt8] {
        let bytes = try nonNull(bytes)
        guard type == .bytea else { throw mismatch(type) }
        return [UInt8](bytes)
    }
}
