extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .bool }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        bytes.append(self ? 1 : 0)
        return true
    }

    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Bool {
        let bytes = try nonNull(bytes)
        guard type == .bool, bytes.count == 1 else { throw mismatch(type) }
        return bytes[0] != 0
    }
}
