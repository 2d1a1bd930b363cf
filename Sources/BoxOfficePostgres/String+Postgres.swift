extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .text }

    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        bytes.append(contentsOf: self.utf8)
        return true
    }

    /// Decodes text-like columns (text, varchar, char, name) and JSON documents (json, jsonb).
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> String {
        let bytes = try nonNull(bytes)
        switch type {
        case .text, .varchar, .bpchar, .name, .json:
            return String(decoding: bytes, as: UTF8.self)
        case .jsonb where bytes.first == 1:
            // Binary jsonb is a version byte (1) followed by the document's text.
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        default:
            throw mismatch(type)
        }
    }
}
