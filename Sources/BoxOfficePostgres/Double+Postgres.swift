extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .float8 }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        PostgresInteger.append(self.bitPattern, to: &bytes)
        return true
    }

    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Double {
        let bytes = try nonNull(bytes)
        switch type {
        case .float8 where bytes.count == 8:
            return Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)))
        case .float4 where bytes.count == 4:
            return Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))))
        default:
            throw mismatch(type)
        }
    }
}
