public import struct Foundation.UUID

extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .uuid }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        withUnsafeBytes(of: self.uuid) { bytes.append(contentsOf: $0) }
        return true
    }

    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> UUID {
        let bytes = try nonNull(bytes)
        guard type == .uuid, bytes.count == 16 else { throw mismatch(type) }
        var value:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: bytes) }
        return UUID(uuid: value)
    }
}
