/// Reads a column that holds an int2, int4 or int8 as an `Int64`, for the integer conformances.
enum PostgresInteger {
    static func read(_ bytes: UnsafeRawBufferPointer, type: PostgresDataType) -> Int64? {
        switch type {
        case .int2 where bytes.count == 2: Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
        case .int4 where bytes.count == 4: Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
        case .int8 where bytes.count == 8: Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
        default: nil
        }
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    // Narrower Swift types accept only columns that cannot overflow them, so that a value that
    // fits today does not start failing when the data grows; wider ones accept every integer type.
    static func decode<T: FixedWidthInteger & PostgresDecodable>(
        _: T.Type,
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType,
        accepted: [PostgresDataType]
    ) throws(PostgresError) -> T {
        let bytes = try T.nonNull(bytes)
        guard accepted.contains(type), let value = read(bytes, type: type) else { throw T.mismatch(type) }
        return T(truncatingIfNeeded: value)
    }
}

extension Int16: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .int2 }
    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        PostgresInteger.append(self, to: &bytes)
        return true
    }
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Int16 {
        try PostgresInteger.decode(Int16.self, from: bytes, type: type, accepted: [.int2])
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .int4 }
    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        PostgresInteger.append(self, to: &bytes)
        return true
    }
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Int32 {
        try PostgresInteger.decode(Int32.self, from: bytes, type: type, accepted: [.int2, .int4])
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .int8 }
    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        PostgresInteger.append(self, to: &bytes)
        return true
    }
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Int64 {
        try PostgresInteger.decode(Int64.self, from: bytes, type: type, accepted: [.int2, .int4, .int8])
    }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .int8 }
    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        PostgresInteger.append(Int64(self), to: &bytes)
        return true
    }
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Int {
        try PostgresInteger.decode(Int.self, from: bytes, type: type, accepted: [.int2, .int4, .int8])
    }
}
